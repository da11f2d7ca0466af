// The bundled plugin `pykan_head_functions` (plugins/symbolic_functions/pykan_head): pykan
// HEAD's seven additions to the symbolic library (kan/utils.py SYMBOLIC_LIB), loaded as the
// host loads it. Each one's C++ evaluator must agree with its formula (the formula gives the
// printed H and the exact derivatives, the evaluator the fits), inside its real domain and
// outside it (NaN), and have HEAD's complexity; `cos` must fit a cosine exactly.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "bundled_plugins.h"
#include "hnn/symbolic/affine_fit.h"
#include "hnn/symbolic/function_library.h"
#include "hnn/symbolic/ginac.h"

namespace {

struct HeadFunction {
  std::string name;
  int complexity;
  double domain_low;  // the evaluator is finite on [domain_low, 2] (0 excluded for poles)
  double reference(double x) const {
    if (name == "cos") return std::cos(x);
    if (name == "arccos") return std::acos(x);
    if (name == "x^5") return std::pow(x, 5);
    if (name == "1/x^5") return std::pow(x, -5);
    if (name == "x^0.5") return std::sqrt(x);
    if (name == "x^1.5") return std::pow(x, 1.5);
    return std::pow(x, -0.5);  // 1/x^0.5
  }
};

// kan/utils.py at pykan HEAD: name, complexity.
const std::vector<HeadFunction> kHeadFunctions{
    {"cos", 2, -2.0},  {"arccos", 4, -1.0}, {"x^5", 3, -2.0},    {"1/x^5", 5, -2.0},
    {"x^0.5", 2, 0.0}, {"x^1.5", 4, 0.0},   {"1/x^0.5", 2, 0.01}};

double evaluate_formula(const hnn::symbolic::SymbolicFunction& function, double x) {
  const GiNaC::ex value = GiNaC::evalf(function.expression(GiNaC::ex(x)));
  REQUIRE(GiNaC::is_a<GiNaC::numeric>(value));
  return GiNaC::ex_to<GiNaC::numeric>(value).to_double();
}

}  // namespace

TEST_CASE("pykan HEAD's functions: registered by the bundled plugin, evaluator = formula") {
  const hnn::testing::BundledPlugins plugins({"hnn_pykan_head_functions"});
  const auto library = hnn::symbolic::SymbolicFunctionLibrary::with_registered(
      plugins.registry().symbolic_functions());
  CHECK(library.size() == 24 + kHeadFunctions.size());
  for (const HeadFunction& head : kHeadFunctions) {
    CAPTURE(head.name);
    REQUIRE(library.contains(head.name));
    const auto& function = library.at(head.name);
    CHECK(function.complexity == head.complexity);
    const double high = head.name == "arccos" ? 1.0 : 2.0;
    for (int i = 0; i <= 40; ++i) {
      const double x = head.domain_low + (high - head.domain_low) * i / 40;
      if (x == 0 && head.name == "1/x^5") continue;  // the pole
      CAPTURE(x);
      const double value = function.evaluate(x);
      CHECK(value == doctest::Approx(head.reference(x)).epsilon(1e-14));
      CHECK(evaluate_formula(function, x) == doctest::Approx(value).epsilon(1e-12));
    }
  }
  // Outside the real domain: NaN, as the built-in functions.
  CHECK(std::isnan(library.at("arccos").evaluate(1.5)));
  CHECK(std::isnan(library.at("x^0.5").evaluate(-1.0)));
  CHECK(std::isnan(library.at("x^1.5").evaluate(-1.0)));
  CHECK(std::isnan(library.at("1/x^0.5").evaluate(-1.0)));
  // The same functions as 0.0.5's under HEAD's second names.
  CHECK(library.at("x^0.5").evaluate(3.0) == library.at("sqrt").evaluate(3.0));
  CHECK(library.at("1/x^0.5").evaluate(3.0) == library.at("1/sqrt(x)").evaluate(3.0));
}

TEST_CASE("cos fits -1.26 cos(x - 0.008) + 1.49 exactly, where sin needs a shift of pi/2") {
  const hnn::testing::BundledPlugins plugins({"hnn_pykan_head_functions"});
  const auto library = hnn::symbolic::SymbolicFunctionLibrary::with_registered(
      plugins.registry().symbolic_functions());
  Eigen::VectorXd x(200), y(200);
  for (int i = 0; i < 200; ++i) {
    x(i) = -1.4 + 2.9 * i / 199;
    y(i) = -1.26 * std::cos(x(i) - 0.008) + 1.49;
  }
  hnn::symbolic::AffineFitOptions options;
  options.a_min = 0.5;
  options.a_max = 2.0;
  options.b_min = -0.1;
  options.b_max = 0.1;
  const auto fit = hnn::symbolic::fit_affine_parameters(x, y, library.at("cos"), options);
  CHECK(fit.r2 == doctest::Approx(1.0).epsilon(1e-5));  // pykan's r2 has a 1e-4 term
  CHECK(fit.a == doctest::Approx(1.0).epsilon(1e-3));
  CHECK(fit.b == doctest::Approx(-0.008).epsilon(1e-3));
  CHECK(fit.c == doctest::Approx(-1.26).epsilon(1e-3));
  CHECK(fit.d == doctest::Approx(1.49).epsilon(1e-3));
}
