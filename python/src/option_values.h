// Plugin option values as Python objects, for the bindings (hnn_module.cc: hnn.describe's
// defaults; trained_model_binding.cc: a model's options and integrator).
#ifndef HNN_PYTHON_OPTION_VALUES_H_
#define HNN_PYTHON_OPTION_VALUES_H_

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <variant>

#include "hnn/options.h"

namespace hnn::python {

// A bool, int, float, str or list of them. Precondition: the GIL is held.
inline pybind11::object option_value(const OptionValue& value) {
  return std::visit([](const auto& v) -> pybind11::object { return pybind11::cast(v); }, value);
}

// Every key of `options` with its value, into `result`. Precondition: the GIL is held.
inline void add_options(const Options& options, pybind11::dict& result) {
  for (const auto& [key, value] : options.values())
    result[pybind11::str(key)] = option_value(value);
}

}  // namespace hnn::python

#endif  // HNN_PYTHON_OPTION_VALUES_H_
