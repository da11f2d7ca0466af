#include "two_body.h"

#include <cmath>

#include "hnn/error.h"
#include "hnn/number_format.h"

namespace hnn::systems {

const OptionBinding<TwoBodyOptions>& TwoBodyOptions::binding() {
  static const OptionBinding<TwoBodyOptions> binding = [] {
    using Self = TwoBodyOptions;
    OptionBinding<Self> b("two_body");
    b.bind("orbit_noise", &Self::orbit_noise,
           "the circular-orbit velocity of a sampled state is scaled by "
           "1 + orbit_noise * N(0, 1)")
        .at_least(0.0);
    b.bind("radius", &Self::radius,
           "[min, max] of each position coordinate of body 1 (uniform); body 2 is "
           "at the mirror point")
        .greater_than(0.0);
    b.require_finite({"orbit_noise"});
    b.require([](const Self& options) {
      const auto [minimum, maximum] = options.radius;
      if (maximum >= minimum && std::isfinite(maximum)) return std::string();
      return "radius = [" + shortest_decimal(minimum) + ", " + shortest_decimal(maximum) +
             "] must satisfy 0 < min <= max < inf";
    });
    return b;
  }();
  return binding;
}

TwoBody::TwoBody(const TwoBodyOptions& options) : options_(options) {
  TwoBodyOptions::binding().check(options_);
}

void TwoBody::sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const {
  if (x.size() != kStateDimension) {
    throw Error("two_body: sample_initial_state needs a state of size 8, got " +
                std::to_string(x.size()));
  }
  // The original random_config, operation for operation (see the header).
  const double span = options_.radius[1] - options_.radius[0];
  const double position_x = random.uniform() * span + options_.radius[0];
  const double position_y = random.uniform() * span + options_.radius[0];
  const double r = std::sqrt(position_x * position_x + position_y * position_y);
  const double scale = 2.0 * std::pow(r, 1.5);
  const double factor = 1.0 + options_.orbit_noise * random.normal();
  const double velocity_x = -position_y / scale * factor;
  const double velocity_y = position_x / scale * factor;
  x << position_x, -position_x, position_y, -position_y, velocity_x, -velocity_x, velocity_y,
      -velocity_y;
}

std::string TwoBody::exact_hamiltonian() const {
  return "(px1^2 + py1^2)/2 + (px2^2 + py2^2)/2 - 1/sqrt((qx1 - qx2)^2 + (qy1 - qy2)^2)";
}

}  // namespace hnn::systems
