// rk45 replays SciPy's solve_ivp RK45 (spec/hnn.md section 6.2): the golden spring rollout
// from (1, 0) (tests/golden/spring_truth_rollout.csv), including the atol artefact.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "bundled_plugins.h"
#include "golden_csv.h"

namespace {

using hnn::testing::BundledPlugins;

const BundledPlugins& plugins() {
  static const BundledPlugins instance({"odeint_integrators"});
  return instance;
}

// H = q^2 + p^2: dq/dt = 2p, dp/dt = -2q.
const hnn::VectorField kSpring = [](double, const Eigen::VectorXd& x, Eigen::VectorXd& dxdt) {
  dxdt[0] = 2.0 * x[1];
  dxdt[1] = -2.0 * x[0];
};

// numpy.linspace(start, stop, count).
std::vector<double> linspace(double start, double stop, int count) {
  const double step = (stop - start) / (count - 1);
  std::vector<double> times;
  for (int i = 0; i < count; ++i) times.push_back(i * step + start);
  times.back() = stop;
  return times;
}

struct Rollout {
  Eigen::MatrixXd states;
  hnn::IntegrationStatistics statistics;
};

Rollout spring_rollout(double rtol, double atol, const std::vector<double>& times) {
  const auto rk45 = plugins().integrator("rk45", {{"rtol", rtol}, {"atol", atol}});
  Eigen::VectorXd x0(2);
  x0 << 1.0, 0.0;
  Rollout rollout;
  rollout.states = rk45->integrate(kSpring, x0, times, &rollout.statistics);
  return rollout;
}

}  // namespace

TEST_CASE("rk45 reproduces SciPy's spring rollouts for atol 1e-6 and 1e-12 (rtol 1e-12)") {
  const auto golden = hnn::testing::read_golden_csv("spring_truth_rollout.csv");
  const std::vector<double> times = golden.numbers("t");
  REQUIRE(times.size() == 201);
  CHECK(times == linspace(0.0, 20.0, 201));

  struct Case {
    double atol;
    const char* suffix;
    long scipy_evaluations;  // from the golden file's header
  };
  for (const Case& c : {Case{1e-6, "atol1e-6", 962}, Case{1e-12, "atol1e-12", 14084}}) {
    CAPTURE(c.atol);
    const Rollout rollout = spring_rollout(1e-12, c.atol, times);
    const auto q = golden.numbers(std::string("q_rk45_") + c.suffix);
    const auto p = golden.numbers(std::string("p_rk45_") + c.suffix);
    double deviation = 0.0;
    for (std::size_t i = 0; i < times.size(); ++i) {
      const auto column = static_cast<Eigen::Index>(i);
      deviation = std::max({deviation, std::abs(rollout.states(0, column) - q[i]),
                            std::abs(rollout.states(1, column) - p[i])});
    }
    MESSAGE("atol " << c.atol << ": max |C++ - SciPy| = " << deviation << ", "
                    << rollout.statistics.field_evaluations << " field evaluations (SciPy "
                    << c.scipy_evaluations << ")");
    CHECK(deviation < 1e-12);
    // Same number of evaluations: the same step sequence, rejections included.
    CHECK(rollout.statistics.field_evaluations == c.scipy_evaluations);
  }

  // The atol artefact of the "ground truth": E(20) - 1 = -2.124e-5 on [0, 20].
  const Rollout rollout = spring_rollout(1e-12, 1e-6, times);
  const Eigen::VectorXd end = rollout.states.col(200);
  CHECK(end.squaredNorm() - 1.0 == doctest::Approx(-2.124e-5).epsilon(1e-3));
}

TEST_CASE("rk45 with the KAN-HNN author's span [0, 200] gives the spec's -2.121e-5 drift") {
  // plot_model: t_eval = linspace(0, 20, 10000), truth integrated over [0, 200]. Here the
  // span's end is the last requested time, so 200 is appended.
  std::vector<double> times = linspace(0.0, 20.0, 10000);
  times.push_back(200.0);
  const Rollout rollout = spring_rollout(1e-12, 1e-6, times);
  double largest_drift = 0.0;
  for (Eigen::Index i = 0; i < 10000; ++i) {
    largest_drift = std::max(largest_drift, std::abs(rollout.states.col(i).squaredNorm() - 1.0));
  }
  const double drift_at_20 = rollout.states.col(9999).squaredNorm() - 1.0;
  MESSAGE("span [0, 200]: E(20) - 1 = "
          << drift_at_20 << ", max |E - 1| on [0, 20] = " << largest_drift << ", "
          << rollout.statistics.field_evaluations << " field evaluations (spec: 9506)");
  CHECK(drift_at_20 == doctest::Approx(-2.121e-5).epsilon(1e-3));
  CHECK(largest_drift == doctest::Approx(2.124e-5).epsilon(1e-3));
  CHECK(rollout.statistics.field_evaluations == 9506);
}
