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
  static const SystemPlugins instance({"pendulum", "two_body", "three_body", "henon_heiles",
                                       "double_pendulum", "expression", "spring_mass",
                                       "odeint_integrators"});
  return instance;
}

// The true flow dx/dt = J grad H of a system.
inline VectorField true_field(const System& system) {
  return [&system](double, const Eigen::VectorXd& x, Eigen::VectorXd& dxdt) {
    hamiltonian_field(system, x, dxdt);
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

}  // namespace hnn::testing

#endif  // HNN_TESTS_SYSTEMS_SYSTEM_PLUGINS_H_
