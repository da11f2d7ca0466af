// CompiledExpression: hnn's one compiler of GiNaC expressions into fast numerical code. One
// or several expressions (outputs) in the same variables become one straight-line program
// over doubles (expression_tape.h), with equal subexpressions evaluated once. GiNaC's own
// evaluation (subs + evalf) works on arbitrary-precision numbers and is far too slow for a
// vector field called millions of times; GiNaC's compile_ex would need a C compiler at run
// time. Its users: the `expression` system (H and its symbolic gradient as outputs) and the
// symbolic stage (the formulas of a recovered network, SymbolicFormula::compile and
// SymbolicNetworkModel).
//
// Inputs: the expressions and the list of variables (distinct GiNaC symbols); the state
// vector passed to the evaluation methods holds the variables' values in that order.
//
// Outputs: value() gives output 0 (evaluating only the instructions it needs), values() all
// outputs, value_and_gradient() output 0 and its gradient with respect to every variable
// (forward mode, exact up to rounding; see expression_tape.h for the rules, e.g. the
// derivatives of abs, csgn and step are sign(x), 0 and 0).
//
// Supported nodes: real numbers and constants (Pi, ...), the variables, sums, products,
// powers (any exponent, also an expression), and the functions exp log sin cos tan asin
// acos atan sinh cosh tanh atanh abs csgn (sign) step: everything the formula parser
// (formula_parser.h) and the symbolic function library build, and their derivatives. Any
// other node (another symbol, zeta, a complex number, a derivative of an unknown function)
// makes the constructor throw hnn::NotImplementedError, with a message that starts with
// CompileOptions::label and names the node. Semantics are IEEE double: outside a function's
// domain the value is NaN or +-inf.
//
// Evaluation order (CompileOptions::order). The order of the operands of a sum or product
// changes the rounding of the result, and GiNaC stores them in the order of hash values that
// can differ from one process to the next (they involve addresses). Two orders:
//
//   * kCanonical (the default; the symbolic stage): sums and products are evaluated left
//     to right over their operands sorted by a structural key of the expression, so the
//     same expression gives bit-identical results in every process. Every number is
//     evalf'd to a double; a^n for an integer |n| < 10^6 is computed by repeated squaring
//     (1 / a^|n| for n < 0), other powers with std::pow.
//   * kAsStored (the `expression` system, whose H and gradients it keeps bit for bit as they
//     always were): GiNaC's stored operand order, with terms carrying a negative numeric
//     factor subtracted (a - 3 b) and factors with a negative numeric exponent divided
//     (a / b^2); exact numbers are converted to double directly; a^(1/2) is std::sqrt,
//     a^n for an integer 0 < n < 64 repeated squaring, a^-r = 1 / a^r, others std::pow.
//     The results are reproducible within one process; between processes only where the
//     operand order does not matter.
//
// Thread safety and cost: immutable after construction. The evaluation methods are const
// and may be called from several threads at once; they use no heap memory for small
// programs (scratch on the stack) and per-thread scratch storage for large ones, which grows
// to the largest program a thread evaluated (no allocation after that). Copies are
// independent. The spring H (2 variables, 17 instructions) takes of the order of 100 ns per
// value_and_gradient() on an idle 2-core machine, against microseconds for GiNaC's subs +
// evalf of the value alone (tests/symbolic/symbolic_formula_test.cc prints both).
//
// Example:
//
//   GiNaC::realsymbol q("q"), p("p");
//   const GiNaC::ex h = GiNaC::pow(q, 2) + GiNaC::sin(p);
//   hnn::symbolic::CompiledExpression energy(h, {q, p});
//   double state[2] = {1.0, 0.5}, gradient[2];
//   double value = energy.value_and_gradient(state, gradient);
//
//   // H and its symbolic gradient in the `expression` system's order:
//   hnn::symbolic::CompiledExpression field({h, h.diff(q), h.diff(p)}, {q, p},
//                                           {.order = hnn::symbolic::EvaluationOrder::kAsStored,
//                                            .label = "hamiltonian"});
//   double outputs[3];
//   field.values(state, outputs);
#ifndef HNN_SYMBOLIC_COMPILED_EXPRESSION_H_
#define HNN_SYMBOLIC_COMPILED_EXPRESSION_H_

#include <Eigen/Core>
#include <cstddef>
#include <string>
#include <vector>

#include "hnn/symbolic/expression_tape.h"
#include "hnn/symbolic/ginac.h"

namespace hnn::symbolic {

// How sums, products and powers are evaluated (see the file comment).
enum class EvaluationOrder {
  kCanonical,  // bit-reproducible in every process
  kAsStored,   // GiNaC's stored order, the `expression` system's
};

struct CompileOptions {
  EvaluationOrder order = EvaluationOrder::kCanonical;
  // Starts every error message: "<label>: symbol 'r' is not one of the variables".
  std::string label = "compiled expression";
};

class CompiledExpression {
 public:
  // One output. `variables` are GiNaC symbols; their order is the order of the state
  // vector. Throws hnn::Error when a variable is not a symbol or appears twice,
  // hnn::NotImplementedError for an unsupported node (see the file comment).
  CompiledExpression(const GiNaC::ex& expression, const std::vector<GiNaC::ex>& variables,
                     const CompileOptions& options = {});
  // Several outputs (at least one; Error otherwise), compiled into one program.
  CompiledExpression(const std::vector<GiNaC::ex>& expressions,
                     const std::vector<GiNaC::ex>& variables, const CompileOptions& options = {});

  std::size_t variable_count() const { return tape_.variable_count; }
  std::size_t output_count() const { return tape_.outputs.size(); }
  std::size_t instruction_count() const { return tape_.instructions.size(); }
  const ExpressionTape& tape() const { return tape_; }

  // Output 0 at `state` (variable_count() entries; not null).
  double value(const double* state) const;
  // Every output, written to `outputs` (output_count() entries; not null).
  void values(const double* state, double* outputs) const;
  // Output 0, and its gradient written to `gradient` (variable_count() entries; not null).
  double value_and_gradient(const double* state, double* gradient) const;

  // Eigen versions; throw hnn::Error when the size is not variable_count() or `gradient` is
  // null (which is resized to variable_count()).
  double value(const Eigen::VectorXd& state) const;
  double value_and_gradient(const Eigen::VectorXd& state, Eigen::VectorXd* gradient) const;

 private:
  void check_state(Eigen::Index size) const;

  ExpressionTape tape_;
};

}  // namespace hnn::symbolic

#endif  // HNN_SYMBOLIC_COMPILED_EXPRESSION_H_
