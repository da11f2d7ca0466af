#include "lbfgs.h"

#include <array>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "hnn/error.h"
#include "inverse_hessian.h"
#include "line_search.h"
#include "vector_blocks.h"
#include "vector_kernels.h"

namespace hnn::optimizers {
namespace {

constexpr double kNotEvaluated = std::numeric_limits<double>::quiet_NaN();
// Ceres' default: after this many restarts from steepest descent a failing direction ends
// the run.
constexpr int kMaxDirectionRestarts = 5;

// OptimizerState::values (lbfgs.h): the scalars first, then each pair's s'y and the vectors.
constexpr double kStateLayout = 1.0;
constexpr std::size_t kStateScalars = 9;

std::string format(const char* pattern, ...) {
  char text[512];
  va_list arguments;
  va_start(arguments, pattern);
  std::vsnprintf(text, sizeof text, pattern, arguments);
  va_end(arguments);
  return text;
}

bool all_finite(const VectorBlocks& blocks, const double* vector) {
  const Eigen::Map<const Eigen::VectorXd> v(vector, blocks.size());
  return blocks.max([&](Eigen::Index begin, Eigen::Index length) {
    return v.segment(begin, length).allFinite() ? 0.0 : 1.0;
  }) == 0.0;
}

double blocked_dot(const VectorBlocks& blocks, const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  return blocks.sum([&](Eigen::Index begin, Eigen::Index length) {
    return dot(a.data() + begin, b.data() + begin, length);
  });
}

double max_norm(const VectorBlocks& blocks, const Eigen::VectorXd& v) {
  return blocks.max([&](Eigen::Index begin, Eigen::Index length) {
    return v.segment(begin, length).lpNorm<Eigen::Infinity>();
  });
}

// max_i |g_i| over one block as Ceres forms it for its tests and first step:
// |x - (x + (-g))|, which rounds like x.
template <class Block>
double ceres_gradient_max_norm(const Block& x, const Block& gradient) {
  return (x - (x + (-gradient))).template lpNorm<Eigen::Infinity>();
}

double gradient_max_norm_at(const VectorBlocks& blocks, const Eigen::VectorXd& x,
                            const Eigen::VectorXd& gradient) {
  return blocks.max([&](Eigen::Index begin, Eigen::Index length) {
    return ceres_gradient_max_norm(x.segment(begin, length), gradient.segment(begin, length));
  });
}

// The objective as the minimiser calls it, and the line along which the line search
// evaluates it: x + step d, into one of three point buffers (a line search keeps at most
// two samples while it makes a third).
class SearchLine final : public LineFunction {
 public:
  static constexpr int kPoints = 3;
  static constexpr int kParameters = -1;  // last_point(): the minimiser's own iterate
  static constexpr int kNone = -2;

  SearchLine(Objective& objective, const VectorBlocks& blocks, const Eigen::VectorXd& x,
             const Eigen::VectorXd& direction)
      : objective_(objective), blocks_(blocks), x_(x), direction_(direction) {
    for (int i = 0; i < kPoints; ++i) {
      points_[i].resize(blocks.size());
      gradients_[i].resize(blocks.size());
    }
  }

  // Objective::evaluate, counted; false also for a non-finite value or gradient. `where`
  // names the point for last_point() (kParameters or a point buffer).
  bool call(int where, const double* point, double* value, double* gradient) {
    return call_unchecked(where, point, value, gradient) &&
           (gradient == nullptr || checked_gradient(gradient));
  }

  LineSample evaluate(double step, int keep_a, int keep_b) override {
    int point = 0;
    while (point == keep_a || point == keep_b) ++point;
    Eigen::VectorXd& trial = points_[point];
    blocks_.for_each([&](Eigen::Index begin, Eigen::Index length) {
      trial.segment(begin, length) =
          x_.segment(begin, length) + step * direction_.segment(begin, length);
    });
    LineSample sample;
    sample.step = step;
    sample.point = point;
    double* gradient = gradients_[point].data();
    if (!call_unchecked(point, trial.data(), &sample.value, gradient)) return sample;
    sample.slope = blocked_dot(blocks_, direction_, gradients_[point]);
    // A non-finite gradient entry makes the slope non-finite, so a finite slope spares the
    // check of every entry.
    if (!std::isfinite(sample.slope) && !checked_gradient(gradient)) return sample;
    sample.value_valid = true;
    sample.slope_valid = std::isfinite(sample.slope);
    return sample;
  }

  double direction_max_norm() const override { return direction_max_norm_; }
  // Call when the direction changed.
  void direction_changed() { direction_max_norm_ = max_norm(blocks_, direction_); }

  Eigen::VectorXd& point(int i) { return points_[i]; }
  Eigen::VectorXd& gradient(int i) { return gradients_[i]; }
  // Where the objective last evaluated successfully (its last_parts() belong there): a
  // point buffer, kParameters, or kNone.
  int last_point() const { return last_point_; }
  void set_last_point(int where) { last_point_ = where; }
  long evaluations() const { return evaluations_; }
  void set_evaluations(long evaluations) { evaluations_ = evaluations; }

 private:
  Objective& objective_;
  const VectorBlocks& blocks_;
  const Eigen::VectorXd& x_;
  const Eigen::VectorXd& direction_;
  std::array<Eigen::VectorXd, kPoints> points_;
  std::array<Eigen::VectorXd, kPoints> gradients_;
  double direction_max_norm_ = 0.0;
  long evaluations_ = 0;
  int last_point_ = kNone;

  // Objective::evaluate, counted; false also for a non-finite value.
  bool call_unchecked(int where, const double* point, double* value, double* gradient) {
    ++evaluations_;
    last_point_ = kNone;
    const bool succeeded = objective_.evaluate(point, value, gradient) && std::isfinite(*value);
    if (succeeded) last_point_ = where;
    return succeeded;
  }

  // Whether every entry of the gradient just evaluated is finite; the evaluation failed
  // when not.
  bool checked_gradient(const double* gradient) {
    if (all_finite(blocks_, gradient)) return true;
    last_point_ = kNone;
    return false;
  }
};

}  // namespace

const OptionBinding<LbfgsOptions>& LbfgsOptions::binding() {
  static const OptionBinding<LbfgsOptions> binding = [] {
    OptionBinding<LbfgsOptions> b("lbfgs");
    b.bind("epochs", &LbfgsOptions::epochs, "L-BFGS iterations, one per epoch").at_least(1);
    b.bind("memory", &LbfgsOptions::memory,
           "number of past steps in the inverse Hessian approximation")
        .at_least(1);
    b.bind("line_search", &LbfgsOptions::line_search,
           "line search conditions (L-BFGS requires Wolfe)")
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
    b.bind_choice("secant_condition", &LbfgsOptions::secant_condition,
                  {{"relative", SecantCondition::kRelative}, {"ceres", SecantCondition::kCeres}},
                  "when a step updates the inverse Hessian: relative, s'y > 1e-14 |s||y| (any "
                  "scale), or ceres, s'y > 1e-14 (Ceres' test: skips most updates of small "
                  "objectives)");
    // memory + 1 pairs (s, y) of parameter-sized vectors, three trial points with their
    // gradients, the gradient, the previous one and the direction.
    b.estimate_resources([](const LbfgsOptions& options, const ResourceContext& context) {
      const double vectors = 2.0 * double(options.memory) + 11.0;
      return ResourceEstimate{8.0 * vectors * double(context.parameters), -1,
                              "memory " + std::to_string(options.memory)};
    });
    return b;
  }();
  return binding;
}

Lbfgs::Lbfgs(const LbfgsOptions& options) : options_(options) {
  LbfgsOptions::binding().check(options_);
}

OptimizationSummary Lbfgs::minimize(Objective& objective, Eigen::VectorXd& parameters,
                                    const EpochCallback& on_epoch) {
  const Eigen::Index size = objective.parameter_count();
  if (parameters.size() != size) {
    throw Error("lbfgs: the start vector has " + std::to_string(parameters.size()) +
                " entries but the objective has " + std::to_string(size) + " parameters");
  }
  if (size < 1) throw Error("lbfgs: the objective has no parameters");

  // Allocated once; the epochs allocate nothing.
  const VectorBlocks blocks(size);
  Eigen::VectorXd& x = parameters;  // the accepted iterate
  Eigen::VectorXd gradient(size), previous_gradient(size), direction(size);
  SearchLine line(objective, blocks, x, direction);
  LbfgsInverseHessian inverse_hessian(blocks, options_.memory, options_.eigenvalue_scaling,
                                      options_.secant_condition);
  Eigen::MatrixXd accept_partials(blocks.count(), 3);
  WolfeSearchOptions search_options;
  search_options.interpolation = options_.line_search_interpolation;

  OptimizationSummary summary;
  const auto finish = [&](Termination termination, std::string message) {
    summary.termination = termination;
    summary.message = std::move(message);
    summary.objective_evaluations = line.evaluations();
    return summary;
  };

  saved_.reset();
  double cost = 0.0, previous_cost = 0.0, step_size = 0.0;
  int restarts = 0;
  int first_epoch = 1;
  if (resume_) {
    // Continue a stopped run where its epoch ended (restore_state checked the layout).
    const OptimizerState state = std::move(*resume_);
    resume_.reset();
    const std::vector<double>& v = state.values;
    if (Eigen::Index(v[1]) != size) {
      throw Error("lbfgs: the restored state was saved for " + std::to_string(Eigen::Index(v[1])) +
                  " parameters, the objective has " + std::to_string(size));
    }
    const int pairs = int(v[2]);
    restarts = int(v[3]);
    step_size = v[4];
    cost = v[5];
    previous_cost = v[6];
    line.set_evaluations(long(v[8]));
    const double* vectors = v.data() + kStateScalars + pairs;
    gradient = Eigen::Map<const Eigen::VectorXd>(vectors, size);
    previous_gradient = Eigen::Map<const Eigen::VectorXd>(vectors + size, size);
    direction = Eigen::Map<const Eigen::VectorXd>(vectors + 2 * size, size);
    for (int i = 0; i < pairs; ++i) {
      inverse_hessian.restore_pair(vectors + (3 + i) * size, vectors + (3 + pairs + i) * size,
                                   v[kStateScalars + i]);
    }
    inverse_hessian.restore_eigenvalue_scale(v[7]);
    first_epoch = int(state.epochs) + 1;
    summary.epochs = int(state.epochs);
    summary.final_value = cost;
  } else {
    if (!line.call(SearchLine::kParameters, x.data(), &cost, gradient.data())) {
      summary.final_value = kNotEvaluated;
      return finish(Termination::kFailed, "Initial cost and jacobian evaluation failed.");
    }
    summary.final_value = cost;
    previous_cost = cost;
  }
  double gradient_max_norm = gradient_max_norm_at(blocks, x, gradient);
  if (first_epoch == 1 && gradient_max_norm <= options_.gradient_tolerance) {
    return finish(Termination::kConverged,
                  format("Gradient tolerance reached. Gradient max norm: %e <= %e",
                         gradient_max_norm, options_.gradient_tolerance));
  }
  if (first_epoch > options_.epochs) {
    return finish(Termination::kEpochs, "Maximum number of iterations reached.");
  }

  for (int epoch = first_epoch;; ++epoch) {
    // The search direction: steepest descent first and after a restart, L-BFGS otherwise.
    bool direction_is_lbfgs = epoch > 1;
    double slope = 0.0;
    if (direction_is_lbfgs) {
      slope = inverse_hessian.next_direction(step_size, direction, gradient, previous_gradient);
      if (!(slope < 0.0)) {
        // Not a descent direction: H lost positive definiteness (rounding).
        if (restarts >= kMaxDirectionRestarts) {
          return finish(Termination::kFailed,
                        format("Line search direction failure: specified "
                               "max_num_line_search_direction_restarts: %d reached.",
                               kMaxDirectionRestarts));
        }
        ++restarts;
        inverse_hessian.clear();
        direction_is_lbfgs = false;
      }
    }
    if (!direction_is_lbfgs) {
      slope = blocks.sum([&](Eigen::Index begin, Eigen::Index length) {
        auto d = direction.segment(begin, length);
        d = -gradient.segment(begin, length);
        return dot(gradient.data() + begin, d.data(), length);
      });
    }
    line.direction_changed();

    const double initial_step = !direction_is_lbfgs
                                    ? std::min(1.0, 1.0 / gradient_max_norm)
                                    : std::min(1.0, 2.0 * (cost - previous_cost) / slope);
    if (initial_step < 0.0) {
      return finish(Termination::kFailed,
                    format("Numerical failure in line search, initial_step_size is negative: "
                           "%.5e, directional_derivative: %.5e, (current_cost - "
                           "previous_cost): %.5e",
                           initial_step, slope, cost - previous_cost));
    }
    const LineSearchResult search =
        wolfe_line_search(line, search_options, initial_step, cost, slope);
    if (!search.success) {
      return finish(Termination::kFailed,
                    format("Numerical failure in line search, failed to find a valid step "
                           "size, (did not run out of iterations) using initial_step_size: "
                           "%.5e, initial_cost: %.5e, initial_gradient: %.5e.",
                           initial_step, cost, slope));
    }

    // Accept the step: the new gradient, then x (and the step's length on the way).
    const LineSample& optimal = search.optimal;
    step_size = optimal.step;
    previous_cost = cost;
    previous_gradient.swap(gradient);
    const Eigen::VectorXd* new_x = &x;
    if (optimal.point != LineSample::kNoPoint) {
      cost = optimal.value;
      gradient.swap(line.gradient(optimal.point));
      new_x = &line.point(optimal.point);
    } else if (!line.call(SearchLine::kParameters, x.data(), &cost, gradient.data())) {
      // The line search kept the start (step 0), whose gradient it did not keep.
      gradient.swap(previous_gradient);
      cost = previous_cost;
      return finish(Termination::kFailed, "Cost and jacobian evaluation failed.");
    }
    // x = new_x in one pass with |new_x - x| and |x| (Ceres' parameter tolerance) and Ceres'
    // gradient max norm at new_x.
    blocks.for_each([&](Eigen::Index begin, Eigen::Index length) {
      const int block = static_cast<int>(begin / VectorBlocks::kBlockSize);
      auto x_block = x.segment(begin, length);
      accept_partials(block, 0) = x_block.squaredNorm();
      accept_partials(block, 1) = 0.0;
      if (new_x != &x) {
        const auto new_block = new_x->segment(begin, length);
        accept_partials(block, 1) = (new_block - x_block).squaredNorm();
        x_block = new_block;
      }
      accept_partials(block, 2) =
          ceres_gradient_max_norm(x.segment(begin, length), gradient.segment(begin, length));
    });
    double x_squared = 0.0, step_squared = 0.0;
    gradient_max_norm = 0.0;
    for (int block = 0; block < blocks.count(); ++block) {
      x_squared += accept_partials(block, 0);
      step_squared += accept_partials(block, 1);
      gradient_max_norm = std::max(gradient_max_norm, accept_partials(block, 2));
    }
    const double step_norm = std::sqrt(step_squared);
    const double x_norm = std::sqrt(x_squared);
    if (optimal.point != LineSample::kNoPoint && line.last_point() == optimal.point) {
      line.set_last_point(SearchLine::kParameters);  // the objective's last_parts() are x's
    }
    summary.epochs = epoch;
    summary.final_value = cost;

    // Ceres' convergence tests, in its order. The epoch is reported either way.
    std::string converged;
    Termination termination = Termination::kConverged;
    const double parameter_tolerance = options_.parameter_tolerance;
    const double cost_change = previous_cost - cost;
    if (step_norm <= parameter_tolerance * (x_norm + parameter_tolerance)) {
      converged = format("Parameter tolerance reached. Relative step_norm: %e <= %e.",
                         step_norm / (x_norm + parameter_tolerance), parameter_tolerance);
      if (step_norm == 0.0) {
        termination = Termination::kStalled;
        converged = "stalled: the line search found no lower point (a zero step); " + converged;
      }
    } else if (gradient_max_norm <= options_.gradient_tolerance) {
      converged = format("Gradient tolerance reached. Gradient max norm: %e <= %e",
                         gradient_max_norm, options_.gradient_tolerance);
    } else if (std::abs(cost_change) <= options_.function_tolerance * std::abs(previous_cost)) {
      converged = format("Function tolerance reached. |cost_change|/cost: %e <= %e",
                         std::abs(cost_change) / previous_cost, options_.function_tolerance);
    }

    bool go_on = true;
    if (on_epoch) {
      // The line search usually ends on the point it accepts; when it does not, evaluate
      // at x again so that the objective's last_parts() describe the reported parameters.
      if (line.last_point() != SearchLine::kParameters) {
        double ignored_value = 0.0;
        line.call(SearchLine::kParameters, x.data(), &ignored_value, nullptr);
      }
      go_on = on_epoch(EpochState{epoch, cost, &parameters});
    }
    if (!converged.empty()) return finish(termination, converged);
    if (!go_on) {
      saved_ = OptimizerState{epoch, {}};
      std::vector<double>& v = saved_->values;
      const int pairs = inverse_hessian.pairs();
      v.reserve(kStateScalars + std::size_t(pairs) +
                std::size_t(3 + 2 * pairs) * std::size_t(size));
      v = {kStateLayout,
           double(size),
           double(pairs),
           double(restarts),
           step_size,
           cost,
           previous_cost,
           inverse_hessian.eigenvalue_scale(),
           double(line.evaluations())};
      for (int i = 0; i < pairs; ++i) v.push_back(inverse_hessian.step_dot_change(i));
      const auto append = [&](const double* vector) { v.insert(v.end(), vector, vector + size); };
      append(gradient.data());
      append(previous_gradient.data());
      append(direction.data());
      for (int i = 0; i < pairs; ++i) append(inverse_hessian.step(i));
      for (int i = 0; i < pairs; ++i) append(inverse_hessian.gradient_change(i));
      return finish(Termination::kStopped,
                    "stopped by the epoch callback after epoch " + std::to_string(epoch));
    }
    if (epoch >= options_.epochs) {
      return finish(Termination::kEpochs, "Maximum number of iterations reached.");
    }
  }
}

OptimizerState Lbfgs::saved_state() const {
  if (!saved_) throw Error("lbfgs: no state to save: the last run was not stopped by its callback");
  return *saved_;
}

void Lbfgs::restore_state(const OptimizerState& state) {
  const std::vector<double>& v = state.values;
  const auto refuse = [&](const std::string& why) {
    throw Error(
        "lbfgs: a saved state has the layout of lbfgs.h (9 + k + (3 + 2k) n values, "
        "k <= memory = " +
        std::to_string(options_.memory) + ", 1 to epochs = " + std::to_string(options_.epochs) +
        " epochs); this one " + why);
  };
  if (v.size() < kStateScalars || v[0] != kStateLayout) refuse("has another layout");
  const double n = v[1], k = v[2];
  if (!(n >= 1 && n == std::floor(n) && n <= 1e12)) refuse("has no valid parameter count");
  if (!(k >= 0 && k == std::floor(k) && k <= options_.memory)) refuse("keeps too many pairs");
  const double expected = double(kStateScalars) + k + (3.0 + 2.0 * k) * n;
  if (double(v.size()) != expected) {
    refuse("has " + std::to_string(v.size()) + " values for " + std::to_string(Eigen::Index(n)) +
           " parameters and " + std::to_string(int(k)) + " pairs");
  }
  if (state.epochs < 1 || state.epochs > options_.epochs) {
    refuse("was saved after epoch " + std::to_string(state.epochs));
  }
  const auto is_count = [](double value, double most) {
    return value >= 0 && value <= most && value == std::floor(value);
  };
  if (!is_count(v[3], kMaxDirectionRestarts) || !is_count(v[8], 9007199254740992.0)) {
    refuse("has no valid restart or evaluation count");
  }
  resume_ = state;
}

}  // namespace hnn::optimizers
