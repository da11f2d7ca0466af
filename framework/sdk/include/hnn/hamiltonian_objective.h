// HamiltonianObjective: the HNN training loss of a Model on a batch of states and their
// time derivatives (spec hnn.md sections 1.2 and 1.4).
//
// The model's output `hamiltonian_output` plays the role of H_theta, and the learned vector
// field is
//
//   solenoidal    f(x) = J dF_H/dx = (dF_H/dp, -dF_H/dq)       (default, all experiments)
//   conservative  f(x) = dF_C/dx                              (F_C = output conservative_output)
//   both          the sum of the two (the original HNN code's field_type = "both")
//
// The objective value is
//
//   L(theta) = mean over all d x N entries of (f(x_n) - target_n)^2        (data_loss)
//            + l1 * sum_i |theta_i| + the model's own penalty, if it has one   (penalty)
//
// with the L1 subgradient l1 * sign(theta_i) (0 at theta_i = 0), as PyTorch's, or, with
// l1_smoothing = s > 0, the smooth l1 * sum_i (sqrt(theta_i^2 + s^2) - s).
//
// Example:
//
//   hnn::HamiltonianObjective objective(model, train_states, train_derivatives);
//   Eigen::VectorXd theta(objective.parameter_count()), gradient(theta.size());
//   model.get_parameters(theta);
//   double loss;
//   if (!objective.evaluate(theta.data(), &loss, gradient.data())) { /* not finite */ }
//   hnn::HamiltonianObjective test(model, test_states, test_derivatives);
//   test.evaluate(theta.data(), &loss, nullptr);   // test loss: no parameter gradient
//
// Ownership and threads: the objective keeps a reference to `model` (which must outlive it)
// and sets the model's parameters on every evaluate(); two objectives may share a model
// (e.g. a training and a test objective) but must not evaluate at the same time. The
// baseline model's loss is BaselineObjective (baseline_objective.h). All
// workspaces are allocated at construction: evaluate() does not allocate heap memory.
#ifndef HNN_HAMILTONIAN_OBJECTIVE_H_
#define HNN_HAMILTONIAN_OBJECTIVE_H_

#include <Eigen/Core>
#include <string>

#include "hnn/model.h"
#include "hnn/objective.h"

namespace hnn {

enum class FieldType {
  kSolenoidal,    // J dF_H/dx
  kConservative,  // dF_C/dx
  kBoth,          // J dF_H/dx + dF_C/dx
};

// "solenoidal", "conservative", "both".
std::string to_string(FieldType field_type);
// Inverse of to_string(); throws hnn::Error naming the accepted values.
FieldType field_type_from_string(const std::string& name);

struct HamiltonianObjectiveOptions {
  // Index of the output that is H (used by the solenoidal field). Default 1: F2 in the
  // paper's notation, F1 being the (unused) conservative potential.
  int hamiltonian_output = 1;
  // Index of the output whose gradient is the conservative field.
  int conservative_output = 0;
  FieldType field_type = FieldType::kSolenoidal;
  // Coefficient of the L1 penalty on all parameters, >= 0 and finite.
  double l1 = 0.0;
  // >= 0: 0 is the exact |theta| (PyTorch's subgradient); s > 0 uses sqrt(theta^2 + s^2) - s,
  // which Ceres' line search can cross (the exact kinks stall it after a few hundred steps).
  double l1_smoothing = 0.0;

  // True when the values are in range (the model-dependent checks happen in the
  // objective's constructor); otherwise false and *error names the field, value and range.
  bool is_valid(std::string* error) const;
};

class HamiltonianObjective final : public Objective {
 public:
  // inputs: d x N states x_n (one per column, canonical order [q..., p...]);
  // targets: d x N time derivatives dx/dt at those states.
  // Throws hnn::Error naming the model and the sizes when d != model.input_dimension(),
  // targets is not d x N, N == 0, an output index used by the field type is not below
  // model.output_dimension(), d is odd for a solenoidal field, or the options are invalid.
  HamiltonianObjective(Model& model, Eigen::MatrixXd inputs, Eigen::MatrixXd targets,
                       HamiltonianObjectiveOptions options = {});
  ~HamiltonianObjective() override;

  int parameter_count() const override { return model_.parameter_count(); }

  // parameters: parameter_count() values (not null); value: not null; gradient: null (only
  // the value: one forward pass and the input gradients) or parameter_count() entries,
  // overwritten. Returns false when the value or the gradient is not finite.
  bool evaluate(const double* parameters, double* value, double* gradient) override;
  LossParts last_parts() const override { return last_parts_; }

  // The learned field f(x_n) of the last evaluate(), d x N.
  const Eigen::MatrixXd& last_field() const { return field_; }
  const Eigen::MatrixXd& inputs() const { return inputs_; }
  const Eigen::MatrixXd& targets() const { return targets_; }

  // Replaces the samples by others of the same shape, e.g. the next minibatch, without
  // allocating. Throws hnn::Error naming both shapes when they differ.
  void set_samples(const Eigen::Ref<const Eigen::MatrixXd>& inputs,
                   const Eigen::Ref<const Eigen::MatrixXd>& targets);
  const HamiltonianObjectiveOptions& options() const { return options_; }

 private:
  Model& model_;
  Eigen::MatrixXd inputs_;
  Eigen::MatrixXd targets_;
  HamiltonianObjectiveOptions options_;
  LossParts last_parts_;
  // Workspace, d x N each.
  Eigen::MatrixXd field_;
  Eigen::MatrixXd input_gradient_;
  Eigen::MatrixXd residual_;         // 2 (f - target) / (d N): dL/df
  Eigen::MatrixXd weights_;          // dL/d(dF/dx) for one output
  Eigen::VectorXd penalty_scratch_;  // gradient sink for a value-only model penalty
};

}  // namespace hnn

#endif  // HNN_HAMILTONIAN_OBJECTIVE_H_
