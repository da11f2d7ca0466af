#include "runge_kutta4_integrator.h"

#include <boost/numeric/odeint/stepper/runge_kutta4.hpp>
#include <cmath>

#include "field_system.h"
#include "fixed_step_driver.h"
#include "hnn/error.h"

namespace hnn::integrators {
namespace {

namespace odeint = boost::numeric::odeint;
const std::string kName = "rk4";

}  // namespace

const OptionBinding<RungeKutta4Options>& RungeKutta4Options::binding() {
  static const OptionBinding<RungeKutta4Options> binding = [] {
    OptionBinding<RungeKutta4Options> b(kName);
    b.bind("step", &RungeKutta4Options::step,
           "largest time step; each output interval is split evenly")
        .greater_than(0.0);
    b.require_finite({"step"});
    return b;
  }();
  return binding;
}

RungeKutta4Integrator::RungeKutta4Integrator(const RungeKutta4Options& settings)
    : settings_(settings) {
  RungeKutta4Options::binding().check(settings_);
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
