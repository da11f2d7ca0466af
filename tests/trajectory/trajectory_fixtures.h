// The small models and the windows the trajectory objective's tests share:
//   plugins()            the bundled mlp and kan plugins
//   small_model(name)    the conformance suite's small mlp (2-6-5-2 tanh) or kan ([2, 3, 2],
//                        k = 5), 2 inputs; with outputs = 3 (F_C, H, L(x)) the mlp 2-6-5-3
//                        or the kan [2, 3, 3]
//   wavy_trajectories()  three trajectories of 12 samples at non-uniform times (steps 0.05 to
//                        0.2), states on smooth curves
//   windows_of(k, s)     their windows of k steps, stride s
//   trajectories_of(step)
//                        two trajectories of 15 samples at steps 0.3 + 0.1 sin(i + 3k) made by
//                        a one-step map x -> step(x, h): data an integrator reproduces exactly
//   check_fast_equals_fallback(fast, fallback, theta)
//                        the same value and gradient (1e-12) through a model's pass slots and
//                        fused products as through the fallback (PlainModel), and no allocation
#ifndef HNN_TESTS_TRAJECTORY_TRAJECTORY_FIXTURES_H_
#define HNN_TESTS_TRAJECTORY_TRAJECTORY_FIXTURES_H_

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "allocation_counter.h"
#include "bundled_plugins.h"
#include "hnn/trajectory_objective.h"
#include "hnn/trajectory_windows.h"

namespace hnn::testing {

inline const BundledPlugins& plugins() {
  static const auto* bundled = new BundledPlugins({"hnn_mlp", "hnn_kan"});
  return *bundled;
}

inline std::shared_ptr<Model> small_model(const std::string& name, std::int64_t outputs = 2) {
  if (name == "mlp") {
    return plugins().model("mlp", {{"inputs", std::int64_t{2}},
                                   {"outputs", outputs},
                                   {"hidden", std::vector<std::int64_t>{6, 5}},
                                   {"activation", std::string("tanh")}});
  }
  return plugins().model("kan", {{"width", std::vector<std::int64_t>{2, 3, outputs}},
                                 {"k", std::int64_t{5}},
                                 {"noise_scale", 3.0},
                                 {"seed", std::int64_t{71}}});
}

inline std::vector<Trajectory> wavy_trajectories() {
  std::vector<Trajectory> result;
  for (int k = 0; k < 3; ++k) {
    Trajectory trajectory;
    trajectory.label = "wavy " + std::to_string(k);
    double t = 0.1 * k;
    trajectory.states.resize(2, 12);
    for (int i = 0; i < 12; ++i) {
      trajectory.times.push_back(t);
      trajectory.states.col(i) << 0.8 * std::cos(1.3 * t + k), -0.6 * std::sin(1.1 * t + 0.5 * k);
      t += 0.125 + 0.075 * std::sin(2.0 * i + k);
    }
    result.push_back(trajectory);
  }
  return result;
}

inline TrajectoryWindows windows_of(int steps, int stride = 1) {
  TrajectoryWindowOptions options;
  options.steps = steps;
  options.stride = stride;
  return cut_trajectory_windows(wavy_trajectories(), options);
}

inline std::vector<Trajectory> trajectories_of(
    const std::function<Eigen::Vector2d(const Eigen::Vector2d&, double)>& step) {
  std::vector<Trajectory> trajectories(2);
  for (int k = 0; k < 2; ++k) {
    Trajectory& trajectory = trajectories[std::size_t(k)];
    trajectory.states.resize(2, 15);
    Eigen::Vector2d x(0.5 + 0.2 * k, -0.3);
    double t = 0.0;
    for (int i = 0; i < 15; ++i) {
      trajectory.times.push_back(t);
      trajectory.states.col(i) = x;
      const double h = 0.3 + 0.1 * std::sin(i + 3.0 * k);
      x = step(x, h);
      t += h;
    }
  }
  return trajectories;
}

inline void check_fast_equals_fallback(TrajectoryObjective& fast, TrajectoryObjective& fallback,
                                       const Eigen::VectorXd& theta) {
  double fast_value = 0.0, value = 0.0;
  Eigen::VectorXd fast_gradient(theta.size()), gradient(theta.size());
  REQUIRE(fast.evaluate(theta.data(), &fast_value, fast_gradient.data()));
  REQUIRE(fallback.evaluate(theta.data(), &value, gradient.data()));
  CHECK(fast_value == value);
  CHECK((fast_gradient - gradient).cwiseAbs().maxCoeff() <=
        1e-12 * std::max(1.0, gradient.cwiseAbs().maxCoeff()));
  CHECK(allocations_per_evaluations(fast, theta, true) == 0);
  CHECK(allocations_per_evaluations(fast, theta, false) == 0);
  CHECK(allocations_per_evaluations(fallback, theta, true) == 0);
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_TRAJECTORY_TRAJECTORY_FIXTURES_H_
