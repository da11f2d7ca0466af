// The henon_heiles plugin library: registers the system `henon_heiles`.
#include "henon_heiles.h"
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"

namespace {

void register_henon_heiles(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::systems::HenonHeiles>(
      registry, "henon_heiles",
      "Henon-Heiles, H = (px^2 + py^2)/2 + (x^2 + y^2)/2 + lambda (x^2 y - "
      "y^3/3), 2 degrees of freedom, chaotic; states sampled on energy shells "
      "below the escape energy");
}

}  // namespace

HNN_PLUGIN("henon_heiles", "0.1.0", register_henon_heiles)
