// The spring_mass plugin library: registers the system `spring_mass`.
#include <memory>

#include "hnn/plugin.h"
#include "spring_mass.h"

namespace {

void register_spring_mass(hnn::Registry& registry) {
  registry.add_system("spring_mass",
                      "ideal mass-spring, H = k q^2/2 + p^2/(2m), 1 degree of freedom",
                      hnn::systems::SpringMass::schema(), [](const hnn::Options& options) {
                        return std::make_unique<hnn::systems::SpringMass>(options);
                      });
}

}  // namespace

HNN_PLUGIN("spring_mass", "0.1.0", register_spring_mass)
