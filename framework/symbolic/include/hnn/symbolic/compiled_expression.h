// A GiNaC expression compiled to a small instruction tape for fast numerical evaluation of
// its value and gradient (forward mode), e.g. to roll out a recovered Hamiltonian.
//
// Supported nodes: real numbers and constants (Pi ...), the listed variables, sums,
// products, powers with a numeric exponent (integer exponents by repeated squaring), and the
// functions sin, cos, tan, tanh, sinh, cosh, exp, log, abs, csgn (sign), step, asin, acos,
// atan, atanh: everything the built-in library's builders produce. Common subexpressions
// are compiled once. Any other node (another symbol, a function such as zeta, a symbolic
// exponent) makes the constructor throw hnn::NotImplementedError naming it.
//
// Reproducibility: GiNaC orders the terms of sums and products by hash values that can
// differ between processes; the tape evaluates them in a canonical order instead (operands
// sorted by a structural key), so the same expression gives bit-identical results in every
// run.
//
// Semantics are IEEE double: outside a function's domain the value is NaN or +-inf, as in
// the fit evaluators. Derivatives of abs, csgn and step use sign(x), 0 and 0.
//
// Speed: one pass over the tape per call, no allocation. The spring H (14 instructions,
// 2 variables) takes about 90 ns per value_and_gradient() on our shared 2-core build machine,
// against about 3 us for GiNaC's own subs + evalf of the value alone (the speed test in
// tests/symbolic/symbolic_formula_test.cc prints both).
//
// Thread safety: the evaluation methods are const but use scratch storage owned by the
// object; use one object per thread (copies are independent).
//
// Example:
//
//   GiNaC::realsymbol q("q"), p("p");
//   hnn::symbolic::CompiledExpression h(GiNaC::pow(q, 2) + GiNaC::sin(p), {q, p});
//   double state[2] = {1.0, 0.5}, gradient[2];
//   double value = h.value_and_gradient(state, gradient);
#ifndef HNN_SYMBOLIC_COMPILED_EXPRESSION_H_
#define HNN_SYMBOLIC_COMPILED_EXPRESSION_H_

#include <Eigen/Core>
#include <cstddef>
#include <vector>
#include "hnn/symbolic/ginac.h"

namespace hnn::symbolic {

class CompiledExpression {
 public:
  // `variables` are GiNaC symbols, their order is the order of the state vector. Throws
  // hnn::Error when a variable is not a symbol or appears twice, NotImplementedError for an
  // unsupported node (see the header comment).
  CompiledExpression(const GiNaC::ex& expression, const std::vector<GiNaC::ex>& variables);

  std::size_t variable_count() const { return variable_count_; }
  std::size_t instruction_count() const { return instructions_.size(); }

  // The value at `state` (variable_count() entries; must not be null).
  double value(const double* state) const;
  // The value, and its gradient written to `gradient` (variable_count() entries; not null).
  double value_and_gradient(const double* state, double* gradient) const;

  // Eigen versions; throw hnn::Error when the size is not variable_count().
  double value(const Eigen::VectorXd& state) const;
  double value_and_gradient(const Eigen::VectorXd& state, Eigen::VectorXd* gradient) const;

 private:
  enum class Op {
    kConstant,
    kVariable,
    kAdd,
    kMul,
    kPowInteger,
    kPowReal,
    kSin,
    kCos,
    kTan,
    kTanh,
    kSinh,
    kCosh,
    kExp,
    kLog,
    kAbs,
    kSign,
    kStep,
    kAsin,
    kAcos,
    kAtan,
    kAtanh,
  };
  struct Instruction {
    Op op;
    std::size_t first = 0;  // operands: operands_[first, first + count)
    std::size_t count = 0;
    double constant = 0.0;  // kConstant value, kPowReal exponent
    long integer = 0;       // kVariable index, kPowInteger exponent
  };
  friend class ExpressionCompiler;

  std::size_t variable_count_ = 0;
  std::vector<Instruction> instructions_;  // the result is the last one
  std::vector<std::size_t> operands_;
  mutable std::vector<double> values_;
  mutable std::vector<double> gradients_;  // instruction k: [k * variable_count_, +count)
};

}  // namespace hnn::symbolic

#endif  // HNN_SYMBOLIC_COMPILED_EXPRESSION_H_
