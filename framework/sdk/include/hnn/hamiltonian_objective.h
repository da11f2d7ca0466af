// HamiltonianObjective: the HNN training loss of a Model on a batch of states and their
// time derivatives (spec hnn.md sections 1.2 and 1.4).
//
// The model's output `hamiltonian_output` plays the role of H_theta, and the learned vector
// field is
//
//   solenoidal    f(x) = J dF_H/dx = (dF_H/dp, -dF_H/dq)       (default, all experiments)
//   conservative  f(x) = dF_C/dx                              (F_C = output conservative_output)
//   both          the sum of the two (the original HNN code's field_type = "both"): the
//                 Helmholtz split of the dissipative HNN (D-HNN, Sosanya & Greydanus 2022),
//                 F_H the solenoidal (conserving) and F_C the dissipative potential
//
// and, with options.dissipation active (hnn/learned_dissipation.h), a learned damping and
// forcing on the momenta are added to the solenoidal part (port-Hamiltonian form):
//
//   f(x, t) = (J - R) dF_H/dx [+ dF_C/dx] + [0; F(t)],   R = [[0, 0], [0, D]],  D = L L^T
//
// D's factor L (constant form) and the forcing amplitudes are parameters of the objective
// after the model's: parameter_count() = model.parameter_count() +
// dissipation().parameter_count(), so that any optimizer trains them with the model.
//
// The objective value is
//
//   L(theta) = mean over all d x N entries of (f(x_n) - target_n)^2        (data_loss)
//            + l1 * sum_i |theta_i| + the model's own penalty, if it has one   (penalty)
//
// (the L1 sum runs over all parameter_count() parameters, the dissipation's included, as
// an optimizer that minimises the exact L1 itself does)
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

#include "hnn/learned_dissipation.h"
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
  // Learned damping and forcing (inactive by default: the conservative objective, bit for
  // bit). Needs the solenoidal part (field solenoidal or both); forcing needs the samples'
  // times.
  DissipationOptions dissipation;

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
  // model.output_dimension(), d is odd for a solenoidal field, or the options are invalid;
  // with dissipation, also when the field has no solenoidal part, when the state-dependent
  // damping's outputs are not all below model.output_dimension() (the message names
  // damping_output and the outputs needed), or when there is forcing and no times.
  HamiltonianObjective(Model& model, Eigen::MatrixXd inputs, Eigen::MatrixXd targets,
                       HamiltonianObjectiveOptions options = {});
  // The same with the time of every sample (times: N entries), which a learned forcing
  // F(t) needs; other objectives ignore them.
  HamiltonianObjective(Model& model, Eigen::MatrixXd inputs, Eigen::MatrixXd targets,
                       Eigen::VectorXd times, HamiltonianObjectiveOptions options);
  ~HamiltonianObjective() override;

  // The model's parameters, then the dissipation's.
  int parameter_count() const override {
    return model_.parameter_count() + dissipation_.parameter_count();
  }
  // The learned damping and forcing (parameter_count() 0 when options.dissipation is
  // inactive).
  const LearnedDissipation& dissipation() const { return dissipation_; }

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
  // The times stay those of the previous samples.
  void set_samples(const Eigen::Ref<const Eigen::MatrixXd>& inputs,
                   const Eigen::Ref<const Eigen::MatrixXd>& targets);
  // The same with the samples' times (N entries; the objective must have been made with
  // times).
  void set_samples(const Eigen::Ref<const Eigen::MatrixXd>& inputs,
                   const Eigen::Ref<const Eigen::MatrixXd>& targets,
                   const Eigen::Ref<const Eigen::VectorXd>& times);
  const HamiltonianObjectiveOptions& options() const { return options_; }

 private:
  void check_and_allocate();
  // cos(w_k t_s) and sin(w_k t_s) of the forcing, K x N, from times_.
  void tabulate_forcing();
  // The field, residual and dL/dg (weights_) with damping and forcing, and, when `gradient`
  // is not null, the dissipation's parameter gradient (and output_weights_ for the state
  // form); returns the sum of squared residuals.
  double dissipative_pass(const double* dissipation_parameters, double* gradient);

  Model& model_;
  Eigen::MatrixXd inputs_;
  Eigen::MatrixXd targets_;
  Eigen::VectorXd times_;  // empty when made without times
  HamiltonianObjectiveOptions options_;
  LearnedDissipation dissipation_;
  LossParts last_parts_;
  // Workspace, d x N each.
  Eigen::MatrixXd field_;
  Eigen::MatrixXd input_gradient_;
  Eigen::MatrixXd residual_;         // 2 (f - target) / (d N): dL/df
  Eigen::MatrixXd weights_;          // dL/d(dF/dx) for one output
  Eigen::VectorXd penalty_scratch_;  // gradient sink for a value-only model penalty
  // With dissipation only: L (n x n), L^T dH/dp and L^T r_p (n), the forcing's tables
  // (K x N), the model outputs and dL/d(outputs) (state form, k x N).
  Eigen::MatrixXd lower_;
  Eigen::VectorXd lower_gradient_, lower_residual_;
  Eigen::MatrixXd cosines_, sines_;
  Eigen::MatrixXd outputs_, output_weights_;
};

}  // namespace hnn

#endif  // HNN_HAMILTONIAN_OBJECTIVE_H_
