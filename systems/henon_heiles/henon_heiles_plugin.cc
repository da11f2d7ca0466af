// The henon_heiles plugin library: registers the system `henon_heiles`.
#include <memory>

#include "henon_heiles.h"
#include "hnn/plugin.h"

namespace {

void register_henon_heiles(hnn::Registry& registry) {
  registry.add_system("henon_heiles",
                      "Henon-Heiles, H = (px^2 + py^2)/2 + (x^2 + y^2)/2 + lambda (x^2 y - "
                      "y^3/3), 2 degrees of freedom, chaotic; states sampled on energy shells "
                      "below the escape energy",
                      hnn::systems::HenonHeiles::schema(), [](const hnn::Options& options) {
                        return std::make_unique<hnn::systems::HenonHeiles>(options);
                      });
}

}  // namespace

HNN_PLUGIN("henon_heiles", "0.1.0", register_henon_heiles)
