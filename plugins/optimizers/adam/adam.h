// Adam: the optimizer of the original HNN code, step for step PyTorch's torch.optim.Adam
// (amsgrad off), with weight decay as coupled L2 (spec hnn.md §5.1).
//
// One epoch is one full-batch step. For epoch e = 1, 2, ... with θ_0 the start vector:
//
//   f_e = f(θ_{e-1}),  g = ∇f(θ_{e-1})          one Objective::evaluate with gradient
//   g ← g + weight_decay · θ_{e-1}               coupled L2, before the moments (not AdamW)
//   m ← beta1 · m + (1 − beta1) · g              m, v start at 0
//   v ← beta2 · v + (1 − beta2) · g²
//   θ_e = θ_{e-1} − (lr / (1 − beta1^e)) · m / (sqrt(v) / sqrt(1 − beta2^e) + eps)
//
// evaluated in the same order of floating-point operations as PyTorch's single-tensor
// implementation (versions 1.5 to 2.0: `exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)`),
// so that the iterates agree with PyTorch (float64) to rounding. Later versions update m
// with lerp_, which differs in the last bit; versions before 1.5 added eps to sqrt(v)
// before the bias correction, which differs wherever |g| is not large against eps.
//
// Reporting: after the step of epoch e the EpochCallback receives epoch = e, parameters =
// θ_e (the new parameters) and objective_value = f_e = f(θ_{e-1}), the objective evaluated
// at the start of the epoch, before the step: the number a PyTorch training loop prints
// after `loss.backward(); optimizer.step()`. Inside the callback, objective.last_parts()
// describes that same evaluation (at θ_{e-1}). A callback that needs the objective at θ_e
// evaluates it itself.
//
// Evaluations: one per epoch, plus one at the end, at the returned parameters, so that
// OptimizationSummary::final_value is the objective there (epochs + 1 in a normal run).
//
// Failure: when Objective::evaluate returns false (or a non-finite value or gradient that
// it did not flag), the run stops with Termination::kFailed and the parameters are restored
// to the last point at which the objective evaluated successfully (θ_{e-2} when the
// evaluation at θ_{e-1} failed); final_value is the objective there, or NaN when not even
// the start could be evaluated. summary.epochs counts the steps taken, including the one
// that led to the failing point.
//
// State (Optimizer::has_state): the moments, the epoch count (for the bias corrections) and
// the last good point are saved after a stopped run and restored before the next, which
// then continues bit for bit as the uninterrupted run (objective_evaluations counts one per
// restored epoch).
//
// No heap allocation per step: the moment and scratch vectors are allocated once per run.
// The step runs in SIMD lanes and, from 16 384 parameters on, split over the OpenMP threads;
// each entry's operations and their order are those above, so results depend on neither
// (tests/optimizers/adam_test.cc).
//
// Example:
//
//   hnn::optimizers::AdamOptions options;
//   options.epochs = 2000;
//   options.weight_decay = 1e-4;
//   hnn::optimizers::Adam adam(options);
//   Eigen::VectorXd parameters = model.initial_parameters();
//   hnn::OptimizationSummary summary = adam.minimize(objective, parameters, on_epoch);
#ifndef HNN_PLUGINS_ADAM_ADAM_H_
#define HNN_PLUGINS_ADAM_ADAM_H_

#include <optional>
#include <string>

#include "hnn/optimizer.h"
#include "hnn/option_binding.h"

namespace hnn::optimizers {

// Defaults are PyTorch's, except epochs, which is the original HNN spring setting.
struct AdamOptions {
  int epochs = 2000;          // >= 1: full-batch steps
  double lr = 1e-3;           // > 0: learning rate
  double beta1 = 0.9;         // in [0, 1): decay of the first moment
  double beta2 = 0.999;       // in [0, 1): decay of the second moment
  double eps = 1e-8;          // > 0: added to the bias-corrected sqrt(v)
  double weight_decay = 0.0;  // >= 0: coupled L2 coefficient

  // The keys, ranges and meanings of the `adam` plugin's options; its defaults are the
  // defaults above. binding().is_valid(options, &error) checks a struct built in C++.
  static const OptionBinding<AdamOptions>& binding();
};

class Adam final : public Optimizer {
 public:
  using Settings = AdamOptions;

  // Throws hnn::Error when !AdamOptions::binding().is_valid(options).
  explicit Adam(const AdamOptions& options);

  // See the file comment. `on_epoch` may be empty. Throws hnn::Error when
  // parameters.size() != objective.parameter_count(); exceptions thrown by the objective or
  // the callback propagate (the parameters are then the last reported ones, or the start).
  OptimizationSummary minimize(Objective& objective, Eigen::VectorXd& parameters,
                               const EpochCallback& on_epoch) override;

  const AdamOptions& options() const { return options_; }

  bool has_state() const override { return true; }
  // See Optimizer; the layout is documented in adam.cc.
  OptimizerState saved_state() const override;
  void restore_state(const OptimizerState& state) override;

 private:
  // What one minimize() call carries from epoch to epoch.
  struct RunState {
    int epochs = 0;  // completed
    Eigen::VectorXd first_moment, second_moment;
    Eigen::VectorXd last_good_parameters;  // where the objective last evaluated finite
    double last_good_value = 0.0;
    bool have_last_good = false;
  };

  AdamOptions options_;
  RunState run_;                    // of the current or last minimize() call
  std::optional<RunState> resume_;  // set by restore_state for the next minimize() call
};

}  // namespace hnn::optimizers

#endif  // HNN_PLUGINS_ADAM_ADAM_H_
