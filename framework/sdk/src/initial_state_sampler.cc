#include "hnn/initial_state_sampler.h"

#include <cmath>

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

}  // namespace hnn
