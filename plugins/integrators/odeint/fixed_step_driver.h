// The loop shared by the fixed-step integrators of this plugin (rk4, gauss_legendre).
//
// Each interval between consecutive output times is split into the fewest equal steps of at
// most `maximum_step`, so every output time is reached exactly and no step is longer than
// asked. An empty interval (repeated time) copies the previous state.
#ifndef HNN_PLUGINS_INTEGRATORS_FIXED_STEP_DRIVER_H_
#define HNN_PLUGINS_INTEGRATORS_FIXED_STEP_DRIVER_H_

#include <string>
#include <vector>

#include "field_system.h"

namespace hnn::integrators {

// `stepper` is an Odeint stepper (stepper_tag): stepper.do_step(system, x, t, dt) advances
// x in place. Returns the states at `times` as columns; counts steps in *steps. Throws
// hnn::Error (via check_*) on invalid arguments or a non-finite state.
template <class Stepper, class OdeintSystem>
Eigen::MatrixXd integrate_with_fixed_steps(const std::string& integrator_name, Stepper& stepper,
                                           OdeintSystem system, const State& x0,
                                           const std::vector<double>& times, double maximum_step,
                                           long* steps) {
  check_integration_arguments(integrator_name, x0, times);
  Eigen::MatrixXd states(x0.size(), static_cast<Eigen::Index>(times.size()));
  State x = x0;
  states.col(0) = x;
  for (std::size_t i = 1; i < times.size(); ++i) {
    const double start = times[i - 1];
    const double interval = times[i] - start;
    const long count = count_fixed_steps(interval, maximum_step);
    const double dt = count > 0 ? interval / static_cast<double>(count) : 0.0;
    for (long j = 0; j < count; ++j) {
      const double t = start + static_cast<double>(j) * dt;
      stepper.do_step(system, x, t, dt);
      check_finite_state(integrator_name, x, t + dt);
    }
    *steps += count;
    states.col(static_cast<Eigen::Index>(i)) = x;
  }
  return states;
}

}  // namespace hnn::integrators

#endif  // HNN_PLUGINS_INTEGRATORS_FIXED_STEP_DRIVER_H_
