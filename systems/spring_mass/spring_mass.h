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
//   SpringMass spring(SpringMass::Parameters{});  // k = 2, m = 0.5
//   hnn::NumpyLegacyRandom random(1390);
//   Eigen::VectorXd x0(2);
//   spring.sample_initial_state(random, x0);
#ifndef HNN_SYSTEMS_SPRING_MASS_SPRING_MASS_H_
#define HNN_SYSTEMS_SPRING_MASS_SPRING_MASS_H_

#include <string>
#include <vector>

#include "hnn/hamiltonian_system.h"
#include "hnn/options.h"

namespace hnn::systems {

class SpringMass final : public HamiltonianSystem<SpringMass, 1> {
 public:
  struct Parameters {
    double spring_constant = 2.0;  // k > 0
    double mass = 0.5;             // m > 0
    double minimum_radius = 0.1;   // r_min >= 0
    double maximum_radius = 1.0;   // r_max >= r_min
  };

  // Throws hnn::Error naming the parameter when one is out of range.
  explicit SpringMass(const Parameters& parameters);
  // From validated options k, m, radius (see schema()).
  explicit SpringMass(const Options& options);

  // k (real, 2.0, > 0), m (real, 0.5, > 0), radius (list of 2 reals, [0.1, 1.0], >= 0).
  static OptionSchema schema();

  template <typename T>
  T energy(const T* q, const T* p) const {
    return 0.5 * parameters_.spring_constant * q[0] * q[0] + p[0] * p[0] / (2.0 * parameters_.mass);
  }

  std::vector<std::string> coordinate_names() const override { return {"q", "p"}; }
  void sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const override;
  // "q^2 + p^2" for the defaults; otherwise the coefficients k/2 and 1/(2m) printed as the
  // shortest decimal that reads back to the same double, e.g. "1.5*q^2 + 0.25*p^2".
  std::string exact_hamiltonian() const override;

  const Parameters& parameters() const { return parameters_; }

 private:
  Parameters parameters_;
};

}  // namespace hnn::systems

#endif  // HNN_SYSTEMS_SPRING_MASS_SPRING_MASS_H_
