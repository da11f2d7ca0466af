// The one expression compiler (hnn/symbolic/compiled_expression.h): both evaluation orders,
// several outputs, the forward-mode gradient of every operation against finite
// differences, the lowering each order promises, concurrent evaluation, and its errors.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "hnn/error.h"
#include "hnn/symbolic/compiled_expression.h"
#include "hnn/symbolic/formula_parser.h"

namespace {

using hnn::symbolic::CompiledExpression;
using hnn::symbolic::CompileOptions;
using hnn::symbolic::EvaluationOrder;
using hnn::symbolic::TapeOperation;

const CompileOptions kAsStored{.order = EvaluationOrder::kAsStored, .label = "hamiltonian"};

// Central differences of output 0, step 1e-6.
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

int count_operations(const CompiledExpression& f, TapeOperation operation) {
  int count = 0;
  for (const auto& instruction : f.tape().instructions) count += instruction.operation == operation;
  return count;
}

}  // namespace

TEST_CASE("both orders: value and gradient of every operation against finite differences") {
  GiNaC::realsymbol q("q"), p("p");
  // Every function, subtraction, division, negative, fractional and symbolic exponents.
  const GiNaC::ex h =
      GiNaC::exp(-q * q / 2) + GiNaC::sin(q) * GiNaC::cos(p) + GiNaC::tan(q / 3) +
      GiNaC::asin(p / 4) + GiNaC::acos(q / 5) + GiNaC::atan(q * p) + GiNaC::sinh(p / 2) +
      GiNaC::cosh(q / 2) + GiNaC::tanh(q - p) + GiNaC::atanh(p / 3) + GiNaC::log(2 + q * q) +
      GiNaC::sqrt(1 + p * p) + GiNaC::abs(q + 3) + GiNaC::pow(q, 5) / 7 - 3 * p +
      GiNaC::pow(1 + q * q, GiNaC::numeric(-3, 2)) + GiNaC::pow(2, q) + GiNaC::pow(1 + q * q, p) +
      q / GiNaC::pow(2 + p, 2) + GiNaC::pow(q, 70) + GiNaC::Pi * p;
  const double q0 = 0.3, p0 = -0.7;
  const double expected =
      std::exp(-q0 * q0 / 2) + std::sin(q0) * std::cos(p0) + std::tan(q0 / 3) + std::asin(p0 / 4) +
      std::acos(q0 / 5) + std::atan(q0 * p0) + std::sinh(p0 / 2) + std::cosh(q0 / 2) +
      std::tanh(q0 - p0) + std::atanh(p0 / 3) + std::log(2 + q0 * q0) + std::sqrt(1 + p0 * p0) +
      std::abs(q0 + 3) + std::pow(q0, 5) / 7 - 3 * p0 + std::pow(1 + q0 * q0, -1.5) +
      std::pow(2.0, q0) + std::pow(1 + q0 * q0, p0) + q0 / std::pow(2 + p0, 2) + std::pow(q0, 70) +
      M_PI * p0;
  for (const auto& options : {CompileOptions{}, kAsStored}) {
    CAPTURE(options.label);
    const CompiledExpression f({h, h.diff(q), h.diff(p)}, {q, p}, options);
    CHECK(f.output_count() == 3);
    CHECK(f.variable_count() == 2);
    for (const std::vector<double>& state :
         std::vector<std::vector<double>>{{q0, p0}, {0.9, 0.4}, {-0.5, 1.1}}) {
      double outputs[3], gradient[2];
      f.values(state.data(), outputs);
      CHECK(f.value(state.data()) == outputs[0]);
      CHECK(f.value_and_gradient(state.data(), gradient) == outputs[0]);
      // Forward mode and the symbolic derivatives agree to rounding, and with differences.
      CHECK(gradient[0] == doctest::Approx(outputs[1]).epsilon(1e-12));
      CHECK(gradient[1] == doctest::Approx(outputs[2]).epsilon(1e-12));
      const std::vector<double> numeric = numerical_gradient(f, state);
      CHECK(gradient[0] == doctest::Approx(numeric[0]).epsilon(1e-7));
      CHECK(gradient[1] == doctest::Approx(numeric[1]).epsilon(1e-7));
    }
    const double state[2] = {q0, p0};
    CHECK(f.value(state) == doctest::Approx(expected).epsilon(1e-14));
  }
}

TEST_CASE("the derivatives of abs, csgn and step are sign(x), 0 and 0") {
  GiNaC::realsymbol x("x");
  const CompiledExpression f(GiNaC::abs(x) + GiNaC::csgn(x) + GiNaC::step(x), {x});
  double gradient[1];
  const double negative = -0.5, zero = 0.0;
  CHECK(f.value_and_gradient(&negative, gradient) == 0.5 - 1.0 + 0.0);
  CHECK(gradient[0] == -1.0);
  CHECK(f.value_and_gradient(&zero, gradient) == 0.5);
  CHECK(gradient[0] == 0.0);
}

TEST_CASE("value() evaluates only the instructions of output 0") {
  GiNaC::realsymbol q("q");
  // Output 1 is 1/0 at q = 0 where output 0 is fine; value() must not depend on it.
  const CompiledExpression f({q + 1, GiNaC::sin(q) / q}, {q});
  CHECK(f.tape().first_output_end < f.instruction_count());
  const double zero = 0.0;
  CHECK(f.value(&zero) == 1.0);
  double outputs[2];
  f.values(&zero, outputs);
  CHECK(outputs[0] == 1.0);
  CHECK(std::isnan(outputs[1]));
}

TEST_CASE("kCanonical: sums and products in the order of a structural key") {
  GiNaC::realsymbol q("q"), p("p");
  // "p" sorts before "q": p is loaded first, and the one addition adds q to it, whatever
  // GiNaC's own order of the two terms is in this process.
  const CompiledExpression f(q + p, {q, p});
  REQUIRE(f.instruction_count() == 3);
  CHECK(f.tape().instructions[0].operation == TapeOperation::kVariable);
  CHECK(f.tape().instructions[0].left == 1);
  CHECK(f.tape().instructions[2].operation == TapeOperation::kAdd);
  // Numbers through evalf, negative integer powers by repeated squaring, no subtraction.
  const CompiledExpression g(q - 3 * p + GiNaC::pow(q, -2) + GiNaC::sqrt(p), {q, p});
  CHECK(count_operations(g, TapeOperation::kSubtract) == 0);
  CHECK(count_operations(g, TapeOperation::kDivide) == 0);
  CHECK(count_operations(g, TapeOperation::kSqrt) == 0);
  CHECK(count_operations(g, TapeOperation::kIntegerPower) == 1);
  CHECK(count_operations(g, TapeOperation::kRealPower) == 1);
}

TEST_CASE("kAsStored: subtraction, division, sqrt as the expression system always did") {
  GiNaC::realsymbol q("q"), p("p");
  const CompiledExpression g(q - 3 * p + q * GiNaC::pow(p, -2) + GiNaC::sqrt(p), {q, p}, kAsStored);
  // The one negative term is a subtraction, or a negation when GiNaC's term order (which
  // varies from process to process) puts it first.
  CHECK(count_operations(g, TapeOperation::kSubtract) +
            count_operations(g, TapeOperation::kNegate) ==
        1);
  CHECK(count_operations(g, TapeOperation::kDivide) == 1);
  CHECK(count_operations(g, TapeOperation::kSqrt) == 1);
  const double state[2] = {0.25, 0.5};
  // GiNaC's term order decides the rounding: equal to the sum up to it.
  CHECK(g.value(state) ==
        doctest::Approx(0.25 - 3 * 0.5 + 0.25 / (0.5 * 0.5) + std::sqrt(0.5)).epsilon(1e-15));
}

TEST_CASE("evaluation from several threads, small and large programs") {
  GiNaC::realsymbol q("q"), p("p");
  GiNaC::ex large = 0;
  for (int k = 1; k <= 700; ++k) large += GiNaC::sin(k * q + p) / k;
  for (const GiNaC::ex& e : {GiNaC::pow(q, 2) + GiNaC::sin(p), large}) {
    const CompiledExpression f(e, {q, p});
    const int states = 200;
    std::vector<double> expected(states), expected_gradient(2 * states);
    for (int k = 0; k < states; ++k) {
      const double state[2] = {0.01 * k, -0.02 * k};
      expected[std::size_t(k)] =
          f.value_and_gradient(state, expected_gradient.data() + 2 * std::size_t(k));
    }
    std::vector<int> failures(4, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int round = 0; round < 5; ++round) {
          for (int k = 0; k < states; ++k) {
            const double state[2] = {0.01 * k, -0.02 * k};
            double gradient[2];
            const double value = f.value_and_gradient(state, gradient);
            failures[std::size_t(t)] += value != expected[std::size_t(k)] ||
                                        gradient[0] != expected_gradient[2 * std::size_t(k)] ||
                                        f.value(state) != value;
          }
        }
      });
    }
    for (auto& thread : threads) thread.join();
    CHECK(failures == std::vector<int>(4, 0));
  }
}

TEST_CASE("errors start with the label and name the node") {
  GiNaC::realsymbol q("q"), r("r");
  CHECK_THROWS_WITH_AS(CompiledExpression(q + r, {q}, kAsStored),
                       "hamiltonian: symbol 'r' is not one of the variables",
                       hnn::NotImplementedError);
  CHECK_THROWS_WITH_AS(CompiledExpression(GiNaC::zeta(q), {q}),
                       "compiled expression: the function 'zeta(q)' is not supported",
                       hnn::NotImplementedError);
  CHECK_THROWS_WITH_AS(CompiledExpression(q * GiNaC::I, {q}, kAsStored),
                       "hamiltonian: 'I' is not a real number", hnn::NotImplementedError);
  CHECK_THROWS_WITH_AS(CompiledExpression(q, {q, 2 * q}),
                       doctest::Contains("variable 1 ('2*q') is not a symbol"), hnn::Error);
  CHECK_THROWS_WITH_AS(CompiledExpression(q, {q, q}),
                       doctest::Contains("variable 'q' is listed twice"), hnn::Error);
  CHECK_THROWS_WITH_AS(CompiledExpression(std::vector<GiNaC::ex>{}, {q}),
                       "compiled expression: no expression to compile", hnn::Error);
}

TEST_CASE("a parsed formula compiles; parse errors give the character") {
  GiNaC::realsymbol q("q"), p("p");
  const hnn::symbolic::FormulaNames names{{{"q", q}, {"p", p}, {"g", GiNaC::numeric(981, 100)}},
                                          {"coordinates: q, p", "parameters: g"}};
  const GiNaC::ex h = hnn::symbolic::parse_formula("p^2/2 + g*(1 - cos(q))", names, "hamiltonian");
  const CompiledExpression f({h, h.diff(q), h.diff(p)}, {q, p}, kAsStored);
  const double state[2] = {0.5, 0.25};
  double outputs[3];
  f.values(state, outputs);
  CHECK(outputs[0] == doctest::Approx(0.03125 + 9.81 * (1 - std::cos(0.5))).epsilon(1e-15));
  CHECK(outputs[1] == doctest::Approx(9.81 * std::sin(0.5)).epsilon(1e-15));
  CHECK(outputs[2] == 0.25);
  CHECK_THROWS_WITH_AS(hnn::symbolic::parse_formula("p^2 + x", names, "hamiltonian"),
                       "hamiltonian: cannot parse \"p^2 + x\": at character 7: unknown name 'x' "
                       "(constants: pi; coordinates: q, p; parameters: g)",
                       hnn::Error);
  CHECK(hnn::symbolic::is_bindable_name("q_1"));
  CHECK_FALSE(hnn::symbolic::is_bindable_name("sin"));
  CHECK(hnn::symbolic::known_functions().rfind("sqrt, exp, log", 0) == 0);
  CHECK(hnn::symbolic::to_text(q * 2) == "2*q");
}

TEST_CASE("powers of exact numbers too large to compute are refused at the '^', with the limit") {
  GiNaC::realsymbol q("q"), p("p");
  const hnn::symbolic::FormulaNames names{{{"q", q}, {"p", p}}, {"coordinates: q, p"}};
  // Found by fuzz/formula_fuzz.cc: GiNaC computed 2^(2888...) exactly and never finished.
  CHECK_THROWS_WITH_AS(hnn::symbolic::parse_formula("q + 2^288888888888888888888", names, "h"),
                       "h: cannot parse \"q + 2^288888888888888888888\": at character 6: the "
                       "exponent 288888888888888888888 is too large (at most 10000 in magnitude)",
                       hnn::Error);
  CHECK_THROWS_WITH_AS(hnn::symbolic::parse_formula("(2*q)^-20000", names, "h"),
                       "h: cannot parse \"(2*q)^-20000\": at character 6: the exponent -20000 is "
                       "too large (at most 10000 in magnitude)",
                       hnn::Error);
  CHECK_THROWS_WITH_AS(hnn::symbolic::parse_formula("(2^9000)^9000", names, "h"),
                       "h: cannot parse \"(2^9000)^9000\": at character 9: the power is too large "
                       "to compute exactly (its numbers would have about 81009000 bits, at most "
                       "1048576)",
                       hnn::Error);
  CHECK(hnn::symbolic::to_text(hnn::symbolic::parse_formula("2^-10000 + q^10000", names, "h")) ==
        hnn::symbolic::to_text(GiNaC::pow(2, -10000) + GiNaC::pow(q, 10000)));
}
