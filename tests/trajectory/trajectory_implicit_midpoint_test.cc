// The implicit midpoint rule of the trajectory objective (hnn/trajectory_objective.h): its
// step of the spring H = q^2 + p^2 against the closed form (the Cayley transform of the
// linear field), exact conservation of that quadratic H, the midpoint equation solved for
// a non-separable learned H, zero loss on data made by the same rule, the exact gradient
// against finite differences for k = 1, 2, 8 (mlp, kan; learned initial states), the fast
// path against the fallback path, no allocation, and a failed solve reported as such.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "allocation_counter.h"
#include "hand_models.h"
#include "hnn/error.h"
#include "hnn/gradient_check.h"
#include "hnn/trajectory_objective.h"
#include "plain_model.h"
#include "trajectory_fixtures.h"
#include "uniform_matrix.h"

namespace {

using hnn::TrajectoryField;
using hnn::TrajectoryMethod;
using hnn::testing::small_model;
using hnn::testing::windows_of;

hnn::TrajectoryObjectiveOptions midpoint_options(int hamiltonian_output = 1) {
  hnn::TrajectoryObjectiveOptions options;
  options.method = TrajectoryMethod::kImplicitMidpoint;
  options.hamiltonian_output = hamiltonian_output;
  return options;
}

// The implicit midpoint step of dx/dt = A x, A = [[0, 2], [-2, 0]] (H = q^2 + p^2):
// x1 = (I - h/2 A)^-1 (I + h/2 A) x0.
Eigen::Vector2d cayley_step(const Eigen::Vector2d& x, double h) {
  Eigen::Matrix2d a;
  a << 0.0, 2.0, -2.0, 0.0;
  const Eigen::Matrix2d identity = Eigen::Matrix2d::Identity();
  return (identity - 0.5 * h * a).inverse() * (identity + 0.5 * h * a) * x;
}

}  // namespace

TEST_CASE("a step of the spring is the Cayley transform, and H = q^2 + p^2 is kept exactly") {
  hnn::testing::QuadraticHamiltonian spring(1.0, 1.0);
  // 3 windows of 40 steps of 0.3 from three states: the energy of every prediction.
  hnn::TrajectoryWindows windows;
  windows.steps = 40;
  windows.initial_states.resize(2, 3);
  windows.initial_states << 0.3, 1.2, -0.5, -0.7, 0.0, 0.9;
  windows.targets = Eigen::MatrixXd::Zero(2, 40 * 3);
  windows.time_steps = Eigen::MatrixXd::Constant(40, 3, 0.3);
  windows.trajectory = {0, 1, 2};
  windows.first_sample = {0, 0, 0};
  hnn::TrajectoryObjective objective(spring, windows, midpoint_options(0));
  CHECK(objective.stages_per_step() == 1);
  const Eigen::Vector2d theta(1.0, 1.0);
  double loss = 0.0;
  REQUIRE(objective.evaluate(theta.data(), &loss, nullptr));
  // A linear field: Newton's first step is the solution, the second confirms it.
  CHECK(objective.last_newton_iterations() == 1);
  const Eigen::MatrixXd& predictions = objective.last_predictions();
  for (int w = 0; w < 3; ++w) {
    CAPTURE(w);
    const Eigen::Vector2d x0 = windows.initial_states.col(w);
    CHECK((predictions.col(w) - cayley_step(x0, 0.3)).cwiseAbs().maxCoeff() <= 1e-14);
    double largest_drift = 0.0;
    for (int j = 0; j < 40; ++j) {
      largest_drift = std::max(
          largest_drift, std::abs(predictions.col(j * 3 + w).squaredNorm() - x0.squaredNorm()));
    }
    CHECK(largest_drift <= 1e-14);
  }
}

TEST_CASE("with a learned, non-separable H every step solves the midpoint equation") {
  const auto model = small_model("mlp");
  hnn::TrajectoryObjective objective(*model, windows_of(3), midpoint_options());
  const Eigen::VectorXd theta = objective.initial_parameters();
  double loss = 0.0;
  REQUIRE(objective.evaluate(theta.data(), &loss, nullptr));
  CHECK(objective.last_newton_iterations() >= 2);
  CHECK(objective.last_newton_iterations() <= 6);
  const hnn::TrajectoryWindows& windows = objective.windows();
  const Eigen::Index count = windows.count();
  Eigen::MatrixXd start = windows.initial_states;
  double largest_residual = 0.0;
  for (int j = 0; j < windows.steps; ++j) {
    const Eigen::MatrixXd end = objective.last_predictions().middleCols(j * count, count);
    model->set_parameters(theta);
    model->forward(0.5 * (start + end));
    Eigen::MatrixXd g(2, count);
    model->input_gradient(1, g);
    for (Eigen::Index w = 0; w < count; ++w) {
      const double h = windows.time_steps(j, w);
      const Eigen::Vector2d field(g(1, w), -g(0, w));
      largest_residual =
          std::max(largest_residual, (end.col(w) - start.col(w) - h * field).cwiseAbs().maxCoeff());
    }
    start = end;
  }
  CHECK(largest_residual <= 1e-12);
}

TEST_CASE("data made by the same rule give a zero loss") {
  hnn::testing::QuadraticHamiltonian spring(1.0, 1.0);
  const auto trajectories = hnn::testing::trajectories_of(cayley_step);
  hnn::TrajectoryWindowOptions window_options;
  window_options.steps = 3;
  hnn::TrajectoryObjective objective(
      spring, hnn::cut_trajectory_windows(trajectories, window_options), midpoint_options(0));
  const Eigen::Vector2d theta(1.0, 1.0);
  double loss = 1.0;
  REQUIRE(objective.evaluate(theta.data(), &loss, nullptr));
  CHECK(loss <= 1e-28);
}

TEST_CASE("the gradient is exact: finite differences for k = 1, 2, 8, learned initial states") {
  for (const std::string name : {"mlp", "kan"}) {
    const auto model = small_model(name);
    for (const int steps : {1, 2, 8}) {
      for (const bool learned : {false, true}) {
        CAPTURE(name);
        CAPTURE(steps);
        CAPTURE(learned);
        auto options = midpoint_options();
        options.learn_initial_states = learned;
        hnn::TrajectoryObjective objective(*model, windows_of(steps), options);
        Eigen::VectorXd theta = objective.initial_parameters();
        if (learned) {
          const Eigen::Index states = theta.size() - objective.initial_state_offset();
          theta.tail(states) += 0.05 * hnn::testing::uniform_matrix(states, 1, 7).reshaped();
        }
        hnn::GradientCheckOptions check;
        if (name == "kan") check.step = 1e-5;  // as in trajectory_fields_test
        const auto result = hnn::check_objective_gradient(objective, theta, check);
        CHECK_MESSAGE(result.passed(1e-6), result.report());
      }
    }
  }
  // The hand model: its Hessian is exact, a check of the adjoint's linear algebra alone.
  hnn::testing::QuadraticHamiltonian spring(0.9, 1.2);
  hnn::TrajectoryObjective objective(spring, windows_of(4), midpoint_options(0));
  const auto result = hnn::check_objective_gradient(objective, Eigen::Vector2d(0.9, 1.2));
  CHECK_MESSAGE(result.passed(1e-7), result.report());
}

TEST_CASE("the fast path equals the fallback path; neither allocates") {
  for (const std::string name : {"mlp", "kan"}) {
    const auto model = small_model(name);
    REQUIRE(model->has_pass_slots());
    hnn::testing::PlainModel plain(*model);
    for (const int steps : {1, 3}) {
      CAPTURE(name);
      CAPTURE(steps);
      hnn::TrajectoryObjective fast(*model, windows_of(steps), midpoint_options());
      hnn::TrajectoryObjective fallback(plain, windows_of(steps), midpoint_options());
      hnn::testing::check_fast_equals_fallback(fast, fallback, fast.initial_parameters());
    }
  }
}

TEST_CASE("a solve that fails is reported, and the other fields are refused") {
  const auto model = small_model("mlp");
  hnn::TrajectoryObjective objective(*model, windows_of(2), midpoint_options());
  Eigen::VectorXd theta = objective.initial_parameters();
  theta[0] = std::numeric_limits<double>::quiet_NaN();
  double loss = 0.0;
  Eigen::VectorXd gradient(theta.size());
  CHECK_FALSE(objective.evaluate(theta.data(), &loss, gradient.data()));
  CHECK_FALSE(std::isfinite(loss));

  auto options = midpoint_options();
  options.field = TrajectoryField::kDirect;
  CHECK_THROWS_WITH_AS(hnn::TrajectoryObjective(*model, windows_of(1), options),
                       doctest::Contains("method implicit_midpoint solves for J dH/dx at the "
                                         "midpoint; field direct with field type solenoidal "
                                         "needs method rk4"),
                       hnn::Error);
  options = midpoint_options();
  options.field_type = hnn::FieldType::kBoth;
  options.conservative_output = 0;
  CHECK_THROWS_WITH_AS(hnn::TrajectoryObjective(*model, windows_of(1), options),
                       doctest::Contains("field solenoidal with field type both needs method rk4"),
                       hnn::Error);
  options = midpoint_options();
  options.dissipation.damping = hnn::DampingForm::kConstant;
  CHECK_THROWS_WITH_AS(hnn::TrajectoryObjective(*model, windows_of(1), options),
                       doctest::Contains("needs method rk4 and field solenoidal"), hnn::Error);
  CHECK(hnn::to_string(TrajectoryMethod::kImplicitMidpoint) == "implicit_midpoint");
}
