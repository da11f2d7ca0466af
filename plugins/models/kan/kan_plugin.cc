// The `kan` plugin library: registers KolmogorovArnoldNetwork as the model `kan`.
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"
#include "kan.h"

namespace {

void register_kan(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::kan::KolmogorovArnoldNetwork>(
      registry, "kan",
      "Kolmogorov-Arnold network as pykan 0.0.5: B-spline + SiLU edge activations, node "
      "biases, grid update, activation regulariser (kan.md 1-5)");
}

}  // namespace

HNN_PLUGIN("kan", "1.0.0", register_kan)
