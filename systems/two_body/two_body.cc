#include "two_body.h"

#include <cmath>

#include "hnn/error.h"
#include "hnn/number_format.h"

namespace hnn::systems {
namespace {

TwoBody::Parameters parameters_from(const Options& options) {
  const std::vector<double>& radius = options.reals("radius");
  if (radius.size() != 2) {
    throw Error("two_body: option 'radius' must have 2 elements [min, max], got " +
                std::to_string(radius.size()));
  }
  TwoBody::Parameters parameters;
  parameters.orbit_noise = options.real("orbit_noise");
  parameters.minimum_radius = radius[0];
  parameters.maximum_radius = radius[1];
  return parameters;
}

}  // namespace

TwoBody::TwoBody(const Parameters& parameters) : parameters_(parameters) {
  if (!(parameters.orbit_noise >= 0.0) || !std::isfinite(parameters.orbit_noise)) {
    throw Error("two_body: orbit_noise = " + shortest_decimal(parameters.orbit_noise) +
                " must be finite and >= 0");
  }
  if (!(parameters.minimum_radius > 0.0) ||
      !(parameters.maximum_radius >= parameters.minimum_radius) ||
      !std::isfinite(parameters.maximum_radius)) {
    throw Error("two_body: radius = [" + shortest_decimal(parameters.minimum_radius) + ", " +
                shortest_decimal(parameters.maximum_radius) +
                "] must satisfy 0 < min <= max < inf");
  }
}

TwoBody::TwoBody(const Options& options) : TwoBody(parameters_from(options)) {}

OptionSchema TwoBody::schema() {
  return OptionSchema{
      Option::real("orbit_noise", 0.05,
                   "the circular-orbit velocity of a sampled state is scaled by "
                   "1 + orbit_noise * N(0, 1)")
          .at_least(0.0),
      Option::real_list("radius", {0.5, 1.5},
                        "[min, max] of each position coordinate of body 1 (uniform); body 2 is "
                        "at the mirror point")
          .length(2)
          .greater_than(0.0),
  };
}

void TwoBody::sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const {
  if (x.size() != kStateDimension) {
    throw Error("two_body: sample_initial_state needs a state of size 8, got " +
                std::to_string(x.size()));
  }
  // The original random_config, operation for operation (see the header).
  const double span = parameters_.maximum_radius - parameters_.minimum_radius;
  const double position_x = random.uniform() * span + parameters_.minimum_radius;
  const double position_y = random.uniform() * span + parameters_.minimum_radius;
  const double r = std::sqrt(position_x * position_x + position_y * position_y);
  const double scale = 2.0 * std::pow(r, 1.5);
  const double factor = 1.0 + parameters_.orbit_noise * random.normal();
  const double velocity_x = -position_y / scale * factor;
  const double velocity_y = position_x / scale * factor;
  x << position_x, -position_x, position_y, -position_y, velocity_x, -velocity_x, velocity_y,
      -velocity_y;
}

std::string TwoBody::exact_hamiltonian() const {
  return "(px1^2 + py1^2)/2 + (px2^2 + py2^2)/2 - 1/sqrt((qx1 - qx2)^2 + (qy1 - qy2)^2)";
}

}  // namespace hnn::systems
