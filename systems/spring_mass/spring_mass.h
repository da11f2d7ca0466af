// SpringMass: the ideal mass-spring system, H(q, p) = k q^2 / 2 + p^2 / (2 m), one degree of
// freedom, state [q, p] (spec/hnn.md sections 3, 4.1, 4.3).
//
// The defaults k = 2, m = 1/2 give H = q^2 + p^2, the Hamiltonian the original HNN code and
// the KAN-HNN runs used; the true flow is then dq/dt = 2p, dp/dt = -2q (period pi).
//
// Initial states are drawn as in the original generator (section 3, step 2), in this order:
//   1. two uniforms u_q, u_p:  y = (2 u_q - 1, 2 u_p - 1)
//   2. one uniform u_r:        r = u_r (r_max - r_min) + r_min
//   3. x = y / |y|_2 * r
// so every call consumes exactly three uniforms. With the default radius [0.1, 1.0] this is
// the original `np.random.rand(2)*2-1`, `np.random.rand()*0.9+0.1`.
//
// Usage:
//   SpringMass spring(SpringMassOptions{});  // k = 2, m = 0.5
//   hnn::NumpyLegacyRandom random(1390);
//   Eigen::VectorXd x0(2);
//   spring.sample_initial_state(random, x0);
#ifndef HNN_SYSTEMS_SPRING_MASS_SPRING_MASS_H_
#define HNN_SYSTEMS_SPRING_MASS_SPRING_MASS_H_

#include <array>
#include <string>
#include <vector>

#include "hnn/hamiltonian_system.h"
#include "hnn/option_binding.h"

namespace hnn::systems {

// The options of the `spring_mass` system.
struct SpringMassOptions {
  double spring_constant = 2.0;               // k: finite, > 0
  double mass = 0.5;                          // m: finite, > 0
  std::array<double, 2> radius = {0.1, 1.0};  // [r_min, r_max]: 0 <= r_min <= r_max < inf

  // The keys (k, m, radius), ranges and meanings of the options; their defaults are the
  // defaults above. binding().is_valid(options, &error) checks a struct built in C++.
  static const OptionBinding<SpringMassOptions>& binding();
};

class SpringMass final : public HamiltonianSystem<SpringMass, 1> {
 public:
  using Settings = SpringMassOptions;

  // Throws hnn::Error naming the option when one is out of range.
  explicit SpringMass(const SpringMassOptions& options);

  template <typename T>
  T energy(const T* q, const T* p) const {
    return 0.5 * options_.spring_constant * q[0] * q[0] + p[0] * p[0] / (2.0 * options_.mass);
  }

  std::vector<std::string> coordinate_names() const override { return {"q", "p"}; }
  void sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const override;
  // "q^2 + p^2" for the defaults; otherwise the coefficients k/2 and 1/(2m) printed as the
  // shortest decimal that reads back to the same double, e.g. "1.5*q^2 + 0.25*p^2".
  std::string exact_hamiltonian() const override;

  const SpringMassOptions& options() const { return options_; }

 private:
  SpringMassOptions options_;
};

}  // namespace hnn::systems

#endif  // HNN_SYSTEMS_SPRING_MASS_SPRING_MASS_H_
