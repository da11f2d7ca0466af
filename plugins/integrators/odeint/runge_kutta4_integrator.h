// RungeKutta4Integrator (`rk4`): the classic fixed-step 4th-order Runge-Kutta method
// (Boost.Odeint's runge_kutta4), with steps of at most `step` that land exactly on every
// requested time (see fixed_step_driver.h). Four field evaluations per step.
//
// Usage:
//   RungeKutta4Integrator rk4(RungeKutta4Options{.step = 0.01});
//   Eigen::MatrixXd states = rk4.integrate(field, x0, times);
#ifndef HNN_PLUGINS_INTEGRATORS_RUNGE_KUTTA4_INTEGRATOR_H_
#define HNN_PLUGINS_INTEGRATORS_RUNGE_KUTTA4_INTEGRATOR_H_

#include <string>

#include "hnn/integrator.h"
#include "hnn/option_binding.h"

namespace hnn::integrators {

// The options of the `rk4` integrator.
struct RungeKutta4Options {
  double step = 0.01;  // largest step: finite, > 0

  // The keys, ranges and meanings of the options; their defaults are the defaults above.
  // binding().is_valid(options, &error) checks a struct built in C++.
  static const OptionBinding<RungeKutta4Options>& binding();
};

class RungeKutta4Integrator final : public Integrator {
 public:
  using Settings = RungeKutta4Options;

  // Throws hnn::Error when !RungeKutta4Options::binding().is_valid(settings).
  explicit RungeKutta4Integrator(const RungeKutta4Options& settings);

  // Throws hnn::Error on invalid arguments or a non-finite state. Thread-safe.
  Eigen::MatrixXd integrate(const VectorField& field, const Eigen::VectorXd& x0,
                            const std::vector<double>& times,
                            IntegrationStatistics* statistics = nullptr) const override;

  int order() const override { return 4; }

 private:
  RungeKutta4Options settings_;
};

}  // namespace hnn::integrators

#endif  // HNN_PLUGINS_INTEGRATORS_RUNGE_KUTTA4_INTEGRATOR_H_
