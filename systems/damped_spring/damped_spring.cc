#include "damped_spring.h"

#include <cmath>

#include "hnn/error.h"
#include "hnn/initial_state_sampler.h"
#include "hnn/number_format.h"

namespace hnn::systems {
namespace {

// "name^2" with its coefficient: "q^2" for 1, "1.5*q^2" otherwise.
std::string square_term(double coefficient, const std::string& name) {
  if (coefficient == 1.0) return name + "^2";
  return shortest_decimal(coefficient) + "*" + name + "^2";
}

}  // namespace

const OptionBinding<DampedSpringOptions>& DampedSpringOptions::binding() {
  static const OptionBinding<DampedSpringOptions> binding = [] {
    using Self = DampedSpringOptions;
    OptionBinding<Self> b("damped_spring");
    b.bind("k", &Self::spring_constant, "spring constant k in H = k q^2/2 + p^2/(2m)")
        .greater_than(0.0);
    b.bind("m", &Self::mass, "mass m in H = k q^2/2 + p^2/(2m)").greater_than(0.0);
    b.bind("gamma", &Self::friction,
           "friction coefficient: dp/dt = -k q - gamma p/m (m q'' = -k q - gamma q'); "
           "0 is the undamped spring_mass")
        .at_least(0.0);
    b.bind("radius", &Self::radius,
           "[min, max] of the phase-space radius of sampled initial states "
           "(drawn uniformly; H = r^2 for the default k and m)")
        .at_least(0.0);
    b.require_finite({"k", "m", "gamma"});
    b.require([](const Self& options) {
      return radius_range_problem(options.radius[0], options.radius[1]);
    });
    return b;
  }();
  return binding;
}

DampedSpring::DampedSpring(const DampedSpringOptions& options) : options_(options) {
  DampedSpringOptions::binding().check(options_);
}

void DampedSpring::sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const {
  if (x.size() != kStateDimension) {
    throw Error("damped_spring: sample_initial_state needs a state of size 2, got " +
                std::to_string(x.size()));
  }
  // The order of the draws is the contract documented in the header.
  sample_state_at_radius(random, options_.radius[0], options_.radius[1], x);
}

std::string DampedSpring::exact_hamiltonian() const {
  return square_term(0.5 * options_.spring_constant, "q") + " + " +
         square_term(1.0 / (2.0 * options_.mass), "p");
}

void DampedSpring::damping(const Eigen::Ref<const Eigen::VectorXd>& /*x*/,
                           Eigen::Ref<Eigen::MatrixXd> damping) const {
  set_momentum_damping(options_.friction, damping);
}

}  // namespace hnn::systems
