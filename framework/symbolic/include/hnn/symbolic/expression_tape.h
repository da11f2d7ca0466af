// ExpressionTape: the straight-line program a CompiledExpression runs (compiled_expression.h),
// and its interpreter. Users compile with CompiledExpression; this header is for the
// compiler (expression_lowering.h) and for tests.
//
// A tape is a list of instructions over doubles. Instruction k computes slot k from earlier
// slots (its operands), a constant or one of the variables; an output is a slot. Every
// instruction is one IEEE double operation of the arithmetic or of <cmath> (the build does
// not contract multiply-adds), so the same tape gives the same bits on every run.
//
// Forward-mode gradients: slot k carries d slot_k / d variable_i for every variable i
// ("lanes"), propagated with the rules written beside each operation below. Derivatives of
// abs, sign and step are sign(x), 0 and 0. Outside a function's domain the value is NaN or
// +-inf, as in IEEE arithmetic.
#ifndef HNN_SYMBOLIC_EXPRESSION_TAPE_H_
#define HNN_SYMBOLIC_EXPRESSION_TAPE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hnn::symbolic {

// x, y: the values of the first and second operand; v: the result.
enum class TapeOperation : std::uint8_t {
  kConstant,      // v = constant                          gradient 0
  kVariable,      // v = variables[left]                   gradient e_left
  kAdd,           // v = x + y                             gx + gy
  kSubtract,      // v = x - y                             gx - gy
  kMultiply,      // v = x * y                             gx * y + x * gy
  kDivide,        // v = x / y                             (gx - v * gy) / y
  kNegate,        // v = -x                                -gx
  kIntegerPower,  // v = x^exponent by repeated squaring;  exponent * x^(exponent - 1) * gx
                  //     a negative exponent gives 1 / x^|exponent|
  kRealPower,     // v = std::pow(x, constant)             constant * x^(constant - 1) * gx
  kPower,         // v = std::pow(x, y)                    y x^(y-1) gx + v log(x) gy, each term
                  //                                       only where its lane is non-zero
  kSqrt,          // v = std::sqrt(x)                      gx / (2 v)
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
  kAtanh,
  kAbs,   // std::fabs                                 sign(x) gx
  kSign,  // -1, 0 (or x for +-0 and NaN), 1           0
  kStep,  // 0 for x < 0, 1/2 at 0, 1 for x > 0        0
};

struct TapeInstruction {
  TapeOperation operation = TapeOperation::kConstant;
  std::uint32_t left = 0;   // slot of the first operand; kVariable: the variable's index
  std::uint32_t right = 0;  // slot of the second operand of a two-operand operation
  double constant = 0.0;    // kConstant: the value; kRealPower: the exponent
  long exponent = 0;        // kIntegerPower: the exponent
};

struct ExpressionTape {
  std::size_t variable_count = 0;
  std::vector<TapeInstruction> instructions;
  std::vector<std::uint32_t> outputs;  // the slot of each output
  // Instructions [0, first_output_end) compute output 0: evaluating only these gives it.
  std::size_t first_output_end = 0;
};

// x^exponent by repeated squaring (1 / x^|exponent| for a negative exponent).
double integer_power(double x, long exponent);

// Runs instructions [0, count) of `tape` (count <= instructions.size()) at `variables`
// (variable_count values): values[k] = slot k. No pointer may be null.
void run_values(const ExpressionTape& tape, std::size_t count, const double* variables,
                double* values);

// The same with forward-mode gradients: gradients[k * variable_count + i] = d slot k /
// d variable i (count * variable_count entries). The values are those of run_values.
void run_values_and_gradients(const ExpressionTape& tape, std::size_t count,
                              const double* variables, double* values, double* gradients);

}  // namespace hnn::symbolic

#endif  // HNN_SYMBOLIC_EXPRESSION_TAPE_H_
