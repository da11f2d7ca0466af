#include "gauss_legendre_integrator.h"

#include <cmath>

#include "field_system.h"
#include "fixed_step_driver.h"
#include "gauss_legendre_stepper.h"
#include "hnn/error.h"

namespace hnn::integrators {
namespace {

const std::string kName = "gauss_legendre";

}  // namespace

const OptionBinding<GaussLegendreOptions>& GaussLegendreOptions::binding() {
  static const OptionBinding<GaussLegendreOptions> binding = [] {
    using Self = GaussLegendreOptions;
    OptionBinding<Self> b(kName);
    b.bind("stages", &Self::stages, "collocation stages; the order is 2 * stages")
        .at_least(1)
        .at_most(GaussLegendreStepper::kMaximumStages);
    b.bind("step", &Self::step, "largest time step; each output interval is split evenly")
        .greater_than(0.0);
    b.bind("max_iterations", &Self::maximum_iterations,
           "fixed-point iterations per step before the step fails (then reduce step)")
        .at_least(1);
    b.require_finite({"step"});
    return b;
  }();
  return binding;
}

GaussLegendreIntegrator::GaussLegendreIntegrator(const GaussLegendreOptions& settings)
    : settings_(settings) {
  GaussLegendreOptions::binding().check(settings_);
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
