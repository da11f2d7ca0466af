// GaussLegendreIntegrator (`gauss_legendre`): fixed-step Gauss-Legendre collocation with
// 1, 2 or 3 stages (orders 2, 4, 6), symplectic for any Hamiltonian field, including a
// learned one: the energy error stays bounded over long times instead of drifting.
// Steps of at most `step` land exactly on every requested time (fixed_step_driver.h); each
// step solves the implicit stage equations by fixed-point iteration to round-off
// (gauss_legendre_stepper.h).
//
// Usage:
//   GaussLegendreOptions options;  // 2 stages (order 4), step 0.01
//   GaussLegendreIntegrator integrator(options);
//   Eigen::MatrixXd states = integrator.integrate(field, x0, times);
#ifndef HNN_PLUGINS_INTEGRATORS_GAUSS_LEGENDRE_INTEGRATOR_H_
#define HNN_PLUGINS_INTEGRATORS_GAUSS_LEGENDRE_INTEGRATOR_H_

#include <string>

#include "hnn/integrator.h"
#include "hnn/option_binding.h"

namespace hnn::integrators {

// The options of the `gauss_legendre` integrator.
struct GaussLegendreOptions {
  int stages = 2;                // 1, 2 or 3 (order 2 * stages)
  double step = 0.01;            // largest step: finite, > 0
  int maximum_iterations = 100;  // max_iterations: fixed-point iterations per step, >= 1

  // The keys (stages, step, max_iterations), ranges and meanings of the options; their
  // defaults are the defaults above. binding().is_valid(options, &error) checks a struct
  // built in C++.
  static const OptionBinding<GaussLegendreOptions>& binding();
};

class GaussLegendreIntegrator final : public Integrator {
 public:
  using Settings = GaussLegendreOptions;

  // Throws hnn::Error when !GaussLegendreOptions::binding().is_valid(settings).
  explicit GaussLegendreIntegrator(const GaussLegendreOptions& settings);

  // Throws hnn::Error on invalid arguments, a non-finite state, or stage equations that do
  // not converge (the message names t and the step). Thread-safe.
  Eigen::MatrixXd integrate(const VectorField& field, const Eigen::VectorXd& x0,
                            const std::vector<double>& times,
                            IntegrationStatistics* statistics = nullptr) const override;

  int order() const override { return 2 * settings_.stages; }
  bool is_symplectic() const override { return true; }

 private:
  GaussLegendreOptions settings_;
};

}  // namespace hnn::integrators

#endif  // HNN_PLUGINS_INTEGRATORS_GAUSS_LEGENDRE_INTEGRATOR_H_
