// LbfgsTorch: PyTorch's L-BFGS without line search, as pykan 0.0.5 ships it (kan.LBFGS,
// spec kan.md §7) and as the KAN-HNN author trains with it: one step(closure) per epoch,
// lr = 1e-3, twenty quasi-Newton iterations of fixed length per call. It reproduces the
// author's optimisation path; for fast convergence use `lbfgs` (Ceres, with line search).
//
// One epoch is one step() call of LbfgsTorchStepper (lbfgs_torch_stepper.h, which states the
// algorithm): up to max_iter iterations and effective_max_eval() evaluations. The stepper's
// state (memory, H_diag, d, t, previous gradient and loss, the counters n_iter and
// func_evals) persists over the epochs of one minimize() call and starts afresh with the
// next call, as a new torch.optim.LBFGS object would.
//
// Reporting: after epoch e the EpochCallback receives epoch = e, parameters = θ_e (where the
// call left them) and objective_value = f(θ_{e-1}), the objective at the start of the call:
// the value PyTorch's step() returns and a PyTorch training loop prints. Inside the callback,
// objective.last_parts() describes the call's last evaluation, which is at θ_e only when the
// call ended after re-evaluating (not after max_iter iterations). A callback that needs f(θ_e)
// evaluates it itself. Returning false ends the run after that epoch (kStopped).
//
// Termination:
//   kEpochs     every requested epoch ran. Also when the optimiser is frozen (kan.md §7.3:
//               a call stops at g·d > -tolerance_change before updating, and every later
//               call repeats it with one evaluation and no change) or the gradient is below
//               tolerance_grad: PyTorch's loop goes on calling step(), and so does this one.
//               summary.message then says since which epoch the parameters have not changed.
//   kStopped    the callback returned false.
//   kFailed     an evaluation failed (Objective::evaluate returned false, or a non-finite
//               value or gradient); the parameters are restored to the last point at which
//               the objective evaluated successfully (inside the failing call, possibly),
//               or to the start when not even that evaluation succeeded.
// kConverged is never returned.
//
// summary.message always ends with PyTorch's counters, "n_iter = N, func_evals = M"; they are
// also available from n_iter() and func_evals() (during the run: so far; after it: in total).
// summary.final_value is f at the returned parameters (NaN when the start failed); when the
// last evaluation was not there (the last call ended at max_iter) the optimizer evaluates once
// more, so objective_evaluations = func_evals + 1 in that case (and it counts failed
// evaluations too).
//
// Exceptions thrown by the objective or the callback propagate; the parameters are then the
// last reported ones, or the start.
//
// State (Optimizer::has_state): the stepper's whole state and the epoch count are saved after
// a stopped run and restored before the next, which then continues bit for bit as the
// uninterrupted run, counters and message included.
//
// Not thread-safe: one minimize() call at a time per object (it keeps the run's state for
// n_iter(), func_evals() and stepper()).
//
// No heap allocation per epoch: the stepper allocates its memory once per minimize() call,
// 2 (history_size + 1) + 5 vectors of the parameter count.
//
// Example (the author's setting is the default):
//
//   hnn::optimizers::LbfgsTorchOptions options;
//   options.epochs = 300;
//   hnn::optimizers::LbfgsTorch lbfgs(options);
//   hnn::OptimizationSummary summary = lbfgs.minimize(objective, parameters, on_epoch);
//   long iterations = lbfgs.n_iter();  // torch's state["n_iter"]
#ifndef HNN_PLUGINS_LBFGS_TORCH_LBFGS_TORCH_H_
#define HNN_PLUGINS_LBFGS_TORCH_LBFGS_TORCH_H_

#include <memory>
#include <optional>

#include "hnn/optimizer.h"
#include "lbfgs_torch_options.h"
#include "lbfgs_torch_stepper.h"

namespace hnn::optimizers {

class LbfgsTorch final : public Optimizer {
 public:
  using Settings = LbfgsTorchOptions;

  // Throws hnn::Error when !LbfgsTorchOptions::binding().is_valid(options).
  explicit LbfgsTorch(const LbfgsTorchOptions& options);
  ~LbfgsTorch() override;

  // See the file comment. `on_epoch` may be empty. Throws hnn::Error when
  // parameters.size() != objective.parameter_count() or the objective has no parameters.
  OptimizationSummary minimize(Objective& objective, Eigen::VectorXd& parameters,
                               const EpochCallback& on_epoch) override;

  const LbfgsTorchOptions& options() const { return options_; }

  // PyTorch's state["n_iter"] and state["func_evals"] of the current minimize() call (from
  // inside the callback: after the epoch being reported), or of the last one; 0 before the
  // first.
  long n_iter() const { return stepper_ ? stepper_->n_iter() : 0; }
  long func_evals() const { return stepper_ ? stepper_->func_evals() : 0; }
  // The state of the current or last minimize() call; null before the first.
  const LbfgsTorchStepper* stepper() const { return stepper_.get(); }

  bool has_state() const override { return true; }
  // See Optimizer. Layout: the first epoch since which the parameters have not changed (0:
  // they changed in the last one), why (a LbfgsTorchStepper::CallEnd), then the stepper's
  // saved_state().
  OptimizerState saved_state() const override;
  void restore_state(const OptimizerState& state) override;

 private:
  LbfgsTorchOptions options_;
  std::unique_ptr<LbfgsTorchStepper> stepper_;
  int epochs_done_ = 0;  // of the current or last minimize() call
  int unchanged_since_ = 0;
  LbfgsTorchStepper::CallEnd unchanged_reason_ = LbfgsTorchStepper::CallEnd::kFailed;
  std::optional<OptimizerState> resume_;  // set by restore_state for the next minimize()
};

}  // namespace hnn::optimizers

#endif  // HNN_PLUGINS_LBFGS_TORCH_LBFGS_TORCH_H_
