// RungeKutta4Integrator (`rk4`): the classic fixed-step 4th-order Runge-Kutta method
// (Boost.Odeint's runge_kutta4), with steps of at most `step` that land exactly on every
// requested time (see fixed_step_driver.h). Four field evaluations per step.
//
// Usage:
//   RungeKutta4Integrator rk4(RungeKutta4Integrator::Settings{0.01});
//   Eigen::MatrixXd states = rk4.integrate(field, x0, times);
#ifndef HNN_PLUGINS_INTEGRATORS_RUNGE_KUTTA4_INTEGRATOR_H_
#define HNN_PLUGINS_INTEGRATORS_RUNGE_KUTTA4_INTEGRATOR_H_

#include <string>

#include "hnn/integrator.h"
#include "hnn/options.h"

namespace hnn::integrators {

class RungeKutta4Integrator final : public Integrator {
 public:
  struct Settings {
    double step = 0.01;  // largest step, > 0

    bool is_valid(std::string* error) const;
  };

  // Throws hnn::Error when the settings are invalid.
  explicit RungeKutta4Integrator(const Settings& settings);
  // From validated options: step (see schema()).
  explicit RungeKutta4Integrator(const Options& options);

  static OptionSchema schema();

  // Throws hnn::Error on invalid arguments or a non-finite state. Thread-safe.
  Eigen::MatrixXd integrate(const VectorField& field, const Eigen::VectorXd& x0,
                            const std::vector<double>& times,
                            IntegrationStatistics* statistics = nullptr) const override;

  int order() const override { return 4; }

 private:
  Settings settings_;
};

}  // namespace hnn::integrators

#endif  // HNN_PLUGINS_INTEGRATORS_RUNGE_KUTTA4_INTEGRATOR_H_
