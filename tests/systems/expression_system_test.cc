// The expression system: H from a formula, differentiated with GiNaC and compiled. It must
// agree with the compiled systems to round-off, give the same datasets, and report bad
// formulas with the position of the problem.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "hnn/error.h"
#include "hnn/trajectory_dataset.h"
#include "system_plugins.h"

namespace {

using hnn::testing::plugins;
using Strings = std::vector<std::string>;

std::shared_ptr<hnn::System> expression(const std::string& hamiltonian,
                                        hnn::testing::SystemPlugins::Overrides overrides = {}) {
  overrides.emplace_back("hamiltonian", hamiltonian);
  return plugins().system("expression", overrides);
}

// max over random states of the relative differences of H and of grad H.
void check_same_system(const hnn::System& a, const hnn::System& b, double tolerance) {
  REQUIRE(a.state_dimension() == b.state_dimension());
  hnn::NumpyLegacyRandom random(17);
  const int d = a.state_dimension();
  Eigen::VectorXd x(d), ga(d), gb(d);
  double worst_h = 0.0, worst_g = 0.0;
  for (int trial = 0; trial < 200; ++trial) {
    b.sample_initial_state(random, x);
    const double ha = a.hamiltonian(x), hb = b.hamiltonian(x);
    worst_h = std::max(worst_h, std::abs(ha - hb) / std::max(1.0, std::abs(hb)));
    a.gradient(x, ga);
    b.gradient(x, gb);
    worst_g = std::max(
        worst_g, (ga - gb).lpNorm<Eigen::Infinity>() / std::max(1.0, gb.lpNorm<Eigen::Infinity>()));
  }
  MESSAGE("max relative difference: H " << worst_h << ", grad H " << worst_g);
  CHECK(worst_h <= tolerance);
  CHECK(worst_g <= tolerance);
}

// The message of the construction error of `hamiltonian` (with options), "" if none.
std::string construction_error(const std::string& hamiltonian,
                               hnn::testing::SystemPlugins::Overrides overrides = {}) {
  try {
    expression(hamiltonian, std::move(overrides));
  } catch (const hnn::Error& error) {
    // A rejected option is a ConfigError carrying its key and character (the host locates
    // it in the pipeline); other construction failures are PluginErrors.
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("expression equals spring_mass: q^2 + p^2") {
  const auto formula = expression("q^2 + p^2");
  const auto spring = plugins().system("spring_mass");
  CHECK(formula->coordinate_names() == Strings{"q", "p"});
  // In the canonical order (canonical_order.h), whatever GiNaC's symbol numbering.
  CHECK(formula->exact_hamiltonian() == "p^2+q^2");
  check_same_system(*formula, *spring, 0.0);  // identical operations: bit for bit
}

TEST_CASE("expression equals pendulum: 3*(1-cos(q)) + p^2, also with parameters") {
  const auto pendulum = plugins().system("pendulum");
  check_same_system(*expression("3*(1-cos(q)) + p^2"), *pendulum, 1e-15);
  const auto with_parameters = expression("m*g*l*(1 - cos(q)) + p^2/(2*m*l^2)",
                                          {{"parameters", Strings{"m=0.5", "g = 6", "l=1.0"}}});
  check_same_system(*with_parameters, *pendulum, 1e-15);
  CHECK(with_parameters->exact_hamiltonian().find("3*cos(q)") != std::string::npos);
}

TEST_CASE("expression equals two_body with 8 named coordinates") {
  const auto formula = expression(
      "(px1^2 + py1^2)/2 + (px2^2 + py2^2)/2 - 1/sqrt((qx1 - qx2)^2 + (qy1 - qy2)^2)",
      {{"coordinates", Strings{"qx1", "qx2", "qy1", "qy2", "px1", "px2", "py1", "py2"}}});
  CHECK(formula->degrees_of_freedom() == 4);
  check_same_system(*formula, *plugins().system("two_body"), 1e-14);
}

TEST_CASE("expression gives the same dataset as spring_mass for the same seed") {
  const auto formula = expression("q^2 + p^2");
  const auto spring = plugins().system("spring_mass");
  const auto rk45 = plugins().integrator("rk45");
  hnn::TrajectoryDatasetOptions options;
  options.noise_std = 0.1;
  hnn::NumpyLegacyRandom first(1390), second(1390);
  const auto a = hnn::generate_trajectory_dataset(*formula, *rk45, first, options);
  const auto b = hnn::generate_trajectory_dataset(*spring, *rk45, second, options);
  CHECK((a.train.inputs - b.train.inputs).lpNorm<Eigen::Infinity>() == 0.0);
  CHECK((a.train.targets - b.train.targets).lpNorm<Eigen::Infinity>() == 0.0);
  CHECK((a.test.inputs - b.test.inputs).lpNorm<Eigen::Infinity>() == 0.0);
  CHECK((a.test.targets - b.test.targets).lpNorm<Eigen::Infinity>() == 0.0);
}

TEST_CASE("expression: every function, gradient against finite differences") {
  const auto formula = expression(
      "exp(-q^2/2) + sin(q)*cos(p) + tan(q/3) + asin(p/4) + acos(q/5) + atan(q*p) + sinh(p/2) "
      "+ cosh(q/2) + tanh(q - p) + log(2 + q^2) + sqrt(1 + p^2) + abs(q + 3) + q^5/7 + p**3 "
      "+ (1 + q^2)^(-3/2) + 2^q + pi*p + 1.5e-1*q - .25*p^4",
      {{"radius", std::vector<double>{0.2, 1.5}}});
  hnn::testing::check_gradient_at_samples(*formula, 21, 50);
  Eigen::VectorXd x(2);
  x << 0.3, -0.7;
  const double q = 0.3, p = -0.7;
  const double expected = std::exp(-q * q / 2) + std::sin(q) * std::cos(p) + std::tan(q / 3) +
                          std::asin(p / 4) + std::acos(q / 5) + std::atan(q * p) +
                          std::sinh(p / 2) + std::cosh(q / 2) + std::tanh(q - p) +
                          std::log(2 + q * q) + std::sqrt(1 + p * p) + std::abs(q + 3) +
                          std::pow(q, 5) / 7 + p * p * p + std::pow(1 + q * q, -1.5) +
                          std::pow(2.0, q) + M_PI * p + 0.15 * q - 0.25 * std::pow(p, 4);
  CHECK(formula->hamiltonian(x) == doctest::Approx(expected).epsilon(1e-14));
}

TEST_CASE("expression: the exact Hamiltonian reads back to the same system") {
  const auto formula = expression("p^2/(2*m) + k*q^2/2 + a*q^4",
                                  {{"parameters", Strings{"m=0.5", "k=3", "a=1/12"}}});
  const std::string printed = formula->exact_hamiltonian();
  MESSAGE("exact_hamiltonian: " << printed);
  check_same_system(*expression(printed), *formula, 1e-15);
}

TEST_CASE("expression: the sampler is the spring's, in any dimension") {
  const auto formula = expression(
      "x^2 + y^2 + px^2 + py^2",
      {{"coordinates", Strings{"x", "y", "px", "py"}}, {"radius", std::vector<double>{0.5, 2.0}}});
  hnn::NumpyLegacyRandom random(3), replay(3);
  Eigen::VectorXd x(4), y(4);
  for (int trial = 0; trial < 10; ++trial) {
    formula->sample_initial_state(random, x);
    for (int i = 0; i < 4; ++i) y[i] = replay.uniform() * 2.0 - 1.0;
    const double radius = replay.uniform() * 1.5 + 0.5;
    CHECK((x - y / y.norm() * radius).norm() <= 1e-14);
  }
}

TEST_CASE("expression: a bad formula names the formula and the character of the problem") {
  const auto contains = [](const std::string& hamiltonian, const std::string& expected,
                           hnn::testing::SystemPlugins::Overrides overrides = {}) {
    const std::string message = construction_error(hamiltonian, std::move(overrides));
    CAPTURE(message);
    CHECK(message.find(expected) != std::string::npos);
  };
  contains("p^2/2 + cos(q",
           "hamiltonian: cannot parse \"p^2/2 + cos(q\": at character 14: expected ')' to close "
           "the '(' at character 12, found the end of the formula");
  contains("p^2 + x",
           "hamiltonian: cannot parse \"p^2 + x\": at character 7: unknown name 'x' "
           "(constants: pi; coordinates: q, p; parameters: none)");
  contains("p^2 + foo(q)", "at character 7: unknown function 'foo' (functions: sqrt, exp, log,");
  contains("p^2 +* q", "at character 6: expected a number, a name or '(', found '*'");
  contains("q)", "at character 2: expected an operator or the end of the formula, found ')'");
  contains("q p", "at character 3: expected an operator or the end of the formula, found 'p'");
  contains("sin + p", "at character 1: 'sin' is a function: write sin(...)");
  contains("q(p)", "at character 1: 'q' is not a function");
  contains("cos(q, p)", "at character 6: 'cos' takes one argument");
  contains("1/0 + q", "at character 2: division by zero");
  contains("2.5e + q", "at character 4: expected the exponent of the number");
  contains("q^2 + p^2 $",
           "at character 11: expected an operator or the end of the formula, "
           "found '$'");
  contains("", "hamiltonian: the formula is empty");
  contains("I*q^2 + p^2", "unknown name 'I'");
  contains("q^2 + p^2 + r", "coordinates: 3 names given; expected an even number > 0",
           {{"coordinates", Strings{"q", "p", "r"}}});
  contains("q^2 + p^2", "coordinates[1]: 'q' appears twice", {{"coordinates", Strings{"q", "q"}}});
  contains("q^2 + p^2", "coordinates[0]: 'sin' is not a usable name",
           {{"coordinates", Strings{"sin", "p"}}});
  contains("q^2 + p^2", "coordinates[1]: '2p' is not a usable name",
           {{"coordinates", Strings{"q", "2p"}}});
  contains("g*q^2 + p^2", "parameters[0]: expected \"name=value\", found \"g\"",
           {{"parameters", Strings{"g"}}});
  contains("g*q^2 + p^2",
           "parameters[0] value: cannot parse \"abc\": at character 1: unknown name 'abc'",
           {{"parameters", Strings{"g=abc"}}});
  contains("q^2 + p^2", "parameters[0]: 'q' is already a coordinate or a parameter",
           {{"parameters", Strings{"q=1"}}});
  // The host wraps the plugin's message: which system failed, and the library.
  contains("p^2/2 + cos(q", "system 'expression' (");
}

TEST_CASE("expression: the cross-option checks are in the schema, so --check makes them") {
  const hnn::PluginInfo* info = plugins().registry().find(hnn::PluginKind::kSystem, "expression");
  REQUIRE(info != nullptr);
  const auto problems = [&](hnn::testing::SystemPlugins::Overrides overrides) {
    overrides.emplace_back("hamiltonian", std::string("q^2 + p^2"));
    return info->schema.check_constraints(
        plugins().options(hnn::PluginKind::kSystem, "expression", overrides));
  };
  CHECK(problems({}).empty());
  const auto radius = problems({{"radius", std::vector<double>{1.0, 0.5}}});
  REQUIRE(radius.size() == 1);
  CHECK(radius[0].find("radius = [1, 0.5] must satisfy 0 <= min <= max < inf") !=
        std::string::npos);
  const auto coordinates = problems({{"coordinates", Strings{"q", "p", "r"}}});
  REQUIRE(coordinates.size() == 1);
  CHECK(coordinates[0].find("coordinates: 3 names given; expected an even number > 0") !=
        std::string::npos);
  // The constructor refuses the same.
  CHECK(construction_error("q^2 + p^2", {{"radius", std::vector<double>{1.0, 0.5}}})
            .find("radius = [1, 0.5] must satisfy") != std::string::npos);
}

// Its speed against the compiled pendulum plugin is measured in bench/symbolic_benchmark.cc
// (BM_PendulumGradient), not asserted here.
TEST_CASE("expression: the compiled gradient equals the pendulum plugin's and the closed form") {
  const auto formula = expression("3*(1-cos(q)) + p^2");
  const auto pendulum = plugins().system("pendulum");
  Eigen::VectorXd x(2), g(2), expected(2);
  double largest_difference = 0.0;
  for (int i = 0; i < 10000; ++i) {
    x << -7.0 + 14e-4 * i, 3.0 - 6e-4 * i;
    formula->gradient(x, g);
    pendulum->gradient(x, expected);
    largest_difference = std::max(largest_difference, (g - expected).cwiseAbs().maxCoeff());
    largest_difference = std::max(
        largest_difference, std::abs(g[0] - 3.0 * std::sin(x[0])) + std::abs(g[1] - 2.0 * x[1]));
  }
  CHECK(largest_difference < 1e-14);
}
