#include "field_system.h"

#include <cmath>
#include <sstream>

#include "hnn/error.h"

namespace hnn::integrators {

void check_integration_arguments(const std::string& integrator_name, const State& x0,
                                 const std::vector<double>& times) {
  if (x0.size() == 0) throw Error(integrator_name + ": the initial state is empty");
  if (!x0.allFinite()) {
    throw Error(integrator_name + ": the initial state has a non-finite entry");
  }
  if (times.empty()) throw Error(integrator_name + ": no output times were requested");
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (!std::isfinite(times[i])) {
      throw Error(integrator_name + ": output time " + std::to_string(i) + " is not finite");
    }
    if (i > 0 && times[i] < times[i - 1]) {
      std::ostringstream message;
      message.precision(17);
      message << integrator_name << ": output times must be non-decreasing, but time " << i << " = "
              << times[i] << " < time " << i - 1 << " = " << times[i - 1];
      throw Error(message.str());
    }
  }
}

void check_finite_state(const std::string& integrator_name, const State& x, double t) {
  if (!x.allFinite()) {
    std::ostringstream message;
    message.precision(17);
    message << integrator_name << ": the state became non-finite at t = " << t
            << " (the field returned NaN or the solution blew up)";
    throw Error(message.str());
  }
}

long count_fixed_steps(double interval, double maximum_step) {
  if (interval <= 0.0) return 0;
  const double ratio = interval / maximum_step;
  const long steps = static_cast<long>(std::ceil(ratio * (1.0 - 1e-12)));
  return steps < 1 ? 1 : steps;
}

}  // namespace hnn::integrators
