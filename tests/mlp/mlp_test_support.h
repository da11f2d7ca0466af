// Helpers of the mlp tests: load the real `mlp` plugin through the registry and make models.
#ifndef HNN_TESTS_MLP_MLP_TEST_SUPPORT_H_
#define HNN_TESTS_MLP_MLP_TEST_SUPPORT_H_

#include <Eigen/Core>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "hnn/model.h"
#include "hnn/options.h"
#include "hnn/plugin_loader.h"
#include "hnn/registry.h"

namespace hnn::testing {

// The registry with the bundled hnn_mlp.so loaded (once per test binary).
inline Registry& mlp_registry() {
  static Registry* registry = [] {
    auto* result = new Registry();
    PluginLoader loader(*result);
    loader.load_library(std::filesystem::path(HNN_BUNDLED_PLUGIN_DIR) / "hnn_mlp.so");
    return result;
  }();
  return *registry;
}

struct MlpSpec {
  int inputs = 2;
  int outputs = 2;
  std::vector<std::int64_t> hidden = {5, 4};
  std::string activation = "tanh";
  std::string initialization = "torch_default";
  bool output_bias = true;
  std::int64_t seed = 0;
};

// A model made by the plugin's factory, from options validated against its schema.
inline std::shared_ptr<Model> make_mlp(const MlpSpec& spec) {
  Registry& registry = mlp_registry();
  const PluginInfo* info = registry.find(PluginKind::kModel, "mlp");
  Options options = Options::defaults(info->schema);
  options.set("inputs", std::int64_t{spec.inputs});
  options.set("outputs", std::int64_t{spec.outputs});
  options.set("hidden", spec.hidden);
  options.set("activation", spec.activation);
  options.set("initialization", spec.initialization);
  options.set("output_bias", spec.output_bias);
  options.set("seed", spec.seed);
  for (const auto& [key, value] : options.values()) {
    const Option* option = info->schema.find(key);
    const std::string problem = option->check(value);
    if (!problem.empty()) throw std::runtime_error("test options: " + key + " " + problem);
  }
  return registry.create_model("mlp", options);
}

// d x N uniform entries in [low, high), deterministic in seed.
inline Eigen::MatrixXd uniform_matrix(Eigen::Index rows, Eigen::Index columns, unsigned seed,
                                      double low = -1.0, double high = 1.0) {
  std::mt19937_64 engine(seed);
  Eigen::MatrixXd result(rows, columns);
  for (Eigen::Index j = 0; j < columns; ++j)
    for (Eigen::Index i = 0; i < rows; ++i)
      result(i, j) = low + (high - low) * static_cast<double>(engine() >> 11) * 0x1.0p-53;
  return result;
}

// States on circles and the spring's field dx/dt = (2p, -2q), with some noise on the
// targets so that the loss is not at a minimum.
inline void spring_like_data(Eigen::Index samples, unsigned seed, Eigen::MatrixXd& states,
                             Eigen::MatrixXd& derivatives) {
  states = uniform_matrix(2, samples, seed);
  derivatives.resize(2, samples);
  derivatives.row(0) = 2.0 * states.row(1);
  derivatives.row(1) = -2.0 * states.row(0);
  derivatives += 0.05 * uniform_matrix(2, samples, seed + 1);
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_MLP_MLP_TEST_SUPPORT_H_
