// TwoBody: two bodies of unit mass attracting each other with Newtonian gravity (G = 1), in the
// plane, as in the original HNN's two-body task (spec/hnn.md section 4.4). Four degrees of
// freedom; the state is canonical, positions first, bodies interleaved per component:
//
//   x = [qx1, qx2, qy1, qy2, px1, px2, py1, py2]
//   H = (px1^2 + py1^2)/2 + (px2^2 + py2^2)/2 - 1 / sqrt((qx1 - qx2)^2 + (qy1 - qy2)^2)
//
// With unit masses p = v, so dx/dt = [v..., a...] is the original sample's target
// [vx1, vx2, vy1, vy2, ax1, ax2, ay1, ay2]. Total momentum and angular momentum are conserved;
// a circular orbit of separation 2r has period 4 pi r^(3/2). H is singular at a collision.
//
// Initial states are the original `random_config(orbit_noise, min_radius, max_radius)`:
//   1. two uniforms:  pos = (u1, u2) (r_max - r_min) + r_min   (each coordinate in [r_min, r_max))
//   2. r = |pos|; vel = (-pos_y, pos_x) / (2 r^1.5)            (circular-orbit velocity)
//   3. one normal n:  vel *= 1 + orbit_noise * n               (the same factor for both)
//   4. body 1 = (pos, vel), body 2 = (-pos, -vel)              (centre of mass at rest at 0)
// i.e. two uniforms and one normal per call (NumPy's randn caches its second value, so
// consecutive calls consume the normal stream as the original does).
//
// The original dataset (1000 orbits, t in [0, 20], 50 points, RK45 rtol 1e-9, test = the first
// 20 % of the rows, no noise drawn) is generate_trajectory_dataset with trajectories = 1000,
// time_span = {0, 20}, points = 50, train_fraction = 0.8, test_first = true,
// draw_zero_noise = false.
#ifndef HNN_SYSTEMS_TWO_BODY_TWO_BODY_H_
#define HNN_SYSTEMS_TWO_BODY_TWO_BODY_H_

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "hnn/hamiltonian_system.h"
#include "hnn/option_binding.h"

namespace hnn::systems {

// The options of the `two_body` system.
struct TwoBodyOptions {
  double orbit_noise = 0.05;  // relative speed perturbation (std of the factor): finite, >= 0
  std::array<double, 2> radius = {0.5, 1.5};  // [r_min, r_max]: 0 < r_min <= r_max < inf

  // The keys (orbit_noise, radius), ranges and meanings of the options; their defaults are
  // the defaults above. binding().is_valid(options, &error) checks a struct built in C++.
  static const OptionBinding<TwoBodyOptions>& binding();
};

class TwoBody final : public HamiltonianSystem<TwoBody, 4> {
 public:
  using Settings = TwoBodyOptions;

  // Throws hnn::Error naming the option when one is out of range.
  explicit TwoBody(const TwoBodyOptions& options);

  template <typename T>
  T energy(const T* q, const T* p) const {
    using std::sqrt;
    const T dx = q[0] - q[1];
    const T dy = q[2] - q[3];
    const T kinetic = 0.5 * (p[0] * p[0] + p[2] * p[2]) + 0.5 * (p[1] * p[1] + p[3] * p[3]);
    return kinetic - 1.0 / sqrt(dx * dx + dy * dy);
  }

  std::vector<std::string> coordinate_names() const override {
    return {"qx1", "qx2", "qy1", "qy2", "px1", "px2", "py1", "py2"};
  }
  void sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const override;
  std::string exact_hamiltonian() const override;

  const TwoBodyOptions& options() const { return options_; }

 private:
  TwoBodyOptions options_;
};

}  // namespace hnn::systems

#endif  // HNN_SYSTEMS_TWO_BODY_TWO_BODY_H_
