#include "hnn/registry.h"

#include <algorithm>
#include <exception>

#include "hnn/error.h"

namespace hnn {
namespace {

bool is_valid_name(const std::string& name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Keys the host reads itself in a plugin's section of the pipeline file.
constexpr const char* kReservedKeys[] = {"plugin", "training", "checkpoint", "symbolic"};

}  // namespace

std::string to_string(PluginKind kind) {
  switch (kind) {
    case PluginKind::kModel:
      return "model";
    case PluginKind::kSystem:
      return "system";
    case PluginKind::kOptimizer:
      return "optimizer";
    case PluginKind::kIntegrator:
      return "integrator";
    case PluginKind::kDataSource:
      return "data source";
  }
  return "unknown";
}

Registry::Registry() {
  for (const char* name : kBuiltinSymbolicFunctionNames) function_sources_[name] = "<built-in>";
}

Registry::~Registry() {
  pending_functions_.clear();
  functions_.clear();
  // Entries must go before the libraries their factories live in; each entry holds its
  // library, and the members of Entry are ordered for that. Clear explicitly so that the
  // order does not depend on the map's internals.
  pending_.clear();
  entries_.clear();
}

void Registry::add(PluginKind kind, std::string name, std::string description, OptionSchema schema,
                   AnyFactory factory) {
  const std::string where =
      "registering " + to_string(kind) + " '" + name + "' from " + pending_source_;
  if (!is_valid_name(name)) {
    throw PluginError(where + ": a name must be lower-case letters, digits and '_'");
  }
  for (const char* reserved : kReservedKeys) {
    if (schema.find(reserved) != nullptr) {
      throw PluginError(where + ": the option key '" + reserved + "' is reserved for the host");
    }
  }
  Entry entry{
      pending_library_,
      PluginInfo{kind, std::move(name), std::move(description), std::move(schema), pending_source_},
      std::move(factory)};
  if (in_source_) {
    pending_.push_back(std::move(entry));
    return;
  }
  auto key = std::make_pair(kind, entry.info.name);
  if (const auto it = entries_.find(key); it != entries_.end()) {
    throw DuplicateNameError(to_string(kind) + " '" + entry.info.name +
                             "' is registered twice: by " + it->second.info.source + " and by " +
                             entry.info.source);
  }
  entries_.emplace(std::move(key), std::move(entry));
}

void Registry::add_model(std::string name, std::string description, OptionSchema schema,
                         Factory<Model> factory) {
  add(PluginKind::kModel, std::move(name), std::move(description), std::move(schema),
      std::move(factory));
}
void Registry::add_system(std::string name, std::string description, OptionSchema schema,
                          Factory<System> factory) {
  add(PluginKind::kSystem, std::move(name), std::move(description), std::move(schema),
      std::move(factory));
}
void Registry::add_optimizer(std::string name, std::string description, OptionSchema schema,
                             Factory<Optimizer> factory) {
  add(PluginKind::kOptimizer, std::move(name), std::move(description), std::move(schema),
      std::move(factory));
}
void Registry::add_integrator(std::string name, std::string description, OptionSchema schema,
                              Factory<Integrator> factory) {
  add(PluginKind::kIntegrator, std::move(name), std::move(description), std::move(schema),
      std::move(factory));
}

void Registry::add_data_source(std::string name, std::string description, OptionSchema schema,
                               Factory<DataSource> factory) {
  add(PluginKind::kDataSource, std::move(name), std::move(description), std::move(schema),
      std::move(factory));
}

void Registry::add_symbolic_function(SymbolicFunctionDefinition function) {
  const std::string where =
      "registering symbolic function '" + function.name + "' from " + pending_source_;
  if (function.name.empty()) throw PluginError(where + ": the name is empty");
  if (!function.evaluate) throw PluginError(where + ": `evaluate` is not set");
  if (function.formula.empty()) throw PluginError(where + ": `formula` is not set");
  if (function.complexity < 0) {
    throw PluginError(where + ": the complexity " + std::to_string(function.complexity) +
                      " is negative");
  }
  if (!function.owner) function.owner = pending_library_;
  const bool taken_in_source =
      in_source_ && std::any_of(pending_functions_.begin(), pending_functions_.end(),
                                [&](const auto& f) { return f.name == function.name; });
  if (taken_in_source) throw DuplicateNameError(where + ": the name is registered twice by it");
  if (!in_source_) {
    if (const auto it = function_sources_.find(function.name); it != function_sources_.end()) {
      throw DuplicateNameError("symbolic function '" + function.name +
                               "' is registered twice: by " + it->second + " and by " +
                               pending_source_);
    }
    function_sources_[function.name] = pending_source_;
    functions_.push_back(std::move(function));
    return;
  }
  pending_functions_.push_back(std::move(function));
}

const std::vector<SymbolicFunctionDefinition>& Registry::symbolic_functions() const {
  return functions_;
}

std::string Registry::symbolic_function_source(std::string_view name) const {
  const auto it = function_sources_.find(name);
  return it == function_sources_.end() ? std::string() : it->second;
}

void Registry::begin_source(std::string source, std::shared_ptr<const void> library) {
  pending_.clear();
  pending_functions_.clear();
  pending_source_ = std::move(source);
  pending_library_ = std::move(library);
  in_source_ = true;
}

void Registry::commit_source() {
  // Check every pending name against the registry and against each other first, so that
  // a failure leaves the registry unchanged.
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    const auto& info = pending_[i].info;
    const auto it = entries_.find(std::make_pair(info.kind, info.name));
    const bool taken_here = std::any_of(
        pending_.begin(), pending_.begin() + i,
        [&](const Entry& e) { return e.info.kind == info.kind && e.info.name == info.name; });
    if (it != entries_.end() || taken_here) {
      const std::string message =
          to_string(info.kind) + " '" + info.name + "' is registered twice: by " +
          (taken_here ? info.source : it->second.info.source) + " and by " + info.source +
          " (remove one of the libraries from the plugin path)";
      abandon_source();  // invalidates `info`
      throw DuplicateNameError(message);
    }
  }
  for (const auto& function : pending_functions_) {
    if (const auto it = function_sources_.find(function.name); it != function_sources_.end()) {
      const std::string message = "symbolic function '" + function.name +
                                  "' is registered twice: by " + it->second + " and by " +
                                  pending_source_ +
                                  " (remove one of the libraries from the "
                                  "plugin path)";
      abandon_source();
      throw DuplicateNameError(message);
    }
  }
  for (auto& function : pending_functions_) {
    function_sources_[function.name] = pending_source_;
    functions_.push_back(std::move(function));
  }
  pending_functions_.clear();
  for (auto& entry : pending_) {
    auto key = std::make_pair(entry.info.kind, entry.info.name);
    entries_.emplace(std::move(key), std::move(entry));
  }
  pending_.clear();
  pending_library_.reset();
  pending_source_ = "<built-in>";
  in_source_ = false;
}

void Registry::abandon_source() {
  pending_.clear();
  pending_functions_.clear();
  pending_library_.reset();
  pending_source_ = "<built-in>";
  in_source_ = false;
}

const PluginInfo* Registry::find(PluginKind kind, std::string_view name) const {
  const auto it = entries_.find(std::make_pair(kind, std::string(name)));
  return it == entries_.end() ? nullptr : &it->second.info;
}

std::vector<const PluginInfo*> Registry::list(PluginKind kind) const {
  std::vector<const PluginInfo*> result;
  for (const auto& [key, entry] : entries_) {
    if (key.first == kind) result.push_back(&entry.info);
  }
  return result;  // std::map order: by name within a kind
}

std::vector<std::string> Registry::names(PluginKind kind) const {
  std::vector<std::string> result;
  for (const auto* info : list(kind)) result.push_back(info->name);
  return result;
}

const Registry::Entry& Registry::entry(PluginKind kind, std::string_view name) const {
  const auto it = entries_.find(std::make_pair(kind, std::string(name)));
  if (it == entries_.end()) {
    std::string known;
    for (const auto& n : names(kind)) known += (known.empty() ? "" : ", ") + n;
    throw PluginError("no " + to_string(kind) + " named '" + std::string(name) +
                      "' is registered (registered: " + (known.empty() ? "none" : known) + ")");
  }
  return it->second;
}

template <class Interface>
std::shared_ptr<Interface> Registry::create(PluginKind kind, std::string_view name,
                                            const Options& options) const {
  const Entry& found = entry(kind, name);
  const auto& factory = std::get<Factory<Interface>>(found.factory);
  std::unique_ptr<Interface> object;
  try {
    object = factory(options);
  } catch (const ConfigError& error) {
    // A plugin rejecting one of its options with located problems (ConfigProblem): they
    // stay with the error, for the host to locate in the pipeline.
    const std::string message = to_string(kind) + " '" + found.info.name + "' (" +
                                found.info.source + ") failed to construct: " + error.what();
    if (!error.problems().empty()) throw ConfigError(message, error.problems());
    throw PluginError(message);
  } catch (const std::exception& error) {
    // Nested: a caller can reach the factory's own exception, by type, with
    // std::rethrow_if_nested.
    std::throw_with_nested(PluginError(to_string(kind) + " '" + found.info.name + "' (" +
                                       found.info.source +
                                       ") failed to construct: " + error.what()));
  } catch (...) {
    std::throw_with_nested(PluginError(to_string(kind) + " '" + found.info.name + "' (" +
                                       found.info.source +
                                       ") failed to construct with an unknown exception"));
  }
  if (!object) {
    throw PluginError(to_string(kind) + " '" + found.info.name + "' (" + found.info.source +
                      ") returned no object");
  }
  // The deleter owns a reference to the library: the object's code stays loaded until
  // the object is gone, whatever happens to the registry.
  std::shared_ptr<const void> library = found.library;
  return std::shared_ptr<Interface>(object.release(),
                                    [library](Interface* pointer) { delete pointer; });
}

std::shared_ptr<Model> Registry::create_model(std::string_view name, const Options& options) const {
  return create<Model>(PluginKind::kModel, name, options);
}
std::shared_ptr<System> Registry::create_system(std::string_view name,
                                                const Options& options) const {
  return create<System>(PluginKind::kSystem, name, options);
}
std::shared_ptr<Optimizer> Registry::create_optimizer(std::string_view name,
                                                      const Options& options) const {
  return create<Optimizer>(PluginKind::kOptimizer, name, options);
}
std::shared_ptr<Integrator> Registry::create_integrator(std::string_view name,
                                                        const Options& options) const {
  return create<Integrator>(PluginKind::kIntegrator, name, options);
}

std::shared_ptr<DataSource> Registry::create_data_source(std::string_view name,
                                                         const Options& options) const {
  return create<DataSource>(PluginKind::kDataSource, name, options);
}

}  // namespace hnn
