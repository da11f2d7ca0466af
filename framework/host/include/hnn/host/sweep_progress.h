// Progress of a sweep, in the conventions of hnn/host/progress.h: on a terminal a live line
// "spring_seeds  7/12 done, 2 running, 1 failed  1 min 02 s, 40.3 s left" redrawn in place
// at most ten times a second; elsewhere (a log, CI, --quiet) the same as a plain line every
// `plain_interval_seconds`. Lines about single runs (a failure, a finished run) are printed
// in full in both modes.
#ifndef HNN_HOST_SWEEP_PROGRESS_H_
#define HNN_HOST_SWEEP_PROGRESS_H_

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

namespace hnn {

struct SweepCounts {
  std::size_t total = 0;  // runs of the sweep
  std::size_t done = 0;   // succeeded (this time or skipped as finished before)
  std::size_t running = 0;
  std::size_t failed = 0;      // failed or interrupted
  std::size_t completed = 0;   // runs that ended in this invocation (the rate of the ETA)
  std::size_t waiting = 0;     // not started yet
  std::size_t workers = 1;     // runs at a time
  double ended_seconds = 0.0;  // the wall times of the `completed` runs, summed
  // The running runs' times so far, each at most the mean of the ended runs, summed.
  double running_seconds = 0.0;
};

class SweepProgress {
 public:
  // `out` must outlive the reporter.
  SweepProgress(std::ostream& out, std::string label, bool live, double plain_interval_seconds);

  // Shows the counts when due (always when `force`).
  void update(const SweepCounts& counts, bool force = false);
  // Prints one full line (clearing the live line first; it is redrawn by the next update).
  void message(const std::string& line);
  // Clears the live line and prints `summary`.
  void finish(const std::string& summary);

  // "7/12 done, 2 running, 1 failed  1 min 02 s, 40.3 s left". The ETA (absent until a run
  // has ended in this invocation): with m the mean time of the ended runs, the work left,
  // (waiting + running) m - running_seconds, shared by min(workers, waiting + running).
  static std::string line(const SweepCounts& counts, double elapsed_seconds);

 private:
  std::ostream& out_;
  std::string label_;
  bool live_;
  double plain_interval_seconds_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_shown_;
  std::size_t last_width_ = 0;
};

}  // namespace hnn

#endif  // HNN_HOST_SWEEP_PROGRESS_H_
