// The pendulum plugin library: registers the system `pendulum`.
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"
#include "pendulum.h"

namespace {

void register_pendulum(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::systems::Pendulum>(
      registry, "pendulum",
      "ideal pendulum, H = m g l (1 - cos q) + p^2/(2 m l^2) (defaults: "
      "3 (1 - cos q) + p^2), 1 degree of freedom");
}

}  // namespace

HNN_PLUGIN("pendulum", "0.1.0", register_pendulum)
