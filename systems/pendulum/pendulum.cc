#include "pendulum.h"

#include <cmath>

#include "hnn/error.h"
#include "hnn/initial_state_sampler.h"
#include "hnn/number_format.h"

namespace hnn::systems {
namespace {

void require_positive(double value, const char* name) {
  if (!(value > 0.0) || !std::isfinite(value)) {
    throw Error(std::string("pendulum: ") + name + " = " + shortest_decimal(value) +
                " must be finite and > 0");
  }
}

Pendulum::Parameters parameters_from(const Options& options) {
  const std::vector<double>& radius = options.reals("radius");
  if (radius.size() != 2) {
    throw Error("pendulum: option 'radius' must have 2 elements [min, max], got " +
                std::to_string(radius.size()));
  }
  Pendulum::Parameters parameters;
  parameters.mass = options.real("m");
  parameters.length = options.real("l");
  parameters.gravity = options.real("g");
  parameters.minimum_radius = radius[0];
  parameters.maximum_radius = radius[1];
  return parameters;
}

}  // namespace

Pendulum::Pendulum(const Parameters& parameters)
    : parameters_(parameters),
      potential_coefficient_(parameters.mass * parameters.gravity * parameters.length),
      kinetic_coefficient_(1.0 / (2.0 * parameters.mass * parameters.length * parameters.length)) {
  require_positive(parameters.mass, "m");
  require_positive(parameters.length, "l");
  require_positive(parameters.gravity, "g");
  if (!(parameters.minimum_radius >= 0.0) ||
      !(parameters.maximum_radius >= parameters.minimum_radius) ||
      !std::isfinite(parameters.maximum_radius)) {
    throw Error("pendulum: radius = [" + shortest_decimal(parameters.minimum_radius) + ", " +
                shortest_decimal(parameters.maximum_radius) +
                "] must satisfy 0 <= min <= max < inf");
  }
}

Pendulum::Pendulum(const Options& options) : Pendulum(parameters_from(options)) {}

OptionSchema Pendulum::schema() {
  return OptionSchema{
      Option::real("m", 0.5, "mass m in H = m g l (1 - cos q) + p^2/(2 m l^2)").greater_than(0.0),
      Option::real("l", 1.0, "length l in H = m g l (1 - cos q) + p^2/(2 m l^2)").greater_than(0.0),
      Option::real("g", 6.0,
                   "gravitational acceleration g in H = m g l (1 - cos q) + p^2/(2 m l^2); the "
                   "defaults give the original H = 3 (1 - cos q) + p^2")
          .greater_than(0.0),
      Option::real_list("radius", {1.3, 2.3},
                        "[min, max] of the phase-space radius |(q, p)| of sampled initial states "
                        "(drawn uniformly)")
          .length(2)
          .at_least(0.0),
  };
}

void Pendulum::sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const {
  if (x.size() != kStateDimension) {
    throw Error("pendulum: sample_initial_state needs a state of size 2, got " +
                std::to_string(x.size()));
  }
  // The order of the draws is the contract documented in the header.
  sample_state_at_radius(random, parameters_.minimum_radius, parameters_.maximum_radius, x);
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
