// The `lbfgs` optimizer plugin.
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"
#include "lbfgs.h"

namespace {

void register_lbfgs(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::optimizers::Lbfgs>(
      registry, "lbfgs",
      "L-BFGS with a strong-Wolfe line search (Ceres 2.1's algorithm); one iteration per epoch");
}

}  // namespace

HNN_PLUGIN("lbfgs", "1.0.0", register_lbfgs)
