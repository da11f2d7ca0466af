// Command-line overrides of a pipeline: `hnn-host --set key.path=value`.
#ifndef HNN_HOST_PIPELINE_OVERRIDES_H_
#define HNN_HOST_PIPELINE_OVERRIDES_H_

#include <string>

#include "hnn/config_tree.h"

namespace hnn {

// Applies a command-line override "key.path=value" (value in YAML syntax) to the tree,
// creating the maps on the path when absent. The value's locations point into the
// assignment ("--set 'key.path=value'":1:column), so that validation locates its problems
// there. Throws ConfigError for a malformed assignment or a path through a non-map.
void apply_override(ConfigNode& root, const std::string& assignment);

}  // namespace hnn

#endif  // HNN_HOST_PIPELINE_OVERRIDES_H_
