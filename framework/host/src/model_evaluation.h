// The evaluation of a run: the truth, the reference and every model rolled out from the
// evaluation's initial state, the energy metric of the HNN paper, trajectories.csv.
// Internal to the host library.
#ifndef HNN_HOST_SRC_MODEL_EVALUATION_H_
#define HNN_HOST_SRC_MODEL_EVALUATION_H_

#include <filesystem>
#include <ostream>
#include <vector>

#include "hnn/host/pipeline_config.h"
#include "hnn/host/run_summary.h"
#include "hnn/registry.h"
#include "hnn/system.h"
#include "learned_field.h"  // learned_field, which the evaluations roll out
#include "pipeline_model.h"

namespace hnn::internal {

// Rolls out the truth, the reference and every model (filling their rollout, energy and
// errors, or rollout_error), runs the energy trials when the evaluation asks for them,
// writes trajectories.csv into `directory` and returns the summary's `truth:` part.
TruthSummary evaluate(const PipelineConfig& config, const Registry& registry, const System& system,
                      std::vector<ModelResult>& results, const std::filesystem::path& directory,
                      std::ostream& log);

// Mean of the trials and the paper's error bar: the standard deviation of the means of 5
// consecutive groups, over sqrt(5) (hnn.md 6.3); NaN error with fewer than 5 trials.
EnergyTrialsSummary summarize_energy_trials(const std::vector<double>& errors);

}  // namespace hnn::internal

#endif  // HNN_HOST_SRC_MODEL_EVALUATION_H_
