#include "lbfgs.h"

#include <ceres/first_order_function.h>
#include <ceres/gradient_problem.h>
#include <ceres/gradient_problem_solver.h>
#include <ceres/iteration_callback.h>

#include <cmath>
#include <exception>
#include <limits>

#include "hnn/error.h"

namespace hnn::optimizers {
namespace {

constexpr double kNotEvaluated = std::numeric_limits<double>::quiet_NaN();

// What the Ceres adapters share during one minimize() call.
struct Run {
  Run(Objective& objective, Eigen::VectorXd& parameters, const EpochCallback& on_epoch)
      : objective(objective),
        parameters(parameters),
        on_epoch(on_epoch),
        last_evaluated_point(parameters.size()) {}

  Objective& objective;
  Eigen::VectorXd& parameters;  // Ceres writes every accepted iterate here
  const EpochCallback& on_epoch;

  long evaluations = 0;
  // The point of the last successful evaluation: objective.last_parts() belongs to it.
  Eigen::VectorXd last_evaluated_point;
  bool last_evaluation_succeeded = false;
  int reported_epoch = 0;
  // The first exception thrown by the objective or the callback. Once set, every further
  // evaluation fails and the callback aborts, so that Ceres returns promptly.
  std::exception_ptr exception;

  // Calls the objective; false on failure, also when it throws (the exception is kept).
  bool evaluate(const double* point, double* value, double* gradient) {
    if (exception) return false;
    ++evaluations;
    bool succeeded = false;
    try {
      // A non-finite value or gradient that the objective did not flag is a failure too:
      // Ceres must never see one.
      succeeded = objective.evaluate(point, value, gradient) && std::isfinite(*value) &&
                  (gradient == nullptr ||
                   Eigen::Map<const Eigen::VectorXd>(gradient, parameters.size()).allFinite());
    } catch (...) {
      exception = std::current_exception();
      succeeded = false;
    }
    last_evaluation_succeeded = succeeded;
    if (succeeded)
      last_evaluated_point = Eigen::Map<const Eigen::VectorXd>(point, parameters.size());
    return succeeded;
  }

  // Reports `epoch` (whose iterate is in `parameters`) to the callback; returns its answer.
  bool report(int epoch, double value) {
    reported_epoch = epoch;
    if (!on_epoch) return true;
    // The line search usually ends on the point it accepts; when it does not, evaluate there
    // again so that last_parts() describes the reported parameters.
    if (!last_evaluation_succeeded || last_evaluated_point != parameters) {
      double ignored_value = 0.0;
      evaluate(parameters.data(), &ignored_value, nullptr);
    }
    const EpochState state{epoch, value, &parameters};
    return on_epoch(state);
  }
};

// The Objective as a Ceres FirstOrderFunction (Ceres' failure protocol: return false).
class ObjectiveFunction final : public ceres::FirstOrderFunction {
 public:
  explicit ObjectiveFunction(Run& run) : run_(run) {}

  bool Evaluate(const double* parameters, double* cost, double* gradient) const override {
    return run_.evaluate(parameters, cost, gradient);
  }
  int NumParameters() const override { return static_cast<int>(run_.parameters.size()); }

 private:
  Run& run_;
};

// Reports Ceres iterations 1, 2, ... as epochs. Iteration 0 is the start point.
class EpochReporter final : public ceres::IterationCallback {
 public:
  explicit EpochReporter(Run& run) : run_(run) {}

  ceres::CallbackReturnType operator()(const ceres::IterationSummary& summary) override {
    if (run_.exception) return ceres::SOLVER_ABORT;
    if (summary.iteration == 0) return ceres::SOLVER_CONTINUE;
    try {
      return run_.report(summary.iteration, summary.cost) ? ceres::SOLVER_CONTINUE
                                                          : ceres::SOLVER_TERMINATE_SUCCESSFULLY;
    } catch (...) {
      run_.exception = std::current_exception();
      return ceres::SOLVER_ABORT;
    }
  }

 private:
  Run& run_;
};

ceres::LineSearchInterpolationType to_ceres(LineSearchInterpolation interpolation) {
  switch (interpolation) {
    case LineSearchInterpolation::kQuadratic:
      return ceres::QUADRATIC;
    case LineSearchInterpolation::kBisection:
      return ceres::BISECTION;
    case LineSearchInterpolation::kCubic:
      break;
  }
  return ceres::CUBIC;
}

ceres::GradientProblemSolver::Options to_ceres(const LbfgsOptions& options) {
  ceres::GradientProblemSolver::Options result;
  result.line_search_direction_type = ceres::LBFGS;
  result.line_search_type = ceres::WOLFE;  // options.line_search, the only choice
  result.max_lbfgs_rank = options.memory;
  result.line_search_interpolation_type = to_ceres(options.line_search_interpolation);
  result.max_num_iterations = options.epochs;
  result.function_tolerance = options.function_tolerance;
  result.gradient_tolerance = options.gradient_tolerance;
  result.parameter_tolerance = options.parameter_tolerance;
  result.use_approximate_eigenvalue_bfgs_scaling = options.eigenvalue_scaling;
  result.logging_type = ceres::SILENT;
  result.minimizer_progress_to_stdout = false;
  // The state-updating callback runs before ours, so `parameters` holds the iterate that
  // the EpochReporter reports.
  result.update_state_every_iteration = true;
  return result;
}

Termination to_termination(ceres::TerminationType type) {
  switch (type) {
    case ceres::CONVERGENCE:
      return Termination::kConverged;
    case ceres::NO_CONVERGENCE:
      return Termination::kEpochs;
    case ceres::USER_SUCCESS:
    case ceres::USER_FAILURE:
      return Termination::kStopped;
    case ceres::FAILURE:
      break;
  }
  return Termination::kFailed;
}

// Ceres reports a line search that returned a zero step as CONVERGENCE ("Parameter tolerance
// reached. Relative step_norm: 0.000000e+00 <= ..."): with the tolerance at 0 (the default)
// it is a stall, at a kink of the objective or below rounding, not a met tolerance.
bool is_zero_step_stall(const ceres::GradientProblemSolver::Summary& summary) {
  return summary.termination_type == ceres::CONVERGENCE &&
         summary.message.rfind("Parameter tolerance reached.", 0) == 0 &&
         summary.message.find("step_norm: 0.000000e+00 <=") != std::string::npos;
}

}  // namespace

const OptionBinding<LbfgsOptions>& LbfgsOptions::binding() {
  static const OptionBinding<LbfgsOptions> binding = [] {
    OptionBinding<LbfgsOptions> b("lbfgs");
    b.bind("epochs", &LbfgsOptions::epochs, "L-BFGS iterations, one per epoch").at_least(1);
    b.bind("memory", &LbfgsOptions::memory,
           "number of past steps in the inverse Hessian approximation")
        .at_least(1);
    b.bind("line_search", &LbfgsOptions::line_search,
           "line search conditions (Ceres requires Wolfe for L-BFGS)")
        .one_of({"wolfe"});
    b.bind_choice("line_search_interpolation", &LbfgsOptions::line_search_interpolation,
                  {{"cubic", LineSearchInterpolation::kCubic},
                   {"quadratic", LineSearchInterpolation::kQuadratic},
                   {"bisection", LineSearchInterpolation::kBisection}},
                  "polynomial that chooses trial steps; bisection backtracks");
    b.bind("function_tolerance", &LbfgsOptions::function_tolerance,
           "converged when |change of objective| <= this * |objective|; 0: off")
        .at_least(0.0);
    b.bind("gradient_tolerance", &LbfgsOptions::gradient_tolerance,
           "converged when max |gradient entry| <= this; 0: off")
        .at_least(0.0);
    b.bind("parameter_tolerance", &LbfgsOptions::parameter_tolerance,
           "converged when |step| <= this * (|parameters| + this); 0: off")
        .at_least(0.0);
    b.bind("eigenvalue_scaling", &LbfgsOptions::eigenvalue_scaling,
           "scale the initial inverse Hessian by y's/y'y (Nocedal & Wright 7.20) instead of "
           "the identity: invariant to the objective's scale; false as Ceres");
    // Ceres keeps `memory` pairs (s, y) of parameter-sized vectors, and a few more.
    b.estimate_resources([](const LbfgsOptions& options, const ResourceContext& context) {
      const double vectors = 2.0 * double(options.memory) + 6.0;
      return ResourceEstimate{8.0 * vectors * double(context.parameters), -1,
                              "memory " + std::to_string(options.memory)};
    });
    return b;
  }();
  return binding;
}

Lbfgs::Lbfgs(const LbfgsOptions& options) : options_(options) {
  LbfgsOptions::binding().check(options_);
  std::string error;
  if (!to_ceres(options_).IsValid(&error)) throw Error("lbfgs: " + error);
}

OptimizationSummary Lbfgs::minimize(Objective& objective, Eigen::VectorXd& parameters,
                                    const EpochCallback& on_epoch) {
  const int size = objective.parameter_count();
  if (parameters.size() != size) {
    throw Error("lbfgs: the start vector has " + std::to_string(parameters.size()) +
                " entries but the objective has " + std::to_string(size) + " parameters");
  }
  if (size < 1) throw Error("lbfgs: the objective has no parameters");

  Run run(objective, parameters, on_epoch);
  EpochReporter reporter(run);
  ceres::GradientProblemSolver::Options solver_options = to_ceres(options_);
  solver_options.callbacks.push_back(&reporter);
  const ceres::GradientProblem problem(new ObjectiveFunction(run));  // takes ownership
  ceres::GradientProblemSolver::Summary ceres_summary;
  ceres::Solve(solver_options, problem, parameters.data(), &ceres_summary);

  if (run.exception) std::rethrow_exception(run.exception);

  OptimizationSummary summary;
  summary.termination = to_termination(ceres_summary.termination_type);
  summary.epochs = ceres_summary.iterations.empty() ? 0 : ceres_summary.iterations.back().iteration;
  summary.message = ceres_summary.message;
  if (is_zero_step_stall(ceres_summary)) {
    summary.termination = Termination::kStalled;
    summary.message = "stalled: the line search found no lower point (a zero step); Ceres: " +
                      ceres_summary.message;
  }
  if (ceres_summary.iterations.empty()) {
    // Converged at the start point, or the start failed to evaluate.
    summary.final_value = summary.termination == Termination::kConverged ||
                                  summary.termination == Termination::kStalled
                              ? ceres_summary.initial_cost
                              : kNotEvaluated;
  } else {
    summary.final_value = ceres_summary.iterations.back().cost;
  }
  if (summary.termination == Termination::kStopped) {
    summary.message = "stopped by the epoch callback after epoch " + std::to_string(summary.epochs);
  }

  // Ceres does not run the callbacks for the iteration that meets a tolerance; report it
  // here (the run is over, so the callback's answer does not matter).
  if (summary.epochs > run.reported_epoch) {
    run.report(summary.epochs, summary.final_value);
  }
  summary.objective_evaluations = run.evaluations;
  return summary;
}

}  // namespace hnn::optimizers
