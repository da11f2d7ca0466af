// A short training through the integrator: an MLP-HNN fitted with the lbfgs optimizer
// plugin to coarse (dt = 0.3), noise-free spring trajectories by the trajectory objective
// (RK4, windows of 4 steps) lowers the loss by orders of magnitude and learns the field.
#include <doctest/doctest.h>

#include <cmath>

#include "bundled_plugins.h"
#include "hnn/optimizer.h"
#include "hnn/trajectory_objective.h"

namespace {

const hnn::testing::BundledPlugins& plugins() {
  static const auto* bundled = new hnn::testing::BundledPlugins({"hnn_mlp", "hnn_lbfgs"});
  return *bundled;
}

// The spring H = q^2 + p^2 (dq/dt = 2p, dp/dt = -2q) sampled exactly every 0.3 time units:
// q = r cos(2t + phi), p = -r sin(2t + phi), radii in [0.3, 1].
std::vector<hnn::Trajectory> coarse_spring(int trajectories, int points) {
  std::vector<hnn::Trajectory> result;
  for (int k = 0; k < trajectories; ++k) {
    hnn::Trajectory trajectory;
    trajectory.label = "spring " + std::to_string(k);
    const double r = 0.3 + 0.7 * k / (trajectories - 1);
    const double phi = 2.4 * k;
    trajectory.states.resize(2, points);
    for (int i = 0; i < points; ++i) {
      const double t = 0.3 * i;
      trajectory.times.push_back(t);
      trajectory.states.col(i) << r * std::cos(2 * t + phi), -r * std::sin(2 * t + phi);
    }
    result.push_back(trajectory);
  }
  return result;
}

}  // namespace

TEST_CASE("training through RK4 on coarse spring data lowers the loss by orders of magnitude") {
  const auto model = plugins().model("mlp", {{"inputs", std::int64_t{2}},
                                             {"outputs", std::int64_t{2}},
                                             {"hidden", std::vector<std::int64_t>{16, 16}},
                                             {"activation", std::string("tanh")}});
  hnn::TrajectoryWindowOptions window_options;
  window_options.steps = 4;
  hnn::TrajectoryObjective objective(
      *model, hnn::cut_trajectory_windows(coarse_spring(10, 30), window_options));
  Eigen::VectorXd theta(objective.parameter_count());
  model->get_parameters(theta);
  double initial = 0.0;
  REQUIRE(objective.evaluate(theta.data(), &initial, nullptr));
  const auto optimizer = plugins().registry().create_optimizer(
      "lbfgs",
      plugins().options(hnn::PluginKind::kOptimizer, "lbfgs", {{"epochs", std::int64_t{400}}}));
  optimizer->minimize(objective, theta, [](const hnn::EpochState&) { return true; });
  double final_loss = 0.0;
  REQUIRE(objective.evaluate(theta.data(), &final_loss, nullptr));
  CAPTURE(initial);
  CAPTURE(final_loss);
  CHECK(final_loss <= 1e-4 * initial);
  // The learned field J dH/dx against the spring's (2p, -2q) inside the data's disc.
  Eigen::MatrixXd states(2, 3), gradient(2, 3);
  states << 0.5, -0.2, 0.1, 0.3, 0.6, -0.7;
  model->set_parameters(theta);
  model->forward(states);
  model->input_gradient(1, gradient);
  for (int s = 0; s < 3; ++s) {
    const Eigen::Vector2d learned(gradient(1, s), -gradient(0, s));
    const Eigen::Vector2d truth(2 * states(1, s), -2 * states(0, s));
    CAPTURE(s);
    CHECK((learned - truth).norm() <= 0.02 * truth.norm());
  }
}
