// GaussLegendreStepper: one step of the s-stage Gauss-Legendre collocation method
// (s = 1, 2, 3: orders 2, 4, 6), an implicit Runge-Kutta method that is symplectic for every
// Hamiltonian field, learned ones included, and conserves quadratic invariants exactly.
//
// It is a Boost.Odeint stepper (stepper_tag): odeint::integrate_const and friends can drive
// it, with any system callable as system(x, dxdt, t) on Eigen::VectorXd states.
//
// The stage equations Z_i = dt sum_j a_ij f(t + c_j dt, x + Z_j) are solved by fixed-point
// iteration from Z_i = c_i dt f(t, x), until the correction reaches round-off (max-norm
// <= 4 eps max(|x|_inf, |Z_i|_inf), or stops decreasing once below 1e3 times that). The iteration
// converges when dt L rho(A) < 1 (L a Lipschitz constant of f, rho(A) = 1/2, 0.29, 0.21
// for s = 1, 2, 3); otherwise do_step throws hnn::Error after `maximum_iterations`
// iterations, naming t and dt: use a smaller step. Each iteration costs s field evaluations.
//
// Not thread-safe (it keeps its work vectors); use one stepper per thread.
#ifndef HNN_PLUGINS_INTEGRATORS_GAUSS_LEGENDRE_STEPPER_H_
#define HNN_PLUGINS_INTEGRATORS_GAUSS_LEGENDRE_STEPPER_H_

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <boost/numeric/odeint/stepper/stepper_categories.hpp>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "hnn/error.h"

namespace hnn::integrators {

class GaussLegendreStepper {
 public:
  using state_type = Eigen::VectorXd;
  using deriv_type = Eigen::VectorXd;
  using value_type = double;
  using time_type = double;
  using order_type = unsigned short;
  using stepper_category = boost::numeric::odeint::stepper_tag;

  static constexpr int kMaximumStages = 3;

  // stages in 1..3, maximum_iterations >= 1; throws hnn::Error otherwise.
  explicit GaussLegendreStepper(int stages = 2, int maximum_iterations = 100);

  int stages() const { return stages_; }
  order_type order() const { return static_cast<order_type>(2 * stages_); }
  // Fixed-point iterations of the last do_step() (1 .. maximum_iterations).
  int last_iterations() const { return last_iterations_; }

  // Advances x from t to t + dt in place. Throws hnn::Error when the stage equations do not
  // converge or the field returns a non-finite value.
  template <class System>
  void do_step(System system, state_type& x, time_type t, time_type dt);

 private:
  [[noreturn]] void fail(const std::string& what, time_type t, time_type dt) const;

  int stages_;
  int maximum_iterations_;
  int last_iterations_ = 0;
  double a_[kMaximumStages][kMaximumStages] = {};
  double b_[kMaximumStages] = {};
  double c_[kMaximumStages] = {};
  std::array<state_type, kMaximumStages> increments_;   // Z_i
  std::array<state_type, kMaximumStages> derivatives_;  // f(t + c_i dt, x + Z_i)
  state_type stage_state_;
};

inline GaussLegendreStepper::GaussLegendreStepper(int stages, int maximum_iterations)
    : stages_(stages), maximum_iterations_(maximum_iterations) {
  if (stages < 1 || stages > kMaximumStages) {
    throw Error("gauss_legendre: stages = " + std::to_string(stages) + " must be 1, 2 or 3");
  }
  if (maximum_iterations < 1) {
    throw Error("gauss_legendre: max_iterations = " + std::to_string(maximum_iterations) +
                " must be >= 1");
  }
  if (stages == 1) {  // implicit midpoint rule
    a_[0][0] = 0.5;
    b_[0] = 1.0;
    c_[0] = 0.5;
  } else if (stages == 2) {
    const double r = std::sqrt(3.0) / 6.0;
    a_[0][0] = 0.25;
    a_[0][1] = 0.25 - r;
    a_[1][0] = 0.25 + r;
    a_[1][1] = 0.25;
    b_[0] = b_[1] = 0.5;
    c_[0] = 0.5 - r;
    c_[1] = 0.5 + r;
  } else {
    const double r = std::sqrt(15.0);
    a_[0][0] = 5.0 / 36.0;
    a_[0][1] = 2.0 / 9.0 - r / 15.0;
    a_[0][2] = 5.0 / 36.0 - r / 30.0;
    a_[1][0] = 5.0 / 36.0 + r / 24.0;
    a_[1][1] = 2.0 / 9.0;
    a_[1][2] = 5.0 / 36.0 - r / 24.0;
    a_[2][0] = 5.0 / 36.0 + r / 30.0;
    a_[2][1] = 2.0 / 9.0 + r / 15.0;
    a_[2][2] = 5.0 / 36.0;
    b_[0] = b_[2] = 5.0 / 18.0;
    b_[1] = 4.0 / 9.0;
    c_[0] = 0.5 - r / 10.0;
    c_[1] = 0.5;
    c_[2] = 0.5 + r / 10.0;
  }
}

template <class System>
void GaussLegendreStepper::do_step(System system, state_type& x, time_type t, time_type dt) {
  const Eigen::Index dimension = x.size();
  stage_state_.resize(dimension);
  // Initial guess: Z_i = c_i dt f(t, x).
  derivatives_[0].resize(dimension);
  system(static_cast<const state_type&>(x), derivatives_[0], t);
  for (int i = 0; i < stages_; ++i) increments_[i] = (c_[i] * dt) * derivatives_[0];

  const double state_scale = dimension > 0 ? x.cwiseAbs().maxCoeff() : 0.0;
  double previous_correction = std::numeric_limits<double>::infinity();
  for (last_iterations_ = 1;; ++last_iterations_) {
    for (int i = 0; i < stages_; ++i) {
      stage_state_ = x + increments_[i];
      derivatives_[i].resize(dimension);
      system(static_cast<const state_type&>(stage_state_), derivatives_[i], t + c_[i] * dt);
    }
    double correction = 0.0;
    double scale = state_scale;
    for (int i = 0; i < stages_; ++i) {
      stage_state_ = a_[i][0] * derivatives_[0];
      for (int j = 1; j < stages_; ++j) stage_state_ += a_[i][j] * derivatives_[j];
      stage_state_ *= dt;
      correction = std::max(correction, (stage_state_ - increments_[i]).cwiseAbs().maxCoeff());
      increments_[i] = stage_state_;
      scale = std::max(scale, stage_state_.cwiseAbs().maxCoeff());
    }
    const double round_off = 4.0 * std::numeric_limits<double>::epsilon() * scale;
    if (!std::isfinite(correction)) fail("the field returned a non-finite value", t, dt);
    if (correction <= round_off) break;
    if (correction >= previous_correction && correction <= 1e3 * round_off) break;
    if (last_iterations_ >= maximum_iterations_) {
      std::ostringstream what;
      what.precision(3);
      what << "the implicit stage equations did not converge in " << maximum_iterations_
           << " fixed-point iterations (last correction " << correction << "); reduce the step";
      fail(what.str(), t, dt);
    }
    previous_correction = correction;
  }
  // x_new = x + dt sum_i b_i f(t + c_i dt, x + Z_i), with the derivatives of the last
  // iteration (they differ from those at the final Z by round-off).
  stage_state_ = b_[0] * derivatives_[0];
  for (int i = 1; i < stages_; ++i) stage_state_ += b_[i] * derivatives_[i];
  x += dt * stage_state_;
}

inline void GaussLegendreStepper::fail(const std::string& what, time_type t, time_type dt) const {
  std::ostringstream message;
  message.precision(17);
  message << "gauss_legendre (" << stages_ << " stages): step from t = " << t << " with dt = " << dt
          << ": " << what;
  throw Error(message.str());
}

}  // namespace hnn::integrators

#endif  // HNN_PLUGINS_INTEGRATORS_GAUSS_LEGENDRE_STEPPER_H_
