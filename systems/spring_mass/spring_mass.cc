#include "spring_mass.h"

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

SpringMass::Parameters parameters_from(const Options& options) {
  const std::vector<double>& radius = options.reals("radius");
  if (radius.size() != 2) {
    throw Error("spring_mass: option 'radius' must have 2 elements [min, max], got " +
                std::to_string(radius.size()));
  }
  SpringMass::Parameters parameters;
  parameters.spring_constant = options.real("k");
  parameters.mass = options.real("m");
  parameters.minimum_radius = radius[0];
  parameters.maximum_radius = radius[1];
  return parameters;
}

}  // namespace

SpringMass::SpringMass(const Parameters& parameters) : parameters_(parameters) {
  if (!(parameters.spring_constant > 0.0) || !std::isfinite(parameters.spring_constant)) {
    throw Error("spring_mass: k = " + shortest_decimal(parameters.spring_constant) +
                " must be finite and > 0");
  }
  if (!(parameters.mass > 0.0) || !std::isfinite(parameters.mass)) {
    throw Error("spring_mass: m = " + shortest_decimal(parameters.mass) +
                " must be finite and > 0");
  }
  if (!(parameters.minimum_radius >= 0.0) ||
      !(parameters.maximum_radius >= parameters.minimum_radius) ||
      !std::isfinite(parameters.maximum_radius)) {
    throw Error("spring_mass: radius = [" + shortest_decimal(parameters.minimum_radius) + ", " +
                shortest_decimal(parameters.maximum_radius) +
                "] must satisfy 0 <= min <= max < inf");
  }
}

SpringMass::SpringMass(const Options& options) : SpringMass(parameters_from(options)) {}

OptionSchema SpringMass::schema() {
  return OptionSchema{
      Option::real("k", 2.0, "spring constant k in H = k q^2/2 + p^2/(2m)").greater_than(0.0),
      Option::real("m", 0.5, "mass m in H = k q^2/2 + p^2/(2m)").greater_than(0.0),
      Option::real_list("radius", {0.1, 1.0},
                        "[min, max] of the phase-space radius of sampled initial states "
                        "(drawn uniformly; H = r^2 for the defaults)")
          .length(2)
          .at_least(0.0),
  };
}

void SpringMass::sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const {
  if (x.size() != kStateDimension) {
    throw Error("spring_mass: sample_initial_state needs a state of size 2, got " +
                std::to_string(x.size()));
  }
  // The order of the draws is the contract documented in the header.
  sample_state_at_radius(random, parameters_.minimum_radius, parameters_.maximum_radius, x);
}

std::string SpringMass::exact_hamiltonian() const {
  return square_term(0.5 * parameters_.spring_constant, "q") + " + " +
         square_term(1.0 / (2.0 * parameters_.mass), "p");
}

}  // namespace hnn::systems
