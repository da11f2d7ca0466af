// Registry: the names under which models, systems, optimizers, integrators and data sources
// can be created, each with a one-line description and an options schema.
//
// Plugins add to it from their registration function (see plugin.h); the host looks names
// up, validates options against the schemas and creates objects. An object created through
// the registry keeps the shared library that made it loaded for as long as the object
// lives (the library handle travels inside the object's deleter).
//
// Example registration function of a plugin:
//
//   void register_spring(hnn::Registry& registry) {
//     registry.add_system("spring_mass", "H = k q^2/2 + p^2/(2m), 1 degree of freedom",
//                         SpringMassOptions::binding().schema(), [](const hnn::Options& o) {
//                           return std::make_unique<SpringMass>(
//                               SpringMassOptions::binding().decode(o));
//                         });
//   }
//
// which hnn::add_plugin_class (hnn/plugin_class.h) writes in one line for a class
// constructed from its options struct.
//
// Names are unique across all plugins of one kind. A registration of a name that is
// already taken fails the whole library that made it, with a DuplicateNameError (a
// PluginError) naming both files.
// Not thread-safe.
#ifndef HNN_REGISTRY_H_
#define HNN_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hnn/data_source.h"
#include "hnn/integrator.h"
#include "hnn/model.h"
#include "hnn/optimizer.h"
#include "hnn/options.h"
#include "hnn/symbolic_function.h"
#include "hnn/system.h"

namespace hnn {

enum class PluginKind { kModel, kSystem, kOptimizer, kIntegrator, kDataSource };
inline constexpr PluginKind kAllPluginKinds[] = {PluginKind::kSystem, PluginKind::kModel,
                                                 PluginKind::kOptimizer, PluginKind::kIntegrator,
                                                 PluginKind::kDataSource};

// "model", "system", "optimizer", "integrator", "data source".
std::string to_string(PluginKind kind);

// Makes an object from validated options. May throw (any std::exception); the registry
// reports it as a PluginError naming the plugin and its file.
template <class Interface>
using Factory = std::function<std::unique_ptr<Interface>(const Options& options)>;

// What the registry knows about a registered name.
struct PluginInfo {
  PluginKind kind;
  std::string name;
  std::string description;  // one line
  OptionSchema schema;
  std::string source;  // the shared library file, or "<built-in>"
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Registration, called by plugins. `name` is a lower-case identifier ([a-z0-9_]+).
  // Throws PluginError for an invalid name or a schema that uses a key the host reads
  // itself in a plugin section (`plugin`, `training`, `checkpoint`, `symbolic`), and
  // DuplicateNameError for a name already taken outside begin_source()/commit_source().
  void add_model(std::string name, std::string description, OptionSchema schema,
                 Factory<Model> factory);
  void add_system(std::string name, std::string description, OptionSchema schema,
                  Factory<System> factory);
  void add_optimizer(std::string name, std::string description, OptionSchema schema,
                     Factory<Optimizer> factory);
  void add_integrator(std::string name, std::string description, OptionSchema schema,
                      Factory<Integrator> factory);
  void add_data_source(std::string name, std::string description, OptionSchema schema,
                       Factory<DataSource> factory);

  // Adds a function to the library of symbolic regression (hnn/symbolic_function.h),
  // selectable by name in a pipeline's `symbolic.functions`. A function registered from a
  // plugin keeps that plugin loaded. Throws PluginError for an incomplete entry and
  // DuplicateNameError for a name that is taken (by pykan's functions or another plugin,
  // when the registration is committed; by the same plugin, at once). Whether `formula` reads is
  // checked by the host when it builds a run's library
  // (hnn::symbolic::SymbolicFunctionLibrary::with_registered).
  void add_symbolic_function(SymbolicFunctionDefinition function);
  // The registered functions in registration order (pykan's 24 built-in ones are not here:
  // the symbolic library adds them).
  const std::vector<SymbolicFunctionDefinition>& symbolic_functions() const;
  // The shared library file that registered a symbolic function, "<built-in>" for pykan's
  // 24; empty for a name nobody registered.
  std::string symbolic_function_source(std::string_view name) const;

  // Look-up. nullptr when the name is not registered for that kind.
  const PluginInfo* find(PluginKind kind, std::string_view name) const;
  // Every registration of a kind, sorted by name.
  std::vector<const PluginInfo*> list(PluginKind kind) const;
  std::vector<std::string> names(PluginKind kind) const;

  // Creation. `options` must have been validated against the plugin's schema. Throws
  // PluginError for an unknown name or when the factory throws or returns null; when the
  // factory threw, the PluginError nests its exception (std::rethrow_if_nested reaches it).
  std::shared_ptr<Model> create_model(std::string_view name, const Options& options) const;
  std::shared_ptr<System> create_system(std::string_view name, const Options& options) const;
  std::shared_ptr<Optimizer> create_optimizer(std::string_view name, const Options& options) const;
  std::shared_ptr<Integrator> create_integrator(std::string_view name,
                                                const Options& options) const;
  std::shared_ptr<DataSource> create_data_source(std::string_view name,
                                                 const Options& options) const;

  // Loader support (host side). Registrations made between begin_source() and
  // commit_source() are attributed to `source`, keep `library` alive, and become visible
  // only when commit_source() succeeds; it throws DuplicateNameError (naming both files)
  // when a name is taken, and then nothing of the source is kept. abandon_source() drops
  // them.
  void begin_source(std::string source, std::shared_ptr<const void> library);
  void commit_source();
  void abandon_source();

 private:
  using AnyFactory = std::variant<Factory<Model>, Factory<System>, Factory<Optimizer>,
                                  Factory<Integrator>, Factory<DataSource>>;
  struct Entry {
    // Declared first, destroyed last: the factory's code lives in the library.
    std::shared_ptr<const void> library;
    PluginInfo info;
    AnyFactory factory;
  };
  void add(PluginKind kind, std::string name, std::string description, OptionSchema schema,
           AnyFactory factory);
  const Entry& entry(PluginKind kind, std::string_view name) const;
  template <class Interface>
  std::shared_ptr<Interface> create(PluginKind kind, std::string_view name,
                                    const Options& options) const;

  std::map<std::pair<PluginKind, std::string>, Entry, std::less<>> entries_;
  std::vector<Entry> pending_;
  std::vector<SymbolicFunctionDefinition> functions_;
  std::vector<SymbolicFunctionDefinition> pending_functions_;
  std::map<std::string, std::string, std::less<>> function_sources_;  // name -> source
  std::string pending_source_ = "<built-in>";
  std::shared_ptr<const void> pending_library_;
  bool in_source_ = false;
};

}  // namespace hnn

#endif  // HNN_REGISTRY_H_
