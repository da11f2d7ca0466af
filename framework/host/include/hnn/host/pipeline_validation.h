// Validation of a parsed pipeline against the host's sections (hnn/host/host_settings.h)
// and the registered plugins' schemas: every problem the pipeline itself determines is
// found here, so that `hnn-host --check` refuses whatever the run would refuse for a
// config reason. That includes what only built objects can tell: the system is built
// (a formula that does not parse, a state size), every model is built with its resolved
// sizes (symbolic needs an edge network, update_grid a grid, manual edges must exist) and
// its checkpoint is read and compared with it. What was built is kept in the result.
#ifndef HNN_HOST_PIPELINE_VALIDATION_H_
#define HNN_HOST_PIPELINE_VALIDATION_H_

#include <filesystem>
#include <string>
#include <vector>

#include "hnn/config_tree.h"
#include "hnn/host/diagnostics.h"
#include "hnn/host/pipeline_config.h"
#include "hnn/host/resource_limits.h"
#include "hnn/registry.h"

namespace hnn {

// The `plugins:` list of a parsed pipeline, resolved against the pipeline file's folder,
// read before anything else so that the plugins can be loaded before validation. Problems
// go to `diagnostics`.
std::vector<std::string> read_plugin_paths(const ConfigNode& root,
                                           const std::filesystem::path& pipeline_file,
                                           Diagnostics& diagnostics);

// Validates the whole tree; every problem goes to `diagnostics` (nothing is thrown for
// them), located at the key it concerns (or at its section, for a constraint between
// several keys). The result is meaningful only when diagnostics is empty; then it holds
// the typed settings of every section and what validation built (PipelineConfig). The
// run's estimated memory, part by part, is checked against `limits`
// (hnn/host/resource_limits.h).
PipelineConfig validate_pipeline(const ConfigNode& root, const std::filesystem::path& pipeline_file,
                                 const Registry& registry, Diagnostics& diagnostics,
                                 const ResourceLimits& limits = {});

}  // namespace hnn

#endif  // HNN_HOST_PIPELINE_VALIDATION_H_
