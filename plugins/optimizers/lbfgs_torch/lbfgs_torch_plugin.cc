// The `lbfgs_torch` optimizer plugin.
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"
#include "lbfgs_torch.h"

namespace {

void register_lbfgs_torch(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::optimizers::LbfgsTorch>(
      registry, "lbfgs_torch",
      "PyTorch's L-BFGS without line search (pykan 0.0.5 kan.LBFGS, the KAN-HNN author's "
      "optimizer); one step() call of up to max_iter fixed-length iterations per epoch");
}

}  // namespace

HNN_PLUGIN("lbfgs_torch", "1.0.0", register_lbfgs_torch)
