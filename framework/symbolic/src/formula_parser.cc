#include "hnn/symbolic/formula_parser.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <optional>
#include <string_view>

#include "hnn/error.h"
#include "hnn/input_limits.h"
#include "hnn/symbolic/canonical_order.h"

namespace hnn::symbolic {
namespace {

// Limits of a power (formula_parser.h).
constexpr double kMaxExponent = 10000;
constexpr double kMaxExactBits = 1 << 20;

using Function = std::function<GiNaC::ex(const GiNaC::ex&)>;

const std::vector<std::pair<std::string, Function>>& functions() {
  static const std::vector<std::pair<std::string, Function>> table = {
      {"sqrt", [](const GiNaC::ex& x) { return GiNaC::sqrt(x); }},
      {"exp", [](const GiNaC::ex& x) { return GiNaC::exp(x); }},
      {"log", [](const GiNaC::ex& x) { return GiNaC::log(x); }},
      {"sin", [](const GiNaC::ex& x) { return GiNaC::sin(x); }},
      {"cos", [](const GiNaC::ex& x) { return GiNaC::cos(x); }},
      {"tan", [](const GiNaC::ex& x) { return GiNaC::tan(x); }},
      {"asin", [](const GiNaC::ex& x) { return GiNaC::asin(x); }},
      {"acos", [](const GiNaC::ex& x) { return GiNaC::acos(x); }},
      {"atan", [](const GiNaC::ex& x) { return GiNaC::atan(x); }},
      {"sinh", [](const GiNaC::ex& x) { return GiNaC::sinh(x); }},
      {"cosh", [](const GiNaC::ex& x) { return GiNaC::cosh(x); }},
      {"tanh", [](const GiNaC::ex& x) { return GiNaC::tanh(x); }},
      {"abs", [](const GiNaC::ex& x) { return GiNaC::abs(x); }},
  };
  return table;
}

const Function* find_function(std::string_view name) {
  for (const auto& [known, function] : functions()) {
    if (known == name) return &function;
  }
  return nullptr;
}

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
// 'text', built by appending (GCC 12 warns falsely about "'" + std::string&&).
std::string quoted(const std::string& text) {
  std::string result = "'";
  result += text;
  result += "'";
  return result;
}

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// A position-tracking recursive-descent reader of the grammar in the header.
class Reader {
 public:
  Reader(const std::string& text, const FormulaNames& names, const std::string& label)
      : text_(text), names_(names), label_(label) {}

  GiNaC::ex read() {
    GiNaC::ex result = sum();
    skip_space();
    if (position_ < text_.size()) {
      fail(position_, "expected an operator or the end of the formula, found " + found());
    }
    return result;
  }

 private:
  // A ConfigError about the option `label_`, at the character of the formula it concerns.
  [[noreturn]] void fail(std::size_t position, const std::string& problem) const {
    const std::string message = "cannot parse " + quoted_formula(text_) + ": at character " +
                                std::to_string(position + 1) + ": " + problem;
    throw ConfigError(label_ + ": " + message,
                      {ConfigProblem{"", 0, static_cast<int>(position + 1), label_, message}});
  }

  void skip_space() {
    while (position_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[position_])))
      ++position_;
  }

  // What is at the current position, for messages: "'x'" or "the end of the formula".
  std::string found() const {
    if (position_ >= text_.size()) return "the end of the formula";
    if (is_name_start(text_[position_])) {
      std::size_t end = position_;
      while (end < text_.size() && is_name_char(text_[end])) ++end;
      return quoted(text_.substr(position_, end - position_));
    }
    return quoted(std::string(1, text_[position_]));
  }

  bool accept(char c) {
    skip_space();
    if (position_ < text_.size() && text_[position_] == c) {
      ++position_;
      return true;
    }
    return false;
  }

  // Runs a GiNaC operation; its exceptions (division by zero, log(0), ...) become a parse
  // error at `position`.
  template <class Operation>
  GiNaC::ex build(std::size_t position, Operation operation) const {
    try {
      return operation();
    } catch (const std::exception& error) {
      std::string message = error.what();
      const std::size_t colon = message.find("): ");
      if (colon != std::string::npos) message = message.substr(colon + 3);
      fail(position, message);
    }
  }

  GiNaC::ex sum() {
    GiNaC::ex result = product();
    for (;;) {
      skip_space();
      const std::size_t at = position_;
      if (accept('+')) {
        const GiNaC::ex right = product();
        result = build(at, [&] { return result + right; });
      } else if (accept('-')) {
        const GiNaC::ex right = product();
        result = build(at, [&] { return result - right; });
      } else {
        return result;
      }
    }
  }

  GiNaC::ex product() {
    GiNaC::ex result = unary();
    for (;;) {
      skip_space();
      const std::size_t at = position_;
      if (position_ + 1 < text_.size() && text_[position_] == '*' && text_[position_ + 1] == '*') {
        return result;  // '**' is a power, handled below unary
      }
      if (accept('*')) {
        const GiNaC::ex right = unary();
        result = build(at, [&] { return result * right; });
      } else if (accept('/')) {
        const GiNaC::ex right = unary();
        result = build(at, [&] { return result / right; });
      } else {
        return result;
      }
    }
  }

  // Every nesting (parentheses, a function's argument, a sign, an exponent) passes through
  // here, so counting here bounds the recursion of the reader and the depth of the
  // expression that the derivatives and the compiler walk later.
  GiNaC::ex unary() {
    skip_space();
    if (depth_ >= kMaxFormulaDepth) {
      fail(position_, "the formula is nested deeper than " + std::to_string(kMaxFormulaDepth) +
                          " levels (the limit; parentheses, function calls, signs and "
                          "exponents each count one)");
    }
    const DepthLevel level(depth_);
    if (accept('-')) {
      const GiNaC::ex operand = unary();
      return -operand;
    }
    if (accept('+')) return unary();
    return power();
  }

  GiNaC::ex power() {
    const GiNaC::ex base = primary();
    skip_space();
    const std::size_t at = position_;
    bool is_power = false;
    if (position_ < text_.size() && text_[position_] == '^') {
      position_ += 1;
      is_power = true;
    } else if (position_ + 1 < text_.size() && text_[position_] == '*' &&
               text_[position_ + 1] == '*') {
      position_ += 2;
      is_power = true;
    }
    if (!is_power) return base;
    const GiNaC::ex exponent = unary();
    check_exact_power(at, base, exponent);
    return build(at, [&] { return GiNaC::pow(base, exponent); });
  }

  // GiNaC computes powers of exact numbers exactly, also inside a product ((2*q)^n has the
  // factor 2^n): 2^(10^40) would never finish. Refuses an exponent beyond kMaxExponent and a
  // power whose numbers would grow beyond kMaxExactBits.
  void check_exact_power(std::size_t at, const GiNaC::ex& base, const GiNaC::ex& exponent) const {
    if (!GiNaC::is_a<GiNaC::numeric>(exponent)) return;
    const double magnitude = std::abs(GiNaC::ex_to<GiNaC::numeric>(exponent).to_double());
    if (!(magnitude <= kMaxExponent)) {
      fail(at, "the exponent " + to_text(exponent) + " is too large (at most " +
                   std::to_string(int(kMaxExponent)) + " in magnitude)");
    }
    double bits = 1;  // of the largest exact number in the base
    for (auto node = base.preorder_begin(); node != base.preorder_end(); ++node) {
      if (!GiNaC::is_a<GiNaC::numeric>(*node)) continue;
      const GiNaC::numeric& number = GiNaC::ex_to<GiNaC::numeric>(*node);
      if (!number.is_rational()) continue;
      bits = std::max(
          {bits, double(number.numer().int_length()), double(number.denom().int_length())});
    }
    if (bits * magnitude > kMaxExactBits) {
      fail(at, "the power is too large to compute exactly (its numbers would have about " +
                   std::to_string(static_cast<long long>(bits * magnitude)) + " bits, at most " +
                   std::to_string(static_cast<long long>(kMaxExactBits)) + ")");
    }
  }

  GiNaC::ex number() {
    // digits ['.' digits] [e [+-] digits], read as the exact rational mantissa * 10^exponent.
    const std::size_t start = position_;
    std::string digits;
    long scale = 0;
    while (position_ < text_.size() && is_digit(text_[position_])) digits += text_[position_++];
    if (position_ < text_.size() && text_[position_] == '.') {
      ++position_;
      while (position_ < text_.size() && is_digit(text_[position_])) {
        digits += text_[position_++];
        --scale;
      }
    }
    if (digits.empty()) fail(start, "expected digits in the number");
    if (position_ < text_.size() && (text_[position_] == 'e' || text_[position_] == 'E')) {
      const std::size_t exponent_start = position_;
      ++position_;
      bool negative = false;
      if (position_ < text_.size() && (text_[position_] == '+' || text_[position_] == '-')) {
        negative = text_[position_] == '-';
        ++position_;
      }
      std::string exponent_digits;
      while (position_ < text_.size() && is_digit(text_[position_]))
        exponent_digits += text_[position_++];
      if (exponent_digits.empty() || exponent_digits.size() > 4) {
        fail(exponent_start, "expected the exponent of the number (at most 4 digits)");
      }
      const long exponent = std::stol(exponent_digits);
      scale += negative ? -exponent : exponent;
    }
    const GiNaC::numeric mantissa(digits.c_str());
    return mantissa * GiNaC::pow(GiNaC::numeric(10), GiNaC::numeric(scale));
  }

  GiNaC::ex primary() {
    skip_space();
    if (position_ >= text_.size()) {
      fail(position_, "expected a number, a name or '(', found the end of the formula");
    }
    const char c = text_[position_];
    if (is_digit(c) ||
        (c == '.' && position_ + 1 < text_.size() && is_digit(text_[position_ + 1]))) {
      return number();
    }
    if (c == '(') {
      const std::size_t open = position_;
      ++position_;
      const GiNaC::ex inner = sum();
      if (!accept(')')) {
        skip_space();
        fail(position_, "expected ')' to close the '(' at character " + std::to_string(open + 1) +
                            ", found " + found());
      }
      return inner;
    }
    if (is_name_start(c)) return name();
    fail(position_, "expected a number, a name or '(', found " + found());
  }

  GiNaC::ex name() {
    const std::size_t start = position_;
    while (position_ < text_.size() && is_name_char(text_[position_])) ++position_;
    const std::string word = text_.substr(start, position_ - start);
    skip_space();
    const bool called = position_ < text_.size() && text_[position_] == '(';
    if (const Function* function = find_function(word)) {
      if (!called) fail(start, "'" + word + "' is a function: write " + word + "(...)");
      const std::size_t open = position_;
      ++position_;
      const GiNaC::ex argument = sum();
      if (!accept(')')) {
        skip_space();
        if (position_ < text_.size() && text_[position_] == ',') {
          fail(position_, "'" + word + "' takes one argument");
        }
        fail(position_, "expected ')' to close the '(' at character " + std::to_string(open + 1) +
                            ", found " + found());
      }
      return build(start, [&] { return (*function)(argument); });
    }
    const auto bound = names_.values.find(word);
    if (bound == names_.values.end() && word != "pi") {
      std::string known;
      for (const auto& kind : names_.kinds) known += "; " + kind;
      if (called) {
        fail(start, "unknown function '" + word + "' (functions: " + known_functions() + ")");
      }
      fail(start, "unknown name '" + word + "' (constants: pi" + known + ")");
    }
    if (called) fail(start, "'" + word + "' is not a function");
    return bound != names_.values.end() ? bound->second : GiNaC::ex(GiNaC::Pi);
  }

  // One level of nesting while it lives.
  class DepthLevel {
   public:
    explicit DepthLevel(int& depth) : depth_(depth) { ++depth_; }
    ~DepthLevel() { --depth_; }
    DepthLevel(const DepthLevel&) = delete;
    DepthLevel& operator=(const DepthLevel&) = delete;

   private:
    int& depth_;
  };

  const std::string& text_;
  const FormulaNames& names_;
  const std::string& label_;
  std::size_t position_ = 0;
  int depth_ = 0;
};

}  // namespace

std::string quoted_formula(const std::string& text) {
  // Built by appending (GCC 12 warns falsely about "\"" + std::string&&).
  std::string quoted = "\"";
  if (text.size() <= kMaxQuotedValueLength) return quoted.append(text).append("\"");
  quoted.append(text, 0, kMaxQuotedValueLength).append("...\" (");
  return quoted.append(std::to_string(text.size())).append(" characters)");
}

namespace {

// The nesting of find_excess_nesting: its deepest level, and where it first passes the
// limit.
struct Nesting {
  int deepest = 0;
  std::optional<std::size_t> excess_at;
};

Nesting measure_nesting(const std::string& text) {
  Nesting nesting;
  // Per open parenthesis, the signs and exponents met at its level so far.
  std::vector<int> chain = {0};
  int depth = 0;                 // open parentheses + every count of `chain`
  bool operand_expected = true;  // a sign here is unary
  for (std::size_t at = 0; at < text.size(); ++at) {
    const char c = text[at];
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (c == '(') {
      chain.push_back(0);
      ++depth;
      operand_expected = true;
    } else if (c == ')') {
      if (chain.size() > 1) {
        depth -= chain.back() + 1;
        chain.pop_back();
      }
      operand_expected = false;
    } else if (c == '^' || (c == '*' && at + 1 < text.size() && text[at + 1] == '*')) {
      ++chain.back();
      ++depth;
      if (c == '*') ++at;
      operand_expected = true;
    } else if ((c == '-' || c == '+') && operand_expected) {
      ++chain.back();
      ++depth;
    } else if (c == '*' || c == '/' || c == '-' || c == '+' || c == ',') {
      operand_expected = true;
    } else {
      operand_expected = false;
    }
    nesting.deepest = std::max(nesting.deepest, depth);
    if (depth > kMaxFormulaDepth && !nesting.excess_at) nesting.excess_at = at;
  }
  return nesting;
}

}  // namespace

std::optional<std::size_t> find_excess_nesting(const std::string& text) {
  return measure_nesting(text).excess_at;
}

int formula_nesting_depth(const std::string& text) { return measure_nesting(text).deepest; }

GiNaC::ex parse_formula(const std::string& text, const FormulaNames& names,
                        const std::string& label) {
  return Reader(text, names, label).read();
}

bool is_bindable_name(const std::string& name) {
  if (name.empty() || !is_name_start(name[0])) return false;
  for (const char c : name) {
    if (!is_name_char(c)) return false;
  }
  return name != "pi" && find_function(name) == nullptr;
}

std::string known_functions() {
  std::string list;
  for (const auto& [name, function] : functions()) list += (list.empty() ? "" : ", ") + name;
  return list;
}

std::string to_text(const GiNaC::ex& expression) { return canonical_text(expression); }

}  // namespace hnn::symbolic
