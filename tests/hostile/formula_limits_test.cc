// Formula depth (input_limits.h, kMaxFormulaDepth): a formula nested deeper than the limit
// is refused at the character where it passes it, by hnn's formula parser and before
// GiNaC's; the message quotes the formula cut short. Formula size (kMaxExpandedFormulaTerms):
// a symbolic network whose composed formula would expand past the limit is refused before
// GiNaC expands it.
#include <doctest/doctest.h>

#include <cmath>

#include "hnn/error.h"
#include "hnn/input_limits.h"
#include "hnn/symbolic/formula.h"
#include "hnn/symbolic/formula_parser.h"
#include "hnn/symbolic/function_library.h"
#include "hnn/symbolic/symbolic_network.h"

namespace {

using hnn::symbolic::FormulaNames;

const FormulaNames& names() {
  static const GiNaC::realsymbol q("q"), p("p");
  static const FormulaNames table{{{"q", q}, {"p", p}}, {"coordinates: q, p"}};
  return table;
}

std::string parentheses(int levels, const std::string& inside) {
  return std::string(std::size_t(levels), '(') + inside + std::string(std::size_t(levels), ')');
}

std::string repeated(const std::string& part, int times) {
  std::string text;
  for (int i = 0; i < times; ++i) text += part;
  return text;
}

// The message parse_formula throws, or "" when the formula parses.
std::string parse_error(const std::string& text) {
  try {
    hnn::symbolic::parse_formula(text, names(), "hamiltonian");
  } catch (const hnn::Error& error) {
    return error.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("the formula parser refuses nesting deeper than the limit, located and cut short") {
  // The whole formula is level 1; each parenthesis adds one.
  CHECK(parse_error(parentheses(hnn::kMaxFormulaDepth - 1, "q") + "^2").empty());
  const std::string error = parse_error(parentheses(20000, "p") + "^2/2 + q^2/2");
  CHECK(contains(error, "hamiltonian: cannot parse \"(((("));
  CHECK(contains(error,
                 "...\" (40013 characters): at character 257: the formula is nested "
                 "deeper than 256 levels (the limit;"));
  CHECK(error.size() < 500);
  CHECK(contains(parse_error(repeated("-", 100000) + "q"),
                 "at character 257: the formula is nested"));
  CHECK(contains(parse_error(repeated("q^", 100000) + "2"), "nested deeper than 256 levels"));
  CHECK(contains(parse_error(repeated("sin(", 100000) + "q" + std::string(100000, ')')),
                 "nested deeper than 256 levels"));
  // Long flat formulas are not deep.
  CHECK(parse_error(repeated("q + ", 100000) + "p").empty());
}

TEST_CASE("formulas for GiNaC's parser are measured first") {
  CHECK(hnn::symbolic::formula_nesting_depth("x") == 0);
  CHECK(hnn::symbolic::formula_nesting_depth("-(sin(x))^2") == 3);
  CHECK(!hnn::symbolic::find_excess_nesting(parentheses(256, "x")));
  CHECK(hnn::symbolic::find_excess_nesting(parentheses(100000, "x")) == std::size_t(256));
  CHECK_THROWS_WITH_AS(hnn::symbolic::expression_of_formula(parentheses(100000, "x") + "^2"),
                       doctest::Contains("(200003 characters) (a function of x): at character "
                                         "257: the formula is nested deeper than 256 levels"),
                       hnn::Error);
  CHECK_NOTHROW(hnn::symbolic::expression_of_formula(parentheses(200, "x") + "^2"));
}

TEST_CASE("a function call without an argument is refused before GiNaC's parser sees it") {
  // GiNaC 1.8.6 accepts "exp()" for any of its functions and then crashes evaluating it.
  for (const std::string formula : {"exp()", "2*sin( )", "x + tanh ()", "exp(-x^2) * abs()"}) {
    CAPTURE(formula);
    CHECK_THROWS_WITH_AS(hnn::symbolic::expression_of_formula(formula),
                         doctest::Contains("a function call without an argument"), hnn::Error);
  }
  CHECK_THROWS_WITH_AS(hnn::symbolic::expression_of_formula("x + sin( )"),
                       doctest::Contains("at character 8: a function call"), hnn::Error);
  // Parentheses that are not a call, and calls with arguments, still read.
  CHECK_NOTHROW(hnn::symbolic::expression_of_formula("2*(x) + exp((x))"));
  CHECK_NOTHROW(hnn::symbolic::expression_of_formula("sin(x)*(x + 1)"));
}

namespace {

// q, p -> one node through x^`first` on both edges -> one output through x^`second`.
std::vector<hnn::symbolic::SymbolicLayer> power_network(int first, int second) {
  std::vector<hnn::symbolic::SymbolicLayer> layers{{2, 1}, {1, 1}};
  const std::string inner = "x^" + std::to_string(first), outer = "x^" + std::to_string(second);
  layers[0].edge(0, 0) = {inner, 0.9, 0.1, 1.1, 0.2};
  layers[0].edge(1, 0) = {inner, 1.3, -0.2, 0.7, 0.1};
  layers[1].edge(0, 0) = {outer, 0.5, 0.1, 0.3, -0.1};
  return layers;
}

hnn::symbolic::SymbolicFunctionLibrary powers() {
  hnn::symbolic::SymbolicFunctionLibrary library;
  for (int n = 2; n <= 8; ++n) {
    const std::string name = "x^" + std::to_string(n);
    library.add({nullptr, name, [n](double x) { return std::pow(x, n); },
                 hnn::symbolic::expression_of_formula(name), n});
  }
  return library;
}

}  // namespace

TEST_CASE("a symbolic network whose formula would expand past the limit is refused") {
  const auto library = powers();
  // (13 terms)^8 would expand to C(20, 8) = 125 970 terms, plus the constant: found by the network
  // fuzzer (2.7 s per formula in a Release build, over 10 s instrumented).
  CHECK_THROWS_WITH_AS(hnn::symbolic::SymbolicFormula(power_network(6, 8), {"q", "p"}, library),
                       doctest::Contains("layer 1 output 0: the composed formula would grow to "
                                         "about 125971 terms when expanded, more than the 30000 "
                                         "allowed"),
                       hnn::Error);
  // (7 terms)^4: 210 terms, the size of a real KAN's formula; the estimate is an upper bound.
  const hnn::symbolic::SymbolicFormula small(power_network(3, 4), {"q", "p"}, library);
  CHECK(small.is_polynomial(0));
  CHECK(small.coefficient(0, std::vector<int>{4, 0}) != 0.0);
}
