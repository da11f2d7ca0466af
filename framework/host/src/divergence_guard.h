// DivergenceGuard: the host's rule for a training run that diverged (issue 12, item 6).
//
// A model diverged when, at an iterate the optimizer accepted (every epoch, and the
// parameters a stage returns),
//   - a parameter is not finite, or
//   - the training objective (loss + penalty) is not finite, or
//   - the objective exceeds kGrowthLimit * max(objective at the start, kFloor): it grew a
//     million times above where training started (a start below kFloor counts as kFloor).
// The gradient is covered through the parameters: every optimizer steps along it, so a
// non-finite gradient at an accepted iterate makes the next parameters non-finite.
//
// The guard keeps the last parameters that passed, starting with the start point; after a
// divergence the host trains no further, keeps those (checkpoint and rollout use them) and
// reports `termination: diverged` with the guard's message.
//
//   DivergenceGuard guard(start_parameters, start_objective, epochs_before);
//   if (!guard.accept(epoch, value, parameters)) { ... guard.message() ... }
//   parameters = guard.last_finite_parameters();
#ifndef HNN_HOST_DIVERGENCE_GUARD_H_
#define HNN_HOST_DIVERGENCE_GUARD_H_

#include <Eigen/Core>
#include <string>

namespace hnn::internal {

class DivergenceGuard {
 public:
  static constexpr double kGrowthLimit = 1e6;
  static constexpr double kFloor = 1e-6;

  // `start_value` is the training objective at `start`, the parameters of `start_epoch`
  // (the checkpoint's epochs; it may itself be non-finite: see diverged_at_start()).
  DivergenceGuard(const Eigen::VectorXd& start, double start_value, long start_epoch);

  // True when the start itself fails the rule (non-finite objective or parameters); the
  // message then says why.
  bool diverged_at_start();

  // Checks the iterate of `epoch` (the host's epoch count) with its objective `value`.
  // Returns true and remembers the parameters when they pass; false (and the message says
  // why) when they do not. Once false, it stays false. `what` names the iterate in the
  // message; empty: "epoch <epoch>".
  bool accept(long epoch, double value, const Eigen::VectorXd& parameters,
              const std::string& what = "");

  bool diverged() const { return diverged_; }
  // The last parameters that passed (the start when none did).
  const Eigen::VectorXd& last_finite_parameters() const { return last_finite_; }
  long last_finite_epoch() const { return last_finite_epoch_; }
  // The objective above which an iterate has exploded.
  double limit() const { return limit_; }
  // Why the run diverged, naming the epoch, the value and the rule; empty until then.
  const std::string& message() const { return message_; }

 private:
  // The reason `value`/`parameters` fail the rule, or "" when they pass.
  std::string violation(double value, const Eigen::VectorXd& parameters) const;

  Eigen::VectorXd last_finite_;
  long last_finite_epoch_ = 0;
  double start_value_;
  double limit_;
  bool diverged_ = false;
  std::string message_;
};

}  // namespace hnn::internal

#endif  // HNN_HOST_DIVERGENCE_GUARD_H_
