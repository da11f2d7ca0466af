#include "adam.h"

#include <omp.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "hnn/error.h"

namespace hnn::optimizers {
namespace {

constexpr double kNotEvaluated = std::numeric_limits<double>::quiet_NaN();

std::string epoch_name(int epoch) {
  return epoch == 0 ? std::string("the start parameters")
                    : "the parameters after epoch " + std::to_string(epoch);
}

// The constants of one step (adam.h's update for epoch e).
struct AdamStep {
  double beta1 = 0.0, one_minus_beta1 = 0.0, beta2 = 0.0, one_minus_beta2 = 0.0;
  double weight_decay = 0.0, eps = 0.0;
  double step_size = 0.0;              // lr / (1 - beta1^e)
  double bias_correction2_sqrt = 0.0;  // sqrt(1 - beta2^e)
};

// Below this many parameters the step stays on the calling thread (the fork costs more).
constexpr Eigen::Index kParallelStepSize = 16384;

// torch.optim.Adam's single-tensor step (amsgrad off), in its order of operations:
//   grad = grad.add(param, alpha=weight_decay)             if weight_decay != 0
//   exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
//   exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
//   denom = (exp_avg_sq.sqrt() / sqrt(bias_correction2)).add_(eps)
//   param.addcdiv_(exp_avg, denom, value=-lr / bias_correction1)
// Element-wise, as Eigen array expressions (SIMD: sqrt and division are correctly rounded
// in every lane, and no multiply-add is fused), in chunks over the OpenMP threads: the
// result does not depend on the vector width or the number of threads. Overwrites
// gradient with the decayed gradient.
void apply_adam_step(const AdamStep& c, Eigen::VectorXd& gradient, Eigen::VectorXd& first_moment,
                     Eigen::VectorXd& second_moment, Eigen::VectorXd& parameters) {
  const Eigen::Index size = parameters.size();
  auto chunk = [&](Eigen::Index begin, Eigen::Index count) {
    auto g = gradient.segment(begin, count).array();
    auto m = first_moment.segment(begin, count).array();
    auto v = second_moment.segment(begin, count).array();
    auto theta = parameters.segment(begin, count).array();
    if (c.weight_decay != 0.0) g = g + c.weight_decay * theta;
    m = m * c.beta1 + c.one_minus_beta1 * g;
    v = v * c.beta2 + (c.one_minus_beta2 * g) * g;
    theta = theta + (-c.step_size * m) / (v.sqrt() / c.bias_correction2_sqrt + c.eps);
  };
  const int threads = omp_get_max_threads();
  if (size < kParallelStepSize || threads < 2) {
    chunk(0, size);
    return;
  }
#pragma omp parallel for schedule(static)
  for (int t = 0; t < threads; ++t) {
    const Eigen::Index begin = size * t / threads;
    chunk(begin, size * (t + 1) / threads - begin);
  }
}

}  // namespace

const OptionBinding<AdamOptions>& AdamOptions::binding() {
  static const OptionBinding<AdamOptions> binding = [] {
    OptionBinding<AdamOptions> b("adam");
    b.bind("epochs", &AdamOptions::epochs, "full-batch steps, one per epoch").at_least(1);
    b.bind("lr", &AdamOptions::lr, "learning rate").greater_than(0.0);
    b.bind("beta1", &AdamOptions::beta1, "decay rate of the first-moment estimate")
        .at_least(0.0)
        .less_than(1.0);
    b.bind("beta2", &AdamOptions::beta2, "decay rate of the second-moment estimate")
        .at_least(0.0)
        .less_than(1.0);
    b.bind("eps", &AdamOptions::eps, "added to the bias-corrected square root of the second moment")
        .greater_than(0.0);
    b.bind("weight_decay", &AdamOptions::weight_decay,
           "coupled L2: adds weight_decay * parameters to the gradient (not AdamW)")
        .at_least(0.0);
    return b;
  }();
  return binding;
}

Adam::Adam(const AdamOptions& options) : options_(options) {
  AdamOptions::binding().check(options_);
}

OptimizationSummary Adam::minimize(Objective& objective, Eigen::VectorXd& parameters,
                                   const EpochCallback& on_epoch) {
  const Eigen::Index size = objective.parameter_count();
  if (parameters.size() != size) {
    throw Error("adam: the start vector has " + std::to_string(parameters.size()) +
                " entries but the objective has " + std::to_string(size) + " parameters");
  }

  // Allocated once; the epoch loop allocates nothing.
  Eigen::VectorXd gradient(size);
  OptimizationSummary summary;
  summary.final_value = kNotEvaluated;
  int first_epoch = 1;
  if (resume_) {
    if (resume_->first_moment.size() != size) {
      resume_.reset();
      throw Error("adam: the restored state was saved for a different number of parameters");
    }
    first_epoch = resume_->epochs + 1;
    summary.epochs = resume_->epochs;
    summary.objective_evaluations = resume_->epochs;  // one per epoch
    run_ = std::move(*resume_);
    resume_.reset();
  } else {
    run_ = RunState{};
    run_.first_moment = Eigen::VectorXd::Zero(size);
    run_.second_moment = Eigen::VectorXd::Zero(size);
    run_.last_good_parameters.resize(size);
    run_.last_good_value = kNotEvaluated;
  }
  Eigen::VectorXd& first_moment = run_.first_moment;
  Eigen::VectorXd& second_moment = run_.second_moment;
  Eigen::VectorXd& last_good_parameters = run_.last_good_parameters;
  double& last_good_value = run_.last_good_value;
  bool& have_last_good = run_.have_last_good;

  AdamStep step;
  step.beta1 = options_.beta1;
  step.one_minus_beta1 = 1.0 - options_.beta1;
  step.beta2 = options_.beta2;
  step.one_minus_beta2 = 1.0 - options_.beta2;
  step.weight_decay = options_.weight_decay;
  step.eps = options_.eps;

  auto fail = [&](int failing_epoch) {
    // The objective failed at the parameters after `failing_epoch` steps.
    if (have_last_good) {
      parameters = last_good_parameters;
      summary.final_value = last_good_value;
    }
    summary.termination = Termination::kFailed;
    summary.message = "objective evaluation failed (non-finite value) at " +
                      epoch_name(failing_epoch) + "; returned " +
                      (have_last_good ? epoch_name(failing_epoch - 1) : epoch_name(0));
  };

  for (int epoch = first_epoch; epoch <= options_.epochs; ++epoch) {
    double value = 0.0;
    ++summary.objective_evaluations;
    // A non-finite value or gradient that the objective did not flag is a failure too.
    if (!objective.evaluate(parameters.data(), &value, gradient.data()) || !std::isfinite(value) ||
        !gradient.allFinite()) {
      fail(epoch - 1);
      return summary;
    }
    last_good_parameters = parameters;  // same size: no allocation
    last_good_value = value;
    have_last_good = true;

    // The step (apply_adam_step: torch.optim.Adam in its order of operations).
    step.step_size = options_.lr / (1.0 - std::pow(step.beta1, epoch));
    step.bias_correction2_sqrt = std::sqrt(1.0 - std::pow(step.beta2, epoch));
    apply_adam_step(step, gradient, first_moment, second_moment, parameters);
    summary.epochs = epoch;
    run_.epochs = epoch;

    if (on_epoch) {
      const EpochState state{epoch, value, &parameters, /*value_at_parameters=*/false};
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

  // The objective at the returned parameters, for final_value.
  double final_value = 0.0;
  ++summary.objective_evaluations;
  if (!objective.evaluate(parameters.data(), &final_value, nullptr) ||
      !std::isfinite(final_value)) {
    fail(summary.epochs);
    return summary;
  }
  summary.final_value = final_value;
  return summary;
}

// Layout of OptimizerState::values: the first moment, the second moment, the last
// parameters at which the objective evaluated finite (n entries each), the objective there,
// and 1 when those are set (0 before the first evaluation).
OptimizerState Adam::saved_state() const {
  OptimizerState state;
  state.epochs = run_.epochs;
  const Eigen::Index size = run_.first_moment.size();
  state.values.reserve(std::size_t(3 * size + 2));
  for (const Eigen::VectorXd* vector :
       {&run_.first_moment, &run_.second_moment, &run_.last_good_parameters}) {
    state.values.insert(state.values.end(), vector->data(), vector->data() + size);
  }
  state.values.push_back(run_.last_good_value);
  state.values.push_back(run_.have_last_good ? 1.0 : 0.0);
  return state;
}

void Adam::restore_state(const OptimizerState& state) {
  const std::size_t count = state.values.size();
  if (count < 2 || (count - 2) % 3 != 0 || state.epochs < 0 || state.epochs > options_.epochs) {
    throw Error("adam: a saved state has 3 n + 2 values and at most epochs = " +
                std::to_string(options_.epochs) + " epochs; this one has " + std::to_string(count) +
                " values and " + std::to_string(state.epochs) + " epochs");
  }
  const auto size = Eigen::Index((count - 2) / 3);
  RunState run;
  run.epochs = int(state.epochs);
  const double* values = state.values.data();
  run.first_moment = Eigen::Map<const Eigen::VectorXd>(values, size);
  run.second_moment = Eigen::Map<const Eigen::VectorXd>(values + size, size);
  run.last_good_parameters = Eigen::Map<const Eigen::VectorXd>(values + 2 * size, size);
  run.last_good_value = values[3 * size];
  run.have_last_good = values[3 * size + 1] != 0.0;
  resume_ = std::move(run);
}

}  // namespace hnn::optimizers
