// DampedSpring: the mass-spring system of spring_mass with friction on the momentum, one
// degree of freedom, state [q, p]:
//
//   H(q, p) = k q^2 / 2 + p^2 / (2 m),   R = [[0, 0], [0, gamma]],
//   dq/dt = p / m,   dp/dt = -k q - gamma p / m,   i.e.  m q'' = -k q - gamma q'.
//
// gamma is the friction coefficient of the velocity; the energy decays as
// dH/dt = -gamma (p / m)^2 (hnn/system.h, power_balance). The defaults k = 2, m = 1/2 are
// spring_mass's (H = q^2 + p^2, undamped period pi) and gamma = 0.1 gives an amplitude
// decay exp(-gamma t / (2m)) = exp(-0.1 t) (underdamped: gamma < 2 sqrt(k m) = 2). Over the
// default data time span [0, 3] a trajectory loses 41-50 % of its energy (45 % on average,
// measured on the 20 trajectories of tests/end_to_end/damped_spring_small.yaml). With
// gamma = 0 the system is conservative (has_damping() is false) and gives spring_mass's data
// bit for bit.
//
// Initial states are drawn as spring_mass draws them (hnn/initial_state_sampler.h), in this
// order: two uniforms u_q, u_p (y = (2 u_q - 1, 2 u_p - 1)), one uniform u_r
// (r = u_r (r_max - r_min) + r_min), x = y / |y|_2 * r: three uniforms per call. The default
// radius [0.5, 1.5] (spring_mass: [0.1, 1.0]) keeps a decayed trajectory well away from the
// origin, where there is little left to learn from.
//
// Usage:
//   DampedSpring spring(DampedSpringOptions{});  // k = 2, m = 0.5, gamma = 0.1
//   Eigen::VectorXd x(2), dxdt(2);
//   x << 1.0, 0.0;
//   hnn::true_field(spring, 0.0, x, dxdt);       // (0, -2)
#ifndef HNN_SYSTEMS_DAMPED_SPRING_DAMPED_SPRING_H_
#define HNN_SYSTEMS_DAMPED_SPRING_DAMPED_SPRING_H_

#include <array>
#include <string>
#include <vector>

#include "hnn/hamiltonian_system.h"
#include "hnn/option_binding.h"

namespace hnn::systems {

// The options of the `damped_spring` system.
struct DampedSpringOptions {
  double spring_constant = 2.0;               // k: finite, > 0
  double mass = 0.5;                          // m: finite, > 0
  double friction = 0.1;                      // gamma: finite, >= 0
  std::array<double, 2> radius = {0.5, 1.5};  // [r_min, r_max]: 0 <= r_min <= r_max < inf

  // The keys (k, m, gamma, radius), ranges and meanings of the options; their defaults are
  // the defaults above. binding().is_valid(options, &error) checks a struct built in C++.
  static const OptionBinding<DampedSpringOptions>& binding();
};

class DampedSpring final : public HamiltonianSystem<DampedSpring, 1> {
 public:
  using Settings = DampedSpringOptions;

  // Throws hnn::Error naming the option when one is out of range.
  explicit DampedSpring(const DampedSpringOptions& options);

  template <typename T>
  T energy(const T* q, const T* p) const {
    return 0.5 * options_.spring_constant * q[0] * q[0] + p[0] * p[0] / (2.0 * options_.mass);
  }

  std::vector<std::string> coordinate_names() const override { return {"q", "p"}; }
  void sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const override;
  // As spring_mass: "q^2 + p^2" for the defaults.
  std::string exact_hamiltonian() const override;

  // gamma != 0.
  bool has_damping() const override { return options_.friction != 0.0; }
  // R = [[0, 0], [0, gamma]] at every state.
  void damping(const Eigen::Ref<const Eigen::VectorXd>& x,
               Eigen::Ref<Eigen::MatrixXd> damping) const override;

  const DampedSpringOptions& options() const { return options_; }

 private:
  DampedSpringOptions options_;
};

}  // namespace hnn::systems

#endif  // HNN_SYSTEMS_DAMPED_SPRING_DAMPED_SPRING_H_
