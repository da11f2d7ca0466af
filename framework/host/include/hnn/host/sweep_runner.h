// Running a sweep's runs in worker processes on this machine (docs/sweeps.md).
//
// Every run is hnn-host itself, started once per run (posix_spawn) on the run's validated
// pipeline, written as <sweep folder>/runs/<id>/pipeline.yaml:
//
//   hnn-host runs/<id>/pipeline.yaml --output runs/<id> --force --quiet --no-report
//
// in a process group of its own, with OMP_NUM_THREADS = threads_per_run, its standard output
// and error in logs/<id>.log after a first line that gives the command and OMP_NUM_THREADS. A crash
// or a failure costs that run only: it is recorded and the others go on. A run whose folder holds a
// finished run of the same pipeline (its summary.yaml read back without `interrupted` or diverged
// models, its pipeline.yaml equal to the plan's) is skipped, unless `force`; one that a signal
// interrupted continues with `hnn-host --resume`.
//
// Stopping: when *stop_requests grows (hnn-host's SIGINT/SIGTERM handler), the signal
// *stop_signal is sent to every running run (the first time: it stops at its next epoch
// boundary and writes its summary; the second: it exits at once), no further run starts,
// and run_sweep returns once every started run has ended.
#ifndef HNN_HOST_SWEEP_RUNNER_H_
#define HNN_HOST_SWEEP_RUNNER_H_

#include <sys/types.h>

#include <atomic>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "hnn/host/sweep_plan.h"

namespace hnn {

struct SweepRunSettings {
  std::filesystem::path folder;      // the sweep folder
  std::filesystem::path executable;  // hnn-host
  // Passed to every run after the others (--plugin-dir DIR, --memory-limit SIZE).
  std::vector<std::string> extra_arguments;
  std::size_t workers = 1;          // runs at the same time, >= 1
  std::size_t threads_per_run = 1;  // OMP_NUM_THREADS of every run, >= 1
  bool force = false;               // run every run again, finished or not
  bool reports = false;             // every run writes its figures and report.html
  bool live_progress = false;       // redraw a progress line (a terminal)
  std::ostream* log = nullptr;      // progress and one line per ended run; null: silent
  double progress_seconds = 10.0;   // between plain progress lines
  // May be null. See the header comment.
  const std::atomic<int>* stop_requests = nullptr;
  const std::atomic<int>* stop_signal = nullptr;
};

enum class SweepRunStatus {
  kSucceeded,    // exit status 0 (or finished before: `skipped`)
  kFailed,       // any other end: a configuration error, a failed run, a crash
  kInterrupted,  // a signal stopped it (exit status 130 or 143, or killed while stopping)
  kNotStarted,   // the sweep was stopped first
};

// "succeeded", "failed", "interrupted", "not_started".
std::string to_string(SweepRunStatus status);

struct SweepRunResult {
  SweepRunStatus status = SweepRunStatus::kNotStarted;
  bool skipped = false;  // finished in an earlier invocation; not run again
  bool resumed = false;  // continued an interrupted run with --resume
  int exit_status = -1;  // the process's exit status; -1 when it did not exit (or never ran)
  int signal = 0;        // the signal that killed it, 0 when none
  double seconds = 0.0;  // wall time of the process
  // When it started and ended, in seconds since run_sweep started (0 when it did not run).
  double started = 0.0;
  double ended = 0.0;
};

struct SweepOutcome {
  std::vector<SweepRunResult> runs;  // in the plan's order
  bool interrupted = false;          // a stop was requested
  std::size_t count(SweepRunStatus status) const;
};

// <folder>/runs/<id>, <folder>/logs/<id>.log.
std::filesystem::path sweep_run_directory(const std::filesystem::path& folder, const SweepRun& run);
std::filesystem::path sweep_run_log(const std::filesystem::path& folder, const SweepRun& run);

// True when `run_directory` holds a finished run of `pipeline` (see the header comment):
// its summary.yaml reads back (read_run_summary) without `interrupted` or diverged models
// and its pipeline.yaml is `pipeline`, byte for byte.
bool sweep_run_finished(const std::filesystem::path& run_directory, const std::string& pipeline);

// The building blocks of run_sweep, shared with the MPI scheduler (framework/host/mpi):
//
// prepare_sweep writes <folder>/sweep.yaml and creates logs/, sizes `outcome` to the plan,
// marks the runs that finished before (sweep_run_finished, unless `force`) as skipped
// successes and returns the others, in the plan's order. Throws hnn::Error when the folder
// cannot be written.
std::vector<std::size_t> prepare_sweep(const SweepPlan& plan, const SweepRunSettings& settings,
                                       SweepOutcome& outcome);
// Starts run `i` as its own process (see the header comment: its pipeline.yaml, or --resume
// for an interrupted run of the same pipeline, sets `resumed`; the first line of its log).
// Returns the process id. Throws hnn::Error when it cannot be started.
pid_t start_sweep_run(const SweepPlan& plan, std::size_t i, const SweepRunSettings& settings,
                      bool& resumed);
// Sets result.status, exit_status and signal from the process's wait status (waitpid);
// `stopping`: a stop signal had been forwarded to it (a run killed then was interrupted).
void record_sweep_run_end(int wait_status, bool stopping, SweepRunResult& result);
// "run s1_seed0 failed (exit status 2); its log: <log>", "run s0 succeeded (1.2 s)".
std::string sweep_run_end_message(const SweepPlan& plan, std::size_t i,
                                  const SweepRunResult& result,
                                  const std::filesystem::path& folder);
// "name: 3 of 4 runs succeeded, 1 failed[, 2 not started][ (interrupted)]".
std::string sweep_end_line(const SweepPlan& plan, const SweepOutcome& outcome);

// Writes <folder>/sweep.yaml (to_yaml(plan)) and runs the plan. Throws hnn::Error when the
// sweep folder cannot be written or a process cannot be started; a run's failure is in its
// result, never thrown.
SweepOutcome run_sweep(const SweepPlan& plan, const SweepRunSettings& settings);

}  // namespace hnn

#endif  // HNN_HOST_SWEEP_RUNNER_H_
