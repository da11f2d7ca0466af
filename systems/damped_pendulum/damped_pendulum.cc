#include "damped_pendulum.h"

#include "hnn/error.h"
#include "hnn/initial_state_sampler.h"
#include "hnn/number_format.h"

namespace hnn::systems {

const OptionBinding<DampedPendulumOptions>& DampedPendulumOptions::binding() {
  static const OptionBinding<DampedPendulumOptions> binding = [] {
    using Self = DampedPendulumOptions;
    OptionBinding<Self> b("damped_pendulum");
    b.bind("m", &Self::mass, "mass m in H = m g l (1 - cos q) + p^2/(2 m l^2)").greater_than(0.0);
    b.bind("l", &Self::length, "length l in H = m g l (1 - cos q) + p^2/(2 m l^2)")
        .greater_than(0.0);
    b.bind("g", &Self::gravity,
           "gravitational acceleration g in H = m g l (1 - cos q) + p^2/(2 m l^2); the "
           "defaults give H = 3 (1 - cos q) + p^2, as pendulum")
        .greater_than(0.0);
    b.bind("gamma", &Self::friction,
           "friction coefficient: dp/dt = -m g l sin q - gamma p/(m l^2) "
           "(m l^2 q'' = -m g l sin q - gamma q'); 0 is the undamped pendulum")
        .at_least(0.0);
    b.bind("radius", &Self::radius,
           "[min, max] of the phase-space radius |(q, p)| of sampled initial states "
           "(drawn uniformly)")
        .at_least(0.0);
    b.require_finite({"m", "l", "g", "gamma"});
    b.require([](const Self& options) {
      return radius_range_problem(options.radius[0], options.radius[1]);
    });
    return b;
  }();
  return binding;
}

DampedPendulum::DampedPendulum(const DampedPendulumOptions& options)
    : options_(options),
      potential_coefficient_(options.mass * options.gravity * options.length),
      kinetic_coefficient_(1.0 / (2.0 * options.mass * options.length * options.length)) {
  DampedPendulumOptions::binding().check(options_);
}

void DampedPendulum::sample_initial_state(RandomSource& random,
                                          Eigen::Ref<Eigen::VectorXd> x) const {
  if (x.size() != kStateDimension) {
    throw Error("damped_pendulum: sample_initial_state needs a state of size 2, got " +
                std::to_string(x.size()));
  }
  // The order of the draws is the contract documented in the header.
  sample_state_at_radius(random, options_.radius[0], options_.radius[1], x);
}

std::string DampedPendulum::exact_hamiltonian() const {
  const std::string potential = potential_coefficient_ == 1.0
                                    ? std::string("(1 - cos(q))")
                                    : shortest_decimal(potential_coefficient_) + "*(1 - cos(q))";
  const std::string kinetic = kinetic_coefficient_ == 1.0
                                  ? std::string("p^2")
                                  : shortest_decimal(kinetic_coefficient_) + "*p^2";
  return potential + " + " + kinetic;
}

void DampedPendulum::damping(const Eigen::Ref<const Eigen::VectorXd>& /*x*/,
                             Eigen::Ref<Eigen::MatrixXd> damping) const {
  set_momentum_damping(options_.friction, damping);
}

}  // namespace hnn::systems
