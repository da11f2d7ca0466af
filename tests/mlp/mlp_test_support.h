// Helpers of the mlp tests: load the real `mlp` plugin through the registry and make models.
#ifndef HNN_TESTS_MLP_MLP_TEST_SUPPORT_H_
#define HNN_TESTS_MLP_MLP_TEST_SUPPORT_H_

#include <Eigen/Core>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bundled_plugins.h"
#include "hnn/model.h"
#include "hnn/options.h"
#include "uniform_matrix.h"

namespace hnn::testing {

// The bundled hnn_mlp.so, loaded once per test binary (and kept to the end of the process).
inline const BundledPlugins& mlp_plugins() {
  static const BundledPlugins* plugins = new BundledPlugins({"hnn_mlp"});
  return *plugins;
}
inline const Registry& mlp_registry() { return mlp_plugins().registry(); }

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
  return mlp_plugins().model("mlp", {{"inputs", std::int64_t{spec.inputs}},
                                     {"outputs", std::int64_t{spec.outputs}},
                                     {"hidden", spec.hidden},
                                     {"activation", spec.activation},
                                     {"initialization", spec.initialization},
                                     {"output_bias", spec.output_bias},
                                     {"seed", spec.seed}});
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
