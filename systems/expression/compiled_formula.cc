#include "compiled_formula.h"

#include "formula_parser.h"

#include <cmath>
#include <memory>
#include <sstream>

#include "hnn/error.h"

namespace hnn::systems {
namespace {

// Slots on the stack for programs up to this size; larger ones allocate per call.
constexpr int kStackSlots = 512;

}  // namespace

CompiledFormulas::CompiledFormulas(const std::vector<GiNaC::ex>& formulas,
                                   const std::vector<GiNaC::realsymbol>& variables,
                                   const std::string& label)
    : variable_count_(static_cast<int>(variables.size())), label_(label), variables_(variables) {
  for (std::size_t i = 0; i < formulas.size(); ++i) {
    outputs_.push_back(compile(formulas[i]));
    if (i == 0) first_end_ = static_cast<int>(instructions_.size());
  }
  cache_.clear();
  variables_.clear();
}

int CompiledFormulas::emit(Instruction instruction) {
  instructions_.push_back(instruction);
  return static_cast<int>(instructions_.size()) - 1;
}

int CompiledFormulas::constant(double value) { return emit({Operation::kConstant, -1, -1, value}); }

int CompiledFormulas::compile(const GiNaC::ex& e) {
  if (const auto cached = cache_.find(e); cached != cache_.end()) return cached->second;
  int slot = -1;
  if (GiNaC::is_a<GiNaC::numeric>(e)) {
    const GiNaC::numeric& value = GiNaC::ex_to<GiNaC::numeric>(e);
    if (!value.is_real()) {
      throw Error(label_ + ": the formula has the complex value " + to_text(e) +
                  "; H must be real");
    }
    slot = constant(value.to_double());
  } else if (GiNaC::is_a<GiNaC::constant>(e)) {
    const GiNaC::ex value = e.evalf();
    if (!GiNaC::is_a<GiNaC::numeric>(value) || !GiNaC::ex_to<GiNaC::numeric>(value).is_real()) {
      throw Error(label_ + ": the constant " + to_text(e) + " is not a real number");
    }
    slot = constant(GiNaC::ex_to<GiNaC::numeric>(value).to_double());
  } else if (GiNaC::is_a<GiNaC::symbol>(e)) {
    for (std::size_t i = 0; i < variables_.size(); ++i) {
      if (e.is_equal(variables_[i])) slot = emit({Operation::kVariable, static_cast<int>(i)});
    }
    if (slot < 0) throw Error(label_ + ": unknown symbol " + to_text(e));
  } else if (GiNaC::is_a<GiNaC::add>(e)) {
    // Terms with a negative numeric factor are subtracted: a - 3*b, not a + (-3)*b.
    slot = -1;
    for (std::size_t i = 0; i < e.nops(); ++i) {
      const GiNaC::ex term = e.op(i);
      bool negative = false;
      GiNaC::ex magnitude = term;
      if (GiNaC::is_a<GiNaC::mul>(term)) {
        const GiNaC::ex factor = term.op(term.nops() - 1);
        if (GiNaC::is_a<GiNaC::numeric>(factor) && GiNaC::ex_to<GiNaC::numeric>(factor).is_real() &&
            GiNaC::ex_to<GiNaC::numeric>(factor).is_negative()) {
          negative = true;
          magnitude = -term;
        }
      } else if (GiNaC::is_a<GiNaC::numeric>(term) &&
                 GiNaC::ex_to<GiNaC::numeric>(term).is_real() &&
                 GiNaC::ex_to<GiNaC::numeric>(term).is_negative()) {
        negative = true;
        magnitude = -term;
      }
      const int operand = compile(magnitude);
      if (slot < 0) {
        slot = negative ? emit({Operation::kNegate, operand}) : operand;
      } else {
        slot = emit({negative ? Operation::kSubtract : Operation::kAdd, slot, operand});
      }
    }
  } else if (GiNaC::is_a<GiNaC::mul>(e)) {
    // Factors with a negative numeric exponent go to the denominator: a * b^-2 is a / b^2.
    int numerator = -1;
    int denominator = -1;
    for (std::size_t i = 0; i < e.nops(); ++i) {
      const GiNaC::ex factor = e.op(i);
      bool inverse = false;
      if (GiNaC::is_a<GiNaC::power>(factor) && GiNaC::is_a<GiNaC::numeric>(factor.op(1))) {
        const GiNaC::numeric& exponent = GiNaC::ex_to<GiNaC::numeric>(factor.op(1));
        inverse = exponent.is_real() && exponent.is_negative();
      }
      if (inverse) {
        const int operand = compile(GiNaC::pow(factor.op(0), -factor.op(1)));
        denominator =
            denominator < 0 ? operand : emit({Operation::kMultiply, denominator, operand});
      } else {
        const int operand = compile(factor);
        numerator = numerator < 0 ? operand : emit({Operation::kMultiply, numerator, operand});
      }
    }
    if (denominator < 0) {
      slot = numerator;
    } else {
      if (numerator < 0) numerator = constant(1.0);
      slot = emit({Operation::kDivide, numerator, denominator});
    }
  } else if (GiNaC::is_a<GiNaC::power>(e)) {
    const GiNaC::ex base = e.op(0);
    const GiNaC::ex exponent = e.op(1);
    if (GiNaC::is_a<GiNaC::numeric>(exponent) && GiNaC::ex_to<GiNaC::numeric>(exponent).is_real()) {
      const GiNaC::numeric& value = GiNaC::ex_to<GiNaC::numeric>(exponent);
      if (value.is_negative()) {
        const int positive = compile(GiNaC::pow(base, -exponent));
        slot = emit({Operation::kDivide, constant(1.0), positive});
      } else if (value == 2) {
        slot = emit({Operation::kSquare, compile(base)});
      } else if (value == 3) {
        slot = emit({Operation::kCube, compile(base)});
      } else if (value.is_integer() && value < 64) {
        slot = emit({Operation::kIntegerPower, compile(base), -1, value.to_double()});
      } else if (value == GiNaC::numeric(1, 2)) {
        slot = emit({Operation::kSqrt, compile(base)});
      } else {
        const int b = compile(base);
        slot = emit({Operation::kPower, b, constant(value.to_double())});
      }
    } else {
      const int b = compile(base);
      const int x = compile(exponent);
      slot = emit({Operation::kPower, b, x});
    }
  } else if (GiNaC::is_a<GiNaC::function>(e)) {
    const std::string name = GiNaC::ex_to<GiNaC::function>(e).get_name();
    static const std::map<std::string, Operation> kFunctions = {
        {"exp", Operation::kExp},   {"log", Operation::kLog},   {"sin", Operation::kSin},
        {"cos", Operation::kCos},   {"tan", Operation::kTan},   {"asin", Operation::kAsin},
        {"acos", Operation::kAcos}, {"atan", Operation::kAtan}, {"sinh", Operation::kSinh},
        {"cosh", Operation::kCosh}, {"tanh", Operation::kTanh}, {"abs", Operation::kAbs},
    };
    const auto found = kFunctions.find(name);
    if (found == kFunctions.end() || e.nops() != 1) {
      throw Error(label_ + ": cannot evaluate " + to_text(e) + " (the function '" + name +
                  "' appears in H or its derivatives and is not supported)");
    }
    slot = emit({found->second, compile(e.op(0))});
  } else {
    throw Error(label_ + ": cannot evaluate " + to_text(e) + " (a " +
                GiNaC::ex_to<GiNaC::basic>(e).class_name() + ")");
  }
  cache_.emplace(e, slot);
  return slot;
}

void CompiledFormulas::run(const double* variables, double* slots, int count) const {
  for (int i = 0; i < count; ++i) {
    const Instruction& in = instructions_[static_cast<std::size_t>(i)];
    const double a = in.left >= 0 && in.operation != Operation::kVariable ? slots[in.left] : 0.0;
    const double b = in.right >= 0 ? slots[in.right] : 0.0;
    double value = 0.0;
    switch (in.operation) {
      case Operation::kConstant:
        value = in.constant;
        break;
      case Operation::kVariable:
        value = variables[in.left];
        break;
      case Operation::kAdd:
        value = a + b;
        break;
      case Operation::kSubtract:
        value = a - b;
        break;
      case Operation::kMultiply:
        value = a * b;
        break;
      case Operation::kDivide:
        value = a / b;
        break;
      case Operation::kNegate:
        value = -a;
        break;
      case Operation::kSquare:
        value = a * a;
        break;
      case Operation::kCube:
        value = a * a * a;
        break;
      case Operation::kIntegerPower: {
        // Binary exponentiation; the exponent is a non-negative integer < 64.
        auto n = static_cast<unsigned>(in.constant);
        double base = a;
        value = 1.0;
        while (n != 0) {
          if (n & 1u) value *= base;
          base *= base;
          n >>= 1u;
        }
        break;
      }
      case Operation::kPower:
        value = std::pow(a, b);
        break;
      case Operation::kSqrt:
        value = std::sqrt(a);
        break;
      case Operation::kExp:
        value = std::exp(a);
        break;
      case Operation::kLog:
        value = std::log(a);
        break;
      case Operation::kSin:
        value = std::sin(a);
        break;
      case Operation::kCos:
        value = std::cos(a);
        break;
      case Operation::kTan:
        value = std::tan(a);
        break;
      case Operation::kAsin:
        value = std::asin(a);
        break;
      case Operation::kAcos:
        value = std::acos(a);
        break;
      case Operation::kAtan:
        value = std::atan(a);
        break;
      case Operation::kSinh:
        value = std::sinh(a);
        break;
      case Operation::kCosh:
        value = std::cosh(a);
        break;
      case Operation::kTanh:
        value = std::tanh(a);
        break;
      case Operation::kAbs:
        value = std::abs(a);
        break;
    }
    slots[i] = value;
  }
}

void CompiledFormulas::evaluate(const double* variables, double* outputs) const {
  const int count = instruction_count();
  double stack_slots[kStackSlots];
  std::unique_ptr<double[]> heap_slots;
  double* slots = stack_slots;
  if (count > kStackSlots) {
    heap_slots = std::make_unique<double[]>(static_cast<std::size_t>(count));
    slots = heap_slots.get();
  }
  run(variables, slots, count);
  for (std::size_t i = 0; i < outputs_.size(); ++i) outputs[i] = slots[outputs_[i]];
}

double CompiledFormulas::evaluate_first(const double* variables) const {
  double stack_slots[kStackSlots];
  std::unique_ptr<double[]> heap_slots;
  double* slots = stack_slots;
  if (first_end_ > kStackSlots) {
    heap_slots = std::make_unique<double[]>(static_cast<std::size_t>(first_end_));
    slots = heap_slots.get();
  }
  run(variables, slots, first_end_);
  return slots[outputs_.front()];
}

}  // namespace hnn::systems
