// Pendulum: the ideal pendulum of the original HNN (spec/hnn.md sections 3, 4.2), one degree
// of freedom, state [q, p] with q the angle from the downward vertical and p its conjugate
// (angular) momentum:
//
//   H(q, p) = m g l (1 - cos q) + p^2 / (2 m l^2),   dq/dt = p / (m l^2),  dp/dt = -m g l sin q.
//
// The defaults m = 1/2, l = 1, g = 6 give H = 3 (1 - cos q) + p^2, the Hamiltonian the original
// code (experiment-pend/data.py) integrates: dq/dt = 2p, dp/dt = -3 sin q, q'' = -6 sin q,
// small-amplitude angular frequency sqrt(g / l) = sqrt(6) (period 2 pi / sqrt(6) ~ 2.565).
// (The paper writes H = 2mgl(1 - cos q) + l^2 p^2/(2m) "with m = l = 1, g = 3", which would
// be 6 (1 - cos q) + p^2 / 2: not what the code ran. This class uses the physical form
// above; only H matters for the data, and the defaults reproduce the code's H exactly.)
//
// Initial states are drawn as in the original generator (section 3, step 2), in this order:
//   1. two uniforms u_q, u_p:  y = (2 u_q - 1, 2 u_p - 1)
//   2. one uniform u_r:        r = u_r (r_max - r_min) + r_min
//   3. x = y / |y|_2 * r       (a phase-space radius, not an energy)
// so every call consumes exactly three uniforms. With the default radius [1.3, 2.3) this is
// the original `np.random.rand(2)*2-1`, `np.random.rand()+1.3`.
//
// Usage:
//   Pendulum pendulum(PendulumOptions{});  // H = 3 (1 - cos q) + p^2
//   hnn::NumpyLegacyRandom random(0);
//   Eigen::VectorXd x0(2);
//   pendulum.sample_initial_state(random, x0);
#ifndef HNN_SYSTEMS_PENDULUM_PENDULUM_H_
#define HNN_SYSTEMS_PENDULUM_PENDULUM_H_

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "hnn/hamiltonian_system.h"
#include "hnn/option_binding.h"

namespace hnn::systems {

// The options of the `pendulum` system.
struct PendulumOptions {
  double mass = 0.5;                          // m: finite, > 0
  double length = 1.0;                        // l: finite, > 0
  double gravity = 6.0;                       // g: finite, > 0
  std::array<double, 2> radius = {1.3, 2.3};  // [r_min, r_max]: 0 <= r_min <= r_max < inf

  // The keys (m, l, g, radius), ranges and meanings of the options; their defaults are the
  // defaults above. binding().is_valid(options, &error) checks a struct built in C++.
  static const OptionBinding<PendulumOptions>& binding();
};

class Pendulum final : public HamiltonianSystem<Pendulum, 1> {
 public:
  using Settings = PendulumOptions;

  // Throws hnn::Error naming the option when one is out of range.
  explicit Pendulum(const PendulumOptions& options);

  template <typename T>
  T energy(const T* q, const T* p) const {
    using std::cos;
    return potential_coefficient_ * (1.0 - cos(q[0])) + kinetic_coefficient_ * p[0] * p[0];
  }

  std::vector<std::string> coordinate_names() const override { return {"q", "p"}; }
  void sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const override;
  // "3*(1 - cos(q)) + p^2" for the defaults; otherwise m g l and 1/(2 m l^2) printed as the
  // shortest decimals that read back to the same doubles.
  std::string exact_hamiltonian() const override;

  const PendulumOptions& options() const { return options_; }
  // Angular frequency of small oscillations, sqrt(g / l).
  double small_amplitude_frequency() const { return std::sqrt(options_.gravity / options_.length); }

 private:
  PendulumOptions options_;
  double potential_coefficient_;  // m g l
  double kinetic_coefficient_;    // 1 / (2 m l^2)
};

}  // namespace hnn::systems

#endif  // HNN_SYSTEMS_PENDULUM_PENDULUM_H_
