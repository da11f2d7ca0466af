// The symbolic function library of kan.md §6.1. The double evaluators follow the torch
// expressions of pykan 0.0.5's SYMBOLIC_LIB operation for operation (x**2 and x**3 are
// products, x**4 is pow(x, 4), 1/x**k divides 1 by that), so that fits reproduce pykan's
// grid search bit for bit where its summation order allows.
#include "hnn/symbolic/function_library.h"

#include <cctype>
#include <cmath>
#include <optional>
#include <utility>

#include "hnn/did_you_mean.h"
#include "hnn/error.h"
#include "hnn/input_limits.h"
#include "hnn/symbolic/formula_parser.h"

namespace hnn::symbolic {
namespace {

using GiNaC::ex;

std::string quoted_list(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) {
    if (!text.empty()) text += ", ";
    text += "'" + name + "'";
  }
  return text;
}

double sign(double x) {
  if (x > 0.0) return 1.0;
  if (x < 0.0) return -1.0;
  return x;  // 0 stays 0 (and -0 stays -0, as in torch), NaN stays NaN
}

}  // namespace

SymbolicFunctionLibrary SymbolicFunctionLibrary::pykan() {
  SymbolicFunctionLibrary library;
  auto add = [&library](std::string name, double (*evaluate)(double), ex (*expression)(const ex&),
                        int complexity) {
    library.add({.name = std::move(name),
                 .evaluate = evaluate,
                 .expression = expression,
                 .complexity = complexity});
  };
  add(
      "x", [](double x) { return x; }, [](const ex& x) -> ex { return x; }, 1);
  add(
      "x^2", [](double x) { return x * x; }, [](const ex& x) -> ex { return GiNaC::pow(x, 2); }, 2);
  add(
      "x^3", [](double x) { return x * x * x; }, [](const ex& x) -> ex { return GiNaC::pow(x, 3); },
      3);
  add(
      "x^4", [](double x) { return std::pow(x, 4.0); },
      [](const ex& x) -> ex { return GiNaC::pow(x, 4); }, 3);
  add(
      "1/x", [](double x) { return 1.0 / x; }, [](const ex& x) -> ex { return GiNaC::pow(x, -1); },
      2);
  add(
      "1/x^2", [](double x) { return 1.0 / (x * x); },
      [](const ex& x) -> ex { return GiNaC::pow(x, -2); }, 2);
  add(
      "1/x^3", [](double x) { return 1.0 / (x * x * x); },
      [](const ex& x) -> ex { return GiNaC::pow(x, -3); }, 3);
  add(
      "1/x^4", [](double x) { return 1.0 / std::pow(x, 4.0); },
      [](const ex& x) -> ex { return GiNaC::pow(x, -4); }, 4);
  add(
      "sqrt", [](double x) { return std::sqrt(x); },
      [](const ex& x) -> ex { return GiNaC::sqrt(x); }, 2);
  add(
      "1/sqrt(x)", [](double x) { return 1.0 / std::sqrt(x); },
      [](const ex& x) -> ex { return GiNaC::pow(x, GiNaC::numeric(-1, 2)); }, 2);
  add(
      "exp", [](double x) { return std::exp(x); }, [](const ex& x) -> ex { return GiNaC::exp(x); },
      2);
  add(
      "log", [](double x) { return std::log(x); }, [](const ex& x) -> ex { return GiNaC::log(x); },
      2);
  add(
      "abs", [](double x) { return std::fabs(x); }, [](const ex& x) -> ex { return GiNaC::abs(x); },
      3);
  add(
      "sin", [](double x) { return std::sin(x); }, [](const ex& x) -> ex { return GiNaC::sin(x); },
      2);
  add(
      "tan", [](double x) { return std::tan(x); }, [](const ex& x) -> ex { return GiNaC::tan(x); },
      3);
  add(
      "tanh", [](double x) { return std::tanh(x); },
      [](const ex& x) -> ex { return GiNaC::tanh(x); }, 3);
  add(
      "sigmoid", [](double x) { return 1.0 / (1.0 + std::exp(-x)); },
      [](const ex& x) -> ex { return GiNaC::pow(1 + GiNaC::exp(-x), -1); }, 4);
  add(
      "sgn", sign, [](const ex& x) -> ex { return GiNaC::csgn(x); }, 3);
  add(
      "arcsin", [](double x) { return std::asin(x); },
      [](const ex& x) -> ex { return GiNaC::asin(x); }, 4);
  add(
      "arctan", [](double x) { return std::atan(x); },
      [](const ex& x) -> ex { return GiNaC::atan(x); }, 4);
  add(
      "arctanh", [](double x) { return std::atanh(x); },
      [](const ex& x) -> ex { return GiNaC::atanh(x); }, 4);
  // torch's x*0: 0 for finite x (signed), NaN for +-inf and NaN.
  add(
      "0", [](double x) { return x * 0.0; }, [](const ex& x) -> ex { return ex(0) * x; }, 0);
  add(
      "gaussian", [](double x) { return std::exp(-(x * x)); },
      [](const ex& x) -> ex { return GiNaC::exp(-GiNaC::pow(x, 2)); }, 3);
  add(
      "cosh", [](double x) { return std::cosh(x); },
      [](const ex& x) -> ex { return GiNaC::cosh(x); }, 3);
  return library;
}

void SymbolicFunctionLibrary::add(SymbolicFunction function) {
  const std::string what = "symbolic function '" + function.name + "'";
  if (function.name.empty()) throw Error("a symbolic function needs a non-empty name");
  if (contains(function.name)) {
    throw Error(what + " is already in the library (names must be unique)");
  }
  if (!function.evaluate) throw Error(what + ": the double evaluator is missing");
  if (!function.expression) throw Error(what + ": the GiNaC expression builder is missing");
  if (function.complexity < 0) {
    throw Error(what + ": complexity must be >= 0, found " + std::to_string(function.complexity));
  }
  functions_.push_back(std::move(function));
}

std::ptrdiff_t SymbolicFunctionLibrary::index_of(std::string_view name) const {
  for (std::size_t i = 0; i < functions_.size(); ++i) {
    if (functions_[i].name == name) return static_cast<std::ptrdiff_t>(i);
  }
  return -1;
}

bool SymbolicFunctionLibrary::contains(std::string_view name) const { return index_of(name) >= 0; }

const SymbolicFunction& SymbolicFunctionLibrary::at(std::string_view name) const {
  const std::ptrdiff_t index = index_of(name);
  if (index >= 0) return functions_[static_cast<std::size_t>(index)];
  const std::vector<std::string> known = names();
  std::string message = "unknown symbolic function '" + std::string(name) + "'";
  const std::string suggestion = did_you_mean(std::string(name), known);
  if (!suggestion.empty()) message += " (did you mean '" + suggestion + "'?)";
  message += known.empty() ? "; the library is empty" : "; known: " + quoted_list(known);
  throw Error(message);
}

SymbolicFunctionLibrary SymbolicFunctionLibrary::subset(
    const std::vector<std::string>& names) const {
  if (names.empty()) throw Error("a symbolic function subset needs at least one name");
  SymbolicFunctionLibrary result;
  for (const std::string& name : names) {
    if (result.contains(name)) {
      throw Error("symbolic function '" + name + "' is listed twice in the subset");
    }
    result.functions_.push_back(at(name));
  }
  return result;
}

namespace {

bool is_name_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// The 0-based character of the '(' of a call without arguments ("exp()", "sin( )"), which
// GiNaC's parser accepts for any of its functions and then dereferences a null pointer
// evaluating (GiNaC 1.8.6; found by the network fuzzer); nullopt when there is none.
std::optional<std::size_t> find_call_without_arguments(const std::string& text) {
  for (std::size_t open = text.find('('); open != std::string::npos;
       open = text.find('(', open + 1)) {
    std::size_t before = open;
    while (before > 0 && std::isspace(static_cast<unsigned char>(text[before - 1]))) --before;
    if (before == 0 || !is_name_character(text[before - 1])) continue;
    std::size_t after = open + 1;
    while (after < text.size() && std::isspace(static_cast<unsigned char>(text[after]))) ++after;
    if (after < text.size() && text[after] == ')') return open;
  }
  return std::nullopt;
}

}  // namespace

std::function<GiNaC::ex(const GiNaC::ex&)> expression_of_formula(const std::string& formula) {
  const GiNaC::realsymbol x("x");
  GiNaC::symtab table;
  table["x"] = x;
  // GiNaC's parser recurses once per level: its input is bounded first.
  if (const auto excess = find_excess_nesting(formula)) {
    throw Error("cannot read the formula " + quoted_formula(formula) +
                " (a function of x): at character " + std::to_string(*excess + 1) +
                ": the formula is nested deeper than " + std::to_string(kMaxFormulaDepth) +
                " levels (the limit; parentheses, signs and exponents each count one)");
  }
  if (const auto call = find_call_without_arguments(formula)) {
    throw Error("cannot read the formula " + quoted_formula(formula) +
                " (a function of x): at character " + std::to_string(*call + 1) +
                ": a function call without an argument");
  }
  GiNaC::parser reader(table, /*strict=*/true);
  GiNaC::ex parsed;
  try {
    parsed = reader(formula);
  } catch (const std::exception& error) {
    throw Error("cannot read the formula " + quoted_formula(formula) +
                " (a function of x): " + error.what());
  }
  return [parsed, x](const GiNaC::ex& argument) { return parsed.subs(x == argument); };
}

SymbolicFunctionLibrary SymbolicFunctionLibrary::with_registered(
    const std::vector<SymbolicFunctionDefinition>& registered) {
  SymbolicFunctionLibrary library = pykan();
  for (const SymbolicFunctionDefinition& definition : registered) {
    try {
      library.add({.owner = definition.owner,
                   .name = definition.name,
                   .evaluate = definition.evaluate,
                   .expression = expression_of_formula(definition.formula),
                   .complexity = definition.complexity});
    } catch (const Error& error) {
      throw Error("symbolic function '" + definition.name + "': " + error.what());
    }
  }
  return library;
}

std::vector<std::string> SymbolicFunctionLibrary::names() const {
  std::vector<std::string> result;
  result.reserve(functions_.size());
  for (const SymbolicFunction& function : functions_) result.push_back(function.name);
  return result;
}

}  // namespace hnn::symbolic
