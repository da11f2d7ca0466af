// Command-line overrides of a pipeline: `hnn-host --set key.path=value`.
#ifndef HNN_HOST_PIPELINE_OVERRIDES_H_
#define HNN_HOST_PIPELINE_OVERRIDES_H_

#include <string>
#include <vector>

#include "hnn/config_tree.h"

namespace hnn {

// The keys of a dotted key path ("training.optimizer.epochs"), or an empty vector when a
// key is empty ("training..epochs", "", ".x").
std::vector<std::string> split_key_path(const std::string& path);

// Sets root[keys...] = value (keys as split_key_path gives them, at least one), creating the
// maps on the path when absent or null, located at `key_location`. Throws ConfigError
// "<where>: error: <prefix> is <what> in the pipeline, not a map; cannot set <path>" when a
// key on the path holds something other than a map. `where` names the assignment in that
// message ("--set '...'", or a sweep file's location).
void set_key_path(ConfigNode& root, const std::vector<std::string>& keys, ConfigNode value,
                  const SourceLocation& key_location, const std::string& where);

// Applies a command-line override "key.path=value" (value in YAML syntax) to the tree,
// creating the maps on the path when absent. The value's locations point into the
// assignment ("--set 'key.path=value'":1:column), so that validation locates its problems
// there. Throws ConfigError for a malformed assignment or a path through a non-map.
void apply_override(ConfigNode& root, const std::string& assignment);

}  // namespace hnn

#endif  // HNN_HOST_PIPELINE_OVERRIDES_H_
