// Test support for tests/systems: loads bundled system and integrator plugins with
// hnn::PluginLoader (as the host does), builds them from their schema defaults plus overrides
// (required options must be among the overrides), and checks the common contracts.
#ifndef HNN_TESTS_SYSTEMS_SYSTEM_PLUGINS_H_
#define HNN_TESTS_SYSTEMS_SYSTEM_PLUGINS_H_

#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hnn/gradient_check.h"
#include "hnn/integrator.h"
#include "hnn/plugin_loader.h"
#include "hnn/random.h"
#include "hnn/registry.h"
#include "hnn/system.h"

namespace hnn::testing {

class SystemPlugins {
 public:
  using Overrides = std::vector<std::pair<std::string, OptionValue>>;

  // Loads HNN_BUNDLED_PLUGIN_DIR/<library>.so for each library.
  explicit SystemPlugins(const std::vector<std::string>& libraries) : loader_(registry_) {
    for (const auto& library : libraries) {
      loader_.load_library(std::string(HNN_BUNDLED_PLUGIN_DIR) + "/" + library + ".so");
    }
  }

  Options options(PluginKind kind, const std::string& name, const Overrides& overrides) const {
    const PluginInfo* info = registry_.find(kind, name);
    if (info == nullptr) throw std::runtime_error(name + " is not registered");
    Options options;
    for (const auto& option : info->schema.options()) {
      if (!option.is_required()) options.set(option.key(), option.default_value());
    }
    for (const auto& [key, value] : overrides) {
      const Option* option = info->schema.find(key);
      if (option == nullptr) throw std::runtime_error(name + " has no option " + key);
      const std::string problem = option->check(value);
      if (!problem.empty()) throw std::runtime_error(name + "." + key + ": " + problem);
      options.set(key, value);
    }
    for (const auto& option : info->schema.options()) {
      if (!options.contains(option.key())) {
        throw std::runtime_error(name + "." + option.key() + " is required");
      }
    }
    return options;
  }

  std::shared_ptr<System> system(const std::string& name, const Overrides& overrides = {}) const {
    return registry_.create_system(name, options(PluginKind::kSystem, name, overrides));
  }
  std::shared_ptr<Integrator> integrator(const std::string& name,
                                         const Overrides& overrides = {}) const {
    return registry_.create_integrator(name, options(PluginKind::kIntegrator, name, overrides));
  }
  const Registry& registry() const { return registry_; }

 private:
  Registry registry_;
  PluginLoader loader_;
};

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
