#include "hnn/initial_state_sampler.h"

#include <cmath>

#include "hnn/number_format.h"

namespace hnn {

void sample_state_at_radius(RandomSource& random, double minimum_radius, double maximum_radius,
                            Eigen::Ref<Eigen::VectorXd> x) {
  for (Eigen::Index i = 0; i < x.size(); ++i) x[i] = random.uniform() * 2.0 - 1.0;
  const double radius = random.uniform() * (maximum_radius - minimum_radius) + minimum_radius;
  double squares = 0.0;
  for (Eigen::Index i = 0; i < x.size(); ++i) squares += x[i] * x[i];
  const double norm = std::sqrt(squares);
  for (Eigen::Index i = 0; i < x.size(); ++i) x[i] = x[i] / norm * radius;
}

std::string radius_range_problem(double minimum_radius, double maximum_radius) {
  if (minimum_radius >= 0.0 && maximum_radius >= minimum_radius && std::isfinite(maximum_radius)) {
    return "";
  }
  return "radius = [" + shortest_decimal(minimum_radius) + ", " + shortest_decimal(maximum_radius) +
         "] must satisfy 0 <= min <= max < inf";
}

}  // namespace hnn
