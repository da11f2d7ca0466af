// The resolved pipeline as YAML: what `hnn-host --check` prints and a run writes to
// pipeline.yaml.
#ifndef HNN_HOST_PIPELINE_YAML_H_
#define HNN_HOST_PIPELINE_YAML_H_

#include <string>

#include "hnn/host/pipeline_config.h"

namespace hnn {

// Every option with its value, defaults filled in, in schema order; it validates back to
// the same configuration (and the same text).
std::string to_yaml(const PipelineConfig& config);

}  // namespace hnn

#endif  // HNN_HOST_PIPELINE_YAML_H_
