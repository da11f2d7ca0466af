// ThreeBody: three bodies of unit mass under Newtonian gravity (G = 1) in the plane, as in the
// original HNN's three-body task (spec/hnn.md section 4.5). Six degrees of freedom; canonical
// state, bodies interleaved per component:
//
//   x = [qx1, qx2, qx3, qy1, qy2, qy3, px1, px2, px3, py1, py2, py3]
//   H = sum_i (pxi^2 + pyi^2)/2 - sum_{i<j} 1 / |r_i - r_j|
//
// Total momentum and angular momentum are conserved. The motion is chaotic and H is singular
// at a collision: compare trajectories over short times only (the original used t in [0, 5]).
//
// Initial states are the original `random_config(nu, min_radius, max_radius)`
// (experiment-3body/data.py), with R(a) the rotation by a and nu = orbit_noise:
//   1. two uniforms:  p1 = 2 (u1, u2) - 1
//   2. one uniform:   r = u (r_max - r_min) + r_min;  p1 *= r / |p1|
//   3. p2 = R(2 pi/3) p1, p3 = R(2 pi/3) p2             (an equilateral triangle)
//   4. v1 = R(pi/2) p1 / r^1.5 * sqrt(sin(pi/3) / (2 cos(pi/6)^2)), v2 = R(2 pi/3) v1,
//      v3 = R(2 pi/3) v2                                (the circular-orbit velocities)
//   5. for body 1, 2, 3 in turn, two uniforms: v_i *= 1 + nu (2 (u1, u2) - 1) component-wise
// i.e. nine uniforms per call and no normal.
//
// The original dataset (5000 orbits, t in [0, 5], 20 points, test = the first 20 % of the rows,
// no noise) is generate_trajectory_dataset with trajectories = 5000, time_span = {0, 5},
// points = 20, train_fraction = 0.8, test_first = true, draw_zero_noise = false.
#ifndef HNN_SYSTEMS_THREE_BODY_THREE_BODY_H_
#define HNN_SYSTEMS_THREE_BODY_THREE_BODY_H_

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "hnn/hamiltonian_system.h"
#include "hnn/option_binding.h"

namespace hnn::systems {

// The options of the `three_body` system.
struct ThreeBodyOptions {
  double orbit_noise =
      0.2;  // nu: relative velocity perturbation, uniform in [-nu, nu): finite, >= 0
  std::array<double, 2> radius = {0.9, 1.2};  // [r_min, r_max]: 0 < r_min <= r_max < inf

  // The keys (orbit_noise, radius), ranges and meanings of the options; their defaults are
  // the defaults above. binding().is_valid(options, &error) checks a struct built in C++.
  static const OptionBinding<ThreeBodyOptions>& binding();
};

class ThreeBody final : public HamiltonianSystem<ThreeBody, 6> {
 public:
  using Settings = ThreeBodyOptions;

  // Throws hnn::Error naming the option when one is out of range.
  explicit ThreeBody(const ThreeBodyOptions& options);

  template <typename T>
  T energy(const T* q, const T* p) const {
    using std::sqrt;
    T kinetic = T(0.0);
    for (int i = 0; i < 6; ++i) kinetic += 0.5 * p[i] * p[i];
    T potential = T(0.0);
    for (int i = 0; i < 3; ++i) {
      for (int j = i + 1; j < 3; ++j) {
        const T dx = q[i] - q[j];
        const T dy = q[3 + i] - q[3 + j];
        potential -= 1.0 / sqrt(dx * dx + dy * dy);
      }
    }
    return kinetic + potential;
  }

  std::vector<std::string> coordinate_names() const override {
    return {"qx1", "qx2", "qx3", "qy1", "qy2", "qy3", "px1", "px2", "px3", "py1", "py2", "py3"};
  }
  void sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const override;
  std::string exact_hamiltonian() const override;

  const ThreeBodyOptions& options() const { return options_; }

 private:
  ThreeBodyOptions options_;
};

}  // namespace hnn::systems

#endif  // HNN_SYSTEMS_THREE_BODY_THREE_BODY_H_
