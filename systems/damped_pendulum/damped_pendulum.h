// DampedPendulum: the pendulum of the `pendulum` system with friction on the angular
// momentum, one degree of freedom, state [q, p] (q the angle from the downward vertical):
//
//   H(q, p) = m g l (1 - cos q) + p^2 / (2 m l^2),   R = [[0, 0], [0, gamma]],
//   dq/dt = p / (m l^2),   dp/dt = -m g l sin q - gamma p / (m l^2),
//   i.e.  m l^2 q'' = -m g l sin q - gamma q'.
//
// gamma is the friction coefficient of the angular velocity (a torque per angular velocity);
// the energy decays as dH/dt = -gamma (p / (m l^2))^2 (hnn/system.h, power_balance). The
// defaults m = 1/2, l = 1, g = 6 are pendulum's (H = 3 (1 - cos q) + p^2, q'' = -6 sin q) and
// gamma = 0.1 gives q'' = -6 sin q - 0.2 q': small amplitudes decay as exp(-0.1 t). With
// gamma = 0 the system is conservative (has_damping() is false) and gives pendulum's data bit
// for bit.
//
// Initial states are drawn as pendulum draws them (hnn/initial_state_sampler.h), in this
// order: two uniforms u_q, u_p (y = (2 u_q - 1, 2 u_p - 1)), one uniform u_r
// (r = u_r (r_max - r_min) + r_min), x = y / |y|_2 * r: three uniforms per call. The default
// radius [1.3, 2.3] is pendulum's: large swings, below the separatrix H = 6 of the defaults,
// so that a decaying trajectory passes through the nonlinear part of the potential.
//
// Usage:
//   DampedPendulum pendulum(DampedPendulumOptions{});  // q'' = -6 sin q - 0.2 q'
//   Eigen::VectorXd x(2), dxdt(2);
//   x << 0.0, 1.0;
//   hnn::true_field(pendulum, 0.0, x, dxdt);           // (2, -0.2)
#ifndef HNN_SYSTEMS_DAMPED_PENDULUM_DAMPED_PENDULUM_H_
#define HNN_SYSTEMS_DAMPED_PENDULUM_DAMPED_PENDULUM_H_

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "hnn/hamiltonian_system.h"
#include "hnn/option_binding.h"

namespace hnn::systems {

// The options of the `damped_pendulum` system.
struct DampedPendulumOptions {
  double mass = 0.5;                          // m: finite, > 0
  double length = 1.0;                        // l: finite, > 0
  double gravity = 6.0;                       // g: finite, > 0
  double friction = 0.1;                      // gamma: finite, >= 0
  std::array<double, 2> radius = {1.3, 2.3};  // [r_min, r_max]: 0 <= r_min <= r_max < inf

  // The keys (m, l, g, gamma, radius), ranges and meanings of the options; their defaults are
  // the defaults above. binding().is_valid(options, &error) checks a struct built in C++.
  static const OptionBinding<DampedPendulumOptions>& binding();
};

class DampedPendulum final : public HamiltonianSystem<DampedPendulum, 1> {
 public:
  using Settings = DampedPendulumOptions;

  // Throws hnn::Error naming the option when one is out of range.
  explicit DampedPendulum(const DampedPendulumOptions& options);

  template <typename T>
  T energy(const T* q, const T* p) const {
    using std::cos;
    return potential_coefficient_ * (1.0 - cos(q[0])) + kinetic_coefficient_ * p[0] * p[0];
  }

  std::vector<std::string> coordinate_names() const override { return {"q", "p"}; }
  void sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const override;
  // As pendulum: "3*(1 - cos(q)) + p^2" for the defaults.
  std::string exact_hamiltonian() const override;

  // gamma != 0.
  bool has_damping() const override { return options_.friction != 0.0; }
  // R = [[0, 0], [0, gamma]] at every state.
  void damping(const Eigen::Ref<const Eigen::VectorXd>& x,
               Eigen::Ref<Eigen::MatrixXd> damping) const override;

  const DampedPendulumOptions& options() const { return options_; }

 private:
  DampedPendulumOptions options_;
  double potential_coefficient_;  // m g l
  double kinetic_coefficient_;    // 1 / (2 m l^2)
};

}  // namespace hnn::systems

#endif  // HNN_SYSTEMS_DAMPED_PENDULUM_DAMPED_PENDULUM_H_
