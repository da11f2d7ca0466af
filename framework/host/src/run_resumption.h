// Continuing an interrupted run (hnn-host --resume RUN_DIR): what the interrupted run's folder
// says each model had done, the optimizer of the stage it stopped set up to continue, and
// where a run that is interrupted now stops. Internal to the host library.
//
// What is continued is training, and only training: a model whose training had finished is
// not trained again (its checkpoint, stages and history are taken over); the model whose
// stage was stopped continues that stage from its checkpoint, with the optimizer's saved
// state when the optimizer has one (has_state(): then bit for bit as if never stopped) or
// else from the parameters alone with the stage's remaining epochs (summary field
// resumed_without_optimizer_state); models not started are trained from the start. The data,
// the symbolic stages and the evaluation are computed again (they are deterministic).
#ifndef HNN_HOST_SRC_RUN_RESUMPTION_H_
#define HNN_HOST_SRC_RUN_RESUMPTION_H_

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <vector>

#include "pipeline_model.h"

namespace hnn::internal {

// Refuses (ConfigError "<dir>: error: ...") a folder that does not hold an interrupted run:
// no summary.yaml, or one without `interrupted: true`.
void check_resumable(const std::filesystem::path& directory);

// Reads what the interrupted run in `directory` left (summary.yaml, history.csv,
// checkpoints/<m>.yaml) into results[i].resumption for every model it had started, and gives
// those models their saved parameters and auxiliary state. Throws ConfigError naming the
// file when a file is missing or does not match the pipeline.
void load_resumption(std::vector<ModelResult>& results, const std::filesystem::path& directory,
                     std::ostream& log);

// Takes result.resumption over into result (history, finished stages, epochs) and moves the
// minibatch stream (when not null) past the minibatches drawn before the interrupt. Returns
// where the stopped stage stopped, or null when the training had finished.
const InterruptedTraining* resume_training(ModelResult& result, Objective* minibatch_objective);

// The optimizer that continues the stopped stage.
struct ResumedStage {
  std::shared_ptr<Optimizer> optimizer;
  long epoch_offset = 0;        // epochs of the stage done before this optimizer's epoch 1
  bool without_state = false;   // no saved state: restarted from the parameters
  long evaluations_before = 0;  // objective evaluations before the interrupt (without state)
  bool nothing_left = false;    // without state, no epoch left: `finished` is the summary
  OptimizationSummary finished;
};
ResumedStage resume_stage(const TrainingStage& stage, const InterruptedTraining& stopped,
                          const OptimizationSummary& stopped_summary, const Registry& registry);

// A stage continued without state counts the epochs and evaluations before the interrupt too.
void add_epochs_before_resume(OptimizationSummary& summary, const ResumedStage& resumed);

// Where a resumed run continues when the interrupt was raised while stages[stage] ran and
// ended with `summary`: in that stage when the callback stopped it (with the optimizer's
// state when it has one), else at the start of the next stage; none after the last stage.
std::optional<InterruptedTraining> interruption_point(const std::vector<TrainingStage>& stages,
                                                      std::size_t stage,
                                                      const OptimizationSummary& summary,
                                                      long minibatches, const Optimizer& optimizer);

}  // namespace hnn::internal

#endif  // HNN_HOST_SRC_RUN_RESUMPTION_H_
