// A Hamiltonian written in Python as a pipeline's system (docs/python.md, "A Hamiltonian
// written in Python"): hnn.PythonSystem(hamiltonian, coordinates=..., gradient=...,
// radius=...) passed to hnn.run/check as systems={"name": system} is registered under
// `name` beside the compiled systems, and a pipeline's `system: {plugin: name}` uses it.
//
// The system calls back into Python for every H and every gradient (taking the GIL), so it
// is far slower than a compiled plugin or the `expression` system; it is meant for quick
// experiments. Without a gradient callable the gradient is the central difference
//
//   dH/dx_i ~ (H(x + h e_i) - H(x - h e_i)) / (2 h),  h = cbrt(eps) max(1, |x_i|)
//
// (h rounded so that x_i + h is exact; 2n calls of H; error O(h^2), about 1e-10 relative for
// a smooth H of order 1). Initial states are drawn as spring_mass and expression draw them
// (sample_state_at_radius, with the option `radius`), so the same seed gives the same
// initial states.
//
// Errors: a callable that raises, returns something that is not a real (or, for the
// gradient, not 2n reals), or returns a value that is not finite, throws hnn::Error naming
// the system, the callable and the state; the run then fails (hnn.RunError) with that
// message, the Python exception's type and message included.
#ifndef HNN_PYTHON_PYTHON_SYSTEM_H_
#define HNN_PYTHON_PYTHON_SYSTEM_H_

#include <pybind11/pybind11.h>

#include <string>

#include "hnn/registry.h"

namespace hnn::python {

// Registers `system` (an hnn.PythonSystem: attributes hamiltonian, gradient (None or a
// callable), coordinates (2n str), radius (2 reals), exact_hamiltonian (str), description
// (str)) under `name`. Throws PluginError (a name that is not [a-z0-9_]+, or one already
// taken) and hnn::Error for attributes of the wrong type. Needs the GIL; the registered
// factory and the systems it makes may be used from any thread.
void add_python_system(Registry& registry, const std::string& name, const pybind11::object& system);

}  // namespace hnn::python

#endif  // HNN_PYTHON_PYTHON_SYSTEM_H_
