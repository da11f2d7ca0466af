#include "hnn/symbolic/expression_lowering.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <string>

#include "hnn/error.h"
#include "hnn/symbolic/canonical_order.h"

namespace hnn::symbolic {
namespace {

using GiNaC::ex;
using GiNaC::ex_to;
using GiNaC::is_a;
using GiNaC::numeric;
using Slot = std::uint32_t;

bool is_negative_real(const ex& e) {
  return is_a<numeric>(e) && ex_to<numeric>(e).is_real() && ex_to<numeric>(e).is_negative();
}

// Lowers expressions into one tape; see compiled_expression.h for the two orders.
class Lowering {
 public:
  Lowering(const std::vector<ex>& variables, const CompileOptions& options, ExpressionTape* tape)
      : variables_(variables), options_(options), tape_(tape) {}

  Slot compile(const ex& e) {
    const auto found = slots_.find(e);
    if (found != slots_.end()) return found->second;
    const Slot slot = lower(e);
    slots_.emplace(e, slot);
    return slot;
  }

 private:
  bool canonical() const { return options_.order == EvaluationOrder::kCanonical; }

  [[noreturn]] void unsupported(const std::string& problem) const {
    throw NotImplementedError(options_.label + ": " + problem);
  }

  Slot emit(TapeInstruction instruction) {
    if (tape_->instructions.size() >= std::numeric_limits<Slot>::max()) {
      unsupported("the expression needs more than 2^32 instructions");
    }
    tape_->instructions.push_back(instruction);
    return static_cast<Slot>(tape_->instructions.size() - 1);
  }
  Slot constant(double value) { return emit({TapeOperation::kConstant, 0, 0, value, 0}); }
  Slot unary(TapeOperation operation, Slot x) { return emit({operation, x, 0, 0.0, 0}); }
  Slot binary(TapeOperation operation, Slot x, Slot y) { return emit({operation, x, y, 0.0, 0}); }

  Slot lower(const ex& e) {
    if (is_a<numeric>(e) || is_a<GiNaC::constant>(e)) return number(e);
    if (is_a<GiNaC::symbol>(e)) return variable(e);
    if (is_a<GiNaC::add>(e)) return canonical() ? chain(TapeOperation::kAdd, e) : stored_sum(e);
    if (is_a<GiNaC::mul>(e)) {
      return canonical() ? chain(TapeOperation::kMultiply, e) : stored_product(e);
    }
    if (is_a<GiNaC::power>(e)) return power(e);
    if (is_a<GiNaC::function>(e)) return function(e);
    unsupported("the node '" + ginac_text(e) + "' (a " + ex_to<GiNaC::basic>(e).class_name() +
                ") is not supported");
  }

  // kCanonical evaluates every number through evalf; kAsStored converts an exact numeric
  // directly (the two can differ in the last bit) and evalf's only constants such as Pi.
  Slot number(const ex& e) {
    const ex value = canonical() || is_a<GiNaC::constant>(e) ? e.evalf() : e;
    if (!is_a<numeric>(value) || !ex_to<numeric>(value).is_real()) {
      unsupported("'" + ginac_text(e) + "' is not a real number");
    }
    return constant(ex_to<numeric>(value).to_double());
  }

  Slot variable(const ex& e) {
    for (std::size_t k = 0; k < variables_.size(); ++k) {
      if (variables_[k].is_equal(e)) {
        return emit({TapeOperation::kVariable, static_cast<Slot>(k), 0, 0.0, 0});
      }
    }
    unsupported("symbol '" + ginac_text(e) + "' is not one of the variables");
  }

  // kCanonical sums and products: the operands sorted by canonical_key, left to right.
  Slot chain(TapeOperation operation, const ex& e) {
    std::vector<ex> operands;
    for (std::size_t k = 0; k < e.nops(); ++k) operands.push_back(e.op(k));
    std::stable_sort(operands.begin(), operands.end(), [this](const ex& a, const ex& b) {
      return canonical_key(a) < canonical_key(b);
    });
    std::vector<Slot> slots;
    for (const ex& operand : operands) slots.push_back(compile(operand));
    Slot result = slots.front();
    for (std::size_t k = 1; k < slots.size(); ++k) result = binary(operation, result, slots[k]);
    return result;
  }

  const std::string& canonical_key(const ex& e) { return keys_.key(e); }

  // kAsStored sum: GiNaC's order; terms with a negative numeric factor are subtracted
  // (a - 3*b, not a + (-3)*b).
  Slot stored_sum(const ex& e) {
    Slot result = 0;
    for (std::size_t k = 0; k < e.nops(); ++k) {
      const ex term = e.op(k);
      const bool negative = is_a<GiNaC::mul>(term) ? is_negative_real(term.op(term.nops() - 1))
                                                   : is_negative_real(term);
      const Slot operand = compile(negative ? -term : term);
      if (k == 0) {
        result = negative ? unary(TapeOperation::kNegate, operand) : operand;
      } else {
        result = binary(negative ? TapeOperation::kSubtract : TapeOperation::kAdd, result, operand);
      }
    }
    return result;
  }

  // kAsStored product: GiNaC's order; factors with a negative numeric exponent go to the
  // denominator (a * b^-2 is a / b^2).
  Slot stored_product(const ex& e) {
    bool has_numerator = false, has_denominator = false;
    Slot numerator = 0, denominator = 0;
    for (std::size_t k = 0; k < e.nops(); ++k) {
      const ex factor = e.op(k);
      if (is_a<GiNaC::power>(factor) && is_negative_real(factor.op(1))) {
        const Slot operand = compile(GiNaC::pow(factor.op(0), -factor.op(1)));
        denominator =
            has_denominator ? binary(TapeOperation::kMultiply, denominator, operand) : operand;
        has_denominator = true;
      } else {
        const Slot operand = compile(factor);
        numerator = has_numerator ? binary(TapeOperation::kMultiply, numerator, operand) : operand;
        has_numerator = true;
      }
    }
    if (!has_denominator) return numerator;
    if (!has_numerator) numerator = constant(1.0);
    return binary(TapeOperation::kDivide, numerator, denominator);
  }

  Slot power(const ex& e) {
    const ex base = e.op(0);
    const ex exponent = e.op(1);
    if (!is_a<numeric>(exponent) || !ex_to<numeric>(exponent).is_real()) {
      const Slot x = compile(base);
      return binary(TapeOperation::kPower, x, compile(exponent));
    }
    const numeric& n = ex_to<numeric>(exponent);
    if (canonical()) {
      const Slot x = compile(base);
      if (n.is_integer() && std::fabs(n.to_double()) < 1e6) {
        return emit({TapeOperation::kIntegerPower, x, 0, 0.0, n.to_long()});
      }
      return emit({TapeOperation::kRealPower, x, 0, n.to_double(), 0});
    }
    // kAsStored: x^-a = 1 / x^a, x^(1/2) by sqrt, integers below 64 by squaring.
    if (n.is_negative()) {
      const Slot positive = compile(GiNaC::pow(base, -exponent));
      return binary(TapeOperation::kDivide, constant(1.0), positive);
    }
    const Slot x = compile(base);
    if (n.is_integer() && n < 64)
      return emit({TapeOperation::kIntegerPower, x, 0, 0.0, n.to_long()});
    if (n == numeric(1, 2)) return unary(TapeOperation::kSqrt, x);
    return emit({TapeOperation::kRealPower, x, 0, n.to_double(), 0});
  }

  Slot function(const ex& e) {
    static const std::map<std::string, TapeOperation> functions = {
        {"exp", TapeOperation::kExp},   {"log", TapeOperation::kLog},
        {"sin", TapeOperation::kSin},   {"cos", TapeOperation::kCos},
        {"tan", TapeOperation::kTan},   {"asin", TapeOperation::kAsin},
        {"acos", TapeOperation::kAcos}, {"atan", TapeOperation::kAtan},
        {"sinh", TapeOperation::kSinh}, {"cosh", TapeOperation::kCosh},
        {"tanh", TapeOperation::kTanh}, {"atanh", TapeOperation::kAtanh},
        {"abs", TapeOperation::kAbs},   {"csgn", TapeOperation::kSign},
        {"step", TapeOperation::kStep},
    };
    const auto found = functions.find(ex_to<GiNaC::function>(e).get_name());
    if (found == functions.end() || e.nops() != 1 || is_a<GiNaC::fderivative>(e)) {
      unsupported("the function '" + ginac_text(e) + "' is not supported");
    }
    return unary(found->second, compile(e.op(0)));
  }

  const std::vector<ex>& variables_;
  const CompileOptions& options_;
  ExpressionTape* tape_;
  std::map<ex, Slot, GiNaC::ex_is_less> slots_;
  CanonicalKeys keys_;  // the canonical order (canonical_order.h)
};

}  // namespace

ExpressionTape lower_expressions(const std::vector<ex>& expressions,
                                 const std::vector<ex>& variables, const CompileOptions& options) {
  ExpressionTape tape;
  tape.variable_count = variables.size();
  Lowering lowering(variables, options, &tape);
  for (std::size_t k = 0; k < expressions.size(); ++k) {
    tape.outputs.push_back(lowering.compile(expressions[k]));
    if (k == 0) tape.first_output_end = tape.instructions.size();
  }
  return tape;
}

}  // namespace hnn::symbolic
