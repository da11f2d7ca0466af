#include "three_body.h"

#include <array>
#include <cmath>
#include <numbers>

#include "hnn/error.h"
#include "hnn/number_format.h"

namespace hnn::systems {
namespace {

using Vector2 = std::array<double, 2>;

// The original rotate2d: [[c, -s], [s, c]] @ v.
Vector2 rotate(const Vector2& v, double angle) {
  const double c = std::cos(angle);
  const double s = std::sin(angle);
  return {c * v[0] + (-s) * v[1], s * v[0] + c * v[1]};
}

}  // namespace

const OptionBinding<ThreeBodyOptions>& ThreeBodyOptions::binding() {
  static const OptionBinding<ThreeBodyOptions> binding = [] {
    using Self = ThreeBodyOptions;
    OptionBinding<Self> b("three_body");
    b.bind("orbit_noise", &Self::orbit_noise,
           "nu: each velocity component of a sampled state is scaled by "
           "1 + nu U[-1, 1)")
        .at_least(0.0);
    b.bind("radius", &Self::radius,
           "[min, max] of the distance of the bodies from the centre (uniform)")
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

ThreeBody::ThreeBody(const ThreeBodyOptions& options) : options_(options) {
  ThreeBodyOptions::binding().check(options_);
}

void ThreeBody::sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const {
  if (x.size() != kStateDimension) {
    throw Error("three_body: sample_initial_state needs a state of size 12, got " +
                std::to_string(x.size()));
  }
  // The original random_config, operation for operation (see the header).
  constexpr double kPi = std::numbers::pi;
  Vector2 p1{2.0 * random.uniform() - 1.0, 2.0 * random.uniform() - 1.0};
  const double r =
      random.uniform() * (options_.radius[1] - options_.radius[0]) + options_.radius[0];
  const double shrink = r / std::sqrt(p1[0] * p1[0] + p1[1] * p1[1]);
  p1 = {p1[0] * shrink, p1[1] * shrink};
  const Vector2 p2 = rotate(p1, 2.0 * kPi / 3.0);
  const Vector2 p3 = rotate(p2, 2.0 * kPi / 3.0);

  Vector2 v1 = rotate(p1, kPi / 2.0);
  const double r_power = std::pow(r, 1.5);
  const double cos_pi_6 = std::cos(kPi / 6.0);
  const double circular = std::sqrt(std::sin(kPi / 3.0) / (2.0 * (cos_pi_6 * cos_pi_6)));
  v1 = {v1[0] / r_power * circular, v1[1] / r_power * circular};
  const Vector2 v2 = rotate(v1, 2.0 * kPi / 3.0);
  const Vector2 v3 = rotate(v2, 2.0 * kPi / 3.0);

  const std::array<Vector2, 3> positions{p1, p2, p3};
  std::array<Vector2, 3> velocities{v1, v2, v3};
  for (auto& v : velocities) {
    const double factor_x = 1.0 + options_.orbit_noise * (2.0 * random.uniform() - 1.0);
    const double factor_y = 1.0 + options_.orbit_noise * (2.0 * random.uniform() - 1.0);
    v = {v[0] * factor_x, v[1] * factor_y};
  }
  for (int body = 0; body < 3; ++body) {
    x[body] = positions[body][0];
    x[3 + body] = positions[body][1];
    x[6 + body] = velocities[body][0];
    x[9 + body] = velocities[body][1];
  }
}

std::string ThreeBody::exact_hamiltonian() const {
  return "(px1^2 + py1^2 + px2^2 + py2^2 + px3^2 + py3^2)/2"
         " - 1/sqrt((qx1 - qx2)^2 + (qy1 - qy2)^2)"
         " - 1/sqrt((qx1 - qx3)^2 + (qy1 - qy3)^2)"
         " - 1/sqrt((qx2 - qx3)^2 + (qy2 - qy3)^2)";
}

}  // namespace hnn::systems
