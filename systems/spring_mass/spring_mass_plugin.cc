// The spring_mass plugin library: registers the system `spring_mass`.
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"
#include "spring_mass.h"

namespace {

void register_spring_mass(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::systems::SpringMass>(
      registry, "spring_mass", "ideal mass-spring, H = k q^2/2 + p^2/(2m), 1 degree of freedom");
}

}  // namespace

HNN_PLUGIN("spring_mass", "0.1.0", register_spring_mass)
