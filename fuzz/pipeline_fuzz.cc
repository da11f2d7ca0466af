// Fuzz target `pipeline`: the bytes as a pipeline file, through what `hnn-host --check`
// does: load_config_file, read_plugin_paths (the paths are read, never loaded: an input
// must not make the fuzzer dlopen files), validate_pipeline against the bundled plugins,
// and the resolved pipeline printed when it is valid. Seeds: configs/ and the tests'
// pipelines (scripts/fuzz collects them).
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "hnn/config_tree.h"
#include "hnn/host/diagnostics.h"
#include "hnn/host/pipeline_validation.h"
#include "hnn/host/pipeline_yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const hnn::Registry& registry = hnn::fuzz::bundled_registry();
  const auto file = hnn::fuzz::write_input("pipeline.yaml", data, size);
  hnn::fuzz::refuse_only_with_hnn_errors([&] {
    const hnn::ConfigNode root = hnn::load_config_file(file);
    hnn::Diagnostics diagnostics;
    hnn::read_plugin_paths(root, file, diagnostics);
    const hnn::PipelineConfig config = hnn::validate_pipeline(root, file, registry, diagnostics);
    diagnostics.throw_if_any();
    const std::string resolved = hnn::to_yaml(config);
    if (resolved.empty()) __builtin_trap();
  });
  return 0;
}
