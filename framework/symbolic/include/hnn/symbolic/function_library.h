// The library of candidate functions for symbolic regression of KAN edges (kan.md §6.1).
//
// An edge activation phi(x) of a trained KAN is replaced by c * f(a * x + b) + d with f
// taken from a library. Each entry has
//
//   * a name (the key users select it by, e.g. "x^2", "sin", "1/sqrt(x)"),
//   * a double evaluator with the exact domain behaviour of pykan's torch version: NaN
//     outside the real domain (sqrt, log and 1/sqrt of negatives, arcsin outside [-1, 1],
//     arctanh outside [-1, 1]), +-inf at poles (1/0 = +inf, log 0 = -inf, arctanh(+-1) =
//     +-inf), sign(0) = 0,
//   * a GiNaC builder returning the same function of a GiNaC expression (exact: sqrt is
//     a power with exponent 1/2, sigmoid is 1/(1 + exp(-x)), sign is csgn),
//   * a complexity rank used to break near-ties between equally good fits (simpler first:
//     lower rank wins, then the earlier library position).
//
// pykan() is the 24 entries of pykan 0.0.5's SYMBOLIC_LIB in its insertion order, with the
// complexity ranks of pykan HEAD where the entry exists there (x 1; x^2, 1/x, 1/x^2, sqrt,
// 1/sqrt(x), exp, log, sin 2; x^3, x^4, 1/x^3, abs, tan, tanh, sgn, gaussian 3; 1/x^4,
// arcsin, arctan, arctanh 4; 0 has rank 0) and our own for the two HEAD dropped (cosh 3,
// sigmoid 4).
//
// Example:
//
//   using hnn::symbolic::SymbolicFunctionLibrary;
//   SymbolicFunctionLibrary library = SymbolicFunctionLibrary::pykan();
//   SymbolicFunctionLibrary polynomials = library.subset({"x", "x^2", "x^3"});
//   library.add({.name = "x^5",
//                .evaluate = [](double x) { return x * x * x * x * x; },
//                .expression = [](const GiNaC::ex& x) { return GiNaC::pow(x, 5); },
//                .complexity = 3});
//   double y = library.at("sqrt").evaluate(-1.0);   // NaN
//
// A library is a plain value: copying it is cheap (the callbacks are shared) and a const
// library may be used from several threads when its callbacks are thread-safe (the
// built-in ones are).
#ifndef HNN_SYMBOLIC_FUNCTION_LIBRARY_H_
#define HNN_SYMBOLIC_FUNCTION_LIBRARY_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>
#include "hnn/symbolic/ginac.h"
#include "hnn/symbolic_function.h"

namespace hnn::symbolic {

// One library entry. All callbacks must be set; evaluate must be a pure function of its
// argument (it is called concurrently by fit_affine_parameters).
struct SymbolicFunction {
  // Anything the callbacks' code depends on, kept alive as long as the entry (a plugin
  // that registers a function passes its library handle here; the registry does it for
  // functions registered from a plugin). May be null. Declared first so that it is
  // destroyed after the callbacks.
  std::shared_ptr<const void> owner = nullptr;
  std::string name;
  std::function<double(double)> evaluate;
  std::function<GiNaC::ex(const GiNaC::ex&)> expression;
  // >= 0; lower is simpler. Only compared between entries (near-tie breaking).
  int complexity = 0;
};

// The GiNaC builder of a formula in the variable x ("x^5", "sin(x)/x"): it substitutes its
// argument for x. Throws hnn::Error "cannot read the formula ..." when the text does not
// read or uses another symbol.
std::function<GiNaC::ex(const GiNaC::ex&)> expression_of_formula(const std::string& formula);

class SymbolicFunctionLibrary {
 public:
  // An empty library.
  SymbolicFunctionLibrary() = default;

  // The 24 functions of pykan 0.0.5 (kan.md §6.1), in insertion order.
  static SymbolicFunctionLibrary pykan();

  // pykan(), then the functions plugins registered (Registry::symbolic_functions()) in
  // their order, each with the GiNaC builder of its formula. Throws hnn::Error naming the
  // function when a formula does not read as a function of x or a name is taken.
  static SymbolicFunctionLibrary with_registered(
      const std::vector<SymbolicFunctionDefinition>& registered);

  // Appends `function` (registration API for plugin authors). Throws hnn::Error when the
  // name is empty or already in the library, a callback is missing or the complexity is
  // negative; the library is then unchanged.
  void add(SymbolicFunction function);

  // The entries named in `names`, in the order given. Throws hnn::Error for an empty
  // list, a repeated name, or an unknown name; the message lists the known names and, when
  // one is close, suggests it ("unknown symbolic function 'x^22' (did you mean 'x^2'?)").
  SymbolicFunctionLibrary subset(const std::vector<std::string>& names) const;

  // The entry called `name`; throws hnn::Error as subset() does when there is none. The
  // reference is valid until the library is modified or destroyed.
  const SymbolicFunction& at(std::string_view name) const;
  bool contains(std::string_view name) const;
  // Position of `name` in the library, or -1.
  std::ptrdiff_t index_of(std::string_view name) const;

  std::size_t size() const { return functions_.size(); }
  bool empty() const { return functions_.empty(); }
  const SymbolicFunction& operator[](std::size_t index) const { return functions_[index]; }
  std::vector<SymbolicFunction>::const_iterator begin() const { return functions_.begin(); }
  std::vector<SymbolicFunction>::const_iterator end() const { return functions_.end(); }
  // Every name, in library order.
  std::vector<std::string> names() const;

 private:
  std::vector<SymbolicFunction> functions_;
};

}  // namespace hnn::symbolic

#endif  // HNN_SYMBOLIC_FUNCTION_LIBRARY_H_
