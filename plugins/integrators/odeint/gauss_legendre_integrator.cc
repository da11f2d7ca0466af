#include "gauss_legendre_integrator.h"

#include <cmath>
#include <sstream>

#include "field_system.h"
#include "fixed_step_driver.h"
#include "gauss_legendre_stepper.h"
#include "hnn/error.h"

namespace hnn::integrators {
namespace {

const std::string kName = "gauss_legendre";

GaussLegendreIntegrator::Settings settings_from(const Options& options) {
  GaussLegendreIntegrator::Settings settings;
  settings.stages = static_cast<int>(options.integer("stages"));
  settings.step = options.real("step");
  settings.maximum_iterations = static_cast<int>(options.integer("max_iterations"));
  return settings;
}

}  // namespace

bool GaussLegendreIntegrator::Settings::is_valid(std::string* error) const {
  std::ostringstream message;
  message.precision(17);
  if (stages < 1 || stages > GaussLegendreStepper::kMaximumStages) {
    message << "stages = " << stages << " must be in [1, 3]";
  } else if (!(step > 0.0) || !std::isfinite(step)) {
    message << "step = " << step << " must be finite and > 0";
  } else if (maximum_iterations < 1) {
    message << "max_iterations = " << maximum_iterations << " must be >= 1";
  } else {
    return true;
  }
  if (error != nullptr) *error = message.str();
  return false;
}

GaussLegendreIntegrator::GaussLegendreIntegrator(const Settings& settings) : settings_(settings) {
  std::string error;
  if (!settings_.is_valid(&error)) throw Error(kName + ": " + error);
}

GaussLegendreIntegrator::GaussLegendreIntegrator(const Options& options)
    : GaussLegendreIntegrator(settings_from(options)) {}

OptionSchema GaussLegendreIntegrator::schema() {
  return OptionSchema{
      Option::integer("stages", 2, "collocation stages; the order is 2 * stages")
          .at_least(1)
          .at_most(3),
      Option::real("step", 0.01, "largest time step; each output interval is split evenly")
          .greater_than(0.0),
      Option::integer("max_iterations", 100,
                      "fixed-point iterations per step before the step fails (then reduce step)")
          .at_least(1),
  };
}

Eigen::MatrixXd GaussLegendreIntegrator::integrate(const VectorField& field,
                                                   const Eigen::VectorXd& x0,
                                                   const std::vector<double>& times,
                                                   IntegrationStatistics* statistics) const {
  long evaluations = 0;
  long steps = 0;
  GaussLegendreStepper stepper(settings_.stages, settings_.maximum_iterations);
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
