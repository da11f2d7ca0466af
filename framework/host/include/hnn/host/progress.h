// Progress of long work: a live line on a terminal, periodic plain lines elsewhere.
//
// On a terminal (live mode) the line "label  epoch 1200/20000  train 1.2e-06  test 2.3e-06
// 3.1 s, 48 s left" is redrawn in place at most ten times a second. Otherwise (a log file,
// CI, --quiet) a plain line is printed every `plain_interval_seconds`, so that logs stay
// short but show that the run is alive.
#ifndef HNN_HOST_PROGRESS_H_
#define HNN_HOST_PROGRESS_H_

#include <chrono>
#include <optional>
#include <ostream>
#include <string>

namespace hnn {

class ProgressReporter {
 public:
  // `out` must outlive the reporter.
  ProgressReporter(std::ostream& out, bool live, double plain_interval_seconds);

  // Starts a task of `total` epochs.
  void start(const std::string& label, long total);
  // Reports epoch `done` (1-based) with the latest losses (either may be absent).
  void update(long done, std::optional<double> train_loss, std::optional<double> test_loss);
  // Ends the task with a summary line (always printed).
  void finish(const std::string& summary);

  // True when standard error is a terminal.
  static bool stderr_is_terminal();

 private:
  std::string line(long done, std::optional<double> train_loss,
                   std::optional<double> test_loss) const;

  std::ostream& out_;
  bool live_;
  double plain_interval_seconds_;
  std::string label_;
  long total_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_shown_;
  std::size_t last_width_ = 0;
};

// "1.5 s", "2 min 05 s", "1 h 02 min".
std::string format_duration(double seconds);

}  // namespace hnn

#endif  // HNN_HOST_PROGRESS_H_
