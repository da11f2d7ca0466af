// HenonHeiles: the Hénon–Heiles system, two degrees of freedom, state [x, y, px, py]:
//
//   H = (px^2 + py^2)/2 + (x^2 + y^2)/2 + lambda (x^2 y - y^3/3).
//
// Below the escape energy E_escape = 1 / (6 lambda^2) the motion stays inside the triangle
// bounded by the three saddle lines of V = E_escape, with vertices (0, 1/lambda) and
// (+-sqrt(3)/(2 lambda), -1/(2 lambda)); near E = 1/8 (lambda = 1) most of it is chaotic.
//
// Initial states lie on an energy shell E drawn uniformly from [E_min, E_max]
// (0 < E_min <= E_max < E_escape), in this order:
//   1. one uniform:            E = u (E_max - E_min) + E_min   (drawn even when E_min = E_max)
//   2. pairs of uniforms until accepted:
//        x = (2 u1 - 1) sqrt(3)/(2 lambda),  y = (u2 (3/2) - 1/2) / lambda,
//        accepted when (x, y) lies inside the triangle and V(x, y) < E
//      (uniform on the allowed region of configuration space); after 10^6 rejected pairs the
//      sampler throws hnn::Error
//   3. one uniform:            theta = 2 pi u;  (px, py) = sqrt(2 (E - V)) (cos theta, sin theta)
// so a call consumes 2 + 2k uniforms, k >= 1 the number of pairs tried.
#ifndef HNN_SYSTEMS_HENON_HEILES_HENON_HEILES_H_
#define HNN_SYSTEMS_HENON_HEILES_HENON_HEILES_H_

#include <array>
#include <string>
#include <vector>

#include "hnn/hamiltonian_system.h"
#include "hnn/option_binding.h"

namespace hnn::systems {

// The options of the `henon_heiles` system.
struct HenonHeilesOptions {
  double coupling = 1.0;  // lambda: finite, > 0
  // [E_min, E_max]: 0 < E_min <= E_max < 1 / (6 lambda^2), the escape energy.
  std::array<double, 2> energy = {1.0 / 12.0, 1.0 / 8.0};

  // The keys (lambda, energy), ranges and meanings of the options; their defaults are the
  // defaults above. binding().is_valid(options, &error) checks a struct built in C++.
  static const OptionBinding<HenonHeilesOptions>& binding();
};

class HenonHeiles final : public HamiltonianSystem<HenonHeiles, 2> {
 public:
  using Settings = HenonHeilesOptions;

  // Throws hnn::Error naming the option when one is out of range.
  explicit HenonHeiles(const HenonHeilesOptions& options);

  template <typename T>
  T potential(const T& x, const T& y) const {
    return 0.5 * (x * x + y * y) + options_.coupling * (x * x * y - y * y * y / 3.0);
  }
  template <typename T>
  T energy(const T* q, const T* p) const {
    return 0.5 * (p[0] * p[0] + p[1] * p[1]) + potential(q[0], q[1]);
  }

  std::vector<std::string> coordinate_names() const override { return {"x", "y", "px", "py"}; }
  void sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const override;
  // "(px^2 + py^2)/2 + (x^2 + y^2)/2 + (x^2*y - y^3/3)" for lambda = 1, else with "lambda*".
  std::string exact_hamiltonian() const override;

  // 1 / (6 lambda^2).
  double escape_energy() const;
  const HenonHeilesOptions& options() const { return options_; }

 private:
  HenonHeilesOptions options_;
};

}  // namespace hnn::systems

#endif  // HNN_SYSTEMS_HENON_HEILES_HENON_HEILES_H_
