// The `owlqn` optimizer plugin.
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"
#include "owlqn.h"

namespace {

void register_owlqn(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::optimizers::Owlqn>(
      registry, "owlqn",
      "libLBFGS's L-BFGS; with training.l1 > 0 OWL-QN, which minimises loss + l1 * sum "
      "|theta| exactly (no smoothing)");
}

}  // namespace

HNN_PLUGIN("owlqn", "1.0.0", register_owlqn)
