// The original HNN code's sampler of initial states (spec hnn.md section 3, step 2), for
// systems that use it (spring, pendulum, formula-defined ones, …).
#ifndef HNN_INITIAL_STATE_SAMPLER_H_
#define HNN_INITIAL_STATE_SAMPLER_H_

#include <Eigen/Core>
#include <string>

#include "hnn/random.h"

namespace hnn {

// Draws a direction y_i = 2 U - 1 for every coordinate in state order, then a radius
// U (maximum_radius - minimum_radius) + minimum_radius, and sets x = y / |y| * radius:
// x.size() + 1 uniform draws, in that order. For a 2-dimensional state this is, bit for
// bit, the original's `y0 = rand(2) * 2 - 1; y0 / sqrt(sum(y0**2)) * radius`.
void sample_state_at_radius(RandomSource& random, double minimum_radius, double maximum_radius,
                            Eigen::Ref<Eigen::VectorXd> x);

// The check of a system's `radius: [min, max]` option for sample_state_at_radius: "" when
// 0 <= min <= max < inf, else "radius = [min, max] must satisfy 0 <= min <= max < inf" (for
// an OptionBinding's require()).
std::string radius_range_problem(double minimum_radius, double maximum_radius);

}  // namespace hnn

#endif  // HNN_INITIAL_STATE_SAMPLER_H_
