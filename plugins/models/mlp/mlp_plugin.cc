// The `mlp` plugin library: registers MultilayerPerceptron as the model `mlp`.
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"
#include "mlp.h"

namespace {

void register_mlp(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::mlp::MultilayerPerceptron>(
      registry, "mlp",
      "fully connected network: hidden layers of one activation, linear output layer "
      "(hnn.md 2.1/2.2)");
}

}  // namespace

HNN_PLUGIN("mlp", "1.0.0", register_mlp)
