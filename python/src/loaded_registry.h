// A registry with hnn-host's plugins, for the Python module: `required` paths first (a
// pipeline's plugins:), then HNN_PLUGIN_PATH and the bundled folder
// (hnn::load_plugins_in_search_order), then the systems written in Python (python_system.h).
// As in hnn-host, every problem of a required path and a duplicate name are errors, raised
// together as hnn.PluginError; the other problems are skipped.
#ifndef HNN_PYTHON_LOADED_REGISTRY_H_
#define HNN_PYTHON_LOADED_REGISTRY_H_

#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "hnn/host/plugin_loader.h"
#include "hnn/registry.h"

namespace hnn::python {

class LoadedRegistry {
 public:
  // `python_systems`: None, or a dict of name to hnn.PythonSystem. Precondition: the GIL is
  // held. Raises hnn.PluginError.
  explicit LoadedRegistry(const std::vector<std::string>& required = {},
                          const pybind11::object& python_systems = pybind11::none());
  LoadedRegistry(const LoadedRegistry&) = delete;
  LoadedRegistry& operator=(const LoadedRegistry&) = delete;

  // Outlives every object it creates only if the LoadedRegistry does: the plugins' code is
  // unloaded with it.
  const Registry& registry() const { return registry_; }

 private:
  Registry registry_;
  PluginLoader loader_;
};

}  // namespace hnn::python

#endif  // HNN_PYTHON_LOADED_REGISTRY_H_
