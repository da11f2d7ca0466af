#include "hnn/symbolic/formula.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <utility>

#include "hnn/did_you_mean.h"
#include "hnn/error.h"
#include "hnn/input_limits.h"
#include "hnn/number_format.h"
#include "hnn/symbolic/canonical_order.h"
#include "hnn/symbolic/formula_printer.h"

namespace hnn::symbolic {
namespace {

using GiNaC::ex;
using GiNaC::ex_to;
using GiNaC::is_a;
using GiNaC::numeric;

numeric round_number(const numeric& value, int digits) {
  const double scale = std::pow(10.0, digits);
  const double scaled = std::round(value.to_double() * scale);
  return exact_number(scaled, "a rounded coefficient") / numeric(10).power(digits);
}

// Rounds every number of an expanded expression; exponents are kept exact.
class RoundNumbers : public GiNaC::map_function {
 public:
  explicit RoundNumbers(int digits) : digits_(digits) {}
  ex operator()(const ex& e) override {
    if (is_a<numeric>(e)) return round_number(ex_to<numeric>(e), digits_);
    if (is_a<GiNaC::power>(e)) return GiNaC::pow((*this)(e.op(0)), e.op(1));
    return e.map(*this);
  }

 private:
  int digits_;
};

void check_digits(int digits) {
  if (digits != SymbolicFormula::kFull && (digits < 0 || digits > 15)) {
    throw Error("formula digits must be between 0 and 15 (or kFull), found " +
                std::to_string(digits));
  }
}

// What expanding an expression with expand_function_args would produce, bounded from above
// before doing it: `terms` of the expanded expression, and `work`, the terms of every
// function argument expanded along the way. Doubles saturate instead of overflowing.
struct ExpansionSize {
  double terms = 1;
  double work = 0;
};

// The number of ways to choose `count` items out of `kinds` with repetition, C(count + kinds
// - 1, count): the terms of a sum of `kinds` terms raised to the power `count`.
double multiset_count(double kinds, double count) {
  double result = 1;
  for (double i = 1; i <= count && result < 1e300; ++i) result *= (kinds - 1 + i) / i;
  return result;
}

ExpansionSize expansion_size(const ex& e) {
  ExpansionSize size;
  if (is_a<GiNaC::add>(e) || is_a<GiNaC::mul>(e)) {
    const bool sum = is_a<GiNaC::add>(e);
    size.terms = sum ? 0 : 1;
    for (std::size_t k = 0; k < e.nops(); ++k) {
      const ExpansionSize part = expansion_size(e.op(k));
      size.terms = sum ? size.terms + part.terms : size.terms * part.terms;
      size.work += part.work;
    }
  } else if (is_a<GiNaC::power>(e)) {
    const ExpansionSize base = expansion_size(e.op(0));
    const ex exponent = e.op(1);
    if (is_a<numeric>(exponent) && ex_to<numeric>(exponent).is_pos_integer()) {
      const double count = ex_to<numeric>(exponent).to_double();
      size.terms = multiset_count(base.terms, count);
      size.work = base.work;
    } else {  // not expanded: the base is, as it stands
      size.work = base.work + base.terms + expansion_size(exponent).work;
    }
  } else if (is_a<GiNaC::function>(e)) {
    for (std::size_t k = 0; k < e.nops(); ++k) {
      const ExpansionSize argument = expansion_size(e.op(k));
      size.work += argument.work + argument.terms;
    }
  }
  return size;
}

}  // namespace

GiNaC::numeric exact_number(double value, const std::string& what) {
  if (!std::isfinite(value)) throw Error(what + " is not finite (" + shortest_decimal(value) + ")");
  if (value == 0.0) return numeric(0);
  int exponent = 0;
  const double mantissa = std::frexp(value, &exponent);  // value = mantissa * 2^exponent
  const long integer = static_cast<long>(std::ldexp(mantissa, 53));
  return numeric(integer) * numeric(2).power(numeric(exponent - 53));
}

SymbolicFormula::SymbolicFormula(const std::vector<SymbolicLayer>& layers,
                                 std::vector<std::string> variable_names,
                                 const SymbolicFunctionLibrary& library)
    : names_(std::move(variable_names)) {
  if (layers.empty()) throw Error("symbolic formula: the network has no layer");
  if (static_cast<int>(names_.size()) != layers.front().inputs()) {
    throw Error("symbolic formula: " + std::to_string(names_.size()) +
                " variable names for a network with " + std::to_string(layers.front().inputs()) +
                " inputs");
  }
  for (std::size_t k = 0; k < names_.size(); ++k) {
    if (names_[k].empty())
      throw Error("symbolic formula: variable name " + std::to_string(k) + " is empty");
    for (std::size_t m = 0; m < k; ++m) {
      if (names_[m] == names_[k]) {
        throw Error("symbolic formula: variable name '" + names_[k] + "' is used twice");
      }
    }
    variables_.push_back(GiNaC::realsymbol(names_[k]));
  }
  const unsigned expansion = GiNaC::expand_options::expand_function_args;
  std::vector<ex> nodes = variables_;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const SymbolicLayer& layer = layers[l];
    const std::string where = "symbolic formula: layer " + std::to_string(l);
    if (static_cast<std::size_t>(layer.inputs()) != nodes.size()) {
      throw Error(where + " has " + std::to_string(layer.inputs()) + " inputs but " +
                  (l == 0 ? "there are " : "the previous layer has ") +
                  std::to_string(nodes.size()) + (l == 0 ? " variables" : " outputs"));
    }
    std::vector<ex> next;
    for (int j = 0; j < layer.outputs(); ++j) {
      ex node = exact_number(layer.bias(j), where + " bias " + std::to_string(j));
      for (int i = 0; i < layer.inputs(); ++i) {
        const SymbolicEdge& edge = layer.edge(i, j);
        if (edge.pruned()) continue;
        const std::string edge_name = where + " edge (" + std::to_string(l) + ", " +
                                      std::to_string(i) + ", " + std::to_string(j) + ")";
        const SymbolicFunction* function = nullptr;
        try {
          function = &library.at(edge.function);
        } catch (const Error& error) {
          throw Error(edge_name + ": " + error.what());
        }
        const numeric a = exact_number(edge.a, edge_name + ": a");
        const numeric b = exact_number(edge.b, edge_name + ": b");
        const numeric c = exact_number(edge.c, edge_name + ": c");
        const numeric d = exact_number(edge.d, edge_name + ": d");
        node += c * function->expression(a * nodes[static_cast<std::size_t>(i)] + b) + d;
      }
      const ExpansionSize size = expansion_size(node);
      if (size.terms + size.work > kMaxExpandedFormulaTerms) {
        throw Error(
            where + " output " + std::to_string(j) + ": the composed formula would grow to about " +
            shortest_decimal(std::round(size.terms + size.work)) +
            " terms when expanded, more than the " + shortest_decimal(kMaxExpandedFormulaTerms) +
            " allowed (input_limits.h); use fewer layers or functions of lower degree");
      }
      next.push_back(node.expand(expansion));
    }
    nodes = std::move(next);
  }
  expressions_ = std::move(nodes);
}

void SymbolicFormula::check_output(std::size_t output) const {
  if (output >= expressions_.size()) {
    throw Error("symbolic formula: no output " + std::to_string(output) + " (there are " +
                std::to_string(expressions_.size()) + ")");
  }
}

const GiNaC::ex& SymbolicFormula::expression(std::size_t output) const {
  check_output(output);
  return expressions_[output];
}

GiNaC::ex SymbolicFormula::rounded_expression(std::size_t output, int digits) const {
  check_output(output);
  check_digits(digits);
  if (digits == kFull) return expressions_[output];
  RoundNumbers round(digits);
  return round(expressions_[output]);
}

std::string SymbolicFormula::text(std::size_t output, int digits) const {
  const ex e = rounded_expression(output, digits);
  return print_formula(e, variables_, names_, FormulaNotation::kText, digits);
}

std::string SymbolicFormula::latex(std::size_t output, int digits) const {
  const ex e = rounded_expression(output, digits);
  return print_formula(e, variables_, names_, FormulaNotation::kLatex, digits);
}

bool SymbolicFormula::is_polynomial(std::size_t output) const {
  check_output(output);
  GiNaC::lst variables;
  for (const ex& v : variables_) variables.append(v);
  return expressions_[output].is_polynomial(variables);
}

double SymbolicFormula::coefficient(std::size_t output, const std::vector<int>& exponents) const {
  check_output(output);
  if (exponents.size() != variables_.size()) {
    throw Error("symbolic formula: a monomial needs " + std::to_string(variables_.size()) +
                " exponents, found " + std::to_string(exponents.size()));
  }
  const ex& e = expressions_[output];
  if (!is_polynomial(output)) {
    std::string culprit = ginac_text(e);
    GiNaC::lst variables;
    for (const ex& v : variables_) variables.append(v);
    if (is_a<GiNaC::add>(e)) {
      for (std::size_t k = 0; k < e.nops(); ++k) {
        if (!e.op(k).is_polynomial(variables)) {
          culprit = ginac_text(e.op(k));
          break;
        }
      }
    }
    throw Error("symbolic formula: output " + std::to_string(output) +
                " is not a polynomial in the variables (term " + culprit + ")");
  }
  ex c = e;
  for (std::size_t k = 0; k < exponents.size(); ++k) {
    if (exponents[k] < 0) {
      throw Error("symbolic formula: exponent of '" + names_[k] + "' must be >= 0, found " +
                  std::to_string(exponents[k]));
    }
    c = c.coeff(variables_[k], exponents[k]);
  }
  const ex value = c.evalf();
  if (!is_a<numeric>(value) || !ex_to<numeric>(value).is_real()) {
    throw Error("symbolic formula: the coefficient " + ginac_text(c) + " is not a real number");
  }
  return ex_to<numeric>(value).to_double();
}

double SymbolicFormula::coefficient(std::size_t output, const std::string& monomial) const {
  std::string compact;
  for (char ch : monomial) {
    if (ch != ' ') compact += ch;
  }
  std::vector<int> exponents(variables_.size(), 0);
  if (compact != "1") {
    std::size_t start = 0;
    while (start <= compact.size()) {
      const std::size_t end = std::min(compact.find('*', start), compact.size());
      const std::string piece = compact.substr(start, end - start);
      const std::size_t caret = piece.find('^');
      const std::string name = piece.substr(0, caret);
      int power = 1;
      if (caret != std::string::npos) {
        const std::string digits = piece.substr(caret + 1);
        const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), power);
        if (digits.empty() || parsed.ec != std::errc() ||
            parsed.ptr != digits.data() + digits.size() || power < 0) {
          throw Error("symbolic formula: bad exponent in monomial '" + monomial + "'");
        }
      }
      const auto found = std::find(names_.begin(), names_.end(), name);
      if (found == names_.end()) {
        std::string message =
            "symbolic formula: unknown variable '" + name + "' in monomial '" + monomial + "'";
        const std::string suggestion = did_you_mean(name, names_);
        if (!suggestion.empty()) message += " (did you mean '" + suggestion + "'?)";
        throw Error(message);
      }
      exponents[static_cast<std::size_t>(found - names_.begin())] += power;
      start = end + 1;
    }
  }
  return coefficient(output, exponents);
}

CompiledExpression SymbolicFormula::compile(std::size_t output, int digits) const {
  return CompiledExpression(rounded_expression(output, digits), variables_);
}

}  // namespace hnn::symbolic
