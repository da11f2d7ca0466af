// The expression plugin library: registers the system `expression`.
#include <memory>

#include "expression_system.h"
#include "hnn/plugin.h"

namespace {

void register_expression(hnn::Registry& registry) {
  registry.add_system("expression",
                      "H given as a formula (option hamiltonian), differentiated symbolically "
                      "with GiNaC and compiled; any number of degrees of freedom",
                      hnn::systems::ExpressionSystem::schema(), [](const hnn::Options& options) {
                        return std::make_unique<hnn::systems::ExpressionSystem>(options);
                      });
}

}  // namespace

HNN_PLUGIN("expression", "0.1.0", register_expression)
