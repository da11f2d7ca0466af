#include "divergence_guard.h"

#include <algorithm>
#include <cmath>

#include "hnn/options.h"

namespace hnn::internal {

DivergenceGuard::DivergenceGuard(const Eigen::VectorXd& start, double start_value, long start_epoch)
    : last_finite_(start),
      last_finite_epoch_(start_epoch),
      start_value_(start_value),
      limit_(kGrowthLimit * std::max(std::isfinite(start_value) ? start_value : kFloor, kFloor)) {}

bool DivergenceGuard::diverged_at_start() {
  if (diverged_) return true;
  const std::string reason = violation(start_value_, last_finite_);
  if (reason.empty()) return false;
  diverged_ = true;
  message_ = "diverged at the start: " + reason + "; no epoch was trained";
  return true;
}

std::string DivergenceGuard::violation(double value, const Eigen::VectorXd& parameters) const {
  if (!parameters.allFinite()) {
    Eigen::Index index = 0;
    while (index < parameters.size() && std::isfinite(parameters[index])) ++index;
    return "parameter " + std::to_string(index) + " is " + format_option_value(parameters[index]);
  }
  if (!std::isfinite(value)) return "the training objective is " + format_option_value(value);
  if (value > limit_) {
    return "the training objective " + format_option_value(value) + " exceeds " +
           format_option_value(kGrowthLimit) + " x max(its start value " +
           format_option_value(start_value_) + ", " + format_option_value(kFloor) + ")";
  }
  return "";
}

bool DivergenceGuard::accept(long epoch, double value, const Eigen::VectorXd& parameters,
                             const std::string& what) {
  if (diverged_) return false;
  const std::string reason = violation(value, parameters);
  if (reason.empty()) {
    last_finite_ = parameters;
    last_finite_epoch_ = epoch;
    return true;
  }
  diverged_ = true;
  message_ = "diverged at " + (what.empty() ? "epoch " + std::to_string(epoch) : what) + ": " +
             reason + "; the parameters are those of epoch " + std::to_string(last_finite_epoch_) +
             ", the last that passed";
  return false;
}

}  // namespace hnn::internal
