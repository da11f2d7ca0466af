// Conformance of the odeint_integrators plugin: every integrator's order of convergence,
// exact output times, symplecticity of gauss_legendre, failure reports.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/numeric/odeint/integrate/integrate_const.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "bundled_plugins.h"
#include "gauss_legendre_stepper.h"
#include "hnn/error.h"

namespace {

using hnn::testing::BundledPlugins;

const BundledPlugins& plugins() {
  static const BundledPlugins instance({"odeint_integrators"});
  return instance;
}

// H = q^2 + p^2 (period pi); exact solution from (q0, p0): q0 cos 2t + p0 sin 2t.
const hnn::VectorField kSpring = [](double, const Eigen::VectorXd& x, Eigen::VectorXd& dxdt) {
  dxdt[0] = 2.0 * x[1];
  dxdt[1] = -2.0 * x[0];
};
Eigen::VectorXd spring_solution(const Eigen::VectorXd& x0, double t) {
  Eigen::VectorXd x(2);
  x << x0[0] * std::cos(2 * t) + x0[1] * std::sin(2 * t),
      x0[1] * std::cos(2 * t) - x0[0] * std::sin(2 * t);
  return x;
}

// The pendulum of spec section 4.2: H = 3 (1 - cos q) + p^2, not quadratic.
const hnn::VectorField kPendulum = [](double, const Eigen::VectorXd& x, Eigen::VectorXd& dxdt) {
  dxdt[0] = 2.0 * x[1];
  dxdt[1] = -3.0 * std::sin(x[0]);
};
double pendulum_energy(const Eigen::VectorXd& x) {
  return 3.0 * (1.0 - std::cos(x[0])) + x[1] * x[1];
}

struct FixedStepMethod {
  std::string name;
  BundledPlugins::Overrides options;  // without the step
  int order;
};

std::vector<FixedStepMethod> fixed_step_methods() {
  return {{"rk4", {}, 4},
          {"gauss_legendre", {{"stages", std::int64_t{1}}}, 2},
          {"gauss_legendre", {{"stages", std::int64_t{2}}}, 4},
          {"gauss_legendre", {{"stages", std::int64_t{3}}}, 6}};
}

Eigen::VectorXd end_state(const hnn::Integrator& integrator, const hnn::VectorField& field,
                          const Eigen::VectorXd& x0, double t_end) {
  return integrator.integrate(field, x0, {0.0, t_end}).col(1);
}

}  // namespace

TEST_CASE("orders and symplecticity are declared") {
  CHECK(plugins().integrator("rk45")->order() == 5);
  CHECK(!plugins().integrator("rk45")->is_symplectic());
  CHECK(plugins().integrator("rk4")->order() == 4);
  CHECK(!plugins().integrator("rk4")->is_symplectic());
  for (std::int64_t stages = 1; stages <= 3; ++stages) {
    const auto gauss = plugins().integrator("gauss_legendre", {{"stages", stages}});
    CHECK(gauss->order() == 2 * stages);
    CHECK(gauss->is_symplectic());
  }
}

TEST_CASE("fixed-step methods converge with their order (harmonic oscillator and pendulum)") {
  Eigen::VectorXd x0(2);
  x0 << 0.6, -0.5;
  // Pendulum reference: rk45 at tight tolerances.
  const auto reference_integrator =
      plugins().integrator("rk45", {{"rtol", 1e-13}, {"atol", 1e-14}});
  const double t_end = 2.0;
  const Eigen::VectorXd pendulum_reference = end_state(*reference_integrator, kPendulum, x0, t_end);
  const Eigen::VectorXd spring_reference = spring_solution(x0, t_end);

  for (const FixedStepMethod& method : fixed_step_methods()) {
    CAPTURE(method.name);
    CAPTURE(method.order);
    // Steps large enough that the error stays well above round-off for order 6.
    const double coarse = method.order == 6 ? 0.2 : 0.05;
    for (const auto& [problem, reference] :
         {std::pair{kSpring, spring_reference}, std::pair{kPendulum, pendulum_reference}}) {
      double errors[2];
      for (int refinement = 0; refinement < 2; ++refinement) {
        auto options = method.options;
        options.emplace_back("step", coarse / (1 << refinement));
        const auto integrator = plugins().integrator(method.name, options);
        errors[refinement] = (end_state(*integrator, problem, x0, t_end) - reference).norm();
      }
      const double observed_order = std::log2(errors[0] / errors[1]);
      MESSAGE(method.name << " order " << method.order << ": errors " << errors[0] << ", "
                          << errors[1] << ", observed order " << observed_order);
      CHECK(observed_order == doctest::Approx(method.order).epsilon(0.1));
    }
  }
}

TEST_CASE("rk45 error follows the tolerance") {
  Eigen::VectorXd x0(2);
  x0 << 0.6, -0.5;
  const double t_end = 3.0;
  double previous_error = 1.0;
  for (const double tolerance : {1e-5, 1e-7, 1e-9, 1e-11}) {
    const auto rk45 = plugins().integrator("rk45", {{"rtol", tolerance}, {"atol", tolerance}});
    const double error = (end_state(*rk45, kSpring, x0, t_end) - spring_solution(x0, t_end)).norm();
    MESSAGE("rk45 tolerance " << tolerance << ": error " << error);
    CHECK(error < 20.0 * tolerance);
    CHECK(error < previous_error / 10.0);  // 100x tighter tolerance: > 10x smaller error
    previous_error = error;
  }
}

TEST_CASE("fixed-step methods land exactly on every requested time with steps <= step") {
  Eigen::VectorXd x0(2);
  x0 << 1.0, 0.0;
  const std::vector<double> times = {0.0, 0.1, 0.1, 0.35, 1.0};
  for (const std::string name : {"rk4", "gauss_legendre"}) {
    CAPTURE(name);
    const auto integrator = plugins().integrator(name, {{"step", 0.1}});
    hnn::IntegrationStatistics statistics;
    const Eigen::MatrixXd states = integrator->integrate(kSpring, x0, times, &statistics);
    REQUIRE(states.cols() == 5);
    CHECK(states.col(0) == x0);
    CHECK(states.col(1) == states.col(2));  // repeated time: no step
    // 1 + 0 + 3 + 7 steps: 0.1 is one step despite round-off in 0.1 / 0.1.
    CHECK(statistics.accepted_steps == 11);
    for (Eigen::Index i = 0; i < 5; ++i) {
      CHECK((states.col(i) - spring_solution(x0, times[static_cast<std::size_t>(i)])).norm() <
            1e-4);
    }
  }
}

TEST_CASE("gauss_legendre keeps the energy bounded over 1000 periods, rk4 drifts") {
  const double step = 0.1;
  const auto gauss = plugins().integrator("gauss_legendre", {{"step", step}});
  const auto rk4 = plugins().integrator("rk4", {{"step", step}});

  SUBCASE("harmonic oscillator, 1000 periods of pi") {
    Eigen::VectorXd x0(2);
    x0 << 1.0, 0.0;
    std::vector<double> times;
    for (int period = 0; period <= 1000; ++period) times.push_back(period * M_PI);
    const Eigen::MatrixXd symplectic = gauss->integrate(kSpring, x0, times);
    const Eigen::MatrixXd classic = rk4->integrate(kSpring, x0, times);
    double gauss_error = 0.0;
    for (Eigen::Index i = 0; i < symplectic.cols(); ++i) {
      gauss_error = std::max(gauss_error, std::abs(symplectic.col(i).squaredNorm() - 1.0));
    }
    const double rk4_drift = classic.col(1000).squaredNorm() - 1.0;
    MESSAGE("harmonic: gauss_legendre max |dE| = " << gauss_error
                                                   << ", rk4 dE(1000 periods) = " << rk4_drift);
    CHECK(gauss_error < 1e-11);  // quadratic invariants are conserved exactly
    CHECK(rk4_drift < -1e-3);    // rk4 is dissipative on oscillators
  }

  SUBCASE("pendulum (non-quadratic H), about 1000 periods") {
    Eigen::VectorXd x0(2);
    x0 << 1.5, 0.0;  // large amplitude, period about 2.9
    std::vector<double> times;
    for (int i = 0; i <= 3000; ++i) times.push_back(i * 1.0);
    const double energy = pendulum_energy(x0);
    const Eigen::MatrixXd symplectic = gauss->integrate(kPendulum, x0, times);
    const Eigen::MatrixXd classic = rk4->integrate(kPendulum, x0, times);
    double gauss_early = 0.0, gauss_late = 0.0;
    for (Eigen::Index i = 0; i < symplectic.cols(); ++i) {
      const double error = std::abs(pendulum_energy(symplectic.col(i)) - energy);
      (i < 300 ? gauss_early : gauss_late) = std::max(i < 300 ? gauss_early : gauss_late, error);
    }
    const double rk4_drift = std::abs(pendulum_energy(classic.col(3000)) - energy);
    MESSAGE("pendulum: gauss_legendre max |dE| first 300 / rest = "
            << gauss_early << " / " << gauss_late << ", rk4 |dE(3000)| = " << rk4_drift);
    CHECK(gauss_late < 2.0 * gauss_early + 1e-12);  // bounded: no secular growth
    CHECK(rk4_drift > 10.0 * gauss_late);
  }
}

TEST_CASE("GaussLegendreStepper is an Odeint stepper") {
  namespace odeint = boost::numeric::odeint;
  hnn::integrators::GaussLegendreStepper stepper(3);
  CHECK(stepper.order() == 6);
  Eigen::VectorXd x(2);
  x << 1.0, 0.0;
  const auto system = [](const Eigen::VectorXd& state, Eigen::VectorXd& dxdt, double t) {
    kSpring(t, state, dxdt);
  };
  const std::size_t steps = odeint::integrate_const(stepper, system, x, 0.0, 1.0, 0.01);
  CHECK(steps == 100);
  Eigen::VectorXd x0(2);
  x0 << 1.0, 0.0;
  CHECK((x - spring_solution(x0, 1.0)).norm() < 1e-12);
  // integrate_const works on a copy; a direct step reports its iterations.
  stepper.do_step(system, x, 1.0, 0.01);
  CHECK(stepper.last_iterations() >= 2);
  CHECK(stepper.last_iterations() < 100);
  CHECK_THROWS_WITH_AS(hnn::integrators::GaussLegendreStepper(4),
                       doctest::Contains("stages = 4 must be 1, 2 or 3"), hnn::Error);
}

TEST_CASE("gauss_legendre: max_iterations bounds the fixed-point iterations of every step") {
  Eigen::VectorXd x0(2);
  x0 << 1.0, 0.0;
  const std::vector<double> times = {0.0, 0.5, 1.0};
  const BundledPlugins::Overrides coarse = {{"step", 0.1}};
  const Eigen::MatrixXd converged =
      plugins().integrator("gauss_legendre", coarse)->integrate(kSpring, x0, times);
  // The fewest iterations with which every step converges: one fewer fails, naming the bound;
  // any bound from it on gives the same result bit for bit (the iteration stops at convergence).
  std::int64_t enough = 0;
  for (std::int64_t n = 1; n <= 100 && enough == 0; ++n) {
    BundledPlugins::Overrides options = coarse;
    options.emplace_back("max_iterations", n);
    try {
      const Eigen::MatrixXd states =
          plugins().integrator("gauss_legendre", options)->integrate(kSpring, x0, times);
      CHECK(states == converged);
      enough = n;
    } catch (const hnn::Error& error) {
      CHECK(std::string(error.what())
                .find("did not converge in " + std::to_string(n) + " fixed-point iterations") !=
            std::string::npos);
    }
  }
  CHECK(enough >= 2);
  CHECK(enough < 100);
  BundledPlugins::Overrides more = coarse;
  more.emplace_back("max_iterations", enough + 1);
  CHECK(plugins().integrator("gauss_legendre", more)->integrate(kSpring, x0, times) == converged);
}

TEST_CASE("failures are reported as hnn::Error with what went wrong") {
  Eigen::VectorXd x0(2);
  x0 << 1.0, 0.0;
  const hnn::VectorField blows_up = [](double t, const Eigen::VectorXd& x, Eigen::VectorXd& dxdt) {
    const double nan = std::nan("");
    dxdt[0] = t > 0.5 ? nan : x[1];
    dxdt[1] = -x[0];
  };
  for (const std::string name : {"rk4", "gauss_legendre"}) {
    CAPTURE(name);
    CHECK_THROWS_AS(plugins().integrator(name)->integrate(blows_up, x0, {0.0, 1.0}), hnn::Error);
  }
  // rk45 shrinks the step on a NaN error norm (as SciPy does) until it underflows just
  // before t = 0.5.
  CHECK_THROWS_WITH_AS(plugins().integrator("rk45")->integrate(blows_up, x0, {0.0, 1.0}),
                       doctest::Contains("rk45: step size underflow at t = 0.4999"), hnn::Error);
  CHECK_THROWS_WITH_AS(plugins().integrator("rk45")->integrate(blows_up, x0, {0.0, 1.0}),
                       doctest::Contains("(the field or the state became non-finite)"), hnn::Error);
  CHECK_THROWS_WITH_AS(plugins()
                           .integrator("rk45", {{"max_steps", std::int64_t{5}}})
                           ->integrate(kSpring, x0, {0.0, 100.0}),
                       doctest::Contains("more than max_steps = 5 steps"), hnn::Error);
  CHECK_THROWS_WITH_AS(plugins().integrator("rk4")->integrate(kSpring, x0, {0.0, 1.0, 0.5}),
                       doctest::Contains("rk4: output times must be non-decreasing"), hnn::Error);
  // Stiff decay with a step far beyond the fixed-point iteration's convergence radius.
  const hnn::VectorField stiff = [](double, const Eigen::VectorXd& x, Eigen::VectorXd& dxdt) {
    dxdt = -1e4 * x;
  };
  CHECK_THROWS_WITH_AS(plugins().integrator("gauss_legendre")->integrate(stiff, x0, {0.0, 1.0}),
                       doctest::Contains("gauss_legendre (2 stages): step from t = 0"), hnn::Error);
  // Options outside their range are refused by the schema.
  const hnn::PluginInfo* info =
      plugins().registry().find(hnn::PluginKind::kIntegrator, "gauss_legendre");
  REQUIRE(info != nullptr);
  CHECK(!info->schema.find("stages")->check(hnn::OptionValue(std::int64_t{4})).empty());
  CHECK(!plugins()
             .registry()
             .find(hnn::PluginKind::kIntegrator, "rk45")
             ->schema.find("rtol")
             ->check(hnn::OptionValue(1e-16))
             .empty());
  // Infinite values are in range but refused by the schema (every real is finite unless its
  // option allows otherwise), and by the factory when they reach it unchecked.
  const double infinity = std::numeric_limits<double>::infinity();
  for (const auto& [integrator, key] : std::vector<std::pair<std::string, std::string>>{
           {"rk4", "step"}, {"gauss_legendre", "step"}, {"rk45", "atol"}}) {
    const std::string& name = integrator;  // clang 14 cannot capture a structured binding
    CAPTURE(name);
    const hnn::PluginInfo* info = plugins().registry().find(hnn::PluginKind::kIntegrator, name);
    REQUIRE(info != nullptr);
    CHECK(info->schema.find(key)->check(infinity) == "must be finite");
    hnn::Options options = plugins().options(hnn::PluginKind::kIntegrator, name, {});
    options.set(key, infinity);
    const std::string message = name + ": " + key + " = .inf must be finite";
    CHECK_THROWS_WITH_AS(plugins().registry().create_integrator(name, options),
                         doctest::Contains(message.c_str()), hnn::PluginError);
  }
}

TEST_CASE("all times equal to the start give x0 everywhere") {
  Eigen::VectorXd x0(2);
  x0 << 0.3, 0.4;
  for (const std::string name : {"rk45", "rk4", "gauss_legendre"}) {
    const Eigen::MatrixXd states = plugins().integrator(name)->integrate(kSpring, x0, {1.0, 1.0});
    CHECK(states.col(0) == x0);
    CHECK(states.col(1) == x0);
  }
}
