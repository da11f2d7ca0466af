// The implicit midpoint rule of TrajectoryObjective (hnn/trajectory_objective.h): the forward
// sweep solves every step by Newton's method, the backward sweep differentiates the
// converged steps by the implicit function theorem. The other methods' sweeps are in
// trajectory_sweeps.cc.
//
// A step solves R(x1) = x1 - x0 - h J g(m) = 0, m = (x0 + x1) / 2, g = dH/dx, with
// dR/dx1 = I - h/2 J H(m) (H = d^2H/dx^2) and dR/dx0 = -(I + h/2 J H(m)). With J = [[0, I],
// [-I, 0]] on x = [q; p]: (J H) = [H_p; -H_q] by rows, (H J^T) = [H^p, -H^q] by columns.
#include <algorithm>
#include <cmath>
#include <limits>

#include "hnn/trajectory_objective.h"
#include "trajectory_columns.h"

namespace hnn {
namespace {

// The largest |entry| of a column, or infinity when it is not finite (so that a comparison
// with a tolerance fails).
double largest_entry(const Eigen::Ref<const Eigen::VectorXd>& column) {
  const double largest = column.cwiseAbs().maxCoeff();
  return std::isfinite(largest) ? largest : std::numeric_limits<double>::infinity();
}

}  // namespace

void TrajectoryObjective::hamiltonian_hessians(Eigen::Ref<Eigen::MatrixXd> hessians) {
  const Eigen::Index d = windows_.state_dimension();
  const Eigen::Index count = windows_.count();
  for (Eigen::Index i = 0; i < d; ++i) {
    directions_.setZero();
    directions_.row(i).setOnes();
    model_.input_hessian_vector_product(options_.hamiltonian_output, directions_,
                                        products_of_directions_);
    for (Eigen::Index w = 0; w < count; ++w) {
      hessians.col(w * d + i) = products_of_directions_.col(w);
    }
  }
}

bool TrajectoryObjective::implicit_midpoint_forward(double* gradient) {
  const Eigen::Index d = windows_.state_dimension();
  const Eigen::Index n = d / 2;
  const Eigen::Index count = windows_.count();
  Eigen::MatrixXd& next = stage_values_[0];    // the iterate x1, d x W
  Eigen::MatrixXd& residual = stage_adjoint_;  // R(x1), d x W (free during the forward sweep)
  Eigen::MatrixXd& g = model_gradient_;
  last_newton_iterations_ = 0;
  for (int j = 0; j < windows_.steps; ++j) {
    const internal::StepRow h = windows_.time_steps.row(j);
    auto midpoint = stage_states(j, 0);
    auto hessians = step_hessians(j);
    next = state_;
    for (int iteration = 0;; ++iteration) {
      midpoint = 0.5 * (state_ + next);
      model_.forward(midpoint);
      model_.input_gradient(options_.hamiltonian_output, g);
      if (j == 0 && iteration == 0) add_model_penalty(gradient);
      bool converged = true, finite = true;
      for (Eigen::Index w = 0; w < count; ++w) {
        residual.col(w).head(n) =
            next.col(w).head(n) - state_.col(w).head(n) - h[w] * g.col(w).tail(n);
        residual.col(w).tail(n) =
            next.col(w).tail(n) - state_.col(w).tail(n) + h[w] * g.col(w).head(n);
        const double tolerance = 1e-12 * (1.0 + largest_entry(next.col(w)));
        const double largest = largest_entry(residual.col(w));
        if (!(largest <= tolerance)) converged = false;
        if (std::isinf(largest)) finite = false;
      }
      last_newton_iterations_ = std::max(last_newton_iterations_, iteration);
      if (converged) {
        // The Hessians at the solution's midpoint, for the backward sweep.
        if (gradient != nullptr) hamiltonian_hessians(hessians);
        break;
      }
      if (!finite || iteration == kNewtonIterations) return false;
      hamiltonian_hessians(hessians);
      // Newton: (I - h/2 J H) delta = -R.
      for (Eigen::Index w = 0; w < count; ++w) {
        const auto hessian = hessians.middleCols(w * d, d);
        newton_matrix_.topRows(n) = (-0.5 * h[w]) * hessian.bottomRows(n);
        newton_matrix_.bottomRows(n) = (0.5 * h[w]) * hessian.topRows(n);
        newton_matrix_.diagonal().array() += 1.0;
        newton_solver_.compute(newton_matrix_);
        newton_vector_.noalias() = newton_solver_.solve(residual.col(w));
        next.col(w) -= newton_vector_;
      }
    }
    state_ = next;
    predictions_.middleCols(j * count, count) = state_;
    keep_pass(j, 0, gradient);
  }
  return true;
}

void TrajectoryObjective::implicit_midpoint_backward(
    Eigen::Ref<Eigen::VectorXd> parameter_gradient) {
  const Eigen::Index d = windows_.state_dimension();
  const Eigen::Index n = d / 2;
  const Eigen::Index count = windows_.count();
  Eigen::MatrixXd& lambda = adjoint_;
  Eigen::MatrixXd& nu = stage_adjoint_;
  lambda.setZero();
  for (int j = windows_.steps - 1; j >= 0; --j) {
    add_prediction_adjoint(j + 1);
    const internal::StepRow h = windows_.time_steps.row(j);
    const auto hessians = step_hessians(j);
    // (I - h/2 H J^T) nu = lambda; the model's weights w = h J^T nu = h (-nu_p, nu_q).
    for (Eigen::Index w = 0; w < count; ++w) {
      const auto hessian = hessians.middleCols(w * d, d);
      newton_matrix_.leftCols(n) = (-0.5 * h[w]) * hessian.rightCols(n);
      newton_matrix_.rightCols(n) = (0.5 * h[w]) * hessian.leftCols(n);
      newton_matrix_.diagonal().array() += 1.0;
      newton_solver_.compute(newton_matrix_);
      nu.col(w).noalias() = newton_solver_.solve(lambda.col(w));
      weights_.col(w).head(n) = -h[w] * nu.col(w).tail(n);
      weights_.col(w).tail(n) = h[w] * nu.col(w).head(n);
    }
    if (!recall_pass(pass_slot(j, 0))) {
      model_.forward(stage_states(j, 0));
      model_.input_gradient(options_.hamiltonian_output, model_gradient_);
    }
    model_.add_parameter_gradient_of_input_gradient(options_.hamiltonian_output, weights_,
                                                    parameter_gradient);
    // The adjoint of the step's start x0 (of the windows' first states only when learned).
    if (j == 0 && !options_.learn_initial_states) break;
    for (Eigen::Index w = 0; w < count; ++w) {
      newton_vector_.noalias() = hessians.middleCols(w * d, d) * weights_.col(w);
      lambda.col(w) = nu.col(w) + 0.5 * newton_vector_;
    }
  }
}

}  // namespace hnn
