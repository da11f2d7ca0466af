// The damped_spring plugin library: registers the system `damped_spring`.
#include "damped_spring.h"
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"

namespace {

void register_damped_spring(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::systems::DampedSpring>(
      registry, "damped_spring",
      "mass-spring with friction, H = k q^2/2 + p^2/(2m), dp/dt = -k q - gamma p/m, "
      "1 degree of freedom");
}

}  // namespace

HNN_PLUGIN("damped_spring", "0.1.0", register_damped_spring)
