#include "lbfgs_torch.h"

#include <cmath>
#include <exception>
#include <limits>
#include <string>

#include "hnn/error.h"

namespace hnn::optimizers {
namespace {

constexpr double kNotEvaluated = std::numeric_limits<double>::quiet_NaN();
// OptimizerState::values: unchanged_since, unchanged_reason, then the stepper's state.
constexpr std::size_t kOwnStateValues = 2;

std::string counters(const LbfgsTorchStepper& stepper) {
  return "n_iter = " + std::to_string(stepper.n_iter()) +
         ", func_evals = " + std::to_string(stepper.func_evals());
}

}  // namespace

LbfgsTorch::LbfgsTorch(const LbfgsTorchOptions& options) : options_(options) {
  LbfgsTorchOptions::binding().check(options_);
}

LbfgsTorch::~LbfgsTorch() = default;

OptimizationSummary LbfgsTorch::minimize(Objective& objective, Eigen::VectorXd& parameters,
                                         const EpochCallback& on_epoch) {
  const int size = objective.parameter_count();
  if (parameters.size() != size) {
    throw Error("lbfgs_torch: the start vector has " + std::to_string(parameters.size()) +
                " entries but the objective has " + std::to_string(size) + " parameters");
  }
  if (size < 1) throw Error("lbfgs_torch: the objective has no parameters");

  stepper_.reset();  // release the last run's memory before allocating the next
  stepper_ = std::make_unique<LbfgsTorchStepper>(options_, size);
  LbfgsTorchStepper& stepper = *stepper_;
  // The parameters reported last (the start before epoch 1): restored when the objective
  // throws in the middle of a call.
  Eigen::VectorXd reported = parameters;

  OptimizationSummary summary;
  summary.final_value = kNotEvaluated;
  // First epoch of the current run of epochs that did not change the parameters (0: the
  // last epoch changed them), and why the first of them did not.
  int& unchanged_since = unchanged_since_;
  LbfgsTorchStepper::CallEnd& unchanged_reason = unchanged_reason_;
  unchanged_since = 0;
  unchanged_reason = LbfgsTorchStepper::CallEnd::kFailed;
  epochs_done_ = 0;
  int first_epoch = 1;
  if (resume_) {
    const OptimizerState state = std::move(*resume_);
    resume_.reset();
    stepper.restore(state.values.data() + kOwnStateValues, state.values.size() - kOwnStateValues);
    unchanged_since = int(state.values[0]);
    unchanged_reason = LbfgsTorchStepper::CallEnd(int(state.values[1]));
    epochs_done_ = int(state.epochs);
    first_epoch = epochs_done_ + 1;
    summary.epochs = epochs_done_;
    summary.objective_evaluations = stepper.func_evals();  // failed calls end a run
  }

  auto fail = [&](int epoch) {
    summary.termination = Termination::kFailed;
    std::string restored;
    if (stepper.has_last_good()) {
      parameters = stepper.last_good_parameters();
      summary.final_value = stepper.last_good_value();
      restored = "returned the parameters of the last successful evaluation";
    } else {
      parameters = reported;
      restored = "returned the start parameters";
    }
    summary.message = "objective evaluation failed (non-finite value or gradient) in epoch " +
                      std::to_string(epoch) + "; " + restored + " (" + counters(stepper) + ")";
  };

  for (int epoch = first_epoch; epoch <= options_.epochs; ++epoch) {
    LbfgsTorchStepper::CallResult call;
    try {
      call = stepper.step(objective, parameters);
    } catch (...) {
      parameters = reported;
      throw;
    }
    summary.objective_evaluations += call.evaluations;
    if (call.end == LbfgsTorchStepper::CallEnd::kFailed) {
      ++summary.objective_evaluations;  // the failed one
      fail(epoch);
      return summary;
    }
    summary.epochs = epoch;
    epochs_done_ = epoch;
    if (call.updated) {
      unchanged_since = 0;
    } else if (unchanged_since == 0) {
      unchanged_since = epoch;
      unchanged_reason = call.end;
    }

    if (on_epoch) {
      reported = parameters;  // same size: no allocation
      const EpochState state{epoch, call.loss, &parameters, /*value_at_parameters=*/false};
      if (!on_epoch(state)) {
        summary.termination = Termination::kStopped;
        summary.message = "stopped by the epoch callback after epoch " + std::to_string(epoch);
        break;
      }
    }
  }
  if (summary.termination != Termination::kStopped) {
    summary.termination = Termination::kEpochs;
    summary.message = "ran all " + std::to_string(options_.epochs) + " epochs";
  }
  if (unchanged_since != 0) {
    summary.message +=
        unchanged_reason == LbfgsTorchStepper::CallEnd::kGradientTolerance
            ? "; max |gradient| <= tolerance_grad, parameters unchanged since epoch "
            : "; frozen (g.d > -tolerance_change), parameters unchanged since epoch ";
    summary.message += std::to_string(unchanged_since);
  }
  summary.message += " (" + counters(stepper) + ")";

  // f at the returned parameters: known unless the last call ended with an update it did not
  // evaluate (at max_iter).
  if (stepper.evaluated_at_result()) {
    summary.final_value = stepper.last_good_value();
    return summary;
  }
  double final_value = 0.0;
  ++summary.objective_evaluations;
  if (!objective.evaluate(parameters.data(), &final_value, nullptr) ||
      !std::isfinite(final_value)) {
    summary.termination = Termination::kFailed;
    summary.message =
        "objective evaluation failed (non-finite value) at the parameters after "
        "epoch " +
        std::to_string(summary.epochs) +
        "; returned the parameters of the last successful evaluation (" + counters(stepper) + ")";
    parameters = stepper.last_good_parameters();
    summary.final_value = stepper.last_good_value();
    return summary;
  }
  summary.final_value = final_value;
  return summary;
}

OptimizerState LbfgsTorch::saved_state() const {
  if (!stepper_) throw Error("lbfgs_torch: no state to save before the first minimize() call");
  OptimizerState state;
  state.epochs = epochs_done_;
  state.values = {double(unchanged_since_), double(int(unchanged_reason_))};
  const std::vector<double> stepper = stepper_->saved_state();
  state.values.insert(state.values.end(), stepper.begin(), stepper.end());
  return state;
}

void LbfgsTorch::restore_state(const OptimizerState& state) {
  // The stepper's part: 9 scalars, then h pairs of 2 n + 1 values and 4 n values, with the
  // history length h its third scalar; n follows, and must be a positive integer.
  const std::size_t count = state.values.size();
  const std::size_t scalars = kOwnStateValues + 9;
  const double history = count >= scalars ? state.values[kOwnStateValues + 2] : -1.0;
  const bool history_valid =
      history >= 0 && history <= options_.history_size && history == std::floor(history);
  const std::size_t h = history_valid ? std::size_t(history) : 0;
  const std::size_t rest = count >= scalars ? count - scalars : 0;
  const bool layout_valid = history_valid && rest > h && (rest - h) % (2 * h + 4) == 0;
  if (!layout_valid || state.epochs < 0 || state.epochs > options_.epochs || state.values[1] < 0 ||
      state.values[1] > double(int(LbfgsTorchStepper::CallEnd::kFailed))) {
    throw Error("lbfgs_torch: the saved state does not fit (" +
                std::to_string(state.values.size()) + " values, " + std::to_string(state.epochs) +
                " of at most " + std::to_string(options_.epochs) + " epochs)");
  }
  resume_ = state;  // the stepper checks the rest when minimize() restores it
}

}  // namespace hnn::optimizers
