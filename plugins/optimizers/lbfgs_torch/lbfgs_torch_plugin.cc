// The `lbfgs_torch` optimizer plugin.
#include <memory>

#include "hnn/plugin.h"
#include "lbfgs_torch.h"

namespace {

void register_lbfgs_torch(hnn::Registry& registry) {
  registry.add_optimizer(
      "lbfgs_torch",
      "PyTorch's L-BFGS without line search (pykan 0.0.5 kan.LBFGS, the KAN-HNN author's "
      "optimizer); one step() call of up to max_iter fixed-length iterations per epoch",
      hnn::optimizers::LbfgsTorchOptions::schema(), [](const hnn::Options& options) {
        return std::make_unique<hnn::optimizers::LbfgsTorch>(
            hnn::optimizers::LbfgsTorchOptions::from(options));
      });
}

}  // namespace

HNN_PLUGIN("lbfgs_torch", "1.0.0", register_lbfgs_torch)
