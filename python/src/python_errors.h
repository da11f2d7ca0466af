// The package's exceptions raised from C++ (python/hnn/__init__.py defines them):
// hnn.ConfigError(message, problems), hnn.PluginError, hnn.RunError.
#ifndef HNN_PYTHON_PYTHON_ERRORS_H_
#define HNN_PYTHON_PYTHON_ERRORS_H_

#include <pybind11/pybind11.h>

#include <utility>

#include "hnn/error.h"

namespace hnn::python {

// Raises hnn.<name>(args...); never returns. Precondition: the GIL is held.
template <typename... Args>
[[noreturn]] void raise_python(const char* name, Args&&... args) {
  const pybind11::object type = pybind11::module_::import("hnn").attr(name);
  const pybind11::object error = type(std::forward<Args>(args)...);
  PyErr_SetObject(type.ptr(), error.ptr());
  throw pybind11::error_already_set();
}

// Raises hnn.ConfigError(message, problems), each problem a dict of file, line, column,
// path and message (hnn.Problem). Precondition: the GIL is held.
[[noreturn]] void raise_config_error(const ConfigError& error);

}  // namespace hnn::python

#endif  // HNN_PYTHON_PYTHON_ERRORS_H_
