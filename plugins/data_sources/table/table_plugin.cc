// The `table` data-source plugin.
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"
#include "table_source.h"

namespace {

void register_table(hnn::Registry& registry) {
  (void)registry;  // registered once the registry knows data sources (issue 13, data-core)
}

}  // namespace

HNN_PLUGIN("table", "1.0.0", register_table)
