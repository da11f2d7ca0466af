// The `mlp` plugin library: registers MultilayerPerceptron as the model `mlp`.
#include <memory>

#include "hnn/plugin.h"
#include "mlp.h"

namespace {

void register_mlp(hnn::Registry& registry) {
  registry.add_model(
      "mlp",
      "fully connected network: hidden layers of one activation, linear output layer "
      "(hnn.md 2.1/2.2)",
      hnn::mlp::MultilayerPerceptron::schema(), [](const hnn::Options& options) {
        return std::make_unique<hnn::mlp::MultilayerPerceptron>(
            hnn::mlp::MultilayerPerceptron::from_options(options));
      });
}

}  // namespace

HNN_PLUGIN("mlp", "1.0.0", register_mlp)
