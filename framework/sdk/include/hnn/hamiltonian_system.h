// HamiltonianSystem: write H(q, p) once, as a template on the scalar type; the gradient
// comes from Ceres' automatic differentiation (Jets), exact to round-off.
//
// Example, the spring-mass system H = k q^2 / 2 + p^2 / (2 m):
//
//   class SpringMass : public hnn::HamiltonianSystem<SpringMass, 1> {
//    public:
//     template <typename T>
//     T energy(const T* q, const T* p) const {
//       return 0.5 * k_ * q[0] * q[0] + p[0] * p[0] / (2.0 * m_);
//     }
//     std::vector<std::string> coordinate_names() const override { return {"q", "p"}; }
//     void sample_initial_state(hnn::RandomSource& r, Eigen::Ref<Eigen::VectorXd> x) const
//     override;
//    private:
//     double k_, m_;
//   };
//
// `energy` receives pointers to the n positions and the n momenta. It must be a pure
// function of them, written with operations Ceres' Jet supports (+ - * /, sin, cos, exp,
// log, sqrt, pow, ...).
//
// Damping and forcing (system.h) are added by overriding has_damping()/damping() and
// has_forcing()/forcing() in the derived class, e.g. friction gamma on the momenta:
//
//     bool has_damping() const override { return gamma_ != 0.0; }
//     void damping(const Eigen::Ref<const Eigen::VectorXd>&,
//                  Eigen::Ref<Eigen::MatrixXd> r) const override {
//       hnn::set_momentum_damping(gamma_, r);
//     }
#ifndef HNN_HAMILTONIAN_SYSTEM_H_
#define HNN_HAMILTONIAN_SYSTEM_H_

#include <ceres/jet.h>

#include <array>

#include "hnn/system.h"

namespace hnn {

template <class Derived, int DegreesOfFreedom>
class HamiltonianSystem : public System {
 public:
  static constexpr int kDegreesOfFreedom = DegreesOfFreedom;
  static constexpr int kStateDimension = 2 * DegreesOfFreedom;

  int degrees_of_freedom() const final { return DegreesOfFreedom; }

  double hamiltonian(const Eigen::Ref<const Eigen::VectorXd>& x) const final {
    return derived().energy(x.data(), x.data() + DegreesOfFreedom);
  }

  void gradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                Eigen::Ref<Eigen::VectorXd> gradient) const final {
    using Jet = ceres::Jet<double, kStateDimension>;
    std::array<Jet, kStateDimension> state;
    for (int i = 0; i < kStateDimension; ++i) state[i] = Jet(x[i], i);
    const Jet h = derived().energy(state.data(), state.data() + DegreesOfFreedom);
    for (int i = 0; i < kStateDimension; ++i) gradient[i] = h.v[i];
  }

 private:
  const Derived& derived() const { return static_cast<const Derived&>(*this); }
};

}  // namespace hnn

#endif  // HNN_HAMILTONIAN_SYSTEM_H_
