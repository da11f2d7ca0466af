// Formula depth (input_limits.h, kMaxFormulaDepth): a formula nested deeper than the limit
// is refused at the character where it passes it, by hnn's formula parser and before
// GiNaC's; the message quotes the formula cut short.
#include <doctest/doctest.h>

#include "hnn/error.h"
#include "hnn/input_limits.h"
#include "hnn/symbolic/formula_parser.h"
#include "hnn/symbolic/function_library.h"

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
