// DoublePendulum: a planar double pendulum, point masses m1, m2 on massless rods l1, l2 (m2
// hangs from m1), gravity g. Two degrees of freedom; state [q1, q2, p1, p2] with q_i the angle
// of rod i from the downward vertical and p_i its canonical momentum. With d = q1 - q2:
//
//   H = (m2 l2^2 p1^2 + (m1 + m2) l1^2 p2^2 - 2 m2 l1 l2 p1 p2 cos d)
//         / (2 m2 l1^2 l2^2 (m1 + m2 sin^2 d))
//       + (m1 + m2) g l1 (1 - cos q1) + m2 g l2 (1 - cos q2)
//
// (not separable: the kinetic energy depends on q1 - q2; H = 0 at rest hanging down). For
// m1 = m2, l1 = l2 = l the small oscillations have the normal-mode frequencies
// omega^2 = (2 -+ sqrt(2)) g / l (mode shapes q2 = +-sqrt(2) q1). The motion is chaotic at
// high energy.
//
// Initial states, in this order (four uniforms per call):
//   q1 = (2 u1 - 1) a,  q2 = (2 u2 - 1) a,  p1 = (2 u3 - 1) b,  p2 = (2 u4 - 1) b
// with a = the option `angle` and b = the option `momentum` (drawn even when they are 0).
#ifndef HNN_SYSTEMS_DOUBLE_PENDULUM_DOUBLE_PENDULUM_H_
#define HNN_SYSTEMS_DOUBLE_PENDULUM_DOUBLE_PENDULUM_H_

#include <cmath>
#include <string>
#include <vector>

#include "hnn/hamiltonian_system.h"
#include "hnn/option_binding.h"

namespace hnn::systems {

// The options of the `double_pendulum` system; every one finite.
struct DoublePendulumOptions {
  double mass1 = 1.0;                         // m1 > 0
  double mass2 = 1.0;                         // m2 > 0
  double length1 = 1.0;                       // l1 > 0
  double length2 = 1.0;                       // l2 > 0
  double gravity = 1.0;                       // g >= 0
  double maximum_angle = 1.5707963267948966;  // angle a >= 0: |q_i| <= a at the start
  double maximum_momentum = 1.0;              // momentum b >= 0: |p_i| <= b at the start

  // The keys (m1, m2, l1, l2, g, angle, momentum), ranges and meanings of the options; their
  // defaults are the defaults above. binding().is_valid(options, &error) checks a struct
  // built in C++.
  static const OptionBinding<DoublePendulumOptions>& binding();
};

class DoublePendulum final : public HamiltonianSystem<DoublePendulum, 2> {
 public:
  using Settings = DoublePendulumOptions;

  // Throws hnn::Error naming the option when one is out of range.
  explicit DoublePendulum(const DoublePendulumOptions& options);

  template <typename T>
  T energy(const T* q, const T* p) const {
    using std::cos;
    using std::sin;
    const DoublePendulumOptions& c = options_;
    const T difference = q[0] - q[1];
    const T cos_difference = cos(difference);
    const T sin_difference = sin(difference);
    const T numerator = c.mass2 * c.length2 * c.length2 * p[0] * p[0] +
                        (c.mass1 + c.mass2) * c.length1 * c.length1 * p[1] * p[1] -
                        2.0 * c.mass2 * c.length1 * c.length2 * p[0] * p[1] * cos_difference;
    const T denominator = 2.0 * c.mass2 * c.length1 * c.length1 * c.length2 * c.length2 *
                          (c.mass1 + c.mass2 * sin_difference * sin_difference);
    return numerator / denominator +
           (c.mass1 + c.mass2) * c.gravity * c.length1 * (1.0 - cos(q[0])) +
           c.mass2 * c.gravity * c.length2 * (1.0 - cos(q[1]));
  }

  std::vector<std::string> coordinate_names() const override { return {"q1", "q2", "p1", "p2"}; }
  void sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const override;
  // The formula above with the parameters printed as shortest decimals.
  std::string exact_hamiltonian() const override;

  const DoublePendulumOptions& options() const { return options_; }

 private:
  DoublePendulumOptions options_;
};

}  // namespace hnn::systems

#endif  // HNN_SYSTEMS_DOUBLE_PENDULUM_DOUBLE_PENDULUM_H_
