// The `adam` optimizer plugin.
#include "adam.h"
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"

namespace {

void register_adam(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::optimizers::Adam>(
      registry, "adam",
      "Adam as in PyTorch (coupled L2 weight decay); one full-batch step per epoch");
}

}  // namespace

HNN_PLUGIN("adam", "1.0.0", register_adam)
