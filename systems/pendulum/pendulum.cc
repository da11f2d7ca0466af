#include "pendulum.h"

#include <string>

#include "hnn/error.h"
#include "hnn/initial_state_sampler.h"
#include "hnn/number_format.h"

namespace hnn::systems {

const OptionBinding<PendulumOptions>& PendulumOptions::binding() {
  static const OptionBinding<PendulumOptions> binding = [] {
    using Self = PendulumOptions;
    OptionBinding<Self> b("pendulum");
    b.bind("m", &Self::mass, "mass m in H = m g l (1 - cos q) + p^2/(2 m l^2)").greater_than(0.0);
    b.bind("l", &Self::length, "length l in H = m g l (1 - cos q) + p^2/(2 m l^2)")
        .greater_than(0.0);
    b.bind("g", &Self::gravity,
           "gravitational acceleration g in H = m g l (1 - cos q) + p^2/(2 m l^2); the "
           "defaults give the original H = 3 (1 - cos q) + p^2")
        .greater_than(0.0);
    b.bind("radius", &Self::radius,
           "[min, max] of the phase-space radius |(q, p)| of sampled initial states "
           "(drawn uniformly)")
        .at_least(0.0);
    b.require_finite({"m", "l", "g"});
    b.require([](const Self& options) {
      return radius_range_problem(options.radius[0], options.radius[1]);
    });
    return b;
  }();
  return binding;
}

Pendulum::Pendulum(const PendulumOptions& options)
    : options_(options),
      potential_coefficient_(options.mass * options.gravity * options.length),
      kinetic_coefficient_(1.0 / (2.0 * options.mass * options.length * options.length)) {
  PendulumOptions::binding().check(options_);
}

void Pendulum::sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const {
  if (x.size() != kStateDimension) {
    throw Error("pendulum: sample_initial_state needs a state of size 2, got " +
                std::to_string(x.size()));
  }
  // The order of the draws is the contract documented in the header.
  sample_state_at_radius(random, options_.radius[0], options_.radius[1], x);
}

std::string Pendulum::exact_hamiltonian() const {
  const std::string potential = potential_coefficient_ == 1.0
                                    ? std::string("(1 - cos(q))")
                                    : shortest_decimal(potential_coefficient_) + "*(1 - cos(q))";
  const std::string kinetic = kinetic_coefficient_ == 1.0
                                  ? std::string("p^2")
                                  : shortest_decimal(kinetic_coefficient_) + "*p^2";
  return potential + " + " + kinetic;
}

}  // namespace hnn::systems
