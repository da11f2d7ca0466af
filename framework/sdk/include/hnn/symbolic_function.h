// A function a plugin adds to the library of symbolic regression (kan.md §6.1), the
// candidates that the symbolic stage fits to the edges of a trained KAN.
//
// A plugin registers one from its registration function:
//
//   registry.add_symbolic_function({.name = "x^5",
//                                   .evaluate = [](double x) { return std::pow(x, 5); },
//                                   .formula = "x^5",
//                                   .complexity = 3});
//
// The SDK needs no computer algebra for this: the symbolic library (framework/symbolic,
// GiNaC) reads `formula` once, when the host builds the library of a run, and the formula
// is what travels in symbolic.yaml, so that a recovered network loads without the plugin.
#ifndef HNN_SYMBOLIC_FUNCTION_H_
#define HNN_SYMBOLIC_FUNCTION_H_

#include <functional>
#include <memory>
#include <string>

namespace hnn {

// One candidate function f(x) of the library. Every field but `owner` must be set.
struct SymbolicFunctionDefinition {
  // Anything the callback's code depends on, kept alive as long as the entry; the registry
  // sets it to the plugin's library handle when it is null. Declared first so that it is
  // destroyed after `evaluate`.
  std::shared_ptr<const void> owner = nullptr;
  // The key users select it by in `symbolic.functions` ("x^5", "sinc"): unique across the
  // built-in functions (kBuiltinSymbolicFunctionNames) and every plugin.
  std::string name;
  // f(x) over doubles; NaN outside the real domain, +-inf at poles. Must be a pure
  // function (it is called concurrently).
  std::function<double(double)> evaluate;
  // The same function as a formula in the variable x, in the syntax of the `expression`
  // system ("x^5", "sin(x)/x", "exp(-x^2)"): it gives the exact derivatives and the
  // printed Hamiltonian.
  std::string formula;
  // >= 0; lower is simpler. Near-ties between fits go to the simpler function.
  int complexity = 0;
};

// The names of pykan 0.0.5's 24 functions (kan.md §6.1), which the symbolic library
// provides itself, in its order. A plugin cannot register a function under one of them.
inline constexpr const char* kBuiltinSymbolicFunctionNames[] = {
    "x",       "x^2",       "x^3",    "x^4",    "1/x",     "1/x^2", "1/x^3",    "1/x^4",
    "sqrt",    "1/sqrt(x)", "exp",    "log",    "abs",     "sin",   "tan",      "tanh",
    "sigmoid", "sgn",       "arcsin", "arctan", "arctanh", "0",     "gaussian", "cosh"};

}  // namespace hnn

#endif  // HNN_SYMBOLIC_FUNCTION_H_
