// Duffing: the driven, damped Duffing oscillator, one degree of freedom, state [q, p]:
//
//   H(q, p) = p^2 / 2 + alpha q^2 / 2 + beta q^4 / 4,
//   R = [[0, 0], [0, delta]],   F(t) = (0, A cos(omega t)),
//   dq/dt = p,   dp/dt = -alpha q - beta q^3 - delta p + A cos(omega t),
//   i.e.  q'' + delta q' + alpha q + beta q^3 = A cos(omega t).
//
// Along a trajectory dH/dt = -delta p^2 + p A cos(omega t) (hnn/system.h, power_balance).
// The defaults alpha = 1, beta = 1, delta = 0.1, A = 0.3, omega = 1.2 are a hardening
// single-well oscillator driven a little above its linear frequency 1: bounded, periodic
// after the transient (which decays as exp(-delta t / 2)). alpha < 0 with beta > 0 is the
// double well (alpha = -1, beta = 1, delta = 0.3, A = 0.5, omega = 1.2 is the classic chaotic
// case). With delta = 0 there is no damping (has_damping() is false), with A = 0 no forcing
// (has_forcing() is false); with both the system is conservative.
//
// The forcing depends on the absolute time t: a trajectory of the simulation data source
// starts at data.time_span[0], and its samples carry their times (TrajectorySamples::time).
//
// Initial states are drawn as spring_mass draws them (hnn/initial_state_sampler.h), in this
// order: two uniforms u_q, u_p (y = (2 u_q - 1, 2 u_p - 1)), one uniform u_r
// (r = u_r (r_max - r_min) + r_min), x = y / |y|_2 * r: three uniforms per call. The default
// radius [0.5, 1.5] reaches into the quartic part of the potential (H = 2.4 at q = 1.5,
// p = 0 for the defaults, against 1.1 of the quadratic part alone).
//
// Usage:
//   Duffing duffing(DuffingOptions{});
//   Eigen::VectorXd x(2), dxdt(2);
//   x << 1.0, 0.0;
//   hnn::true_field(duffing, 0.0, x, dxdt);  // (0, -1 - 1 + 0.3)
#ifndef HNN_SYSTEMS_DUFFING_DUFFING_H_
#define HNN_SYSTEMS_DUFFING_DUFFING_H_

#include <array>
#include <string>
#include <vector>

#include "hnn/hamiltonian_system.h"
#include "hnn/option_binding.h"

namespace hnn::systems {

// The options of the `duffing` system.
struct DuffingOptions {
  double alpha = 1.0;                         // linear stiffness: finite; > 0 when beta = 0
  double beta = 1.0;                          // cubic stiffness: finite, >= 0
  double delta = 0.1;                         // damping: finite, >= 0
  double amplitude = 0.3;                     // A (key amplitude): finite, >= 0
  double omega = 1.2;                         // angular frequency of the force: finite, >= 0
  std::array<double, 2> radius = {0.5, 1.5};  // [r_min, r_max]: 0 <= r_min <= r_max < inf

  // The keys (alpha, beta, delta, amplitude, omega, radius), ranges and meanings of the options;
  // their defaults are the defaults above. binding().is_valid(options, &error) checks a
  // struct built in C++ (including that H has a minimum: alpha > 0 or beta > 0).
  static const OptionBinding<DuffingOptions>& binding();
};

class Duffing final : public HamiltonianSystem<Duffing, 1> {
 public:
  using Settings = DuffingOptions;

  // Throws hnn::Error naming the option when one is out of range.
  explicit Duffing(const DuffingOptions& options);

  template <typename T>
  T energy(const T* q, const T* p) const {
    const T q2 = q[0] * q[0];
    return 0.5 * p[0] * p[0] + 0.5 * options_.alpha * q2 + 0.25 * options_.beta * q2 * q2;
  }

  std::vector<std::string> coordinate_names() const override { return {"q", "p"}; }
  void sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const override;
  // "0.5*p^2 + 0.5*q^2 + 0.25*q^4" for the defaults: the coefficients 1/2, alpha/2 and beta/4
  // as the shortest decimals that read back to the same doubles, a zero term left out, a
  // negative one subtracted ("0.5*p^2 - 0.5*q^2 + 0.25*q^4").
  std::string exact_hamiltonian() const override;

  // delta != 0.
  bool has_damping() const override { return options_.delta != 0.0; }
  // R = [[0, 0], [0, delta]] at every state.
  void damping(const Eigen::Ref<const Eigen::VectorXd>& x,
               Eigen::Ref<Eigen::MatrixXd> damping) const override;
  // A != 0.
  bool has_forcing() const override { return options_.amplitude != 0.0; }
  // F(t) = (0, A cos(omega t)).
  void forcing(double t, Eigen::Ref<Eigen::VectorXd> force) const override;

  const DuffingOptions& options() const { return options_; }

 private:
  DuffingOptions options_;
};

}  // namespace hnn::systems

#endif  // HNN_SYSTEMS_DUFFING_DUFFING_H_
