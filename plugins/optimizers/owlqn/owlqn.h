// Owlqn: libLBFGS (Naoaki Okazaki's C library, Debian's liblbfgs-dev): L-BFGS with a
// backtracking line search (Wolfe conditions) and, when given an L1 weight, OWL-QN, the
// orthant-wise limited-memory quasi-Newton method of Andrew and Gao (2007).
//
// The exact L1 penalty. Owlqn handles the L1 penalty itself (Optimizer::handles_l1): after
// set_l1(c) with c > 0 it minimises f(θ) + c · Σ_i |θ_i|, where f is the Objective (which
// must then not contain the L1 term: the host leaves it out). OWL-QN keeps every step
// inside the orthant of its start, so parameters the penalty pushes to zero end at exactly
// 0 (not near it, as with a smoothed |θ|), and its pseudo-gradient is the minimum-norm
// subgradient, so it converges at the kinks where Ceres' L-BFGS stalls. With c = 0 (the
// default) it is plain L-BFGS.
//
// One epoch is one libLBFGS iteration: a direction from the L-BFGS history, a backtracking
// line search along it, the accepted step. After epoch e the EpochCallback receives epoch =
// e, parameters = the accepted iterate and objective_value = f(θ_e) + c · Σ|θ_e,i| there
// (value_at_parameters is true). Returning false ends the run after that epoch (kStopped).
//
// Termination (libLBFGS's status in summary.message):
//   kConverged  ‖pseudo-gradient‖ <= gradient_tolerance · max(1, ‖θ‖) (LBFGS_SUCCESS), or
//               the objective fell by less than function_tolerance (relative) over the
//               last epoch (LBFGS_STOP), or the start already met the gradient test.
//   kEpochs     every requested epoch ran (LBFGSERR_MAXIMUMITERATION).
//   kStopped    the callback returned false.
//   kStalled    the line search found no lower point along the direction, without any
//               failed evaluation (LBFGSERR_ROUNDING_ERROR, _MINIMUMSTEP, _MAXIMUMLINESEARCH,
//               ...): at a non-smooth minimum, once the progress left is below rounding, this
//               is how OWL-QN ends; the result is the last accepted iterate.
//   kFailed     the objective failed (Objective::evaluate returned false, or a non-finite
//               value or gradient) at the start or in the last line search, and the line
//               search could not recover.
// In every case the parameters are the last accepted iterate (libLBFGS reverts a failed
// line search), or the start, and summary.final_value is the objective with its L1 term
// there (NaN when the start failed to evaluate). A failed evaluation is given to libLBFGS as
// +infinity with a zero gradient, which its backtracking rejects.
//
// Exceptions thrown by the objective or by the callback never cross libLBFGS's C frames:
// the first is kept, the run is cancelled and it is rethrown from minimize() (the parameters
// are then the last reported iterate, or the start).
//
// objective_evaluations counts every call of Objective::evaluate, line search trials
// included. libLBFGS prints nothing.
//
// Example:
//
//   hnn::optimizers::OwlqnOptions options;
//   options.epochs = 5000;
//   hnn::optimizers::Owlqn owlqn(options);
//   owlqn.set_l1(1e-5);  // minimise objective + 1e-5 * sum |theta|
//   hnn::OptimizationSummary summary = owlqn.minimize(objective, parameters, on_epoch);
#ifndef HNN_PLUGINS_OWLQN_OWLQN_H_
#define HNN_PLUGINS_OWLQN_OWLQN_H_

#include "hnn/optimizer.h"
#include "hnn/option_binding.h"

namespace hnn::optimizers {

// The tolerances default to 0 (off): a run does all its epochs unless the callback stops
// it or the line search can make no more progress.
struct OwlqnOptions {
  int epochs = 1000;  // >= 1: libLBFGS iterations (max_iterations)
  int memory = 20;    // >= 1: corrections kept for the inverse Hessian approximation (m)
  // >= 0. Converged when ‖pseudo-gradient‖₂ <= gradient_tolerance · max(1, ‖θ‖₂) (epsilon).
  double gradient_tolerance = 0.0;
  // >= 0. Converged when |f_{e-1} - f_e| / |f_e| < function_tolerance (delta, past = 1).
  double function_tolerance = 0.0;
  int max_line_search = 40;  // >= 1: trial points per line search (max_linesearch)

  // The keys, ranges and meanings of the `owlqn` plugin's options; its defaults are the
  // defaults above.
  static const OptionBinding<OwlqnOptions>& binding();
};

class Owlqn final : public Optimizer {
 public:
  using Settings = OwlqnOptions;

  // Throws hnn::Error when !OwlqnOptions::binding().is_valid(options).
  explicit Owlqn(const OwlqnOptions& options);

  // See the file comment. `on_epoch` may be empty. Throws hnn::Error when
  // parameters.size() != objective.parameter_count() or the objective has no parameters.
  OptimizationSummary minimize(Objective& objective, Eigen::VectorXd& parameters,
                               const EpochCallback& on_epoch) override;

  // Owlqn minimises the L1 penalty itself: true.
  bool handles_l1() const override { return true; }
  // The weight c of c · Σ|θ_i| for the next minimize() calls; throws hnn::Error unless c is
  // finite and >= 0.
  void set_l1(double l1) override;

  const OwlqnOptions& options() const { return options_; }
  double l1() const { return l1_; }

 private:
  OwlqnOptions options_;
  double l1_ = 0.0;
};

}  // namespace hnn::optimizers

#endif  // HNN_PLUGINS_OWLQN_OWLQN_H_
