// DormandPrinceIntegrator (`rk45`): adaptive Dormand-Prince 5(4) that replays SciPy's
// solve_ivp(method="RK45") step for step (spec/hnn.md section 6.2), so that datasets and
// rollouts generated here match the Python originals to round-off.
//
// What is SciPy's and what is Odeint's:
//   * the step itself (stages, 5th-order solution, FSAL derivative, embedded error vector)
//     is Boost.Odeint's runge_kutta_dopri5::do_step; its tableau is SciPy's;
//   * the step-size controller, the RMS error norm with scale atol + rtol max(|y|, |y_new|),
//     the initial step heuristic and the dense output are SciPy's, written here. Odeint's
//     own controller uses a max norm and other factors, and its calc_state() is a different
//     (degree-5) interpolant than SciPy's 4th-degree P matrix, so neither is used.
//   * outputs at `times` are interpolated with the dense output of the accepted step that
//     contains them (a time equal to a step's end is taken from the step that ends there),
//     never by shortening steps: the step sequence does not depend on `times` except that
//     the last step is clipped at times.back().
//
// Usage:
//   DormandPrinceOptions options;  // rtol 1e-10, atol 1e-6
//   DormandPrinceIntegrator rk45(options);
//   Eigen::MatrixXd states = rk45.integrate(field, x0, {0.0, 0.1, 0.2});
#ifndef HNN_PLUGINS_INTEGRATORS_DORMAND_PRINCE_INTEGRATOR_H_
#define HNN_PLUGINS_INTEGRATORS_DORMAND_PRINCE_INTEGRATOR_H_

#include <string>

#include "hnn/integrator.h"
#include "hnn/option_binding.h"

namespace hnn::integrators {

// The options of the `rk45` integrator.
struct DormandPrinceOptions {
  // rtol. The default is the one of the data generators (spec section 3); SciPy's own
  // default would be 1e-3. Finite and >= 100 machine epsilons (SciPy silently raises
  // smaller values; here they are rejected).
  double relative_tolerance = 1e-10;
  // atol (SciPy's default, kept by every original script): finite, > 0.
  double absolute_tolerance = 1e-6;
  // max_steps: safety limit on accepted plus rejected steps of one integrate() call, >= 1.
  long maximum_steps = 1000000;

  // The keys (rtol, atol, max_steps), ranges and meanings of the options; their defaults
  // are the defaults above. binding().is_valid(options, &error) checks a struct built in C++.
  static const OptionBinding<DormandPrinceOptions>& binding();
};

class DormandPrinceIntegrator final : public Integrator {
 public:
  using Settings = DormandPrinceOptions;

  // Throws hnn::Error when !DormandPrinceOptions::binding().is_valid(settings).
  explicit DormandPrinceIntegrator(const DormandPrinceOptions& settings);

  // Throws hnn::Error on invalid arguments, a non-finite state, a step size below SciPy's
  // limit (10 ulps of t) or more than maximum_steps steps. Thread-safe.
  Eigen::MatrixXd integrate(const VectorField& field, const Eigen::VectorXd& x0,
                            const std::vector<double>& times,
                            IntegrationStatistics* statistics = nullptr) const override;

  int order() const override { return 5; }

  const DormandPrinceOptions& settings() const { return settings_; }

 private:
  DormandPrinceOptions settings_;
};

}  // namespace hnn::integrators

#endif  // HNN_PLUGINS_INTEGRATORS_DORMAND_PRINCE_INTEGRATOR_H_
