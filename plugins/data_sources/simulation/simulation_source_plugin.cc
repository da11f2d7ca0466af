// Registers the `simulation` data source.
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"
#include "simulation_source.h"

namespace {

void register_simulation_source(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::data_sources::SimulationSource>(
      registry, "simulation",
      "trajectories of the pipeline's system, integrated from its sampled initial states "
      "(the default source)");
}

}  // namespace

HNN_PLUGIN("simulation_source", "1.0.0", register_simulation_source)
