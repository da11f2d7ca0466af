#include "loaded_registry.h"

#include "hnn/error.h"
#include "python_errors.h"
#include "python_system.h"

namespace py = pybind11;

namespace hnn::python {

LoadedRegistry::LoadedRegistry(const std::vector<std::string>& required,
                               const py::object& python_systems)
    : loader_(registry_) {
  std::string errors;
  load_plugins_in_search_order(loader_, required, [&](const PluginProblem& problem, bool error) {
    if (!error) return;
    errors += (errors.empty() ? "" : "\n") + problem.message;
  });
  if (!errors.empty()) raise_python("PluginError", errors);
  if (python_systems.is_none()) return;
  for (const auto& [name, system] : python_systems.cast<py::dict>()) {
    try {
      add_python_system(registry_, name.cast<std::string>(),
                        py::reinterpret_borrow<py::object>(system));
    } catch (const Error& error) {
      raise_python("PluginError", std::string(error.what()));
    }
  }
}

}  // namespace hnn::python
