// CompiledFormulas: several GiNaC expressions in the same variables turned into one small
// straight-line program over doubles, with common subexpressions evaluated once. GiNaC's own
// evaluation (evalf) works on arbitrary-precision numbers and is far too slow for a vector
// field called millions of times; compile_ex would need a C compiler at run time.
//
// Supported: rational and real constants, pi, the variables, sums, products, quotients,
// powers (integer exponents by multiplication, 1/2 and -1/2 by sqrt, others by std::pow) and
// the functions sqrt exp log sin cos tan asin acos atan sinh cosh tanh abs. Anything else
// (a complex constant, another function) makes the constructor throw hnn::Error naming it.
//
// Usage:
//   GiNaC::realsymbol q("q"), p("p");
//   CompiledFormulas program({h, h.diff(q), h.diff(p)}, {q, p});
//   double x[2] = {0.1, 0.2}, out[3];
//   program.evaluate(x, out);                 // all three
//   double h0 = program.evaluate_first(x);    // only the first, cheaper
//
// Immutable after construction; evaluate() may be called from several threads at once.
#ifndef HNN_SYSTEMS_EXPRESSION_COMPILED_FORMULA_H_
#define HNN_SYSTEMS_EXPRESSION_COMPILED_FORMULA_H_

#include "hnn/symbolic/ginac.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hnn::systems {

class CompiledFormulas {
 public:
  // An empty program (no formulas); assign a compiled one.
  CompiledFormulas() = default;
  // `formulas` in `variables` only (other symbols are an error). `label` prefixes errors.
  CompiledFormulas(const std::vector<GiNaC::ex>& formulas,
                   const std::vector<GiNaC::realsymbol>& variables, const std::string& label);

  // variables: variable_count() values; outputs: formula_count() values.
  void evaluate(const double* variables, double* outputs) const;
  // The first formula only: evaluates the instructions it needs and no more.
  double evaluate_first(const double* variables) const;

  int variable_count() const { return variable_count_; }
  int formula_count() const { return static_cast<int>(outputs_.size()); }
  int instruction_count() const { return static_cast<int>(instructions_.size()); }

 private:
  enum class Operation : std::uint8_t {
    kConstant,
    kVariable,
    kAdd,
    kSubtract,
    kMultiply,
    kDivide,
    kNegate,
    kSquare,
    kCube,
    kIntegerPower,
    kPower,
    kSqrt,
    kExp,
    kLog,
    kSin,
    kCos,
    kTan,
    kAsin,
    kAcos,
    kAtan,
    kSinh,
    kCosh,
    kTanh,
    kAbs,
  };
  struct Instruction {
    Operation operation;
    int left = -1;  // operand slots (earlier instructions), or the variable index
    int right = -1;
    double constant = 0.0;  // kConstant value; kIntegerPower exponent
  };

  int compile(const GiNaC::ex& formula);
  int emit(Instruction instruction);
  int constant(double value);
  void run(const double* variables, double* slots, int count) const;

  std::vector<Instruction> instructions_;
  std::vector<int> outputs_;
  int first_end_ = 0;  // instructions needed by the first formula: [0, first_end_)
  int variable_count_ = 0;
  std::string label_;
  std::vector<GiNaC::realsymbol> variables_;
  std::map<GiNaC::ex, int, GiNaC::ex_is_less> cache_;  // construction only, cleared after
};

}  // namespace hnn::systems

#endif  // HNN_SYSTEMS_EXPRESSION_COMPILED_FORMULA_H_
