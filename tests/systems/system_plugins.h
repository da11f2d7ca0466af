// Test support for tests/systems: the bundled system and integrator plugins (loaded as the
// host does, see tests/support/bundled_plugins.h) and checks of the common contracts.
#ifndef HNN_TESTS_SYSTEMS_SYSTEM_PLUGINS_H_
#define HNN_TESTS_SYSTEMS_SYSTEM_PLUGINS_H_

#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bundled_plugins.h"
#include "hnn/gradient_check.h"
#include "hnn/host/plugin_loader.h"
#include "hnn/integrator.h"
#include "hnn/random.h"
#include "hnn/registry.h"
#include "hnn/system.h"

namespace hnn::testing {

// The bundled plugins a systems test needs (tests/support/bundled_plugins.h).
using SystemPlugins = BundledPlugins;

inline const SystemPlugins& plugins() {
  static const SystemPlugins instance(
      {"pendulum", "two_body", "three_body", "henon_heiles", "double_pendulum", "expression",
       "spring_mass", "damped_spring", "damped_pendulum", "duffing", "odeint_integrators"});
  return instance;
}

// The true flow dx/dt = (J - R) grad H + F(t) of a system (hnn::true_field; J grad H for a
// conservative one).
inline VectorField true_field(const System& system) {
  return [&system](double t, const Eigen::VectorXd& x, Eigen::VectorXd& dxdt) {
    hnn::true_field(system, t, x, dxdt);
  };
}

// Equally spaced times t0 .. t1, `points` of them, ends included.
inline std::vector<double> times_between(double t0, double t1, int points) {
  std::vector<double> times(static_cast<std::size_t>(points));
  for (int i = 0; i < points; ++i)
    times[static_cast<std::size_t>(i)] = t0 + (t1 - t0) * i / (points - 1);
  return times;
}

// Gradient check (hnn::check_system_gradient, relative error <= 1e-6) at `trials` sampled
// states of the system's own sampler.
inline void check_gradient_at_samples(const System& system, std::uint32_t seed, int trials) {
  NumpyLegacyRandom random(seed);
  Eigen::VectorXd x(system.state_dimension());
  for (int trial = 0; trial < trials; ++trial) {
    system.sample_initial_state(random, x);
    const GradientCheckResult result = check_system_gradient(system, x);
    CHECK_MESSAGE(result.passed(1e-6), result.report());
  }
}

// max_t |H(x(t)) - H(x(0))| along a path (columns are states).
inline double energy_error(const System& system, const Eigen::MatrixXd& path) {
  const double initial = system.hamiltonian(path.col(0));
  double worst = 0.0;
  for (Eigen::Index i = 0; i < path.cols(); ++i) {
    worst = std::max(worst, std::abs(system.hamiltonian(path.col(i)) - initial));
  }
  return worst;
}

// The energy balance along a trajectory of the true flow: the state is integrated together
// with the work W(t) = integral from t0 to t of dH/dt = power_balance(s, x(s)).rate() ds
// (one more coordinate of the same integration), so that H(x(t)) - H(x(t0)) = W(t) holds to
// the integrator's accuracy. `times` start at the time of x0.
struct EnergyBalance {
  double worst_mismatch = 0.0;  // max_t |H(x(t)) - H(x(t0)) - W(t)|
  double largest_change = 0.0;  // max_t |H(x(t)) - H(x(t0))|
  double final_change = 0.0;    // H(x(t1)) - H(x(t0))
};

inline EnergyBalance energy_balance(const System& system, const Integrator& integrator,
                                    const Eigen::VectorXd& x0, const std::vector<double>& times) {
  const Eigen::Index d = x0.size();
  const VectorField augmented = [&system, d](double t, const Eigen::VectorXd& y,
                                             Eigen::VectorXd& dydt) {
    const Eigen::VectorXd x = y.head(d);
    Eigen::VectorXd dxdt(d);
    hnn::true_field(system, t, x, dxdt);
    dydt.head(d) = dxdt;
    dydt[d] = power_balance(system, t, x).rate();
  };
  Eigen::VectorXd y0(d + 1);
  y0 << x0, 0.0;
  const Eigen::MatrixXd path = integrator.integrate(augmented, y0, times);
  EnergyBalance balance;
  const double initial = system.hamiltonian(x0);
  for (Eigen::Index i = 0; i < path.cols(); ++i) {
    const double change = system.hamiltonian(path.col(i).head(d)) - initial;
    balance.worst_mismatch = std::max(balance.worst_mismatch, std::abs(change - path(d, i)));
    balance.largest_change = std::max(balance.largest_change, std::abs(change));
    balance.final_change = change;
  }
  return balance;
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_SYSTEMS_SYSTEM_PLUGINS_H_
