// The `lbfgs` optimizer plugin.
#include <memory>

#include "hnn/plugin.h"
#include "lbfgs.h"

namespace {

void register_lbfgs(hnn::Registry& registry) {
  registry.add_optimizer(
      "lbfgs",
      "L-BFGS with a Wolfe line search (Ceres GradientProblemSolver); one iteration per epoch",
      hnn::optimizers::LbfgsOptions::schema(), [](const hnn::Options& options) {
        return std::make_unique<hnn::optimizers::Lbfgs>(
            hnn::optimizers::LbfgsOptions::from(options));
      });
}

}  // namespace

HNN_PLUGIN("lbfgs", "1.0.0", register_lbfgs)
