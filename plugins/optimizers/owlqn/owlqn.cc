#include "owlqn.h"

#include <lbfgs.h>

#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <string>

#include "hnn/error.h"
#include "hnn/options.h"

namespace hnn::optimizers {
namespace {

constexpr double kNotEvaluated = std::numeric_limits<double>::quiet_NaN();
constexpr double kFailedValue = std::numeric_limits<double>::infinity();
// What the progress callback returns to end the run (a code libLBFGS never returns itself
// from a progress report).
constexpr int kCancel = LBFGSERR_CANCELED;

// libLBFGS's status codes, by name, for summary.message.
std::string status_name(int status) {
  switch (status) {
    case LBFGS_SUCCESS:
      return "LBFGS_SUCCESS";
    case LBFGS_STOP:
      return "LBFGS_STOP";
    case LBFGS_ALREADY_MINIMIZED:
      return "LBFGS_ALREADY_MINIMIZED";
    case LBFGSERR_ROUNDING_ERROR:
      return "LBFGSERR_ROUNDING_ERROR (no step satisfies the line search conditions)";
    case LBFGSERR_MINIMUMSTEP:
      return "LBFGSERR_MINIMUMSTEP (the line search step became smaller than 1e-20)";
    case LBFGSERR_MAXIMUMSTEP:
      return "LBFGSERR_MAXIMUMSTEP";
    case LBFGSERR_MAXIMUMLINESEARCH:
      return "LBFGSERR_MAXIMUMLINESEARCH (the line search used all its trial points)";
    case LBFGSERR_MAXIMUMITERATION:
      return "LBFGSERR_MAXIMUMITERATION";
    case LBFGSERR_WIDTHTOOSMALL:
      return "LBFGSERR_WIDTHTOOSMALL";
    case LBFGSERR_INCREASEGRADIENT:
      return "LBFGSERR_INCREASEGRADIENT (the search direction is not a descent direction)";
    case LBFGSERR_INVALIDPARAMETERS:
      return "LBFGSERR_INVALIDPARAMETERS";
    case LBFGSERR_OUTOFMEMORY:
      return "LBFGSERR_OUTOFMEMORY";
    default:
      return "libLBFGS status " + std::to_string(status);
  }
}

// What libLBFGS's callbacks share during one minimize() call.
struct Run {
  Run(Objective& objective, Eigen::VectorXd& parameters, const EpochCallback& on_epoch, double l1)
      : objective(objective), parameters(parameters), on_epoch(on_epoch), l1(l1) {}

  Objective& objective;
  Eigen::VectorXd& parameters;  // the reported iterates
  const EpochCallback& on_epoch;
  double l1;

  long evaluations = 0;
  bool started = false;       // the start has been evaluated
  bool start_failed = false;  // ... and failed: every later call is skipped, the run cancelled
  long failures_since_epoch = 0;
  int epoch = 0;
  double value = kNotEvaluated;  // the objective (with its L1 term) at the last iterate
  double gradient_norm = kNotEvaluated, parameter_norm = kNotEvaluated;
  bool stopped = false;
  std::exception_ptr exception;  // the first one thrown by the objective or the callback

  lbfgsfloatval_t evaluate(const lbfgsfloatval_t* x, lbfgsfloatval_t* g, int n) {
    const bool at_start = !started;
    started = true;
    // Once the minimum is reached exactly, libLBFGS's update divides by a zero step and its
    // next trial point is NaN: that is the search breaking down, not the objective failing.
    const bool breakdown = !Eigen::Map<const Eigen::VectorXd>(x, n).allFinite();
    bool succeeded = false;
    double f = 0.0;
    if (breakdown) {
      Eigen::Map<Eigen::VectorXd>(g, n).setZero();
      return kFailedValue;
    }
    if (!exception && !start_failed) {
      ++evaluations;
      try {
        succeeded = objective.evaluate(x, &f, g) && std::isfinite(f) &&
                    Eigen::Map<const Eigen::VectorXd>(g, n).allFinite();
      } catch (...) {
        exception = std::current_exception();
      }
    }
    if (!succeeded) {
      Eigen::Map<Eigen::VectorXd>(g, n).setZero();
      ++failures_since_epoch;
      if (at_start) start_failed = true;
      return kFailedValue;
    }
    if (at_start) {
      value = f + l1 * Eigen::Map<const Eigen::VectorXd>(x, n).lpNorm<1>();
    }
    return f;
  }

  int progress(const lbfgsfloatval_t* x, lbfgsfloatval_t fx, lbfgsfloatval_t xnorm,
               lbfgsfloatval_t gnorm, int n, int k) {
    if (start_failed || exception) return kCancel;
    epoch = k;
    value = fx;
    parameter_norm = xnorm;
    gradient_norm = gnorm;
    failures_since_epoch = 0;
    parameters = Eigen::Map<const Eigen::VectorXd>(x, n);
    if (!on_epoch) return 0;
    try {
      if (on_epoch(EpochState{k, fx, &parameters})) return 0;
      stopped = true;
    } catch (...) {
      exception = std::current_exception();
    }
    return kCancel;
  }
};

lbfgsfloatval_t evaluate_callback(void* instance, const lbfgsfloatval_t* x, lbfgsfloatval_t* g,
                                  const int n, const lbfgsfloatval_t /*step*/) {
  return static_cast<Run*>(instance)->evaluate(x, g, n);
}

int progress_callback(void* instance, const lbfgsfloatval_t* x, const lbfgsfloatval_t* /*g*/,
                      const lbfgsfloatval_t fx, const lbfgsfloatval_t xnorm,
                      const lbfgsfloatval_t gnorm, const lbfgsfloatval_t /*step*/, int n, int k,
                      int /*ls*/) {
  return static_cast<Run*>(instance)->progress(x, fx, xnorm, gnorm, n, k);
}

lbfgs_parameter_t to_lbfgs(const OwlqnOptions& options, double l1, int size) {
  lbfgs_parameter_t parameters;
  lbfgs_parameter_init(&parameters);
  parameters.m = options.memory;
  parameters.epsilon = options.gradient_tolerance;
  parameters.past = options.function_tolerance > 0.0 ? 1 : 0;
  parameters.delta = options.function_tolerance;
  parameters.max_iterations = options.epochs;
  // The only line search libLBFGS offers for OWL-QN; used for plain L-BFGS too, so that
  // l1 = 0 and l1 > 0 differ in nothing else.
  parameters.linesearch = LBFGS_LINESEARCH_BACKTRACKING;
  parameters.max_linesearch = options.max_line_search;
  parameters.orthantwise_c = l1;
  if (l1 > 0.0) {
    parameters.orthantwise_start = 0;
    parameters.orthantwise_end = size;
  }
  return parameters;
}

// Frees an array of lbfgs_malloc.
struct LbfgsFree {
  void operator()(lbfgsfloatval_t* x) const { lbfgs_free(x); }
};

}  // namespace

const OptionBinding<OwlqnOptions>& OwlqnOptions::binding() {
  static const OptionBinding<OwlqnOptions> binding = [] {
    OptionBinding<OwlqnOptions> b("owlqn");
    b.bind("epochs", &OwlqnOptions::epochs, "libLBFGS iterations, one per epoch").at_least(1);
    b.bind("memory", &OwlqnOptions::memory,
           "number of past steps in the inverse Hessian approximation")
        .at_least(1);
    b.bind("gradient_tolerance", &OwlqnOptions::gradient_tolerance,
           "converged when |pseudo-gradient| <= this * max(1, |parameters|); 0: off")
        .at_least(0.0);
    b.bind("function_tolerance", &OwlqnOptions::function_tolerance,
           "converged when |change of objective| < this * |objective| over an epoch; 0: off")
        .at_least(0.0);
    b.bind("max_line_search", &OwlqnOptions::max_line_search,
           "trial points per backtracking line search")
        .at_least(1);
    b.require_finite({"gradient_tolerance", "function_tolerance"});
    return b;
  }();
  return binding;
}

Owlqn::Owlqn(const OwlqnOptions& options) : options_(options) {
  OwlqnOptions::binding().check(options_);
}

void Owlqn::set_l1(double l1) {
  if (!std::isfinite(l1) || l1 < 0.0) {
    throw Error("owlqn: the L1 weight must be finite and >= 0, got " + format_option_value(l1));
  }
  l1_ = l1;
}

OptimizationSummary Owlqn::minimize(Objective& objective, Eigen::VectorXd& parameters,
                                    const EpochCallback& on_epoch) {
  const int size = objective.parameter_count();
  if (parameters.size() != size) {
    throw Error("owlqn: the start vector has " + std::to_string(parameters.size()) +
                " entries but the objective has " + std::to_string(size) + " parameters");
  }
  if (size < 1) throw Error("owlqn: the objective has no parameters");

  const Eigen::VectorXd start = parameters;
  const std::unique_ptr<lbfgsfloatval_t, LbfgsFree> x(lbfgs_malloc(size));
  if (!x) throw Error("owlqn: cannot allocate " + std::to_string(size) + " parameters");
  Eigen::Map<Eigen::VectorXd>(x.get(), size) = parameters;

  Run run(objective, parameters, on_epoch, l1_);
  lbfgs_parameter_t lbfgs_parameters = to_lbfgs(options_, l1_, size);
  lbfgsfloatval_t final_value = 0.0;
  const int status = lbfgs(size, x.get(), &final_value, evaluate_callback, progress_callback, &run,
                           &lbfgs_parameters);
  if (run.exception) std::rethrow_exception(run.exception);

  OptimizationSummary summary;
  summary.epochs = run.epoch;
  summary.objective_evaluations = run.evaluations;
  if (run.start_failed) {
    parameters = start;
    summary.termination = Termination::kFailed;
    summary.final_value = kNotEvaluated;
    summary.message = "the objective failed at the start";
    return summary;
  }
  // The last accepted iterate: libLBFGS reverts a failed line search to it.
  parameters = Eigen::Map<const Eigen::VectorXd>(x.get(), size);
  summary.final_value = run.value;
  const std::string epochs = std::to_string(run.epoch);
  if (run.stopped) {
    summary.termination = Termination::kStopped;
    summary.message = "stopped by the epoch callback after epoch " + epochs;
  } else if (status == LBFGS_SUCCESS) {
    summary.termination = Termination::kConverged;
    summary.message = "gradient tolerance reached: |pseudo-gradient| " +
                      format_option_value(run.gradient_norm) +
                      " <= " + format_option_value(options_.gradient_tolerance) + " * max(1, |x| " +
                      format_option_value(run.parameter_norm) + ") after epoch " + epochs;
  } else if (status == LBFGS_STOP) {
    summary.termination = Termination::kConverged;
    summary.message = "function tolerance reached: the objective changed by less than " +
                      format_option_value(options_.function_tolerance) + " (relative) in epoch " +
                      epochs;
  } else if (status == LBFGS_ALREADY_MINIMIZED) {
    summary.termination = Termination::kConverged;
    summary.message = "the start already meets the gradient tolerance";
  } else if (status == LBFGSERR_MAXIMUMITERATION) {
    summary.termination = Termination::kEpochs;
    summary.message = "ran all " + epochs + " epochs";
  } else if (run.failures_since_epoch > 0) {
    summary.termination = Termination::kFailed;
    summary.message = "the objective failed in the line search of epoch " +
                      std::to_string(run.epoch + 1) + " and no lower point was found (" +
                      status_name(status) + "); the parameters are those of epoch " + epochs;
  } else {
    summary.termination = Termination::kStalled;
    summary.message = "stalled: the line search of epoch " + std::to_string(run.epoch + 1) +
                      " found no lower point (" + status_name(status) +
                      "); the parameters are those of epoch " + epochs;
  }
  return summary;
}

}  // namespace hnn::optimizers
