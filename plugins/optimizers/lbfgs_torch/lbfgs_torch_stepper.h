// LbfgsTorchStepper: one torch.optim.LBFGS.step(closure) at a time (pykan 0.0.5's kan.LBFGS,
// no line search), with the state that PyTorch keeps between calls (spec kan.md §7.2).
//
// A call of step() on parameters θ, with f the objective and g its gradient:
//
//   1. Evaluate f(θ), g (one evaluation). If max|g| <= tolerance_grad, return (no update,
//      no iteration counted).
//   2. For it = 1 .. max_iter (n_iter, the count over all calls, grows by one each time):
//      a. Direction d. On the very first iteration of the run (n_iter == 1): d = -g, empty
//         memory, H_diag = 1. Otherwise y = g - g_prev, s = t·d (the previous direction and
//         step length, also when that step was not taken), and when y·s > tolerance_ys the
//         pair (y, s, ρ = 1/y·s) enters the memory (dropping the oldest of history_size)
//         and H_diag = y·s / y·y. Then the two-loop recursion: q = -g; newest to oldest
//         α_i = ρ_i s_i·q, q -= α_i y_i; r = H_diag q; oldest to newest β_i = ρ_i y_i·r,
//         r += (α_i - β_i) s_i; d = r.
//      b. g_prev = g, loss_prev = loss.
//      c. t = min(1, 1/‖g‖₁)·lr on the very first iteration of the run, else t = lr.
//      d. If g·d > -tolerance_change: stop before updating (CallEnd::kDirectionalDerivative).
//      e. θ += t·d.
//      f. If it < max_iter: evaluate f(θ), g (one evaluation).
//      g. Stop when it == max_iter; evaluations in this call >= effective_max_eval(); after
//         f, max|g| <= tolerance_grad; max|t·d| <= tolerance_change; or
//         |loss - loss_prev| < tolerance_change.
//   3. Return the loss of step 1 (PyTorch returns the closure's first value).
//
// The floating-point operations are PyTorch's, in its order, except the reductions (dot
// products, norms), whose summation order is Eigen's: iterates agree with PyTorch float64 to
// rounding, not bit for bit.
//
// Frozen state (kan.md §7.3): once a call stops at 2d, the next call evaluates at the same θ,
// so y = 0, y·s = 0 <= tolerance_ys, the memory is unchanged, d is the same and the call stops
// at 2d again, with one evaluation and one iteration per call, for good (for a deterministic
// objective). The stepper does nothing special about it: it happens as in PyTorch.
//
// Failure: when the objective returns false, or a non-finite value or gradient, step() stops
// at once with CallEnd::kFailed and leaves θ where the evaluation failed; the last point at
// which the objective evaluated successfully and its value are kept (last_good_parameters(),
// last_good_value()) for the caller to restore. The state is then unusable: call reset().
// Exceptions thrown by the objective propagate; the state is then unusable likewise.
//
// Memory: 2 (history_size + 1) + 4 vectors of the parameter count, all allocated by the
// constructor or reset(); step() does not allocate heap memory.
//
// Not thread-safe. Example (what LbfgsTorch::minimize does):
//
//   hnn::optimizers::LbfgsTorchStepper stepper(options, objective.parameter_count());
//   for (int epoch = 1; epoch <= options.epochs; ++epoch) {
//     const auto call = stepper.step(objective, parameters);
//     if (call.end == hnn::optimizers::LbfgsTorchStepper::CallEnd::kFailed) break;
//     // call.loss is f at the parameters the call started from.
//   }
#ifndef HNN_PLUGINS_LBFGS_TORCH_LBFGS_TORCH_STEPPER_H_
#define HNN_PLUGINS_LBFGS_TORCH_LBFGS_TORCH_STEPPER_H_

#include <Eigen/Core>
#include <string>
#include <vector>

#include "hnn/objective.h"
#include "lbfgs_torch_options.h"

namespace hnn::optimizers {

class LbfgsTorchStepper {
 public:
  // Why a step() call ended.
  enum class CallEnd {
    kGradientTolerance,      // 1: max|g| <= tolerance_grad at the start; no iteration
    kDirectionalDerivative,  // 2d: g·d > -tolerance_change, before updating θ
    kMaxIter,                // 2g: it == max_iter (the new θ is not evaluated)
    kMaxEval,                // 2g: evaluations in this call >= effective_max_eval()
    kOptimality,             // 2g: max|g| <= tolerance_grad at the new θ
    kSmallStep,              // 2g: max|t·d| <= tolerance_change
    kSmallLossChange,        // 2g: |loss - loss_prev| < tolerance_change
    kFailed,                 // an evaluation failed (see the file comment)
  };

  struct CallResult {
    CallEnd end = CallEnd::kFailed;
    // f at the parameters the call started from (PyTorch's return value); NaN when that
    // evaluation failed.
    double loss = 0.0;
    int iterations = 0;    // iterations of this call (added to n_iter())
    int evaluations = 0;   // successful evaluations of this call (added to func_evals())
    bool updated = false;  // θ changed during the call
  };

  // Throws hnn::Error when !LbfgsTorchOptions::binding().is_valid(options) or
  // parameter_count < 1.
  LbfgsTorchStepper(const LbfgsTorchOptions& options, int parameter_count);

  // Forgets everything (memory, counters, last good point): the next step() is the first.
  void reset();

  // Everything step() carries from one call to the next, as reals (counters exact up to
  // 2^53), in a layout that restore() reads back: the counters and scalars, then the memory
  // oldest pair first, then g, g_prev, d and the last good point. Bit for bit: a restored
  // stepper's next step() is the one the saved stepper would have made.
  std::vector<double> saved_state() const;
  // Restores saved_state() of a stepper with the same options and parameter count. Throws
  // hnn::Error when `values` has the wrong size or an impossible history length.
  void restore(const double* values, std::size_t count);

  // One step(closure) on `parameters` (parameter_count() entries, else hnn::Error). See the
  // file comment.
  CallResult step(Objective& objective, Eigen::VectorXd& parameters);

  int parameter_count() const { return static_cast<int>(gradient_.size()); }
  const LbfgsTorchOptions& options() const { return options_; }

  // PyTorch's state["n_iter"] and state["func_evals"]: iterations and evaluations over all
  // calls since construction or reset() (a failed evaluation is not counted).
  long n_iter() const { return n_iter_; }
  long func_evals() const { return func_evals_; }

  // The memory: history_length() pairs, index 0 the oldest.
  int history_length() const { return history_count_; }
  Eigen::MatrixXd::ConstColXpr history_y(int index) const;
  Eigen::MatrixXd::ConstColXpr history_s(int index) const;
  double history_rho(int index) const;
  double h_diag() const { return h_diag_; }

  // The last direction d and step length t (what the next call uses to form s = t·d); the
  // gradient of the last successful evaluation.
  const Eigen::VectorXd& direction() const { return direction_; }
  double step_length() const { return step_length_; }
  const Eigen::VectorXd& gradient() const { return gradient_; }

  // The last point at which the objective evaluated successfully, and f there. Only
  // meaningful when has_last_good() (false before the first successful evaluation).
  bool has_last_good() const { return has_last_good_; }
  const Eigen::VectorXd& last_good_parameters() const { return last_good_parameters_; }
  double last_good_value() const { return last_good_value_; }
  // True when the last successful evaluation was at the parameters as step() left them
  // (false when the call ended with an update it did not evaluate, i.e. at max_iter).
  bool evaluated_at_result() const { return evaluated_at_result_; }

 private:
  // Evaluates f and g at `parameters` into *loss and gradient_; false on failure.
  bool evaluate(Objective& objective, const Eigen::VectorXd& parameters, double* loss);
  // Column of the ring buffers for memory index `index` (0 = oldest); index ==
  // history_count_ is the free column, where a new pair is formed.
  Eigen::Index column(int index) const;
  // d = -H g by the two-loop recursion over the memory.
  void compute_direction();

  LbfgsTorchOptions options_;
  long n_iter_ = 0;
  long func_evals_ = 0;

  // Ring buffers of history_size + 1 columns: the memory and one free column.
  Eigen::MatrixXd old_dirs_;   // y's (PyTorch's old_dirs)
  Eigen::MatrixXd old_steps_;  // s's (PyTorch's old_stps)
  Eigen::VectorXd rho_;        // 1 / y·s, per column
  Eigen::VectorXd alpha_;      // α of the first loop, by memory index
  int history_start_ = 0;      // column of the oldest pair
  int history_count_ = 0;
  double h_diag_ = 1.0;

  Eigen::VectorXd gradient_;           // g of the last successful evaluation
  Eigen::VectorXd previous_gradient_;  // PyTorch's prev_flat_grad
  Eigen::VectorXd direction_;          // d
  double step_length_ = 0.0;           // t
  double previous_loss_ = 0.0;         // PyTorch's prev_loss

  Eigen::VectorXd last_good_parameters_;
  double last_good_value_ = 0.0;
  bool has_last_good_ = false;
  bool evaluated_at_result_ = false;
};

// "gradient_tolerance", "directional_derivative", "max_iter", "max_eval", "optimality",
// "small_step", "small_loss_change", "failed".
std::string to_string(LbfgsTorchStepper::CallEnd end);

}  // namespace hnn::optimizers

#endif  // HNN_PLUGINS_LBFGS_TORCH_LBFGS_TORCH_STEPPER_H_
