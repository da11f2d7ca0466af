// Sweeps across machines: the runs of a sweep distributed over MPI ranks
// (`mpirun -n N hnn-host sweep.yaml`, docs/sweeps.md). Built into hnn-host only, when the
// CMake option HNN_WITH_MPI is on (the default when MPI is found); the host library and the
// tests that link it do not depend on MPI.
//
// Rank 0 schedules: it writes the sweep folder's sweep.yaml, skips the runs that finished
// before, hands the next run to whichever rank asks (dynamic scheduling), records every
// result and returns the outcome, which hnn-host aggregates exactly as for a local sweep.
// Ranks 1 .. N-1 each run one run at a time, as a local sweep's worker does (the same
// hnn-host process per run, start_sweep_run). Every rank validated the same plan. The sweep
// folder must be on a file system all ranks share.
#ifndef HNN_HOST_MPI_SWEEP_MPI_H_
#define HNN_HOST_MPI_SWEEP_MPI_H_

#include "hnn/host/sweep_plan.h"
#include "hnn/host/sweep_runner.h"

namespace hnn {

// True when this process is one of several ranks started by an MPI launcher (its
// environment says so: OMPI_COMM_WORLD_SIZE, PMI_SIZE or SLURM_STEP_NUM_TASKS > 1). Reads the
// environment only.
bool launched_as_mpi_ranks();

// The MPI side of a sweep. Construct it before anything else is printed (it initialises
// MPI), destroy it last (it finalises MPI).
class MpiSweep {
 public:
  MpiSweep();
  ~MpiSweep();
  MpiSweep(const MpiSweep&) = delete;
  MpiSweep& operator=(const MpiSweep&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  // Runs the plan over the ranks. On rank 0 it returns the outcome (settings.workers is
  // ignored: every other rank is one worker); on the others an empty outcome once rank 0
  // has no run left. Throws hnn::Error when the sweep folder cannot be written (rank 0) or a
  // run cannot be started.
  SweepOutcome run(const SweepPlan& plan, const SweepRunSettings& settings);

  // Ends every rank when this one failed before the schedule (rank 0's error).
  void abort(int status);

 private:
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace hnn

#endif  // HNN_HOST_MPI_SWEEP_MPI_H_
