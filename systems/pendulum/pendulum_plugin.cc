// The pendulum plugin library: registers the system `pendulum`.
#include <memory>

#include "hnn/plugin.h"
#include "pendulum.h"

namespace {

void register_pendulum(hnn::Registry& registry) {
  registry.add_system("pendulum",
                      "ideal pendulum, H = m g l (1 - cos q) + p^2/(2 m l^2) (defaults: "
                      "3 (1 - cos q) + p^2), 1 degree of freedom",
                      hnn::systems::Pendulum::schema(), [](const hnn::Options& options) {
                        return std::make_unique<hnn::systems::Pendulum>(options);
                      });
}

}  // namespace

HNN_PLUGIN("pendulum", "0.1.0", register_pendulum)
