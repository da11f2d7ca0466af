// The `kan` plugin library: registers KolmogorovArnoldNetwork as the model `kan`.
#include <memory>

#include "hnn/plugin.h"
#include "kan.h"

namespace {

void register_kan(hnn::Registry& registry) {
  registry.add_model(
      "kan",
      "Kolmogorov-Arnold network as pykan 0.0.5: B-spline + SiLU edge activations, node "
      "biases, grid update, activation regulariser (kan.md 1-5)",
      hnn::kan::KolmogorovArnoldNetwork::schema(), [](const hnn::Options& options) {
        return std::make_unique<hnn::kan::KolmogorovArnoldNetwork>(
            hnn::kan::KolmogorovArnoldNetwork::from_options(options));
      });
}

}  // namespace

HNN_PLUGIN("kan", "1.0.0", register_kan)
