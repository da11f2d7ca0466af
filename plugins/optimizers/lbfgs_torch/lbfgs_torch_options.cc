#include "lbfgs_torch_options.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>

#include "hnn/error.h"

namespace hnn::optimizers {
namespace {

int checked_int(const Options& options, const char* key, int minimum) {
  const std::int64_t value = options.integer(key);
  if (value < minimum || value > std::numeric_limits<int>::max()) {
    throw Error(std::string("lbfgs_torch: ") + key + " = " + std::to_string(value) +
                " must be in [" + std::to_string(minimum) + ", " +
                std::to_string(std::numeric_limits<int>::max()) + "]");
  }
  return static_cast<int>(value);
}

}  // namespace

bool LbfgsTorchOptions::is_valid(std::string* error) const {
  std::ostringstream problem;
  problem.precision(17);
  if (epochs < 1) {
    problem << "lbfgs_torch: epochs = " << epochs << " must be >= 1";
  } else if (!(lr > 0.0 && std::isfinite(lr))) {
    problem << "lbfgs_torch: lr = " << lr << " must be > 0 and finite";
  } else if (max_iter < 1) {
    problem << "lbfgs_torch: max_iter = " << max_iter << " must be >= 1";
  } else if (max_eval < 0) {
    problem << "lbfgs_torch: max_eval = " << max_eval << " must be >= 0 (0: max_iter * 5 / 4)";
  } else if (!(tolerance_grad >= 0.0)) {
    problem << "lbfgs_torch: tolerance_grad = " << tolerance_grad << " must be >= 0";
  } else if (!(tolerance_change >= 0.0)) {
    problem << "lbfgs_torch: tolerance_change = " << tolerance_change << " must be >= 0";
  } else if (!(tolerance_ys >= 0.0)) {
    problem << "lbfgs_torch: tolerance_ys = " << tolerance_ys << " must be >= 0";
  } else if (history_size < 1 || history_size == std::numeric_limits<int>::max()) {
    problem << "lbfgs_torch: history_size = " << history_size << " must be in [1, "
            << std::numeric_limits<int>::max() - 1 << "]";
  } else {
    return true;
  }
  if (error != nullptr) *error = problem.str();
  return false;
}

OptionSchema LbfgsTorchOptions::schema() {
  const LbfgsTorchOptions defaults;
  const int int_max = std::numeric_limits<int>::max();
  return OptionSchema{
      Option::integer("epochs", defaults.epochs,
                      "step() calls, one per epoch (each up to max_iter iterations)")
          .at_least(1)
          .at_most(int_max),
      Option::real("lr", defaults.lr,
                   "fixed step length t (first iteration: min(1, 1/|g|_1) * lr); "
                   "pykan's class default is 1, the KAN-HNN author's 1e-3")
          .greater_than(0.0),
      Option::integer("max_iter", defaults.max_iter, "L-BFGS iterations per step() call")
          .at_least(1)
          .at_most(int_max),
      Option::integer("max_eval", defaults.max_eval,
                      "objective evaluations per step() call; 0: max_iter * 5 / 4")
          .at_least(0)
          .at_most(int_max),
      Option::real("tolerance_grad", defaults.tolerance_grad,
                   "a call ends when max |gradient entry| <= this")
          .at_least(0.0),
      Option::real("tolerance_change", defaults.tolerance_change,
                   "a call ends when g.d > -this (before the update: freezes the optimizer), "
                   "max |t d| <= this or |loss change| < this")
          .at_least(0.0),
      Option::real("tolerance_ys", defaults.tolerance_ys,
                   "curvature threshold: a pair (y, s) is stored when y.s > this "
                   "(pykan's parameter; torch hard-codes 1e-10)")
          .at_least(0.0),
      Option::integer("history_size", defaults.history_size,
                      "(y, s) pairs kept in the L-BFGS memory")
          .at_least(1)
          .at_most(int_max - 1),
  };
}

LbfgsTorchOptions LbfgsTorchOptions::from(const Options& options) {
  LbfgsTorchOptions result;
  result.epochs = checked_int(options, "epochs", 1);
  result.lr = options.real("lr");
  result.max_iter = checked_int(options, "max_iter", 1);
  result.max_eval = checked_int(options, "max_eval", 0);
  result.tolerance_grad = options.real("tolerance_grad");
  result.tolerance_change = options.real("tolerance_change");
  result.tolerance_ys = options.real("tolerance_ys");
  result.history_size = checked_int(options, "history_size", 1);
  std::string error;
  if (!result.is_valid(&error)) throw Error(error);
  return result;
}

}  // namespace hnn::optimizers
