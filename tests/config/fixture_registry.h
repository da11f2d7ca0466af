// The registry the pipeline-validation tests check against: the bundled plugins and the
// test fixture plugin `good` (HNN_FIXTURE_GOOD), loaded once per test binary.
#ifndef HNN_TESTS_CONFIG_FIXTURE_REGISTRY_H_
#define HNN_TESTS_CONFIG_FIXTURE_REGISTRY_H_

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

}  // namespace hnn::testing

#endif  // HNN_TESTS_CONFIG_FIXTURE_REGISTRY_H_
