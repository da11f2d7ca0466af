// The `table` data-source plugin.
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"
#include "table_source.h"

namespace {

void register_table(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::data_sources::TableSource>(
      registry, "table",
      "measured trajectories from CSV, whitespace-separated text (Schmidt-Lipson included), "
      "NumPy .npy/.npz; columns by name or index");
}

}  // namespace

HNN_PLUGIN("table", "1.0.0", register_table)
