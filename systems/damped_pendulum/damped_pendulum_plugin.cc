// The damped_pendulum plugin library: registers the system `damped_pendulum`.
#include "damped_pendulum.h"
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"

namespace {

void register_damped_pendulum(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::systems::DampedPendulum>(
      registry, "damped_pendulum",
      "pendulum with friction, H = m g l (1 - cos q) + p^2/(2 m l^2), "
      "dp/dt = -m g l sin q - gamma p/(m l^2) (defaults: q'' = -6 sin q - 0.2 q'), "
      "1 degree of freedom");
}

}  // namespace

HNN_PLUGIN("damped_pendulum", "0.1.0", register_damped_pendulum)
