#include "hnn/symbolic/compiled_expression.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <string>

#include "hnn/error.h"

namespace hnn::symbolic {

namespace {

std::string describe(const GiNaC::ex& e) {
  std::ostringstream text;
  text << e;
  return text.str();
}

double sign(double x) {
  if (x > 0.0) return 1.0;
  if (x < 0.0) return -1.0;
  return x;
}

double integer_power(double base, long exponent) {
  const bool invert = exponent < 0;
  unsigned long n =
      invert ? static_cast<unsigned long>(-exponent) : static_cast<unsigned long>(exponent);
  double result = 1.0;
  while (n > 0) {
    if (n & 1UL) result *= base;
    base *= base;
    n >>= 1;
  }
  return invert ? 1.0 / result : result;
}

}  // namespace

class ExpressionCompiler {
 public:
  using Op = CompiledExpression::Op;

  ExpressionCompiler(CompiledExpression* target, const std::vector<GiNaC::ex>& variables)
      : target_(target), variables_(variables) {}

  std::size_t compile(const GiNaC::ex& e) {
    const auto found = slots_.find(e);
    if (found != slots_.end()) return found->second;
    const std::size_t slot = emit(e);
    slots_.emplace(e, slot);
    return slot;
  }

 private:
  std::size_t push(CompiledExpression::Instruction instruction) {
    target_->instructions_.push_back(instruction);
    return target_->instructions_.size() - 1;
  }

  // A text that identifies an expression independently of GiNaC's internal order of the
  // terms of sums and products (which follows hash values that can differ from one process
  // to the next): the operands of sums and products are sorted by their keys.
  const std::string& canonical_key(const GiNaC::ex& e) {
    const auto found = keys_.find(e);
    if (found != keys_.end()) return found->second;
    std::string key;
    if (GiNaC::is_a<GiNaC::add>(e) || GiNaC::is_a<GiNaC::mul>(e)) {
      std::vector<std::string> parts;
      for (std::size_t k = 0; k < e.nops(); ++k) parts.push_back(canonical_key(e.op(k)));
      std::sort(parts.begin(), parts.end());
      key = GiNaC::is_a<GiNaC::add>(e) ? "add(" : "mul(";
      for (const auto& part : parts) key += part + ",";
      key += ")";
    } else if (e.nops() == 0) {
      key = describe(e);  // a number (exact text), a symbol or a constant
    } else {
      key = GiNaC::ex_to<GiNaC::basic>(e).class_name();
      if (GiNaC::is_a<GiNaC::function>(e)) key += ":" + GiNaC::ex_to<GiNaC::function>(e).get_name();
      key += "(";
      for (std::size_t k = 0; k < e.nops(); ++k) key += canonical_key(e.op(k)) + ",";
      key += ")";
    }
    return keys_.emplace(e, std::move(key)).first->second;
  }

  // Operands in canonical order, so that sums and products are evaluated in the same order
  // in every process (bit-reproducible results).
  std::size_t emit_operands(Op op, const GiNaC::ex& e) {
    std::vector<GiNaC::ex> terms;
    for (std::size_t k = 0; k < e.nops(); ++k) terms.push_back(e.op(k));
    std::stable_sort(terms.begin(), terms.end(), [this](const GiNaC::ex& a, const GiNaC::ex& b) {
      return canonical_key(a) < canonical_key(b);
    });
    std::vector<std::size_t> operands;
    for (const auto& term : terms) operands.push_back(compile(term));
    CompiledExpression::Instruction instruction{op};
    instruction.first = target_->operands_.size();
    instruction.count = operands.size();
    target_->operands_.insert(target_->operands_.end(), operands.begin(), operands.end());
    return push(instruction);
  }

  std::size_t emit(const GiNaC::ex& e) {
    using GiNaC::is_a;
    if (is_a<GiNaC::numeric>(e) || is_a<GiNaC::constant>(e)) {
      const GiNaC::ex number = e.evalf();
      if (!is_a<GiNaC::numeric>(number) || !GiNaC::ex_to<GiNaC::numeric>(number).is_real()) {
        throw NotImplementedError("compiled expression: '" + describe(e) +
                                  "' is not a real number");
      }
      CompiledExpression::Instruction instruction{Op::kConstant};
      instruction.constant = GiNaC::ex_to<GiNaC::numeric>(number).to_double();
      return push(instruction);
    }
    if (is_a<GiNaC::symbol>(e)) {
      for (std::size_t k = 0; k < variables_.size(); ++k) {
        if (variables_[k].is_equal(e)) {
          CompiledExpression::Instruction instruction{Op::kVariable};
          instruction.integer = static_cast<long>(k);
          return push(instruction);
        }
      }
      throw NotImplementedError("compiled expression: symbol '" + describe(e) +
                                "' is not one of the variables");
    }
    if (is_a<GiNaC::add>(e)) return emit_operands(Op::kAdd, e);
    if (is_a<GiNaC::mul>(e)) return emit_operands(Op::kMul, e);
    if (is_a<GiNaC::power>(e)) {
      const GiNaC::ex exponent = e.op(1);
      if (!is_a<GiNaC::numeric>(exponent) || !GiNaC::ex_to<GiNaC::numeric>(exponent).is_real()) {
        throw NotImplementedError("compiled expression: the power '" + describe(e) +
                                  "' has a non-numeric exponent");
      }
      const GiNaC::numeric& n = GiNaC::ex_to<GiNaC::numeric>(exponent);
      const std::size_t base = compile(e.op(0));
      CompiledExpression::Instruction instruction{Op::kPowReal};
      if (n.is_integer() && std::fabs(n.to_double()) < 1e6) {
        instruction.op = Op::kPowInteger;
        instruction.integer = n.to_long();
      } else {
        instruction.constant = n.to_double();
      }
      instruction.first = target_->operands_.size();
      instruction.count = 1;
      target_->operands_.push_back(base);
      return push(instruction);
    }
    if (is_a<GiNaC::function>(e)) {
      static const std::map<std::string, Op> functions = {
          {"sin", Op::kSin},   {"cos", Op::kCos},   {"tan", Op::kTan},     {"tanh", Op::kTanh},
          {"sinh", Op::kSinh}, {"cosh", Op::kCosh}, {"exp", Op::kExp},     {"log", Op::kLog},
          {"abs", Op::kAbs},   {"csgn", Op::kSign}, {"step", Op::kStep},   {"asin", Op::kAsin},
          {"acos", Op::kAcos}, {"atan", Op::kAtan}, {"atanh", Op::kAtanh},
      };
      const std::string name = GiNaC::ex_to<GiNaC::function>(e).get_name();
      const auto found = functions.find(name);
      if (found == functions.end() || e.nops() != 1 || is_a<GiNaC::fderivative>(e)) {
        throw NotImplementedError("compiled expression: the function '" + describe(e) +
                                  "' is not supported");
      }
      return emit_operands(found->second, e);
    }
    throw NotImplementedError("compiled expression: the node '" + describe(e) +
                              "' is not supported");
  }

  CompiledExpression* target_;
  const std::vector<GiNaC::ex>& variables_;
  std::map<GiNaC::ex, std::size_t, GiNaC::ex_is_less> slots_;
  std::map<GiNaC::ex, std::string, GiNaC::ex_is_less> keys_;
};

CompiledExpression::CompiledExpression(const GiNaC::ex& expression,
                                       const std::vector<GiNaC::ex>& variables)
    : variable_count_(variables.size()) {
  for (std::size_t k = 0; k < variables.size(); ++k) {
    if (!GiNaC::is_a<GiNaC::symbol>(variables[k])) {
      throw Error("compiled expression: variable " + std::to_string(k) + " ('" +
                  describe(variables[k]) + "') is not a symbol");
    }
    for (std::size_t m = 0; m < k; ++m) {
      if (variables[m].is_equal(variables[k])) {
        throw Error("compiled expression: variable '" + describe(variables[k]) +
                    "' is listed twice");
      }
    }
  }
  ExpressionCompiler compiler(this, variables);
  const std::size_t result = compiler.compile(expression);
  // Memoised nodes may leave the root earlier in the tape only if the whole expression was
  // seen before, which cannot happen at the top; the root is the last instruction.
  if (result + 1 != instructions_.size()) throw Error("compiled expression: internal error");
  values_.resize(instructions_.size());
  gradients_.resize(instructions_.size() * variable_count_);
}

double CompiledExpression::value(const double* state) const {
  for (std::size_t k = 0; k < instructions_.size(); ++k) {
    const Instruction& in = instructions_[k];
    const std::size_t* operand = operands_.data() + in.first;
    double v = 0.0;
    const double x = in.count > 0 ? values_[operand[0]] : 0.0;
    switch (in.op) {
      case Op::kConstant:
        v = in.constant;
        break;
      case Op::kVariable:
        v = state[in.integer];
        break;
      case Op::kAdd:
        v = x;
        for (std::size_t m = 1; m < in.count; ++m) v += values_[operand[m]];
        break;
      case Op::kMul:
        v = x;
        for (std::size_t m = 1; m < in.count; ++m) v *= values_[operand[m]];
        break;
      case Op::kPowInteger:
        v = integer_power(x, in.integer);
        break;
      case Op::kPowReal:
        v = std::pow(x, in.constant);
        break;
      case Op::kSin:
        v = std::sin(x);
        break;
      case Op::kCos:
        v = std::cos(x);
        break;
      case Op::kTan:
        v = std::tan(x);
        break;
      case Op::kTanh:
        v = std::tanh(x);
        break;
      case Op::kSinh:
        v = std::sinh(x);
        break;
      case Op::kCosh:
        v = std::cosh(x);
        break;
      case Op::kExp:
        v = std::exp(x);
        break;
      case Op::kLog:
        v = std::log(x);
        break;
      case Op::kAbs:
        v = std::fabs(x);
        break;
      case Op::kSign:
        v = sign(x);
        break;
      case Op::kStep:
        v = x > 0.0 ? 1.0 : (x < 0.0 ? 0.0 : 0.5);
        break;
      case Op::kAsin:
        v = std::asin(x);
        break;
      case Op::kAcos:
        v = std::acos(x);
        break;
      case Op::kAtan:
        v = std::atan(x);
        break;
      case Op::kAtanh:
        v = std::atanh(x);
        break;
    }
    values_[k] = v;
  }
  return values_.back();
}

double CompiledExpression::value_and_gradient(const double* state, double* gradient) const {
  const std::size_t n = variable_count_;
  for (std::size_t k = 0; k < instructions_.size(); ++k) {
    const Instruction& in = instructions_[k];
    const std::size_t* operand = operands_.data() + in.first;
    double* g = gradients_.data() + k * n;
    const double x = in.count > 0 ? values_[operand[0]] : 0.0;
    const double* gx = in.count > 0 ? gradients_.data() + operand[0] * n : nullptr;
    double v = 0.0;
    double slope = 0.0;  // d v / d x for the one-argument operations
    bool chain = true;   // g = slope * gx
    switch (in.op) {
      case Op::kConstant:
        v = in.constant;
        for (std::size_t i = 0; i < n; ++i) g[i] = 0.0;
        chain = false;
        break;
      case Op::kVariable:
        v = state[in.integer];
        for (std::size_t i = 0; i < n; ++i) g[i] = 0.0;
        g[in.integer] = 1.0;
        chain = false;
        break;
      case Op::kAdd:
        v = x;
        for (std::size_t i = 0; i < n; ++i) g[i] = gx[i];
        for (std::size_t m = 1; m < in.count; ++m) {
          v += values_[operand[m]];
          const double* gm = gradients_.data() + operand[m] * n;
          for (std::size_t i = 0; i < n; ++i) g[i] += gm[i];
        }
        chain = false;
        break;
      case Op::kMul:
        // Product rule accumulated left to right (exact with zero factors).
        v = x;
        for (std::size_t i = 0; i < n; ++i) g[i] = gx[i];
        for (std::size_t m = 1; m < in.count; ++m) {
          const double vm = values_[operand[m]];
          const double* gm = gradients_.data() + operand[m] * n;
          for (std::size_t i = 0; i < n; ++i) g[i] = g[i] * vm + v * gm[i];
          v *= vm;
        }
        chain = false;
        break;
      case Op::kPowInteger:
        v = integer_power(x, in.integer);
        slope = static_cast<double>(in.integer) * integer_power(x, in.integer - 1);
        break;
      case Op::kPowReal:
        v = std::pow(x, in.constant);
        slope = in.constant * std::pow(x, in.constant - 1.0);
        break;
      case Op::kSin:
        v = std::sin(x);
        slope = std::cos(x);
        break;
      case Op::kCos:
        v = std::cos(x);
        slope = -std::sin(x);
        break;
      case Op::kTan:
        v = std::tan(x);
        slope = 1.0 + v * v;
        break;
      case Op::kTanh:
        v = std::tanh(x);
        slope = 1.0 - v * v;
        break;
      case Op::kSinh:
        v = std::sinh(x);
        slope = std::cosh(x);
        break;
      case Op::kCosh:
        v = std::cosh(x);
        slope = std::sinh(x);
        break;
      case Op::kExp:
        v = std::exp(x);
        slope = v;
        break;
      case Op::kLog:
        v = std::log(x);
        slope = 1.0 / x;
        break;
      case Op::kAbs:
        v = std::fabs(x);
        slope = sign(x);
        break;
      case Op::kSign:
        v = sign(x);
        slope = 0.0;
        break;
      case Op::kStep:
        v = x > 0.0 ? 1.0 : (x < 0.0 ? 0.0 : 0.5);
        slope = 0.0;
        break;
      case Op::kAsin:
        v = std::asin(x);
        slope = 1.0 / std::sqrt(1.0 - x * x);
        break;
      case Op::kAcos:
        v = std::acos(x);
        slope = -1.0 / std::sqrt(1.0 - x * x);
        break;
      case Op::kAtan:
        v = std::atan(x);
        slope = 1.0 / (1.0 + x * x);
        break;
      case Op::kAtanh:
        v = std::atanh(x);
        slope = 1.0 / (1.0 - x * x);
        break;
    }
    if (chain) {
      for (std::size_t i = 0; i < n; ++i) g[i] = slope * gx[i];
    }
    values_[k] = v;
  }
  const double* g = gradients_.data() + (instructions_.size() - 1) * n;
  for (std::size_t i = 0; i < n; ++i) gradient[i] = g[i];
  return values_.back();
}

double CompiledExpression::value(const Eigen::VectorXd& state) const {
  if (static_cast<std::size_t>(state.size()) != variable_count_) {
    throw Error("compiled expression: the state has " + std::to_string(state.size()) +
                " entries, expected " + std::to_string(variable_count_));
  }
  return value(state.data());
}

double CompiledExpression::value_and_gradient(const Eigen::VectorXd& state,
                                              Eigen::VectorXd* gradient) const {
  if (static_cast<std::size_t>(state.size()) != variable_count_) {
    throw Error("compiled expression: the state has " + std::to_string(state.size()) +
                " entries, expected " + std::to_string(variable_count_));
  }
  if (gradient == nullptr) throw Error("compiled expression: the gradient pointer is null");
  gradient->resize(static_cast<Eigen::Index>(variable_count_));
  return value_and_gradient(state.data(), gradient->data());
}

}  // namespace hnn::symbolic
