// What the pipeline-validation tests share: the registry they validate against (the bundled
// plugins and the test fixture plugin `good`, HNN_FIXTURE_GOOD, loaded once per test binary)
// and the validation of a fixture file of tests/config/fixtures (HNN_CONFIG_FIXTURES).
#ifndef HNN_TESTS_CONFIG_CONFIG_FIXTURES_H_
#define HNN_TESTS_CONFIG_CONFIG_FIXTURES_H_

#include <string>
#include <vector>

#include "hnn/config_tree.h"
#include "hnn/error.h"
#include "hnn/host/pipeline_overrides.h"
#include "hnn/host/pipeline_validation.h"
#include "hnn/host/plugin_loader.h"
#include "hnn/registry.h"

namespace hnn::testing {

inline const Registry& fixture_registry() {
  struct Plugins {
    Plugins() : loader(registry) {
      loader.load_library(HNN_FIXTURE_GOOD);
      loader.load_directory(HNN_BUNDLED_PLUGIN_DIR);
    }
    Registry registry;
    PluginLoader loader;
  };
  static Plugins plugins;
  return plugins.registry;
}

// Validates tests/config/fixtures/<fixture> with the --set overrides applied: every error
// message (diagnostics or the ConfigError), "" if none.
inline std::string fixture_errors(const std::string& fixture,
                                  const std::vector<std::string>& overrides = {}) {
  const std::string file = std::string(HNN_CONFIG_FIXTURES) + "/" + fixture;
  try {
    ConfigNode root = load_config_file(file);
    for (const auto& o : overrides) apply_override(root, o);
    Diagnostics diagnostics;
    validate_pipeline(root, file, fixture_registry(), diagnostics);
    return diagnostics.format();
  } catch (const ConfigError& error) {
    return error.what();
  }
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_CONFIG_CONFIG_FIXTURES_H_
