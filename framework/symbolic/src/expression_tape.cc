#include "hnn/symbolic/expression_tape.h"

#include <cmath>

namespace hnn::symbolic {
namespace {

double sign(double x) {
  if (x > 0.0) return 1.0;
  if (x < 0.0) return -1.0;
  return x;
}

// A constant or a variable: no operand slots.
bool is_leaf(TapeOperation operation) {
  return operation == TapeOperation::kConstant || operation == TapeOperation::kVariable;
}

double step(double x) { return x > 0.0 ? 1.0 : (x < 0.0 ? 0.0 : 0.5); }

// The value of a one-operand function, and with `slope` its derivative.
double unary(TapeOperation operation, double x, double* slope) {
  double v = 0.0;
  double s = 0.0;
  switch (operation) {
    case TapeOperation::kSqrt:
      v = std::sqrt(x);
      s = 0.5 / v;
      break;
    case TapeOperation::kExp:
      v = std::exp(x);
      s = v;
      break;
    case TapeOperation::kLog:
      v = std::log(x);
      s = 1.0 / x;
      break;
    case TapeOperation::kSin:
      v = std::sin(x);
      s = std::cos(x);
      break;
    case TapeOperation::kCos:
      v = std::cos(x);
      s = -std::sin(x);
      break;
    case TapeOperation::kTan:
      v = std::tan(x);
      s = 1.0 + v * v;
      break;
    case TapeOperation::kAsin:
      v = std::asin(x);
      s = 1.0 / std::sqrt(1.0 - x * x);
      break;
    case TapeOperation::kAcos:
      v = std::acos(x);
      s = -1.0 / std::sqrt(1.0 - x * x);
      break;
    case TapeOperation::kAtan:
      v = std::atan(x);
      s = 1.0 / (1.0 + x * x);
      break;
    case TapeOperation::kSinh:
      v = std::sinh(x);
      s = std::cosh(x);
      break;
    case TapeOperation::kCosh:
      v = std::cosh(x);
      s = std::sinh(x);
      break;
    case TapeOperation::kTanh:
      v = std::tanh(x);
      s = 1.0 - v * v;
      break;
    case TapeOperation::kAtanh:
      v = std::atanh(x);
      s = 1.0 / (1.0 - x * x);
      break;
    case TapeOperation::kAbs:
      v = std::fabs(x);
      s = sign(x);
      break;
    case TapeOperation::kSign:
      v = sign(x);
      break;
    case TapeOperation::kStep:
      v = step(x);
      break;
    default:  // not a one-operand function: never reached
      v = std::nan("");
      s = std::nan("");
      break;
  }
  if (slope != nullptr) *slope = s;
  return v;
}

}  // namespace

double integer_power(double x, long exponent) {
  const bool invert = exponent < 0;
  unsigned long n =
      invert ? static_cast<unsigned long>(-exponent) : static_cast<unsigned long>(exponent);
  double result = 1.0;
  while (n > 0) {
    if (n & 1UL) result *= x;
    x *= x;
    n >>= 1;
  }
  return invert ? 1.0 / result : result;
}

void run_values(const ExpressionTape& tape, std::size_t count, const double* variables,
                double* values) {
  for (std::size_t k = 0; k < count; ++k) {
    const TapeInstruction& in = tape.instructions[k];
    // Operands: a one-operand operation reads slot 0 as y (written, since k > 0), unused.
    const bool leaf = is_leaf(in.operation);
    const double x = leaf ? 0.0 : values[in.left];
    const double y = leaf ? 0.0 : values[in.right];
    double v = 0.0;
    switch (in.operation) {
      case TapeOperation::kConstant:
        v = in.constant;
        break;
      case TapeOperation::kVariable:
        v = variables[in.left];
        break;
      case TapeOperation::kAdd:
        v = x + y;
        break;
      case TapeOperation::kSubtract:
        v = x - y;
        break;
      case TapeOperation::kMultiply:
        v = x * y;
        break;
      case TapeOperation::kDivide:
        v = x / y;
        break;
      case TapeOperation::kNegate:
        v = -x;
        break;
      case TapeOperation::kIntegerPower:
        v = integer_power(x, in.exponent);
        break;
      case TapeOperation::kRealPower:
        v = std::pow(x, in.constant);
        break;
      case TapeOperation::kPower:
        v = std::pow(x, y);
        break;
      default:
        v = unary(in.operation, x, nullptr);
        break;
    }
    values[k] = v;
  }
}

void run_values_and_gradients(const ExpressionTape& tape, std::size_t count,
                              const double* variables, double* values, double* gradients) {
  const std::size_t n = tape.variable_count;
  for (std::size_t k = 0; k < count; ++k) {
    const TapeInstruction& in = tape.instructions[k];
    double* g = gradients + k * n;
    const bool leaf = is_leaf(in.operation);
    const double x = leaf ? 0.0 : values[in.left];
    const double y = leaf ? 0.0 : values[in.right];
    const double* gx = leaf ? gradients : gradients + std::size_t(in.left) * n;
    const double* gy = leaf ? gradients : gradients + std::size_t(in.right) * n;
    double v = 0.0;
    double slope = 0.0;  // d v / d x for the one-operand operations: g = slope * gx
    bool chain = false;
    switch (in.operation) {
      case TapeOperation::kConstant:
        v = in.constant;
        for (std::size_t i = 0; i < n; ++i) g[i] = 0.0;
        break;
      case TapeOperation::kVariable:
        v = variables[in.left];
        for (std::size_t i = 0; i < n; ++i) g[i] = 0.0;
        g[in.left] = 1.0;
        break;
      case TapeOperation::kAdd:
        v = x + y;
        for (std::size_t i = 0; i < n; ++i) g[i] = gx[i] + gy[i];
        break;
      case TapeOperation::kSubtract:
        v = x - y;
        for (std::size_t i = 0; i < n; ++i) g[i] = gx[i] - gy[i];
        break;
      case TapeOperation::kMultiply:
        v = x * y;
        for (std::size_t i = 0; i < n; ++i) g[i] = gx[i] * y + x * gy[i];
        break;
      case TapeOperation::kDivide:
        v = x / y;
        for (std::size_t i = 0; i < n; ++i) g[i] = (gx[i] - v * gy[i]) / y;
        break;
      case TapeOperation::kNegate:
        v = -x;
        for (std::size_t i = 0; i < n; ++i) g[i] = -gx[i];
        break;
      case TapeOperation::kIntegerPower:
        v = integer_power(x, in.exponent);
        slope = static_cast<double>(in.exponent) * integer_power(x, in.exponent - 1);
        chain = true;
        break;
      case TapeOperation::kRealPower:
        v = std::pow(x, in.constant);
        slope = in.constant * std::pow(x, in.constant - 1.0);
        chain = true;
        break;
      case TapeOperation::kPower: {
        v = std::pow(x, y);
        const double slope_base = y * std::pow(x, y - 1.0);
        const double slope_exponent = v * std::log(x);
        for (std::size_t i = 0; i < n; ++i) {
          g[i] = (gx[i] != 0.0 ? slope_base * gx[i] : 0.0) +
                 (gy[i] != 0.0 ? slope_exponent * gy[i] : 0.0);
        }
        break;
      }
      default:
        v = unary(in.operation, x, &slope);
        chain = true;
        break;
    }
    if (chain) {
      for (std::size_t i = 0; i < n; ++i) g[i] = slope * gx[i];
    }
    values[k] = v;
  }
}

}  // namespace hnn::symbolic
