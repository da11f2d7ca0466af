// Lbfgs: limited-memory BFGS with a Wolfe line search, Ceres' GradientProblemSolver.
//
// One epoch is one Ceres iteration: a search direction from the L-BFGS history, a line
// search along it (several objective evaluations), and the accepted step. After epoch e the
// EpochCallback receives epoch = e, parameters = the accepted iterate x_e and
// objective_value = f(x_e); inside the callback objective.last_parts() describes x_e too (the
// optimizer re-evaluates there in the rare case that the line search's last trial point was
// another one). Returning false from the callback ends the run after that epoch
// (Termination::kStopped).
//
// Termination, with the Ceres termination type it comes from. summary.message is Ceres'
// own message, except for kStopped ("stopped by the epoch callback after epoch N").
//   kEpochs     NO_CONVERGENCE: every requested epoch ran.
//   kConverged  CONVERGENCE: a tolerance was met. With all three at 0 (the default) only
//               when the gradient is exactly zero or the objective did not change at all
//               over an epoch.
//   kStalled    CONVERGENCE with a step of exactly zero ("Parameter tolerance reached.
//               Relative step_norm: 0.000000e+00 <= ..."): the line search found no lower
//               point although the gradient is not zero, typically at a kink of a
//               non-smooth objective (the exact L1 penalty: use the owlqn optimizer) or
//               below rounding. summary.message is "stalled: ...; Ceres: " + Ceres' message.
//   kStopped    USER_SUCCESS: the callback returned false.
//   kFailed     FAILURE: the line search found no point with sufficient decrease (often:
//               the progress left is below rounding), the search direction broke down, or
//               the objective failed at the start.
// In every case the parameters are the last accepted iterate (the best point seen: every
// accepted step decreases the objective), or the start when no epoch completed, and
// summary.final_value is the objective there (NaN when the start failed to evaluate).
//
// Objective::evaluate returning false (a non-finite value or gradient counts as false too)
// is Ceres' failure protocol for a trial point: the line search shrinks its step and tries
// again; only when it cannot recover does the run end with kFailed. objective_evaluations
// counts every call of Objective::evaluate, line search trials included.
//
// Exceptions thrown by the objective or by the callback never cross Ceres' frames: they are
// caught, the solver is stopped, and the first one is rethrown from minimize() (the
// parameters are then the last reported iterate, or the start).
//
// Ceres' logging is off (logging_type SILENT): the optimizer prints nothing.
//
// No state (has_state() is false): Ceres keeps its L-BFGS memory inside one Solve() call and
// offers no way to read or set it, so a run stopped by the callback cannot be continued
// exactly. hnn-host --resume restarts such a stage from the saved parameters with a fresh
// memory for its remaining epochs and says so (resumed_without_optimizer_state).
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

#include <string>

#include "hnn/optimizer.h"
#include "hnn/option_binding.h"

namespace hnn::optimizers {

enum class LineSearchInterpolation { kCubic, kQuadratic, kBisection };

// The tolerances default to 0 (off), so a run does all its epochs unless the callback
// stops it or the line search can make no more progress.
struct LbfgsOptions {
  int epochs = 1000;  // >= 1: Ceres iterations (max_num_iterations)
  int memory = 20;    // >= 1: rank of the inverse Hessian approximation (max_lbfgs_rank)
  // The conditions a trial step must satisfy; only "wolfe": Ceres rejects Armijo for
  // (L-)BFGS, whose update needs the curvature condition to keep its inverse Hessian
  // approximation positive definite. The key states the choice in a pipeline.
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

 private:
  LbfgsOptions options_;
};

}  // namespace hnn::optimizers

#endif  // HNN_PLUGINS_LBFGS_LBFGS_H_
