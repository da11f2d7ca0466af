#include "hnn/host/sweep_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <deque>
#include <map>
#include <sstream>
#include <thread>

#include "hnn/atomic_file.h"
#include "hnn/error.h"
#include "hnn/host/progress.h"
#include "hnn/host/run_folder_reading.h"
#include "hnn/host/run_summary_reader.h"
#include "hnn/host/sweep_progress.h"

extern char** environ;

namespace hnn {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

// The run folder `directory` holds `pipeline` as its pipeline.yaml, byte for byte.
bool holds_pipeline(const fs::path& directory, const std::string& pipeline) {
  try {
    return read_file_text(directory / "pipeline.yaml") == pipeline;
  } catch (const std::exception&) {
    return false;
  }
}

// The summary of the run in `directory` says that a signal interrupted it.
bool interrupted_run(const fs::path& directory) {
  try {
    return read_run_summary(directory / "summary.yaml").interrupted;
  } catch (const std::exception&) {
    return false;
  }
}

// The environment of a run: this process's, with OMP_NUM_THREADS replaced.
std::vector<std::string> run_environment(std::size_t threads) {
  std::vector<std::string> environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    if (std::strncmp(*entry, "OMP_NUM_THREADS=", 16) != 0) environment.emplace_back(*entry);
  }
  environment.push_back("OMP_NUM_THREADS=" + std::to_string(threads));
  return environment;
}

std::vector<char*> pointers(std::vector<std::string>& texts) {
  std::vector<char*> result;
  for (auto& text : texts) result.push_back(text.data());
  result.push_back(nullptr);
  return result;
}

// Starts `arguments` with its output in `log_file`, in a process group of its own (so that a
// terminal's Ctrl-C reaches the sweep only, which forwards it once). Returns its id.
pid_t spawn(std::vector<std::string> arguments, std::vector<std::string>& environment,
            const fs::path& log_file) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_file.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &empty);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  auto argv = pointers(arguments);
  auto envp = pointers(environment);
  pid_t pid = 0;
  const int error = ::posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) {
    throw Error("cannot start " + arguments[0] + ": " + std::strerror(error));
  }
  return pid;
}

struct Running {
  std::size_t run;
  Clock::time_point started;
};

}  // namespace

std::string to_string(SweepRunStatus status) {
  switch (status) {
    case SweepRunStatus::kSucceeded:
      return "succeeded";
    case SweepRunStatus::kFailed:
      return "failed";
    case SweepRunStatus::kInterrupted:
      return "interrupted";
    case SweepRunStatus::kNotStarted:
      return "not_started";
  }
  return "failed";
}

std::size_t SweepOutcome::count(SweepRunStatus status) const {
  std::size_t n = 0;
  for (const auto& run : runs) n += run.status == status ? 1 : 0;
  return n;
}

fs::path sweep_run_directory(const fs::path& folder, const SweepRun& run) {
  return folder / "runs" / run.id;
}

fs::path sweep_run_log(const fs::path& folder, const SweepRun& run) {
  return folder / "logs" / (run.id + ".log");
}

bool sweep_run_finished(const fs::path& run_directory, const std::string& pipeline) {
  std::error_code error;
  if (!fs::is_regular_file(run_directory / "summary.yaml", error)) return false;
  if (!holds_pipeline(run_directory, pipeline)) return false;
  try {
    const RunSummary summary = read_run_summary(run_directory / "summary.yaml");
    return !summary.interrupted && summary.diverged_models.empty();
  } catch (const std::exception&) {
    return false;
  }
}

std::vector<std::size_t> prepare_sweep(const SweepPlan& plan, const SweepRunSettings& settings,
                                       SweepOutcome& outcome) {
  const fs::path& folder = settings.folder;
  write_file_atomically(folder / "sweep.yaml", to_yaml(plan));
  std::error_code error_code;
  fs::create_directories(folder / "logs", error_code);
  if (error_code) {
    throw Error((folder / "logs").string() +
                ": error: cannot create the folder: " + error_code.message());
  }

  outcome.runs.assign(plan.runs.size(), SweepRunResult{});
  std::vector<std::size_t> waiting;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    const fs::path directory = sweep_run_directory(folder, plan.runs[i]);
    if (!settings.force && sweep_run_finished(directory, plan.runs[i].pipeline)) {
      outcome.runs[i].status = SweepRunStatus::kSucceeded;
      outcome.runs[i].skipped = true;
    } else {
      waiting.push_back(i);
    }
  }
  return waiting;
}

pid_t start_sweep_run(const SweepPlan& plan, std::size_t i, const SweepRunSettings& settings,
                      bool& resumed) {
  const fs::path& folder = settings.folder;
  const SweepRun& run = plan.runs.at(i);
  const fs::path directory = sweep_run_directory(folder, run);
  std::vector<std::string> arguments = {settings.executable.string()};
  resumed =
      !settings.force && interrupted_run(directory) && holds_pipeline(directory, run.pipeline);
  if (resumed) {
    arguments.insert(arguments.end(), {"--resume", directory.string()});
  } else {
    write_file_atomically(directory / "pipeline.yaml", run.pipeline);
    arguments.insert(arguments.end(), {(directory / "pipeline.yaml").string(), "--output",
                                       directory.string(), "--force"});
  }
  arguments.push_back("--quiet");
  if (!settings.reports) arguments.push_back("--no-report");
  arguments.insert(arguments.end(), settings.extra_arguments.begin(),
                   settings.extra_arguments.end());
  // The log opens with what reproduces the run by hand.
  std::string header = "# hnn sweep " + plan.settings.name + ", run " + run.id +
                       ": OMP_NUM_THREADS=" + std::to_string(settings.threads_per_run);
  for (const auto& argument : arguments) header += " '" + argument + "'";
  write_file_atomically(sweep_run_log(folder, run), header + "\n");
  std::vector<std::string> environment = run_environment(settings.threads_per_run);
  return spawn(arguments, environment, sweep_run_log(folder, run));
}

void record_sweep_run_end(int wait_status, bool stopping, SweepRunResult& result) {
  if (WIFEXITED(wait_status)) {
    result.exit_status = WEXITSTATUS(wait_status);
    result.signal = 0;
    result.status = result.exit_status == 0 ? SweepRunStatus::kSucceeded
                    : (result.exit_status == 128 + SIGINT || result.exit_status == 128 + SIGTERM)
                        ? SweepRunStatus::kInterrupted
                        : SweepRunStatus::kFailed;
  } else {
    result.exit_status = -1;
    result.signal = WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0;
    result.status = stopping ? SweepRunStatus::kInterrupted : SweepRunStatus::kFailed;
  }
}

std::string sweep_run_end_message(const SweepPlan& plan, std::size_t i,
                                  const SweepRunResult& result, const fs::path& folder) {
  const SweepRun& run = plan.runs.at(i);
  if (result.status == SweepRunStatus::kSucceeded) {
    return "run " + run.id + " succeeded (" + format_duration(result.seconds) + ")";
  }
  const std::string why = result.exit_status >= 0
                              ? "exit status " + std::to_string(result.exit_status)
                              : "killed by signal " + std::to_string(result.signal);
  return "run " + run.id + " " + to_string(result.status) + " (" + why +
         "); its log: " + sweep_run_log(folder, run).string();
}

std::string sweep_end_line(const SweepPlan& plan, const SweepOutcome& outcome) {
  const std::size_t failed =
      outcome.count(SweepRunStatus::kFailed) + outcome.count(SweepRunStatus::kInterrupted);
  const std::size_t not_started = outcome.count(SweepRunStatus::kNotStarted);
  std::string line = plan.settings.name + ": " +
                     std::to_string(outcome.count(SweepRunStatus::kSucceeded)) + " of " +
                     std::to_string(plan.runs.size()) + " runs succeeded";
  if (failed > 0) line += ", " + std::to_string(failed) + " failed";
  if (not_started > 0) line += ", " + std::to_string(not_started) + " not started";
  if (outcome.interrupted) line += " (interrupted)";
  return line;
}

SweepOutcome run_sweep(const SweepPlan& plan, const SweepRunSettings& settings) {
  std::ostringstream null_stream;
  std::ostream& log = settings.log ? *settings.log : null_stream;
  const fs::path& folder = settings.folder;
  const Clock::time_point sweep_started = Clock::now();
  SweepOutcome outcome;
  std::deque<std::size_t> waiting;
  for (std::size_t i : prepare_sweep(plan, settings, outcome)) waiting.push_back(i);
  SweepCounts counts;
  counts.total = plan.runs.size();
  counts.done = outcome.count(SweepRunStatus::kSucceeded);
  counts.workers = settings.workers;
  SweepProgress progress(log, plan.settings.name, settings.live_progress,
                         settings.progress_seconds);
  if (counts.done > 0) {
    progress.message(plan.settings.name + ": " + std::to_string(counts.done) + " of " +
                     std::to_string(counts.total) + " runs finished before; skipped");
  }

  std::map<pid_t, Running> running;
  int forwarded = 0;  // stop signals sent to the runs
  const auto stop_requests = [&] {
    return settings.stop_requests ? settings.stop_requests->load() : 0;
  };
  const auto start = [&](std::size_t i) {
    const pid_t pid = start_sweep_run(plan, i, settings, outcome.runs[i].resumed);
    running.emplace(pid, Running{i, Clock::now()});
    outcome.runs[i].started = std::chrono::duration<double>(Clock::now() - sweep_started).count();
  };
  const auto finished = [&](pid_t pid, int status) {
    const auto found = running.find(pid);
    if (found == running.end()) return;
    const std::size_t i = found->second.run;
    SweepRunResult& result = outcome.runs[i];
    result.seconds = std::chrono::duration<double>(Clock::now() - found->second.started).count();
    result.ended = std::chrono::duration<double>(Clock::now() - sweep_started).count();
    running.erase(found);
    record_sweep_run_end(status, forwarded > 0, result);
    ++counts.completed;
    counts.ended_seconds += result.seconds;
    if (result.status == SweepRunStatus::kSucceeded) {
      ++counts.done;
      if (!settings.live_progress) progress.message(sweep_run_end_message(plan, i, result, folder));
      return;
    }
    ++counts.failed;
    progress.message(sweep_run_end_message(plan, i, result, folder));
  };

  while (!waiting.empty() || !running.empty()) {
    const int requests = stop_requests();
    if (requests > forwarded && settings.stop_signal != nullptr) {
      outcome.interrupted = true;
      const int signal = settings.stop_signal->load();
      for (int k = forwarded; k < std::min(requests, 2); ++k) {
        for (const auto& [pid, ignored] : running) ::kill(pid, signal);
      }
      forwarded = requests;
    }
    while (forwarded == 0 && !waiting.empty() && running.size() < settings.workers) {
      start(waiting.front());
      waiting.pop_front();
    }
    for (;;) {
      int status = 0;
      const pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid <= 0) break;
      finished(pid, status);
    }
    counts.running = running.size();
    counts.waiting = waiting.size();
    counts.running_seconds = 0.0;
    if (counts.completed > 0) {
      const double mean = counts.ended_seconds / double(counts.completed);
      for (const auto& [pid, run] : running) {
        counts.running_seconds +=
            std::min(mean, std::chrono::duration<double>(Clock::now() - run.started).count());
      }
    }
    progress.update(counts);
    if (forwarded > 0 && running.empty()) break;
    if (!running.empty() || !waiting.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  progress.finish(sweep_end_line(plan, outcome));
  return outcome;
}

}  // namespace hnn
