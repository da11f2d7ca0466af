// The MLP a run's checkpoint describes (checkpoints/<model>.yaml: its options and trained
// parameters), built from the bundled mlp plugin independently of the host's checkpoint
// reader, so that tests can recompute what a run reports.
#ifndef HNN_TESTS_END_TO_END_CHECKPOINT_MODEL_H_
#define HNN_TESTS_END_TO_END_CHECKPOINT_MODEL_H_

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <Eigen/Core>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bundled_plugins.h"
#include "hnn/model.h"

namespace hnn::testing {

// The checkpoint's MLP with its parameters set; the parameters also into *parameters when
// given. REQUIREs that the checkpoint is an mlp's and that the parameter count matches.
inline std::shared_ptr<Model> load_checkpoint_mlp(const BundledPlugins& plugins,
                                                  const std::filesystem::path& checkpoint_file,
                                                  std::vector<double>* parameters = nullptr) {
  const YAML::Node checkpoint = YAML::LoadFile(checkpoint_file.string());
  const YAML::Node options = checkpoint["options"];
  REQUIRE(checkpoint["plugin"].as<std::string>() == "mlp");
  const auto model =
      plugins.model("mlp", {{"inputs", std::int64_t{options["inputs"].as<long>()}},
                            {"outputs", std::int64_t{options["outputs"].as<long>()}},
                            {"hidden", options["hidden"].as<std::vector<std::int64_t>>()},
                            {"activation", options["activation"].as<std::string>()},
                            {"output_bias", options["output_bias"].as<bool>()}});
  const auto values = checkpoint["parameters"].as<std::vector<double>>();
  REQUIRE(int(values.size()) == model->parameter_count());
  model->set_parameters(
      Eigen::Map<const Eigen::VectorXd>(values.data(), Eigen::Index(values.size())));
  if (parameters != nullptr) *parameters = values;
  return model;
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_END_TO_END_CHECKPOINT_MODEL_H_
