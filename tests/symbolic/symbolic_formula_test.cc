// Exact composition of a symbolic KAN description (kan.md §6.5): the spring case by hand,
// rounding of the expanded coefficients, text and LaTeX, coefficients of monomials, and the
// compiled evaluator (value and gradient) against the polynomial and finite differences.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "hnn/error.h"
#include "hnn/symbolic/formula.h"
#include "spring_symbolic_network.h"

namespace {

using hnn::symbolic::CompiledExpression;
using hnn::symbolic::SymbolicEdge;
using hnn::symbolic::SymbolicFormula;
using hnn::symbolic::SymbolicLayer;

// The spring KAN [2, 1, 2] of spring_symbolic_network.h: H = h + 0.18, F1 = 0.6 h + 0.3.
std::vector<SymbolicLayer> spring_network() { return hnn::testing::spring_symbolic_network(); }

// The same composition in double arithmetic, straight from the description.
double spring_output(const double* state, int output) {
  const double q = state[0], p = state[1];
  const double h = 0.4 * (1.5 * q + 0.2) * (1.5 * q + 0.2) + 0.1 +
                   0.9 * (-0.8 * p + 0.3) * (-0.8 * p + 0.3) - 0.05 + 0.25;
  return output == 0 ? 0.3 * (2.0 * h + 0.5) + 0.1 + 0.05 : 0.8 * (1.25 * h - 0.4) + 0.2 + 0.3;
}

// Central differences, step 1e-6.
std::vector<double> numerical_gradient(const CompiledExpression& f, std::vector<double> x) {
  std::vector<double> gradient(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double h = 1e-6 * std::max(1.0, std::fabs(x[i]));
    const double keep = x[i];
    x[i] = keep + h;
    const double up = f.value(x.data());
    x[i] = keep - h;
    const double down = f.value(x.data());
    x[i] = keep;
    gradient[i] = (up - down) / (2.0 * h);
  }
  return gradient;
}

}  // namespace

TEST_CASE("the spring network composes to the expected quadratic forms") {
  const SymbolicFormula formula(spring_network(), {"q", "p"});
  REQUIRE(formula.output_count() == 2);
  CHECK(formula.is_polynomial(0));
  CHECK(formula.is_polynomial(1));

  // Exact coefficients (each is a few roundings of the decimal value at most).
  CHECK(formula.coefficient(1, "q^2") == doctest::Approx(0.9).epsilon(1e-15));
  CHECK(formula.coefficient(1, "p^2") == doctest::Approx(0.576).epsilon(1e-15));
  CHECK(formula.coefficient(1, "q") == doctest::Approx(0.24).epsilon(1e-15));
  CHECK(formula.coefficient(1, "p") == doctest::Approx(-0.432).epsilon(1e-15));
  CHECK(formula.coefficient(1, "1") == doctest::Approx(0.577).epsilon(1e-15));
  CHECK(formula.coefficient(1, "q*p") == 0.0);
  CHECK(formula.coefficient(1, std::vector<int>{2, 0}) == formula.coefficient(1, "q^2"));
  CHECK(formula.coefficient(1, " q ^ 2 ") == formula.coefficient(1, "q^2"));
  CHECK(formula.coefficient(0, "q^2") == doctest::Approx(0.54).epsilon(1e-15));
  CHECK(formula.coefficient(0, "1") == doctest::Approx(0.5382).epsilon(1e-15));
  // "The coefficient of q^2 of H within 0.01 of 0.9".
  CHECK(std::fabs(formula.coefficient(1, "q^2") - 0.9) < 0.01);

  // The exact product of the doubles: c1 * a1 * c0 * a0^2 as an exact rational, once rounded.
  const GiNaC::numeric exact =
      hnn::symbolic::exact_number(0.8, "c") * hnn::symbolic::exact_number(1.25, "a") *
      hnn::symbolic::exact_number(0.4, "c") * hnn::symbolic::exact_number(1.5, "a").power(2);
  CHECK(formula.coefficient(1, "q^2") == exact.to_double());
}

TEST_CASE("rounded text and LaTeX of the expanded coefficients") {
  const SymbolicFormula formula(spring_network(), {"q", "p"});
  CHECK(formula.text(1) == "0.90*q^2 + 0.58*p^2 + 0.24*q - 0.43*p + 0.58");
  CHECK(formula.text(0) == "0.54*q^2 + 0.35*p^2 + 0.14*q - 0.26*p + 0.54");
  CHECK(formula.text(1, 1) == "0.9*q^2 + 0.6*p^2 + 0.2*q - 0.4*p + 0.6");
  CHECK(formula.text(1, 3) == "0.900*q^2 + 0.576*p^2 + 0.240*q - 0.432*p + 0.577");
  CHECK(formula.latex(1) == "0.90 q^{2} + 0.58 p^{2} + 0.24 q - 0.43 p + 0.58");
  const std::string full = formula.text(1, SymbolicFormula::kFull);
  MESSAGE("full: " << full);
  CHECK(full.find("*q^2 + ") != std::string::npos);
  CHECK(full.rfind("0.9", 0) == 0);

  // Terms that round to 0 disappear; the author's case has b ~ 0 on layer 0.
  SymbolicLayer hidden(2, 1), output(1, 2);
  hidden.edge(0, 0) = {"x^2", 1.0, 0.001, 0.8, 0.0};
  hidden.edge(1, 0) = {"x^2", 1.0, -0.002, 0.8, 0.0};
  output.edge(0, 1) = {"x", 1.25, 1.0, 1.0, 0.0};  // F1's edge stays pruned
  const SymbolicFormula author({hidden, output}, {"x_{1}", "x_{2}"});
  CHECK(author.text(1) == "1.00*x_{1}^2 + 1.00*x_{2}^2 + 1.00");
  CHECK(author.text(1, 3) == "1.000*x_{1}^2 + 1.000*x_{2}^2 + 0.002*x_{1} - 0.004*x_{2} + 1.000");
  CHECK(author.latex(1) == "1.00 x_{1}^{2} + 1.00 x_{2}^{2} + 1.00");
  CHECK(author.text(0) == "0");  // the pruned output is its bias, 0
  // The rounded expression is what was printed.
  CHECK(GiNaC::is_a<GiNaC::add>(author.rounded_expression(1)));
  CHECK(author.rounded_expression(1).nops() == 3);
}

TEST_CASE("the compiled H: value and gradient against the polynomial and finite differences") {
  const SymbolicFormula formula(spring_network(), {"q", "p"});
  for (int output = 0; output < 2; ++output) {
    const CompiledExpression f = formula.compile(static_cast<std::size_t>(output));
    CHECK(f.variable_count() == 2);
    for (const auto& state : std::vector<std::vector<double>>{{0.7, -0.3}, {-1.2, 2.5}, {0, 0}}) {
      double gradient[2];
      const double value = f.value_and_gradient(state.data(), gradient);
      CHECK(value == doctest::Approx(spring_output(state.data(), output)).epsilon(1e-14));
      CHECK(f.value(state.data()) == value);
      const std::vector<double> numeric = numerical_gradient(f, state);
      // dH/dq = 2 * 0.9 q + 0.24 (scaled for F1), dH/dp = 2 * 0.576 p - 0.432.
      const double scale = output == 0 ? 0.6 : 1.0;
      CHECK(gradient[0] == doctest::Approx(scale * (1.8 * state[0] + 0.24)).epsilon(1e-14));
      CHECK(gradient[1] == doctest::Approx(scale * (1.152 * state[1] - 0.432)).epsilon(1e-14));
      CHECK(gradient[0] == doctest::Approx(numeric[0]).epsilon(1e-8));
      CHECK(gradient[1] == doctest::Approx(numeric[1]).epsilon(1e-8));
    }
  }
  // The rounded formula evaluates as printed.
  const CompiledExpression rounded = formula.compile(1, 2);
  const double state[2] = {0.7, -0.3};
  CHECK(rounded.value(state) ==
        doctest::Approx(0.9 * 0.49 + 0.58 * 0.09 + 0.24 * 0.7 + 0.43 * 0.3 + 0.58).epsilon(1e-14));
  Eigen::VectorXd gradient;
  CHECK(rounded.value_and_gradient(Eigen::Vector2d(0.7, -0.3), &gradient) == rounded.value(state));
  CHECK(gradient.size() == 2);
  CHECK_THROWS_WITH_AS(rounded.value(Eigen::VectorXd::Zero(3)),
                       doctest::Contains("the state has 3 entries, expected 2"), hnn::Error);
}

TEST_CASE("every library function composes, prints and compiles") {
  const auto library = hnn::symbolic::SymbolicFunctionLibrary::pykan();
  for (const auto& function : library) {
    CAPTURE(function.name);
    SymbolicLayer layer(1, 1);
    layer.edge(0, 0) = {function.name, 0.6, 0.1, 0.9, 0.2};
    layer.bias(0) = 0.05;
    const SymbolicFormula formula({layer}, {"x"});
    const std::string text = formula.text(0, SymbolicFormula::kFull);
    const std::string latex = formula.latex(0);
    CHECK_FALSE(text.empty());
    CHECK_FALSE(latex.empty());
    const CompiledExpression compiled = formula.compile(0);
    for (double x : {0.3, 0.55}) {
      const double expected = 0.9 * function.evaluate(0.6 * x + 0.1) + 0.2 + 0.05;
      double gradient[1];
      CHECK(compiled.value_and_gradient(&x, gradient) == doctest::Approx(expected).epsilon(1e-13));
      if (function.name == "sgn") {
        CHECK(gradient[0] == 0.0);
        continue;
      }
      const std::vector<double> numeric = numerical_gradient(compiled, {x});
      CHECK(gradient[0] == doctest::Approx(numeric[0]).epsilon(1e-7));
    }
  }
}

TEST_CASE("non-polynomial formulas") {
  SymbolicLayer layer(2, 1);
  layer.edge(0, 0) = {"sin", 2.0, 0.5, 1.5, 0.0};
  layer.edge(1, 0) = {"gaussian", 1.0, -0.25, 0.75, 0.125};
  const SymbolicFormula formula({layer}, {"q", "p"});
  CHECK_FALSE(formula.is_polynomial(0));
  CHECK(formula.text(0) == "0.75*exp(-1.00*p^2 + 0.50*p - 0.06) + 1.50*sin(2.00*q + 0.50) + 0.13");
  CHECK(formula.latex(0) ==
        "0.75 \\exp\\left(-1.00 p^{2} + 0.50 p - 0.06\\right) + 1.50 \\sin\\left(2.00 q + "
        "0.50\\right) + 0.13");
  CHECK_THROWS_WITH_AS(formula.coefficient(0, "q"), doctest::Contains("is not a polynomial"),
                       hnn::Error);
  const CompiledExpression h = formula.compile(0);
  const double state[2] = {0.3, -0.4};
  CHECK(
      h.value(state) ==
      doctest::Approx(1.5 * std::sin(0.6 + 0.5) + 0.75 * std::exp(-0.4225) + 0.125).epsilon(1e-14));
  // Same value as GiNaC's own evaluation.
  const GiNaC::ex substituted =
      formula.expression(0)
          .subs(GiNaC::lst{formula.variables()[0] == GiNaC::numeric(3, 10),
                           formula.variables()[1] == GiNaC::numeric(-4, 10)})
          .evalf();
  CHECK(GiNaC::ex_to<GiNaC::numeric>(substituted).to_double() ==
        doctest::Approx(h.value(state)).epsilon(1e-14));
}

TEST_CASE("composition errors name the layer and edge") {
  SymbolicLayer hidden(2, 1), output(1, 2);
  hidden.edge(1, 0) = {"sine", 1.0, 0.0, 1.0, 0.0};
  CHECK_THROWS_WITH_AS(SymbolicFormula({hidden, output}, {"q", "p"}),
                       doctest::Contains("layer 0 edge (0, 1, 0): unknown symbolic function "
                                         "'sine' (did you mean 'sin'?)"),
                       hnn::Error);
  hidden.edge(1, 0) = {"sin", std::nan(""), 0.0, 1.0, 0.0};
  CHECK_THROWS_WITH_AS(SymbolicFormula({hidden, output}, {"q", "p"}),
                       doctest::Contains("edge (0, 1, 0): a is not finite (nan)"), hnn::Error);
  hidden.edge(1, 0) = {"sin", 1.0, 0.0, 1.0, 0.0};
  CHECK_THROWS_WITH_AS(SymbolicFormula({hidden, output}, {"q"}),
                       doctest::Contains("1 variable names for a network with 2 inputs"),
                       hnn::Error);
  CHECK_THROWS_WITH_AS(SymbolicFormula({hidden, output}, {"q", "q"}),
                       doctest::Contains("'q' is used twice"), hnn::Error);
  CHECK_THROWS_WITH_AS(SymbolicFormula({hidden, SymbolicLayer(2, 2)}, {"q", "p"}),
                       doctest::Contains("layer 1 has 2 inputs but the previous layer has 1"),
                       hnn::Error);
  CHECK_THROWS_WITH_AS(hidden.edge(2, 0), doctest::Contains("no edge (2, 0)"), hnn::Error);
  const SymbolicFormula formula(spring_network(), {"q", "p"});
  CHECK_THROWS_WITH_AS(
      formula.coefficient(1, "qq^2"),
      doctest::Contains("unknown variable 'qq' in monomial 'qq^2' (did you mean 'q'?)"),
      hnn::Error);
  CHECK_THROWS_WITH_AS(formula.text(2), doctest::Contains("no output 2 (there are 2)"), hnn::Error);
  CHECK_THROWS_WITH_AS(formula.text(1, 16), doctest::Contains("between 0 and 15"), hnn::Error);
  GiNaC::realsymbol q("q"), other("r");
  CHECK_THROWS_WITH_AS(CompiledExpression(q + other, {q}),
                       doctest::Contains("symbol 'r' is not one of the variables"),
                       hnn::NotImplementedError);
  CHECK_THROWS_WITH_AS(CompiledExpression(GiNaC::zeta(q), {q}),
                       doctest::Contains("the function 'zeta(q)' is not supported"),
                       hnn::NotImplementedError);
}

// Its speed against GiNaC is measured in bench/symbolic_benchmark.cc, not asserted here.
TEST_CASE("the compiled evaluator gives GiNaC's values and derivatives") {
  const SymbolicFormula formula(spring_network(), {"q", "p"});
  const CompiledExpression h = formula.compile(1);
  const GiNaC::ex expression = formula.expression(1);
  const GiNaC::ex dq = expression.diff(GiNaC::ex_to<GiNaC::symbol>(formula.variables()[0]));
  const GiNaC::ex dp = expression.diff(GiNaC::ex_to<GiNaC::symbol>(formula.variables()[1]));
  for (int k = 0; k < 50; ++k) {
    double state[2] = {-2.0 + 0.08 * k, 1.5 - 0.07 * k}, gradient[2];
    CAPTURE(state[0]);
    CAPTURE(state[1]);
    const GiNaC::lst at{formula.variables()[0] == GiNaC::numeric(state[0]),
                        formula.variables()[1] == GiNaC::numeric(state[1])};
    const auto evaluate = [&](const GiNaC::ex& e) {
      return GiNaC::ex_to<GiNaC::numeric>(e.subs(at).evalf()).to_double();
    };
    const double value = h.value_and_gradient(state, gradient);
    CHECK(value == doctest::Approx(evaluate(expression)).epsilon(1e-14));
    CHECK(value == doctest::Approx(spring_output(state, 1)).epsilon(1e-14));
    CHECK(gradient[0] == doctest::Approx(evaluate(dq)).epsilon(1e-14));
    CHECK(gradient[1] == doctest::Approx(evaluate(dp)).epsilon(1e-14));
  }
}
