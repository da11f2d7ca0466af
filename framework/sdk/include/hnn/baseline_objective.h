// BaselineObjective: the loss of the baseline model (spec hnn.md section 1.3): the model's
// d outputs predict dx/dt directly, with no Hamiltonian structure,
//
//   L(theta) = mean over all d x N entries of (F(x_n) - target_n)^2        (data_loss)
//            + l1 * sum_i |theta_i| + the model's own penalty, if it has one   (penalty)
//
// with l1_smoothing = s > 0 the smooth l1 * sum_i (sqrt(theta_i^2 + s^2) - s) instead of
// l1 * sum_i |theta_i|, as HamiltonianObjective's.
//
// Same contract as HamiltonianObjective (hamiltonian_objective.h): the model is referenced,
// not owned; evaluate() with a null gradient gives the test loss (forward pass only); all
// workspaces are allocated at construction.
//
// Example:
//
//   hnn::BaselineObjective objective(model, train_states, train_derivatives);
//   objective.evaluate(theta.data(), &loss, gradient.data());
#ifndef HNN_BASELINE_OBJECTIVE_H_
#define HNN_BASELINE_OBJECTIVE_H_

#include <Eigen/Core>

#include "hnn/model.h"
#include "hnn/objective.h"

namespace hnn {

class BaselineObjective final : public Objective {
 public:
  // inputs, targets: d x N (states and their time derivatives, one per column).
  // Throws hnn::Error naming the model and the sizes when d != model.input_dimension(),
  // model.output_dimension() != d, targets is not d x N, N == 0, or l1 or l1_smoothing is
  // negative or not finite.
  BaselineObjective(Model& model, Eigen::MatrixXd inputs, Eigen::MatrixXd targets, double l1 = 0.0,
                    double l1_smoothing = 0.0);
  ~BaselineObjective() override;

  int parameter_count() const override { return model_.parameter_count(); }
  // As HamiltonianObjective::evaluate: gradient may be null; false when not finite.
  bool evaluate(const double* parameters, double* value, double* gradient) override;
  LossParts last_parts() const override { return last_parts_; }

  // The predicted field F(x_n) of the last evaluate(), d x N.
  const Eigen::MatrixXd& last_field() const { return field_; }
  const Eigen::MatrixXd& inputs() const { return inputs_; }
  const Eigen::MatrixXd& targets() const { return targets_; }

  // Replaces the samples by others of the same shape, e.g. the next minibatch, without
  // allocating. Throws hnn::Error naming both shapes when they differ.
  void set_samples(const Eigen::Ref<const Eigen::MatrixXd>& inputs,
                   const Eigen::Ref<const Eigen::MatrixXd>& targets);

 private:
  Model& model_;
  Eigen::MatrixXd inputs_;
  Eigen::MatrixXd targets_;
  double l1_;
  double l1_smoothing_;
  LossParts last_parts_;
  Eigen::MatrixXd field_;            // d x N
  Eigen::MatrixXd residual_;         // d x N, 2 (F - target) / (d N)
  Eigen::VectorXd penalty_scratch_;  // gradient sink for a value-only model penalty
};

}  // namespace hnn

#endif  // HNN_BASELINE_OBJECTIVE_H_
