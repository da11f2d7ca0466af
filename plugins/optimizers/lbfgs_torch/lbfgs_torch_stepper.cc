#include "lbfgs_torch_stepper.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>

#include "hnn/error.h"

namespace hnn::optimizers {

std::string to_string(LbfgsTorchStepper::CallEnd end) {
  using CallEnd = LbfgsTorchStepper::CallEnd;
  switch (end) {
    case CallEnd::kGradientTolerance:
      return "gradient_tolerance";
    case CallEnd::kDirectionalDerivative:
      return "directional_derivative";
    case CallEnd::kMaxIter:
      return "max_iter";
    case CallEnd::kMaxEval:
      return "max_eval";
    case CallEnd::kOptimality:
      return "optimality";
    case CallEnd::kSmallStep:
      return "small_step";
    case CallEnd::kSmallLossChange:
      return "small_loss_change";
    case CallEnd::kFailed:
      break;
  }
  return "failed";
}

LbfgsTorchStepper::LbfgsTorchStepper(const LbfgsTorchOptions& options, int parameter_count)
    : options_(options) {
  LbfgsTorchOptions::binding().check(options_);
  if (parameter_count < 1) {
    throw Error("lbfgs_torch: the objective has " + std::to_string(parameter_count) +
                " parameters; at least 1 is needed");
  }
  const Eigen::Index columns = Eigen::Index{options_.history_size} + 1;
  try {
    old_dirs_.resize(parameter_count, columns);
    old_steps_.resize(parameter_count, columns);
    rho_.resize(columns);
    alpha_.resize(options_.history_size);
    gradient_.resize(parameter_count);
    previous_gradient_.resize(parameter_count);
    direction_.resize(parameter_count);
    last_good_parameters_.resize(parameter_count);
  } catch (const std::bad_alloc&) {
    throw Error("lbfgs_torch: cannot allocate the L-BFGS memory of history_size = " +
                std::to_string(options_.history_size) + " pairs of " +
                std::to_string(parameter_count) + " parameters; lower history_size");
  }
  reset();
}

void LbfgsTorchStepper::reset() {
  n_iter_ = 0;
  func_evals_ = 0;
  history_start_ = 0;
  history_count_ = 0;
  h_diag_ = 1.0;
  step_length_ = 0.0;
  previous_loss_ = 0.0;
  gradient_.setZero();
  previous_gradient_.setZero();
  direction_.setZero();
  has_last_good_ = false;
  evaluated_at_result_ = false;
  last_good_value_ = std::numeric_limits<double>::quiet_NaN();
}

Eigen::Index LbfgsTorchStepper::column(int index) const {
  return (history_start_ + index) % (options_.history_size + 1);
}

Eigen::MatrixXd::ConstColXpr LbfgsTorchStepper::history_y(int index) const {
  return old_dirs_.col(column(index));
}
Eigen::MatrixXd::ConstColXpr LbfgsTorchStepper::history_s(int index) const {
  return old_steps_.col(column(index));
}
double LbfgsTorchStepper::history_rho(int index) const { return rho_[column(index)]; }

bool LbfgsTorchStepper::evaluate(Objective& objective, const Eigen::VectorXd& parameters,
                                 double* loss) {
  *loss = std::numeric_limits<double>::quiet_NaN();
  const bool succeeded = objective.evaluate(parameters.data(), loss, gradient_.data()) &&
                         std::isfinite(*loss) && gradient_.allFinite();
  if (!succeeded) {
    evaluated_at_result_ = false;
    return false;
  }
  last_good_parameters_ = parameters;  // same size: no allocation
  last_good_value_ = *loss;
  has_last_good_ = true;
  evaluated_at_result_ = true;
  ++func_evals_;
  return true;
}

void LbfgsTorchStepper::compute_direction() {
  // torch: q = flat_grad.neg(); for i newest..oldest: al[i] = old_stps[i].dot(q) * ro[i];
  // q.add_(old_dirs[i], alpha=-al[i]); d = r = q * H_diag; for i oldest..newest:
  // be_i = old_dirs[i].dot(r) * ro[i]; r.add_(old_stps[i], alpha=al[i] - be_i).
  direction_ = -gradient_;
  for (int i = history_count_ - 1; i >= 0; --i) {
    const Eigen::Index c = column(i);
    alpha_[i] = old_steps_.col(c).dot(direction_) * rho_[c];
    direction_.noalias() += -alpha_[i] * old_dirs_.col(c);
  }
  direction_ *= h_diag_;
  for (int i = 0; i < history_count_; ++i) {
    const Eigen::Index c = column(i);
    const double beta = old_dirs_.col(c).dot(direction_) * rho_[c];
    direction_.noalias() += (alpha_[i] - beta) * old_steps_.col(c);
  }
}

namespace {
constexpr std::size_t kStateScalars = 9;
}  // namespace

std::vector<double> LbfgsTorchStepper::saved_state() const {
  const Eigen::Index n = gradient_.size();
  std::vector<double> values{double(n_iter_),
                             double(func_evals_),
                             double(history_count_),
                             h_diag_,
                             step_length_,
                             previous_loss_,
                             last_good_value_,
                             has_last_good_ ? 1.0 : 0.0,
                             evaluated_at_result_ ? 1.0 : 0.0};
  values.reserve(kStateScalars + std::size_t(history_count_ * (2 * n + 1) + 4 * n));
  for (int i = 0; i < history_count_; ++i) values.push_back(rho_[column(i)]);
  for (int i = 0; i < history_count_; ++i) {
    values.insert(values.end(), old_dirs_.col(column(i)).data(),
                  old_dirs_.col(column(i)).data() + n);
  }
  for (int i = 0; i < history_count_; ++i) {
    values.insert(values.end(), old_steps_.col(column(i)).data(),
                  old_steps_.col(column(i)).data() + n);
  }
  for (const Eigen::VectorXd* vector :
       {&gradient_, &previous_gradient_, &direction_, &last_good_parameters_}) {
    values.insert(values.end(), vector->data(), vector->data() + n);
  }
  return values;
}

void LbfgsTorchStepper::restore(const double* values, std::size_t count) {
  const auto n = std::size_t(gradient_.size());
  const double history = count >= kStateScalars ? values[2] : -1.0;
  if (!(history >= 0 && history <= options_.history_size && history == std::floor(history)) ||
      count != kStateScalars + std::size_t(history) * (2 * n + 1) + 4 * n) {
    throw Error("lbfgs_torch: a saved state of " + std::to_string(count) +
                " values does not fit an optimizer of history_size = " +
                std::to_string(options_.history_size) + " and " + std::to_string(n) +
                " parameters");
  }
  n_iter_ = long(values[0]);
  func_evals_ = long(values[1]);
  history_start_ = 0;
  history_count_ = int(history);
  h_diag_ = values[3];
  step_length_ = values[4];
  previous_loss_ = values[5];
  last_good_value_ = values[6];
  has_last_good_ = values[7] != 0.0;
  evaluated_at_result_ = values[8] != 0.0;
  const double* next = values + kStateScalars;
  const auto length = Eigen::Index(n);
  for (int i = 0; i < history_count_; ++i) rho_[i] = *next++;
  for (int i = 0; i < history_count_; ++i, next += n) {
    old_dirs_.col(i) = Eigen::Map<const Eigen::VectorXd>(next, length);
  }
  for (int i = 0; i < history_count_; ++i, next += n) {
    old_steps_.col(i) = Eigen::Map<const Eigen::VectorXd>(next, length);
  }
  for (Eigen::VectorXd* vector :
       {&gradient_, &previous_gradient_, &direction_, &last_good_parameters_}) {
    *vector = Eigen::Map<const Eigen::VectorXd>(next, length);
    next += n;
  }
}

LbfgsTorchStepper::CallResult LbfgsTorchStepper::step(Objective& objective,
                                                      Eigen::VectorXd& parameters) {
  if (parameters.size() != gradient_.size()) {
    throw Error("lbfgs_torch: the parameter vector has " + std::to_string(parameters.size()) +
                " entries but the optimizer state was made for " +
                std::to_string(gradient_.size()));
  }
  CallResult result;
  double loss = 0.0;
  if (!evaluate(objective, parameters, &loss)) {
    result.end = CallEnd::kFailed;
    result.loss = std::numeric_limits<double>::quiet_NaN();
    return result;
  }
  result.loss = loss;
  result.evaluations = 1;
  if (gradient_.lpNorm<Eigen::Infinity>() <= options_.tolerance_grad) {
    result.end = CallEnd::kGradientTolerance;
    return result;
  }

  const int max_eval = options_.effective_max_eval();
  const int history_size = options_.history_size;
  for (int it = 1; it <= options_.max_iter; ++it) {
    ++result.iterations;
    ++n_iter_;

    // a. Direction.
    if (n_iter_ == 1) {
      direction_ = -gradient_;
      history_start_ = 0;
      history_count_ = 0;
      h_diag_ = 1.0;
    } else {
      // The new pair is formed in the free column and kept only when y·s > tolerance_ys.
      const Eigen::Index free = column(history_count_);
      auto y = old_dirs_.col(free);
      auto s = old_steps_.col(free);
      y = gradient_ - previous_gradient_;
      s = direction_ * step_length_;
      const double ys = y.dot(s);
      if (ys > options_.tolerance_ys) {
        rho_[free] = 1.0 / ys;
        if (history_count_ == history_size) {
          history_start_ = (history_start_ + 1) % (history_size + 1);  // drop the oldest
        } else {
          ++history_count_;
        }
        h_diag_ = ys / y.dot(y);
      }
      compute_direction();
    }

    // b.
    previous_gradient_ = gradient_;
    previous_loss_ = loss;

    // c. Step length.
    step_length_ =
        n_iter_ == 1 ? std::min(1.0, 1.0 / gradient_.lpNorm<1>()) * options_.lr : options_.lr;

    // d. Directional derivative.
    const double gtd = gradient_.dot(direction_);
    if (gtd > -options_.tolerance_change) {
      result.end = CallEnd::kDirectionalDerivative;
      return result;
    }

    // e. Fixed step (torch: p.add_(d, alpha=t)).
    parameters.noalias() += step_length_ * direction_;
    result.updated = true;
    evaluated_at_result_ = false;

    // f. Re-evaluate, except on the last iteration.
    bool optimal = false;
    if (it != options_.max_iter) {
      if (!evaluate(objective, parameters, &loss)) {
        result.end = CallEnd::kFailed;
        return result;
      }
      ++result.evaluations;
      optimal = gradient_.lpNorm<Eigen::Infinity>() <= options_.tolerance_grad;
    }

    // g. Stopping rules, in PyTorch's order.
    if (it == options_.max_iter) {
      result.end = CallEnd::kMaxIter;
      return result;
    }
    if (result.evaluations >= max_eval) {
      result.end = CallEnd::kMaxEval;
      return result;
    }
    if (optimal) {
      result.end = CallEnd::kOptimality;
      return result;
    }
    // max_i |t d_i| = t max_i |d_i| exactly: rounding is monotonic and t > 0.
    if (step_length_ * direction_.lpNorm<Eigen::Infinity>() <= options_.tolerance_change) {
      result.end = CallEnd::kSmallStep;
      return result;
    }
    if (std::abs(loss - previous_loss_) < options_.tolerance_change) {
      result.end = CallEnd::kSmallLossChange;
      return result;
    }
  }
  result.end = CallEnd::kMaxIter;  // not reached: the loop returns at it == max_iter
  return result;
}

}  // namespace hnn::optimizers
