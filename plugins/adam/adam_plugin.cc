// The `adam` optimizer plugin.
#include <memory>

#include "adam.h"
#include "hnn/plugin.h"

namespace {

void register_adam(hnn::Registry& registry) {
  registry.add_optimizer(
      "adam", "Adam as in PyTorch (coupled L2 weight decay); one full-batch step per epoch",
      hnn::optimizers::AdamOptions::schema(), [](const hnn::Options& options) {
        return std::make_unique<hnn::optimizers::Adam>(hnn::optimizers::AdamOptions::from(options));
      });
}

}  // namespace

HNN_PLUGIN("adam", "1.0.0", register_adam)
