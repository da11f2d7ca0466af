// The `lbfgs` optimizer plugin.
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"
#include "lbfgs.h"

namespace {

void register_lbfgs(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::optimizers::Lbfgs>(
      registry, "lbfgs",
      "L-BFGS with a Wolfe line search (Ceres GradientProblemSolver); one iteration per epoch");
}

}  // namespace

HNN_PLUGIN("lbfgs", "1.0.0", register_lbfgs)
