// PipelineRunner: runs a validated pipeline and writes its run folder.
//
// Steps: generate the dataset from the system; for every model, build it (or load its
// checkpoint), train it with its optimizer, recording losses per epoch; roll out every
// model and the true system from the evaluation's initial state; write the run folder:
//
//   pipeline.yaml        the resolved pipeline (defaults filled in)
//   data.csv             the dataset: split, trajectory, t, states, time derivatives
//   history.csv          epoch, model, train loss, test loss, penalty, seconds
//   trajectories.csv     t, then q, p, energy of the truth, the reference and every model
//   checkpoints/<m>.yaml every trained model, reloadable with `checkpoint:`
//   summary.yaml         the run's RunSummary (hnn/host/run_summary.h), schema_version 1:
//                        per model parameters, epochs, termination, losses, rollout and
//                        energy metrics, training and evaluation seconds; for a model with
//                        a `symbolic` section its edges, formulas and verification
//   symbolic/<m>.yaml    the recovered symbolic network (loadable with the `symbolic` model)
//   network/<m>.yaml,csv every edge of an edge network (KAN), for the report's diagram
//
// A model with a `symbolic` section is followed by its symbolic stage (kan.md §6): its
// formula is refined when asked and evaluated beside the models as <m>_symbolic. The figures
// and report.html are written by hnn-host (framework/report), not here.
//
// docs/run_folder.md describes every file and every field of summary.yaml.
//
// Every file is written atomically. A run folder that exists and is not empty is not
// overwritten unless `force` is set; then it is emptied first, and only when everything in
// it is what a run writes (run_folder_cleaning.h).
#ifndef HNN_HOST_PIPELINE_RUNNER_H_
#define HNN_HOST_PIPELINE_RUNNER_H_

#include <atomic>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "hnn/host/pipeline_config.h"
#include "hnn/registry.h"

namespace hnn {

struct RunSettings {
  std::filesystem::path output_directory;  // empty: output.directory, else runs/<name>
  bool force = false;                      // replace the files of an existing run folder
  bool live_progress = false;              // redraw a progress line (a terminal)
  std::ostream* log = nullptr;             // progress and summaries; null: silent
  // Set (by hnn-host's SIGINT and SIGTERM handler) to stop the run at the next epoch
  // boundary: the model in training is checkpointed with its optimizer's state, later
  // models are not started, no symbolic stage or evaluation runs, and summary.yaml says
  // `interrupted: true` (with `not_started`). May be null.
  const std::atomic<bool>* interrupt = nullptr;
  // Continue the interrupted run in output_directory (hnn-host --resume; run_resumption.h):
  // the folder must hold an interrupted run of this pipeline.
  bool resume = false;
  // Called after every training epoch, before `interrupt` is read (hnn-host's hidden
  // --test-signal-after-epochs raises a signal from it, to interrupt a run at a known epoch).
  std::function<void()> epoch_observer;
};

// What a run that wrote its run folder reports back: the models that failed. A model whose
// training diverged (termination "diverged", docs/run_folder.md) is trained no further and
// evaluated with its last finite parameters; the other models go on; the run then fails.
struct RunOutcome {
  std::vector<std::string> failures;  // "<model>: <why>", one per diverged model
  bool succeeded() const { return failures.empty(); }
};

// The folder a run will write to.
std::filesystem::path run_directory(const PipelineConfig& config, const RunSettings& settings);

// Runs a pipeline validated by validate_pipeline without diagnostics: it uses what
// validation built (the system, each model's resolved options and checkpoint) and checks
// nothing validation checked. Throws ConfigError when the run folder exists without
// `force`, and hnn::Error (PluginError, ...) when a step fails; the files written until
// then are complete. A model that diverged does not throw: every model is trained and
// evaluated, the run folder is complete, and the outcome lists the failure.
RunOutcome run_pipeline(const PipelineConfig& config, const Registry& registry,
                        const RunSettings& settings);

}  // namespace hnn

#endif  // HNN_HOST_PIPELINE_RUNNER_H_
