// Creates systems, integrators and models of the bundled plugins the way the host does: load the
// library with hnn::PluginLoader, start from the schema's defaults, apply overrides, check
// them against the schema (required options must be among the overrides). Test support only.
#ifndef HNN_TESTS_SUPPORT_BUNDLED_PLUGINS_H_
#define HNN_TESTS_SUPPORT_BUNDLED_PLUGINS_H_

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hnn/host/plugin_loader.h"
#include "hnn/registry.h"

namespace hnn::testing {

class BundledPlugins {
 public:
  // Loads HNN_BUNDLED_PLUGIN_DIR/<library>.so for each library.
  explicit BundledPlugins(const std::vector<std::string>& libraries) : loader_(registry_) {
    for (const auto& library : libraries) {
      loader_.load_library(std::string(HNN_BUNDLED_PLUGIN_DIR) + "/" + library + ".so");
    }
  }

  using Overrides = std::vector<std::pair<std::string, OptionValue>>;

  Options options(PluginKind kind, const std::string& name, const Overrides& overrides) const {
    const PluginInfo* info = registry_.find(kind, name);
    if (info == nullptr) throw std::runtime_error(name + " is not registered");
    Options options;
    for (const auto& option : info->schema.options()) {
      if (!option.is_required()) options.set(option.key(), option.default_value());
    }
    for (const auto& [key, value] : overrides) {
      const Option* option = info->schema.find(key);
      if (option == nullptr) throw std::runtime_error(name + " has no option " + key);
      const std::string problem = option->check(value);
      if (!problem.empty()) throw std::runtime_error(name + "." + key + ": " + problem);
      options.set(key, value);
    }
    for (const auto& option : info->schema.options()) {
      if (!options.contains(option.key())) {
        throw std::runtime_error(name + "." + option.key() + " is required");
      }
    }
    return options;
  }

  std::shared_ptr<Integrator> integrator(const std::string& name,
                                         const Overrides& overrides = {}) const {
    return registry_.create_integrator(name, options(PluginKind::kIntegrator, name, overrides));
  }
  std::shared_ptr<System> system(const std::string& name, const Overrides& overrides = {}) const {
    return registry_.create_system(name, options(PluginKind::kSystem, name, overrides));
  }
  std::shared_ptr<Model> model(const std::string& name, const Overrides& overrides = {}) const {
    return registry_.create_model(name, options(PluginKind::kModel, name, overrides));
  }
  const Registry& registry() const { return registry_; }

 private:
  Registry registry_;
  PluginLoader loader_;
};

}  // namespace hnn::testing

#endif  // HNN_TESTS_SUPPORT_BUNDLED_PLUGINS_H_
