// The closed-form outputs of a symbolic KAN (kan.md §6.5), composed exactly with GiNaC.
//
// Composition. Every double of the description (a, b, c, d, node biases) enters as the
// exact rational number it represents, so composing and expanding
//
//   x_j^(l+1) = sum_i [c f(a x_i^(l) + b) + d] + beta_j^(l)      (pruned edges contribute 0)
//
// is exact: the expanded coefficients are the exact values of the polynomial the fitted
// network computes (sums and products of powers expand fully, function arguments are
// expanded too). Only coefficients() and text output round them, to double.
//
// Rounding to `digits` decimals (pykan prints 2) is applied to the coefficients of the
// *expanded* expression, as kan.md §6.5 recommends, not while substituting like pykan's
// ex_round; numbers inside function arguments are rounded the same way, exponents are kept.
// Terms whose coefficient rounds to 0 disappear.
//
// Printing. Monomial terms are ordered by total degree (highest first), then by the
// exponents in variable order; terms with functions or negative powers follow, ordered by
// their text; the constant comes last. Every coefficient is written, also 1. GiNaC's
// normal form may move numbers between a coefficient and a power: 0.9/(0.6 x + 0.1) prints
// as 9.00*(6.00*x + 1.00)^(-1).
//
//   text(1)        1.00*q^2 + 1.00*p^2 + 1.08
//   text(1, kFull) 1.000093457...*q^2 + 0.99989...*p^2 + 1.0817...   (shortest round-trip)
//   latex(1)       1.00 q^{2} + 1.00 p^{2} + 1.08
//
// Variable names are used verbatim (also in LaTeX: pass "x_{1}" for a subscript). Functions
// print as sin(...), exp(...), abs(...), sign(...), arcsin(...), sqrt(...); in LaTeX as
// \sin\left(...\right), \left|...\right|, \operatorname{sgn}, \sqrt{...}; negative and
// fractional powers as (...)^(-1), (...)^(-1/2).
//
// Example (the spring KAN):
//
//   hnn::symbolic::SymbolicFormula formula(network, {"q", "p"});
//   std::string h = formula.text(1);                     // "1.00*q^2 + 1.00*p^2 + 1.08"
//   double c_qq = formula.coefficient(1, "q^2");         // 1.0000934...
//   hnn::symbolic::CompiledExpression dh = formula.compile(1);
//   double gradient[2]; double energy = dh.value_and_gradient(state, gradient);
//
// A SymbolicFormula is immutable after construction; its const methods may be called from
// several threads (GiNaC expressions are reference counted without locks, so do not share
// one object between threads that copy its expressions concurrently).
#ifndef HNN_SYMBOLIC_FORMULA_H_
#define HNN_SYMBOLIC_FORMULA_H_

#include <cstddef>
#include <string>
#include <vector>
#include "hnn/symbolic/ginac.h"

#include "hnn/symbolic/compiled_expression.h"
#include "hnn/symbolic/function_library.h"
#include "hnn/symbolic/symbolic_network.h"

namespace hnn::symbolic {

class SymbolicFormula {
 public:
  // `digits` value meaning "no rounding: the exact expanded coefficients, as doubles".
  static constexpr int kFull = -1;

  // Composes `layers` (non-empty; layer l's outputs() == layer l+1's inputs()) in the
  // variables `variable_names` (one per input of layer 0, non-empty, distinct). Every edge
  // that is not pruned must name a function of `library` and have finite a, b, c, d; biases
  // must be finite. Throws hnn::Error naming the layer and edge (l, i, j) otherwise (an
  // unknown function with the library's did-you-mean message). The library is only used
  // here (its builders are not kept).
  SymbolicFormula(const std::vector<SymbolicLayer>& layers, std::vector<std::string> variable_names,
                  const SymbolicFunctionLibrary& library = SymbolicFunctionLibrary::pykan());

  std::size_t output_count() const { return expressions_.size(); }
  const std::vector<std::string>& variable_names() const { return names_; }
  // The GiNaC symbols (realsymbol), in variable order.
  const std::vector<GiNaC::ex>& variables() const { return variables_; }

  // The exact expanded expression of output j; throws hnn::Error if j is out of range.
  const GiNaC::ex& expression(std::size_t output) const;
  // The same with every number rounded to `digits` decimals (0 <= digits <= 15), or the
  // exact expression for kFull. Throws hnn::Error for other digits.
  GiNaC::ex rounded_expression(std::size_t output, int digits = 2) const;

  // Text and LaTeX of output j, rounded to `digits` decimals (fixed notation) or kFull.
  std::string text(std::size_t output, int digits = 2) const;
  std::string latex(std::size_t output, int digits = 2) const;

  // True when output j is a polynomial in the variables.
  bool is_polynomial(std::size_t output) const;
  // The coefficient of the monomial prod_k x_k^exponents[k] in output j (exact, then rounded
  // to double); 0 when the monomial is absent. exponents has one entry >= 0 per variable.
  // Throws hnn::Error when the output is not a polynomial (naming a non-polynomial term) or
  // the exponents are malformed.
  double coefficient(std::size_t output, const std::vector<int>& exponents) const;
  // The same with the monomial written as text: "1" (the constant), "q", "q^2", "q*p^3"
  // (spaces allowed). An unknown variable name is an error with a did-you-mean.
  double coefficient(std::size_t output, const std::string& monomial) const;

  // Output j (rounded to `digits`, or exact for kFull) compiled for numerical evaluation;
  // the state vector is in variable order.
  CompiledExpression compile(std::size_t output, int digits = kFull) const;

 private:
  void check_output(std::size_t output) const;

  std::vector<std::string> names_;
  std::vector<GiNaC::ex> variables_;
  std::vector<GiNaC::ex> expressions_;
};

// The exact rational value of a finite double (GiNaC numeric); throws hnn::Error for NaN or
// +-inf, with `what` in the message.
GiNaC::numeric exact_number(double value, const std::string& what);

}  // namespace hnn::symbolic

#endif  // HNN_SYMBOLIC_FORMULA_H_
