// The double_pendulum plugin library: registers the system `double_pendulum`.
#include "double_pendulum.h"
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"

namespace {

void register_double_pendulum(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::systems::DoublePendulum>(
      registry, "double_pendulum",
      "planar double pendulum (masses m1, m2, rods l1, l2, gravity g), 2 degrees "
      "of freedom, state [q1, q2, p1, p2], non-separable H");
}

}  // namespace

HNN_PLUGIN("double_pendulum", "0.1.0", register_double_pendulum)
