// The expression plugin library: registers the system `expression`.
#include "expression_system.h"
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"

namespace {

void register_expression(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::systems::ExpressionSystem>(
      registry, "expression",
      "H given as a formula (option hamiltonian), differentiated symbolically with GiNaC and "
      "compiled; any number of degrees of freedom");
}

}  // namespace

HNN_PLUGIN("expression", "0.1.0", register_expression)
