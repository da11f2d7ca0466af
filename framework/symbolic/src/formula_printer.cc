#include "hnn/symbolic/formula_printer.h"

#include <algorithm>
#include <charconv>
#include <sstream>
#include <utility>

#include "hnn/number_format.h"
#include "hnn/symbolic/canonical_order.h"

namespace hnn::symbolic {
namespace {

using GiNaC::ex;
using GiNaC::ex_to;
using GiNaC::is_a;
using GiNaC::numeric;

std::string fixed(double value, int digits) {
  char buffer[400];
  const auto result =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed, digits);
  return std::string(buffer, result.ptr);
}

// open + text + close, built by appending (GCC 12 warns falsely about "(" + std::string&&).
std::string enclosed(const char* open, const std::string& text, const char* close) {
  std::string result = open;
  result += text;
  result += close;
  return result;
}

// Prints an expanded expression as text or LaTeX (see formula.h).
class Printer {
 public:
  Printer(const std::vector<ex>& variables, const std::vector<std::string>& names, bool latex,
          int digits)
      : variables_(variables), names_(names), latex_(latex), digits_(digits) {}

  std::string sum(const ex& e) const {
    if (e.is_zero()) return "0";
    std::vector<Term> terms;
    if (is_a<GiNaC::add>(e)) {
      for (std::size_t k = 0; k < e.nops(); ++k) terms.push_back(split(e.op(k)));
    } else {
      terms.push_back(split(e));
    }
    std::stable_sort(terms.begin(), terms.end(), [](const Term& x, const Term& y) {
      if (x.factors.empty() != y.factors.empty()) return y.factors.empty();
      if (x.degree != y.degree) return x.degree > y.degree;
      if (x.exponents != y.exponents) return x.exponents > y.exponents;
      return x.rest < y.rest;
    });
    std::string text;
    for (std::size_t k = 0; k < terms.size(); ++k) {
      const bool negative = terms[k].coefficient.is_negative();
      if (k == 0) {
        text += negative ? "-" : "";
      } else {
        text += negative ? " - " : " + ";
      }
      text += term(terms[k]);
    }
    return text;
  }

 private:
  struct Term {
    numeric coefficient{1};
    std::vector<ex> factors;  // monomial factors in variable order, then the others
    std::vector<int> exponents;
    int degree = 0;
    std::string rest;  // the other factors, printed (sort key)
  };

  // -1 when `e` is not one of the variables.
  int variable_index(const ex& e) const {
    for (std::size_t k = 0; k < variables_.size(); ++k) {
      if (variables_[k].is_equal(e)) return static_cast<int>(k);
    }
    return -1;
  }

  Term split(const ex& e) const {
    Term result;
    result.exponents.assign(variables_.size(), 0);
    std::vector<ex> factors;
    if (is_a<numeric>(e)) {
      result.coefficient = ex_to<numeric>(e);
    } else if (is_a<GiNaC::mul>(e)) {
      for (std::size_t k = 0; k < e.nops(); ++k) {
        if (is_a<numeric>(e.op(k))) {
          result.coefficient *= ex_to<numeric>(e.op(k));
        } else {
          factors.push_back(e.op(k));
        }
      }
    } else {
      factors.push_back(e);
    }
    std::vector<std::pair<int, ex>> monomial;
    std::vector<std::pair<std::string, ex>> others;
    for (const ex& factor : factors) {
      int index = variable_index(factor);
      int power = 1;
      if (index < 0 && is_a<GiNaC::power>(factor) && is_a<numeric>(factor.op(1)) &&
          ex_to<numeric>(factor.op(1)).is_pos_integer()) {
        index = variable_index(factor.op(0));
        power = ex_to<numeric>(factor.op(1)).to_int();
      }
      if (index >= 0) {
        result.exponents[static_cast<std::size_t>(index)] += power;
        result.degree += power;
        monomial.emplace_back(index, factor);
      } else {
        others.emplace_back(this->factor(factor), factor);
      }
    }
    std::sort(monomial.begin(), monomial.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    std::stable_sort(others.begin(), others.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    for (const auto& entry : monomial) result.factors.push_back(entry.second);
    for (const auto& entry : others) {
      result.factors.push_back(entry.second);
      result.rest += entry.first + ";";
    }
    return result;
  }

  std::string number(const numeric& value) const {
    return digits_ < 0 ? shortest_decimal(value.to_double()) : fixed(value.to_double(), digits_);
  }

  std::string term(const Term& t) const {
    std::string text = number(GiNaC::abs(t.coefficient));
    for (const ex& f : t.factors) {
      text += latex_ ? " " : "*";
      text += factor(f);
    }
    return text;
  }

  std::string parenthesised(const std::string& inner) const {
    return latex_ ? "\\left(" + inner + "\\right)" : "(" + inner + ")";
  }

  std::string function_name(const std::string& name) const {
    static const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> names = {
        {"csgn", {"sign", "\\operatorname{sgn}"}},
        {"asin", {"arcsin", "\\arcsin"}},
        {"acos", {"arccos", "\\arccos"}},
        {"atan", {"arctan", "\\arctan"}},
        {"atanh", {"arctanh", "\\operatorname{arctanh}"}},
        {"sin", {"sin", "\\sin"}},
        {"cos", {"cos", "\\cos"}},
        {"tan", {"tan", "\\tan"}},
        {"tanh", {"tanh", "\\tanh"}},
        {"sinh", {"sinh", "\\sinh"}},
        {"cosh", {"cosh", "\\cosh"}},
        {"exp", {"exp", "\\exp"}},
        {"log", {"log", "\\log"}},
    };
    for (const auto& entry : names) {
      if (entry.first == name) return latex_ ? entry.second.second : entry.second.first;
    }
    return latex_ ? "\\operatorname{" + name + "}" : name;
  }

  std::string exponent_text(const numeric& n) const {
    if (n.is_pos_integer()) return latex_ ? enclosed("{", ginac_text(n), "}") : ginac_text(n);
    if (!latex_) return enclosed("(", ginac_text(n), ")");
    if (n.is_integer()) return enclosed("{", ginac_text(n), "}");
    const numeric magnitude = GiNaC::abs(n);
    return std::string("{") + (n.is_negative() ? "-" : "") + "\\frac{" +
           ginac_text(magnitude.numer()) + "}{" + ginac_text(magnitude.denom()) + "}}";
  }

  std::string factor(const ex& f) const {
    const int index = variable_index(f);
    if (index >= 0) return names_[static_cast<std::size_t>(index)];
    if (is_a<numeric>(f)) return number(ex_to<numeric>(f));
    if (is_a<GiNaC::power>(f) && is_a<numeric>(f.op(1))) {
      const numeric& n = ex_to<numeric>(f.op(1));
      const ex& base = f.op(0);
      if (n.is_equal(numeric(1, 2))) {
        return latex_ ? "\\sqrt{" + sum(base) + "}" : "sqrt(" + sum(base) + ")";
      }
      const bool atomic = variable_index(base) >= 0 ||
                          (is_a<GiNaC::function>(base) && !is_a<GiNaC::fderivative>(base));
      return (atomic ? factor(base) : parenthesised(sum(base))) + "^" + exponent_text(n);
    }
    if (is_a<GiNaC::function>(f) && !is_a<GiNaC::fderivative>(f)) {
      const std::string name = ex_to<GiNaC::function>(f).get_name();
      std::string arguments;
      for (std::size_t k = 0; k < f.nops(); ++k) {
        if (k > 0) arguments += ", ";
        arguments += sum(f.op(k));
      }
      if (name == "abs")
        return latex_ ? "\\left|" + arguments + "\\right|" : "abs(" + arguments + ")";
      return function_name(name) + parenthesised(arguments);
    }
    if (is_a<GiNaC::add>(f)) return parenthesised(sum(f));
    std::ostringstream text;
    if (latex_) text << GiNaC::latex;
    text << f;
    return text.str();
  }

  const std::vector<ex>& variables_;
  const std::vector<std::string>& names_;
  bool latex_;
  int digits_;
};

}  // namespace

std::string print_formula(const GiNaC::ex& expanded, const std::vector<GiNaC::ex>& variables,
                          const std::vector<std::string>& names, FormulaNotation notation,
                          int digits) {
  return Printer(variables, names, notation == FormulaNotation::kLatex, digits).sum(expanded);
}

}  // namespace hnn::symbolic
