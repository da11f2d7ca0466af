// The evaluation of a pipeline without a system (a file source): every model rolled out
// from the first state of every held-out piece of the data (hnn::held_out_pieces) over that
// piece's own measured times, compared with the measurements; with a reference Hamiltonian
// (evaluation.reference_hamiltonian) also the HNN paper's energy error (Task 3, spec
// real_data.md section 2). Internal to the host library.
#ifndef HNN_HOST_SRC_MEASURED_EVALUATION_H_
#define HNN_HOST_SRC_MEASURED_EVALUATION_H_

#include <filesystem>
#include <ostream>
#include <vector>

#include "hnn/data_source.h"
#include "hnn/host/pipeline_config.h"
#include "hnn/host/run_summary.h"
#include "hnn/registry.h"
#include "pipeline_model.h"

namespace hnn::internal {

// Rolls every model out from the first state of every piece over its times with the
// evaluation integrator; sets each result's measured_mse (the mean squared difference over
// the coordinates at each measured time, all pieces in order: mean, max, and the value at
// the last time of the last piece), reference_energy_mse (when the config has a reference
// Hamiltonian: mean over those times of (H_ref(measured) - H_ref(rollout))^2, error bar of
// summarize_energy_trials), measured_rollouts and the energy flow of each piece (H_ref
// along the rollout and the energy-loss ratios with their mean, with a reference H; the
// model's own H for an HNN; the learned dissipation's power: energy_flow.h), or
// rollout_error when a rollout fails. Writes measured_trajectories.csv into `directory`
// (columns piece, t, the measured coordinates, measured_energy with a reference H, then per
// rolled-out model <model>_<name> for each coordinate and <model>_energy, <model>_H,
// <model>_dissipated_power, <model>_supplied_power where it has them) and returns the
// summary's `measured:` part (with the energy each piece loses, with a reference H).
// Throws hnn::RunError when there is no piece to roll out.
MeasuredSummary evaluate_measurements(const PipelineConfig& config, const Registry& registry,
                                      const std::vector<Trajectory>& pieces,
                                      const std::vector<std::string>& coordinate_names,
                                      std::vector<ModelResult>& results,
                                      const std::filesystem::path& directory, std::ostream& log);

}  // namespace hnn::internal

#endif  // HNN_HOST_SRC_MEASURED_EVALUATION_H_
