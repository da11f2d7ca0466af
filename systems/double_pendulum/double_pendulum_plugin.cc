// The double_pendulum plugin library: registers the system `double_pendulum`.
#include <memory>

#include "double_pendulum.h"
#include "hnn/plugin.h"

namespace {

void register_double_pendulum(hnn::Registry& registry) {
  registry.add_system("double_pendulum",
                      "planar double pendulum (masses m1, m2, rods l1, l2, gravity g), 2 degrees "
                      "of freedom, state [q1, q2, p1, p2], non-separable H",
                      hnn::systems::DoublePendulum::schema(), [](const hnn::Options& options) {
                        return std::make_unique<hnn::systems::DoublePendulum>(options);
                      });
}

}  // namespace

HNN_PLUGIN("double_pendulum", "0.1.0", register_double_pendulum)
