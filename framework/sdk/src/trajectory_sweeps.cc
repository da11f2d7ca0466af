// The forward and backward sweeps of TrajectoryObjective (hnn/trajectory_objective.h), one
// pair per method: RK4 and leapfrog over all windows at once, each window a column with its
// own measured steps. The field evaluations and their reverse passes are in
// trajectory_objective.cc.
#include <Eigen/Core>

#include "hnn/trajectory_objective.h"
#include "trajectory_columns.h"

namespace hnn {
namespace {

using Matrix = Eigen::MatrixXd;
using ConstRow = internal::StepRow;
using internal::add_scaled_columns;
using internal::combine_columns;

}  // namespace

void TrajectoryObjective::runge_kutta_forward(double* gradient) {
  const Eigen::Index count = windows_.count();
  Matrix* k = stage_values_;
  // The reverse sweep needs the stage inputs only to recompute a pass the model did not
  // keep; otherwise one buffer serves every stage (less memory traffic per stage).
  const bool keep_inputs = gradient != nullptr && !keeps_passes_;
  const auto input = [&](int j, int stage) -> Eigen::Ref<Matrix> {
    if (keep_inputs) return stage_states(j, stage);
    return stage_input_;
  };
  for (int j = 0; j < windows_.steps; ++j) {
    const ConstRow h = windows_.time_steps.row(j);
    if (keep_inputs) {
      stage_states(j, 0) = state_;
      evaluate_field(stage_states(j, 0), k[0], j, 0.0);
    } else {
      evaluate_field(state_, k[0], j, 0.0);
    }
    if (j == 0) add_model_penalty(gradient);
    keep_pass(j, 0, gradient);
    add_scaled_columns(state_, 0.5, h, k[0], input(j, 1));
    evaluate_field(input(j, 1), k[1], j, 0.5);
    keep_pass(j, 1, gradient);
    add_scaled_columns(state_, 0.5, h, k[1], input(j, 2));
    evaluate_field(input(j, 2), k[2], j, 0.5);
    keep_pass(j, 2, gradient);
    add_scaled_columns(state_, 1.0, h, k[2], input(j, 3));
    evaluate_field(input(j, 3), k[3], j, 1.0);
    keep_pass(j, 3, gradient);
    internal::add_runge_kutta_increment(h, k[0], k[1], k[2], k[3], state_);
    predictions_.middleCols(j * count, count) = state_;
  }
}

void TrajectoryObjective::runge_kutta_backward(double* gradient) {
  // x1 = x + h/6 (k0 + 2 k1 + 2 k2 + k3), k_i = f(y_i), y0 = x, y1 = x + h/2 k0,
  // y2 = x + h/2 k1, y3 = x + h k2; lambda = dL/dx1, ybar_i = dL/dy_i.
  const int steps = windows_.steps;
  Matrix& lambda = adjoint_;
  Matrix& ybar = stage_state_adjoint_;
  Matrix& xbar = total_adjoint_;
  // field_backward reads stage_states(j, i) only for a pass the model did not keep, and then
  // runge_kutta_forward kept them.
  lambda.setZero();
  for (int j = steps - 1; j >= 0; --j) {
    add_prediction_adjoint(j + 1);
    const ConstRow h = windows_.time_steps.row(j);
    // k3bar = h/6 lambda.
    combine_columns(h, 1.0 / 6.0, lambda, 0.0, lambda, stage_adjoint_);
    field_backward(stage_states(j, 3), stage_adjoint_, j, 1.0, pass_slot(j, 3), gradient, &ybar);
    xbar = lambda + ybar;
    // k2bar = h/3 lambda + h y3bar.
    combine_columns(h, 1.0 / 3.0, lambda, 1.0, ybar, stage_adjoint_);
    field_backward(stage_states(j, 2), stage_adjoint_, j, 0.5, pass_slot(j, 2), gradient, &ybar);
    xbar += ybar;
    // k1bar = h/3 lambda + h/2 y2bar.
    combine_columns(h, 1.0 / 3.0, lambda, 0.5, ybar, stage_adjoint_);
    field_backward(stage_states(j, 1), stage_adjoint_, j, 0.5, pass_slot(j, 1), gradient, &ybar);
    xbar += ybar;
    // k0bar = h/6 lambda + h/2 y1bar.
    combine_columns(h, 1.0 / 6.0, lambda, 0.5, ybar, stage_adjoint_);
    // The state adjoint of the windows' first states is needed only when they are learned.
    if (j == 0 && !options_.learn_initial_states) {
      field_backward(stage_states(j, 0), stage_adjoint_, j, 0.0, pass_slot(j, 0), gradient,
                     nullptr);
      break;
    }
    field_backward(stage_states(j, 0), stage_adjoint_, j, 0.0, pass_slot(j, 0), gradient, &ybar);
    xbar += ybar;
    lambda = xbar;
  }
}

void TrajectoryObjective::leapfrog_forward(double* gradient) {
  const Eigen::Index count = windows_.count();
  const Eigen::Index n = windows_.state_dimension() / 2;
  Matrix& g = stage_values_[0];
  for (int j = 0; j < windows_.steps; ++j) {
    const ConstRow h = windows_.time_steps.row(j);
    // Kick: p' = p - h/2 dH/dq(q, p).
    stage_states(j, 0) = state_;
    evaluate_hamiltonian_gradient(stage_states(j, 0), g);
    if (j == 0) add_model_penalty(gradient);
    keep_pass(j, 0, gradient);
    for (Eigen::Index w = 0; w < count; ++w) {
      state_.col(w).tail(n) -= (0.5 * h[w]) * g.col(w).head(n);
    }
    // Drift: q1 = q + h dH/dp(q, p').
    stage_states(j, 1) = state_;
    evaluate_hamiltonian_gradient(stage_states(j, 1), g);
    keep_pass(j, 1, gradient);
    for (Eigen::Index w = 0; w < count; ++w) state_.col(w).head(n) += h[w] * g.col(w).tail(n);
    // Kick: p1 = p' - h/2 dH/dq(q1, p').
    stage_states(j, 2) = state_;
    evaluate_hamiltonian_gradient(stage_states(j, 2), g);
    keep_pass(j, 2, gradient);
    for (Eigen::Index w = 0; w < count; ++w) {
      state_.col(w).tail(n) -= (0.5 * h[w]) * g.col(w).head(n);
    }
    predictions_.middleCols(j * count, count) = state_;
  }
}

void TrajectoryObjective::leapfrog_backward(Eigen::Ref<Eigen::VectorXd> parameter_gradient) {
  // Each sub-step is y -> y + c h P g(y), with P selecting one half of g = dH/dx into the
  // other half of the state: its adjoint is lambda -> lambda + d^2H/dx^2 w, with
  // w = c h P^T lambda, and the parameter gradient of w . g.
  const int steps = windows_.steps;
  const Eigen::Index count = windows_.count();
  const Eigen::Index n = windows_.state_dimension() / 2;
  Matrix& lambda = adjoint_;
  Matrix& ybar = stage_state_adjoint_;
  lambda.setZero();
  // The state adjoint of the windows' first states is needed only when they are learned.
  auto kick = [&](int j, int stage, bool state_adjoint_needed) {
    const ConstRow h = windows_.time_steps.row(j);
    for (Eigen::Index w = 0; w < count; ++w) {
      weights_.col(w).head(n) = (-0.5 * h[w]) * lambda.col(w).tail(n);
      weights_.col(w).tail(n).setZero();
    }
    gradient_backward(stage_states(j, stage), weights_, pass_slot(j, stage), parameter_gradient,
                      state_adjoint_needed ? &ybar : nullptr);
    if (state_adjoint_needed) lambda += ybar;
  };
  for (int j = steps - 1; j >= 0; --j) {
    add_prediction_adjoint(j + 1);
    kick(j, 2, true);
    const ConstRow h = windows_.time_steps.row(j);
    for (Eigen::Index w = 0; w < count; ++w) {
      weights_.col(w).head(n).setZero();
      weights_.col(w).tail(n) = h[w] * lambda.col(w).head(n);
    }
    gradient_backward(stage_states(j, 1), weights_, pass_slot(j, 1), parameter_gradient, &ybar);
    lambda += ybar;
    kick(j, 0, j > 0 || options_.learn_initial_states);
  }
}

}  // namespace hnn
