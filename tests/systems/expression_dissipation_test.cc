// The expression system's damping and forcing formulas: they give the compiled damped
// systems' fields and data, the energy balance holds, every formula error is located, and a
// negative damping coefficient is refused (as a number, at sampled states, along a run).
#include <doctest/doctest.h>

#include <cmath>

#include "hnn/error.h"
#include "hnn/trajectory_dataset.h"
#include "system_plugins.h"

namespace {

using hnn::testing::plugins;
using Overrides = hnn::testing::SystemPlugins::Overrides;
using Strings = std::vector<std::string>;

std::shared_ptr<hnn::System> expression(const std::string& hamiltonian, Overrides overrides) {
  overrides.emplace_back("hamiltonian", hamiltonian);
  return plugins().system("expression", overrides);
}

// The construction error's message, "" if none.
std::string construction_error(const std::string& hamiltonian, Overrides overrides) {
  try {
    expression(hamiltonian, std::move(overrides));
  } catch (const std::exception& error) {
    return error.what();
  }
  return "";
}

// max over sampled states and times of |f_a - f_b| / max(1, |f_b|) of the true fields.
double field_difference(const hnn::System& a, const hnn::System& b) {
  hnn::NumpyLegacyRandom random(23);
  Eigen::VectorXd x(2), fa(2), fb(2);
  double worst = 0.0;
  for (int trial = 0; trial < 100; ++trial) {
    b.sample_initial_state(random, x);
    const double t = 10.0 * random.uniform();
    hnn::true_field(a, t, x, fa);
    hnn::true_field(b, t, x, fb);
    worst = std::max(
        worst, (fa - fb).lpNorm<Eigen::Infinity>() / std::max(1.0, fb.lpNorm<Eigen::Infinity>()));
  }
  return worst;
}

}  // namespace

TEST_CASE("expression with damping and forcing equals damped_spring, damped_pendulum, duffing") {
  const auto spring = expression("q^2 + p^2", {{"damping", Strings{"1/10"}}});
  CHECK(spring->has_damping());
  CHECK_FALSE(spring->has_forcing());
  CHECK(field_difference(*spring, *plugins().system("damped_spring")) <= 1e-15);

  const auto pendulum = expression(
      "m*g*l*(1 - cos(q)) + p^2/(2*m*l^2)",
      {{"parameters", Strings{"m=1/2", "l=1", "g=6", "gamma=0.1"}}, {"damping", Strings{"gamma"}}});
  CHECK(field_difference(*pendulum, *plugins().system("damped_pendulum")) <= 1e-15);

  const auto duffing =
      expression("p^2/2 + alpha*q^2/2 + beta*q^4/4",
                 {{"parameters", Strings{"alpha=1", "beta=1", "delta=0.1", "A=0.3", "w=1.2"}},
                  {"radius", std::vector<double>{0.5, 1.5}},  // duffing's sampler
                  {"damping", Strings{"delta"}},
                  {"forcing", Strings{"A*cos(w*t)"}}});
  CHECK(duffing->has_forcing());
  const auto compiled = plugins().system("duffing");
  CHECK(field_difference(*duffing, *compiled) <= 1e-15);

  // The same data, to integrator accuracy (the operations differ in order, not in value).
  const auto rk45 = plugins().integrator("rk45", {{"rtol", 1e-10}, {"atol", 1e-10}});
  hnn::TrajectoryDatasetOptions options;
  options.trajectories = 4;
  options.time_span = {1.0, 6.0};
  hnn::NumpyLegacyRandom first(1390), second(1390);
  const auto a = hnn::generate_trajectory_dataset(*duffing, *rk45, first, options);
  const auto b = hnn::generate_trajectory_dataset(*compiled, *rk45, second, options);
  CHECK((a.train.inputs - b.train.inputs).lpNorm<Eigen::Infinity>() <= 1e-8);
  CHECK((a.train.targets - b.train.targets).lpNorm<Eigen::Infinity>() <= 1e-8);
}

TEST_CASE("expression: state-dependent damping, per-momentum formulas, energy balance") {
  const auto system = expression("(px^2 + py^2)/2 + (x^2 + y^2)/2 + x^2*y",
                                 {{"coordinates", Strings{"x", "y", "px", "py"}},
                                  {"radius", std::vector<double>{0.1, 0.5}},
                                  {"parameters", Strings{"c=0.2"}},
                                  {"damping", Strings{"c*(1 + x^2)", "0.05*py^2"}},
                                  {"forcing", Strings{"0.1*sin(t)", "0.2*cos(2*t)"}}});
  Eigen::VectorXd x(4), force(4);
  x << 0.3, -0.2, 0.4, 0.5;
  Eigen::MatrixXd r(4, 4);
  system->damping(x, r);
  Eigen::MatrixXd expected = Eigen::MatrixXd::Zero(4, 4);
  expected(2, 2) = 0.2 * (1 + 0.09);
  expected(3, 3) = 0.05 * 0.25;
  CHECK((r - expected).lpNorm<Eigen::Infinity>() <= 1e-16);
  system->forcing(1.3, force);
  CHECK(force[0] == 0.0);
  CHECK(force[1] == 0.0);
  CHECK(force[2] == doctest::Approx(0.1 * std::sin(1.3)).epsilon(1e-15));
  CHECK(force[3] == doctest::Approx(0.2 * std::cos(2.6)).epsilon(1e-15));
  hnn::testing::check_gradient_at_samples(*system, 2, 10);

  // One formula for every momentum.
  const auto shared =
      expression("(px^2 + py^2)/2 + (x^2 + y^2)/2", {{"coordinates", Strings{"x", "y", "px", "py"}},
                                                     {"damping", Strings{"0.3"}},
                                                     {"forcing", Strings{"cos(t)"}}});
  shared->damping(x, r);
  CHECK(r(2, 2) == 0.3);
  CHECK(r(3, 3) == 0.3);
  shared->forcing(0.5, force);
  CHECK(force[2] == std::cos(0.5));
  CHECK(force[3] == std::cos(0.5));

  const auto rk45 = plugins().integrator("rk45", {{"rtol", 1e-12}, {"atol", 1e-12}});
  hnn::NumpyLegacyRandom random(4);
  Eigen::VectorXd x0(4);
  for (int trial = 0; trial < 3; ++trial) {
    system->sample_initial_state(random, x0);
    const auto balance =
        hnn::testing::energy_balance(*system, *rk45, x0, hnn::testing::times_between(0, 10, 101));
    CHECK(balance.worst_mismatch <= 1e-9 * std::max(1.0, balance.largest_change));
    CHECK(balance.largest_change >= 0.01);
  }
}

TEST_CASE("expression: damping and forcing errors are located and say what is wrong") {
  const auto contains = [](Overrides overrides, const std::string& expected) {
    const std::string message = construction_error("q^2 + p^2", std::move(overrides));
    CAPTURE(message);
    CHECK(message.find(expected) != std::string::npos);
  };
  contains({{"damping", Strings{"0.1*q^2 + "}}},
           "damping[0]: cannot parse \"0.1*q^2 + \": at character 11: expected a number");
  contains({{"damping", Strings{"0.1", "0.1 + t"}}},
           "damping: 2 formulas given; expected none, 1 (for every momentum) or n = 1");
  contains({{"damping", Strings{"0.1*t"}}},
           "damping[0]: cannot parse \"0.1*t\": at character 5: unknown name 't' (constants: pi; "
           "coordinates: q, p; parameters: none)");
  contains({{"forcing", Strings{"cos(w*q)"}}, {"parameters", Strings{"w=2"}}},
           "forcing[0]: cannot parse \"cos(w*q)\": at character 7: unknown name 'q' (constants: "
           "pi; time: t; parameters: w)");
  contains({{"forcing", Strings{"t"}}, {"parameters", Strings{"t=2"}}},
           "forcing: 't' is the time in the forcing formulas; rename the parameter t");
  contains({{"forcing", Strings{""}}}, "forcing[0]: the formula is empty");
  // A negative coefficient: as a number, then at a state the sampler draws.
  contains({{"damping", Strings{"-g"}}, {"parameters", Strings{"g=0.1"}}},
           "damping[0]: the coefficient -1/10 is negative; a damping coefficient must be >= 0");
  contains({{"damping", Strings{"q"}}}, "damping[0]: the coefficient q is negative (");
  contains({{"damping", Strings{"q"}}},
           "a state drawn by the sampler; a damping coefficient must be >= 0 everywhere");
  // A parameter named t is fine without forcing.
  CHECK(construction_error("t*q^2 + p^2", {{"parameters", Strings{"t=2"}}}).empty());

  // The count is a schema constraint, so --check makes it without building the system.
  const hnn::PluginInfo* info = plugins().registry().find(hnn::PluginKind::kSystem, "expression");
  REQUIRE(info != nullptr);
  const auto problems = info->schema.check_constraints(plugins().options(
      hnn::PluginKind::kSystem, "expression",
      {{"hamiltonian", std::string("q^2 + p^2")}, {"forcing", Strings{"1", "2", "3"}}}));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("forcing: 3 formulas given") != std::string::npos);
}

TEST_CASE("expression: a damping coefficient negative along a trajectory stops the run") {
  // >= 0.75 at every sampled state (|q| <= 1), negative beyond |q| = 2.
  const auto system = expression("q^2 + p^2", {{"damping", Strings{"1 - q^2/4"}}});
  Eigen::VectorXd x(2), field(2);
  x << 3.0, 0.0;
  CHECK_THROWS_WITH_AS(hnn::true_field(*system, 0.0, x, field),
                       "expression: the damping coefficient -1/4*q^2+1 is negative (-1.25) at "
                       "q = 3, p = 0; a damping coefficient must be >= 0 everywhere",
                       hnn::Error);
  const auto rk45 = plugins().integrator("rk45");
  CHECK_THROWS_WITH_AS(rk45->integrate(hnn::testing::true_field(*system), x, {0.0, 1.0}),
                       doctest::Contains("is negative (-1.25)"), hnn::Error);
}
