// Lbfgs: limited-memory BFGS with a strong-Wolfe line search: Ceres 2.1's line search
// minimiser (GradientProblemSolver with LBFGS directions and WOLFE search, its defaults)
// ported to hnn, with the vector work in fused passes over the OpenMP threads.
//
// One epoch is one iteration: a search direction from the L-BFGS history
// (inverse_hessian.h), a line search along it (line_search.h; several objective
// evaluations), and the accepted step. After epoch e the EpochCallback receives epoch = e,
// parameters = the accepted iterate x_e and objective_value = f(x_e); inside the callback
// objective.last_parts() describes x_e too (the optimizer re-evaluates there in the rare
// case that the line search's last trial point was another one). Returning false from the
// callback ends the run after that epoch (Termination::kStopped).
//
// The same algorithm as Ceres', decision for decision and with Ceres' messages, but for one
// rule: by default a new curvature pair is kept when s'y > 1e-14 |s| |y| (secant_condition
// relative), where Ceres keeps it when s'y > 1e-14, a test that depends on the objective's
// scale (inverse_hessian.h); secant_condition ceres restores Ceres' test. The dot products
// are summed in another order (in fixed blocks, vector_blocks.h), so the iterates differ
// from Ceres' in the last bits, and chaotic runs drift apart over many epochs.
// Results do not depend on the number of threads.
//
// Termination, and summary.message:
//   kEpochs     every requested epoch ran ("Maximum number of iterations reached.").
//   kConverged  a tolerance was met ("Parameter tolerance reached. ...", "Gradient
//               tolerance reached. ...", "Function tolerance reached. ..."). With all three
//               at 0 (the default) only when the gradient is exactly zero or the objective
//               did not change at all over an epoch.
//   kStalled    the accepted step is exactly zero: the line search found no lower point
//               although the gradient is not zero, typically at a kink of a non-smooth
//               objective (the exact L1 penalty: use the owlqn optimizer) or below rounding.
//               summary.message is "stalled: the line search found no lower point (a zero
//               step); Parameter tolerance reached. Relative step_norm: 0.000000e+00 <= ...".
//   kStopped    the callback returned false ("stopped by the epoch callback after epoch N").
//   kFailed     the line search found no point with sufficient decrease (often: the
//               progress left is below rounding), the search direction broke down after 5
//               restarts from steepest descent, or the objective failed at the start.
// In every case the parameters are the last accepted iterate (the best point seen: every
// accepted step decreases the objective), or the start when no epoch completed, and
// summary.final_value is the objective there (NaN when the start failed to evaluate).
//
// Objective::evaluate returning false (a non-finite value or gradient counts as false too)
// marks a trial point as failed: the line search shrinks its step and tries again; only
// when it cannot recover does the run end with kFailed. objective_evaluations counts every
// call of Objective::evaluate, line search trials included.
//
// Exceptions thrown by the objective or by the callback propagate out of minimize(); the
// parameters are then the last reported iterate, or the start.
//
// The optimizer prints nothing. Its vectors (2 x memory + 11 of the parameters' size) are
// allocated once per minimize() call; the epochs allocate nothing.
//
// State (has_state() is true): after a run the callback stopped, saved_state() holds what
// continues it exactly (restore_state() on an optimizer of the same options, then
// minimize() from the returned parameters): the same iterates, evaluations and summary as
// the uninterrupted run. OptimizerState::values, n parameters and k kept pairs:
//   [0] 1 (the layout), [1] n, [2] k, [3] direction restarts so far, [4] the last step
//   size, [5] f at the parameters, [6] f before the last epoch, [7] the scale of H_0,
//   [8] objective evaluations so far, [9, 9 + k) each pair's s'y (oldest first), then the
//   gradient at the parameters, the gradient before the last epoch, the last direction,
//   the k steps s and the k gradient changes y, n values each: 9 + k + (3 + 2k) n values
//   (14.2 MB of doubles for the study's MLP with memory 20).
//
// Example:
//
//   hnn::optimizers::LbfgsOptions options;
//   options.epochs = 500;
//   options.gradient_tolerance = 1e-10;
//   hnn::optimizers::Lbfgs lbfgs(options);
//   hnn::OptimizationSummary summary = lbfgs.minimize(objective, parameters, on_epoch);
#ifndef HNN_PLUGINS_LBFGS_LBFGS_H_
#define HNN_PLUGINS_LBFGS_LBFGS_H_

#include <optional>
#include <string>

#include "hnn/optimizer.h"
#include "hnn/option_binding.h"
#include "inverse_hessian.h"
#include "line_search.h"

namespace hnn::optimizers {

// The tolerances default to 0 (off), so a run does all its epochs unless the callback
// stops it or the line search can make no more progress.
struct LbfgsOptions {
  int epochs = 1000;  // >= 1: iterations (Ceres' max_num_iterations)
  int memory = 20;    // >= 1: rank of the inverse Hessian approximation (max_lbfgs_rank)
  // The conditions a trial step must satisfy; only "wolfe": the L-BFGS update needs the
  // curvature condition to keep its inverse Hessian approximation positive definite (Ceres
  // rejects Armijo for L-BFGS too). The key states the choice in a pipeline.
  std::string line_search = "wolfe";
  // Degree of the polynomial the line search fits to choose a trial step; bisection is a
  // pure backtracking search.
  LineSearchInterpolation line_search_interpolation = LineSearchInterpolation::kCubic;
  // >= 0. Converged when |f_{e-1} - f_e| <= function_tolerance * |f_{e-1}|.
  double function_tolerance = 0.0;
  // >= 0. Converged when max_i |gradient_i| <= gradient_tolerance.
  double gradient_tolerance = 0.0;
  // >= 0. Converged when |step| <= parameter_tolerance * (|x| + parameter_tolerance).
  double parameter_tolerance = 0.0;
  // Scale the initial inverse Hessian of every iteration by yᵀs / yᵀy of the newest pair
  // (Ceres's use_approximate_eigenvalue_bfgs_scaling; Nocedal & Wright eq. 7.20) instead of
  // the identity: invariant to the objective's scale, which matters for objectives far
  // below 1 in magnitude (the trajectory objective on fine steps). Off by default, as
  // Ceres, which every bundled result was produced with.
  bool eigenvalue_scaling = false;
  // When a new (s, y) pair updates the inverse Hessian (inverse_hessian.h): kRelative
  // (s'y > 1e-14 |s| |y|, the same at any scale of the objective) or kCeres (s'y > 1e-14,
  // Ceres' absolute test, which skips most pairs of objectives far below 1: use it to
  // compare with Ceres, or with runs made at c97cac6 or before, when it was the only one).
  SecantCondition secant_condition = SecantCondition::kRelative;

  // The keys, ranges and meanings of the `lbfgs` plugin's options; its defaults are the
  // defaults above. binding().is_valid(options, &error) checks a struct built in C++.
  static const OptionBinding<LbfgsOptions>& binding();
};

class Lbfgs final : public Optimizer {
 public:
  using Settings = LbfgsOptions;

  // Throws hnn::Error when !LbfgsOptions::binding().is_valid(options).
  explicit Lbfgs(const LbfgsOptions& options);

  // See the file comment. `on_epoch` may be empty. Throws hnn::Error when
  // parameters.size() != objective.parameter_count() or the objective has no parameters.
  OptimizationSummary minimize(Objective& objective, Eigen::VectorXd& parameters,
                               const EpochCallback& on_epoch) override;

  const LbfgsOptions& options() const { return options_; }

  bool has_state() const override { return true; }
  // Throws hnn::Error when the last minimize() call was not stopped by its callback.
  OptimizerState saved_state() const override;
  // Throws hnn::Error when `state` does not have the layout above, more pairs than
  // `memory` or more epochs than `epochs`; minimize() throws when its n is not the
  // objective's parameter count.
  void restore_state(const OptimizerState& state) override;

 private:
  LbfgsOptions options_;
  std::optional<OptimizerState> saved_;   // of the last minimize() call, when stopped
  std::optional<OptimizerState> resume_;  // for the next minimize() call
};

}  // namespace hnn::optimizers

#endif  // HNN_PLUGINS_LBFGS_LBFGS_H_
