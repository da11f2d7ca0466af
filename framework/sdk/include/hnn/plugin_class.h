// add_plugin_class: the one shape in which every kind of plugin registers.
//
// A plugin is a class derived from hnn::Model, hnn::System, hnn::Optimizer,
// hnn::Integrator or hnn::DataSource with
//
//   using Settings = <a plain options struct with static const OptionBinding<Settings>&
//                     binding(), see hnn/option_binding.h>;
//   explicit Plugin(const Settings& settings);
//
// and its registration function is one line per class:
//
//   void register_adam(hnn::Registry& registry) {
//     hnn::add_plugin_class<Adam>(registry, "adam", "Adam as in PyTorch");
//   }
//   HNN_PLUGIN("adam", "1.0.0", register_adam)
//
// The registry then validates pipelines against Settings::binding().schema(), prints it
// with --describe, and constructs the class from the decoded struct. A factory that is not
// a constructor call (several classes behind one name, say) uses the Registry's add_model,
// add_system, ... directly, still with a binding's schema() and decode().
#ifndef HNN_PLUGIN_CLASS_H_
#define HNN_PLUGIN_CLASS_H_

#include <memory>
#include <string>
#include <type_traits>

#include "hnn/option_binding.h"
#include "hnn/registry.h"

namespace hnn {

template <class Plugin>
void add_plugin_class(Registry& registry, std::string name, std::string description) {
  using Settings = typename Plugin::Settings;
  const OptionBinding<Settings>& binding = Settings::binding();
  auto factory = [&binding](const Options& options) {
    return std::make_unique<Plugin>(binding.decode(options));
  };
  if constexpr (std::is_base_of_v<Model, Plugin>) {
    registry.add_model(std::move(name), std::move(description), binding.schema(), factory);
  } else if constexpr (std::is_base_of_v<System, Plugin>) {
    registry.add_system(std::move(name), std::move(description), binding.schema(), factory);
  } else if constexpr (std::is_base_of_v<Optimizer, Plugin>) {
    registry.add_optimizer(std::move(name), std::move(description), binding.schema(), factory);
  } else if constexpr (std::is_base_of_v<Integrator, Plugin>) {
    registry.add_integrator(std::move(name), std::move(description), binding.schema(), factory);
  } else {
    static_assert(std::is_base_of_v<DataSource, Plugin>,
                  "a plugin class derives from Model, System, Optimizer, Integrator or "
                  "DataSource");
    registry.add_data_source(std::move(name), std::move(description), binding.schema(), factory);
  }
}

}  // namespace hnn

#endif  // HNN_PLUGIN_CLASS_H_
