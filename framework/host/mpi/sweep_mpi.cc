#include "sweep_mpi.h"

#include <mpi.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <map>
#include <sstream>
#include <thread>

#include "hnn/host/sweep_progress.h"

namespace hnn {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kResultTag = 1;  // worker -> rank 0: the last run's result (index -1: ready)
constexpr int kRunTag = 2;     // rank 0 -> worker: the next run's index, -1: no more

// A result on the wire: index, status, exit status, signal, seconds, resumed.
constexpr int kResultSize = 6;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

bool launched_as_mpi_ranks() {
  // Open MPI's mpirun; PMI-2 launchers (MPICH's, Slurm's); srun's job steps.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && std::atoi(value) > 1) return true;
  }
  return false;
}

MpiSweep::MpiSweep() {
  MPI_Init(nullptr, nullptr);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSweep::~MpiSweep() { MPI_Finalize(); }

void MpiSweep::abort(int status) { MPI_Abort(MPI_COMM_WORLD, status); }

SweepOutcome MpiSweep::run(const SweepPlan& plan, const SweepRunSettings& settings) {
  SweepOutcome outcome;
  const auto stop_requests = [&] {
    return settings.stop_requests ? settings.stop_requests->load() : 0;
  };
  if (rank_ != 0) {
    // A worker: ask, run, report, until rank 0 says there is no run left.
    double message[kResultSize] = {-1, 0, 0, 0, 0, 0};
    for (;;) {
      MPI_Send(message, kResultSize, MPI_DOUBLE, 0, kResultTag, MPI_COMM_WORLD);
      long next = -1;
      MPI_Recv(&next, 1, MPI_LONG, 0, kRunTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (next < 0) break;
      const auto started = Clock::now();
      SweepRunResult result;
      const pid_t pid = start_sweep_run(plan, std::size_t(next), settings, result.resumed);
      int forwarded = 0, status = 0;
      for (;;) {
        const int requests = stop_requests();
        if (requests > forwarded && settings.stop_signal != nullptr) {
          ::kill(pid, settings.stop_signal->load());
          forwarded = requests;
        }
        if (::waitpid(pid, &status, WNOHANG) == pid) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      record_sweep_run_end(status, forwarded > 0, result);
      result.seconds = seconds_since(started);
      message[0] = double(next);
      message[1] = double(int(result.status));
      message[2] = double(result.exit_status);
      message[3] = double(result.signal);
      message[4] = result.seconds;
      message[5] = result.resumed ? 1.0 : 0.0;
    }
    return outcome;
  }

  // Rank 0: the schedule.
  std::ostringstream null_stream;
  std::ostream& log = settings.log ? *settings.log : null_stream;
  const auto sweep_started = Clock::now();
  std::deque<std::size_t> waiting;
  for (std::size_t i : prepare_sweep(plan, settings, outcome)) waiting.push_back(i);
  SweepCounts counts;
  counts.total = plan.runs.size();
  counts.done = outcome.count(SweepRunStatus::kSucceeded);
  counts.workers = std::size_t(size_ - 1);
  std::map<std::size_t, Clock::time_point> dispatched;  // the running runs, when sent
  // The running runs' times so far, each at most the mean of the ended ones (the ETA).
  const auto update_running_seconds = [&] {
    counts.running_seconds = 0.0;
    if (counts.completed == 0) return;
    const double mean = counts.ended_seconds / double(counts.completed);
    for (const auto& [index, sent] : dispatched) {
      counts.running_seconds += std::min(mean, seconds_since(sent));
    }
  };
  SweepProgress progress(log, plan.settings.name, settings.live_progress,
                         settings.progress_seconds);
  if (counts.done > 0) {
    progress.message(plan.settings.name + ": " + std::to_string(counts.done) + " of " +
                     std::to_string(counts.total) + " runs finished before; skipped");
  }
  int active_workers = size_ - 1;
  while (active_workers > 0) {
    if (stop_requests() > 0) outcome.interrupted = true;
    int ready = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, kResultTag, MPI_COMM_WORLD, &ready, &status);
    if (!ready) {
      counts.waiting = waiting.size();
      update_running_seconds();
      progress.update(counts);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    double message[kResultSize];
    MPI_Recv(message, kResultSize, MPI_DOUBLE, status.MPI_SOURCE, kResultTag, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    const long index = long(message[0]);
    if (index >= 0 && std::size_t(index) < outcome.runs.size()) {
      SweepRunResult& result = outcome.runs[std::size_t(index)];
      result.status = SweepRunStatus(int(message[1]));
      result.exit_status = int(message[2]);
      result.signal = int(message[3]);
      result.seconds = message[4];
      result.resumed = message[5] != 0.0;
      result.ended = seconds_since(sweep_started);
      result.started = result.ended - result.seconds;
      --counts.running;
      ++counts.completed;
      counts.ended_seconds += result.seconds;
      dispatched.erase(std::size_t(index));
      if (result.status == SweepRunStatus::kSucceeded) {
        ++counts.done;
      } else {
        ++counts.failed;
      }
      if (result.status != SweepRunStatus::kSucceeded || !settings.live_progress) {
        progress.message(sweep_run_end_message(plan, std::size_t(index), result, settings.folder) +
                         " [rank " + std::to_string(status.MPI_SOURCE) + "]");
      }
    }
    long next = -1;
    if (!outcome.interrupted && !waiting.empty()) {
      next = long(waiting.front());
      waiting.pop_front();
      ++counts.running;
      dispatched[std::size_t(next)] = Clock::now();
    } else {
      --active_workers;
    }
    MPI_Send(&next, 1, MPI_LONG, status.MPI_SOURCE, kRunTag, MPI_COMM_WORLD);
    counts.waiting = waiting.size();
    update_running_seconds();
    progress.update(counts);
  }
  progress.finish(sweep_end_line(plan, outcome));
  return outcome;
}

}  // namespace hnn
