// The canonical order of sums and products (hnn/symbolic/canonical_order.h): the text of an
// expression does not depend on GiNaC's stored order, which follows symbol serial numbers
// and addresses; the text reads back to the same expression.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "hnn/symbolic/canonical_order.h"
#include "hnn/symbolic/formula_parser.h"

namespace {

using GiNaC::ex;
using hnn::symbolic::canonical_text;
using hnn::symbolic::FormulaNames;
using hnn::symbolic::parse_formula;

// Parses `formula` in the names `names` (symbols made in this order, after `shift` unused
// symbols, so that their serial numbers and with them GiNaC's stored order differ between
// calls).
struct Parsed {
  ex expression;
  FormulaNames names;
};

Parsed parse(const std::string& formula, const std::vector<std::string>& names, int shift) {
  std::vector<GiNaC::realsymbol> unused;
  for (int i = 0; i < shift; ++i) unused.emplace_back("unused");
  Parsed parsed;
  for (const std::string& name : names) parsed.names.values.emplace(name, GiNaC::realsymbol(name));
  parsed.expression = parse_formula(formula, parsed.names, "formula");
  return parsed;
}

std::string ginac_text(const ex& e) {
  std::ostringstream text;
  text << e;
  return text.str();
}

}  // namespace

TEST_CASE("the text is the same whatever order GiNaC stores the terms in") {
  struct Case {
    std::string formula;
    std::vector<std::string> names;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"12/5 + omega^2 - 12/5*cos(theta)", {"theta", "omega"}, "-12/5*cos(theta)+omega^2+12/5"},
      {"q^2 + p^2", {"q", "p"}, "p^2+q^2"},
      {"p^2/(2*m) + k*q^2/2 - a*q^4", {"q", "p", "m", "k", "a"}, "-a*q^4+1/2*k*q^2+1/2*m^(-1)*p^2"},
      {"(px^2 + py^2)/2 - 1/sqrt((x1 - x2)^2 + (y1 - y2)^2)",
       {"x1", "x2", "y1", "y2", "px", "py"},
       "-((x1-x2)^2+(y1-y2)^2)^(-1/2)+1/2*px^2+1/2*py^2"},
  };
  bool ginac_order_varied = false;  // so that this test would catch GiNaC's own printing
  for (const Case& c : cases) {
    CAPTURE(c.formula);
    std::vector<std::string> reversed(c.names.rbegin(), c.names.rend());
    std::vector<std::string> ginac_texts;
    for (int shift = 0; shift < 6; ++shift) {
      const Parsed forward = parse(c.formula, c.names, shift);
      const Parsed backward = parse(c.formula, reversed, shift);
      CHECK(canonical_text(forward.expression) == c.expected);
      CHECK(canonical_text(backward.expression) == c.expected);
      ginac_texts.push_back(ginac_text(forward.expression));
      ginac_texts.push_back(ginac_text(backward.expression));
    }
    MESSAGE("GiNaC's own texts: " << ginac_texts.front() << " ... " << ginac_texts.back());
    for (const std::string& text : ginac_texts) ginac_order_varied |= text != ginac_texts.front();
  }
  CHECK(ginac_order_varied);
}

TEST_CASE("the text reads back to the same expression") {
  const std::vector<std::string> names = {"q", "p", "r"};
  for (const std::string formula :
       {"q^2 + p^2", "-q", "-2*q*p + 3", "q/p - p/q", "(q + p)^3 - (q - 1)^(-2)",
        "sqrt(q) + 1/sqrt(p) + q^(3/2) + q^(-5/3)", "2^q + q^p + exp(-q^2/2)*sin(p)",
        "log(1 + q^2) - abs(q - p)/7 + tanh(r)^2", "-(q + p)*(q - p)", "1/(q*p)",
        "0.25*q - 1.5e-3*p", "pi*q + 2*pi", "-12/5*cos(q)*sin(p)^2 + 12/5", "(2/3)^q + (-1)*q^2",
        "atan(q*p)/(1 + r)"}) {
    CAPTURE(formula);
    const Parsed parsed = parse(formula, names, 0);
    const std::string text = canonical_text(parsed.expression);
    CAPTURE(text);
    const ex again = parse_formula(text, parsed.names, "again");
    CHECK((again - parsed.expression).expand().is_zero());
    CHECK(hnn::symbolic::to_text(parsed.expression) == text);
  }
}
