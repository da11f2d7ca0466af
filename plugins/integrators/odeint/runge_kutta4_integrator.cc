#include "runge_kutta4_integrator.h"

#include <boost/numeric/odeint/stepper/runge_kutta4.hpp>
#include <cmath>
#include <sstream>

#include "field_system.h"
#include "fixed_step_driver.h"
#include "hnn/error.h"

namespace hnn::integrators {
namespace {

namespace odeint = boost::numeric::odeint;
const std::string kName = "rk4";

RungeKutta4Integrator::Settings settings_from(const Options& options) {
  RungeKutta4Integrator::Settings settings;
  settings.step = options.real("step");
  return settings;
}

}  // namespace

bool RungeKutta4Integrator::Settings::is_valid(std::string* error) const {
  if (step > 0.0 && std::isfinite(step)) return true;
  if (error != nullptr) {
    std::ostringstream message;
    message.precision(17);
    message << "step = " << step << " must be finite and > 0";
    *error = message.str();
  }
  return false;
}

RungeKutta4Integrator::RungeKutta4Integrator(const Settings& settings) : settings_(settings) {
  std::string error;
  if (!settings_.is_valid(&error)) throw Error(kName + ": " + error);
}

RungeKutta4Integrator::RungeKutta4Integrator(const Options& options)
    : RungeKutta4Integrator(settings_from(options)) {}

OptionSchema RungeKutta4Integrator::schema() {
  return OptionSchema{
      Option::real("step", 0.01, "largest time step; each output interval is split evenly")
          .greater_than(0.0),
  };
}

Eigen::MatrixXd RungeKutta4Integrator::integrate(const VectorField& field,
                                                 const Eigen::VectorXd& x0,
                                                 const std::vector<double>& times,
                                                 IntegrationStatistics* statistics) const {
  long evaluations = 0;
  long steps = 0;
  odeint::runge_kutta4<State, double, State, double, odeint::vector_space_algebra> stepper;
  Eigen::MatrixXd states = integrate_with_fixed_steps(
      kName, stepper, FieldSystem(field, evaluations), x0, times, settings_.step, &steps);
  if (statistics != nullptr) {
    statistics->field_evaluations = evaluations;
    statistics->accepted_steps = steps;
    statistics->rejected_steps = 0;
  }
  return states;
}

}  // namespace hnn::integrators
