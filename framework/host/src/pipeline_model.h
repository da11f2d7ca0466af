// The steps of a pipeline run that several parts of the runner share: one model's state
// and results through training and evaluation (ModelResult), its objectives, and training.
// Internal to the host library (framework/host/src), not part of the SDK.
#ifndef HNN_HOST_SRC_PIPELINE_MODEL_H_
#define HNN_HOST_SRC_PIPELINE_MODEL_H_

#include <Eigen/Core>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hnn/host/checkpoint.h"
#include "hnn/host/pipeline_config.h"
#include "hnn/host/pipeline_runner.h"
#include "hnn/host/progress.h"
#include "hnn/host/run_summary.h"
#include "hnn/model.h"
#include "hnn/objective.h"
#include "hnn/optimizer.h"
#include "hnn/options.h"
#include "hnn/registry.h"
#include "hnn/trajectory_dataset.h"
#include "hnn/trajectory_objective.h"

namespace hnn::internal {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A real as written in the run folder's YAML and CSV files (shortest round trip).
inline std::string real(double value) { return format_option_value(value); }

struct HistoryRow {
  long epoch;
  long stage;                        // 1-based; 0 for the row before training
  std::optional<double> train_loss;  // absent on epochs not recorded (minibatch training)
  std::optional<double> test_loss;
  double penalty;
  double seconds;
};

struct StageResult {
  std::string optimizer;
  bool update_grid = false;
  OptimizationSummary summary;
  bool exact_l1 = false;  // the optimizer minimised the L1 penalty itself (handles_l1)
};

// What an interrupted run had done for one model, for --resume (run_resumption.cc).
struct TrainingResumption {
  bool complete = false;            // training had finished: nothing is trained again
  std::vector<StageResult> stages;  // the stages finished (all of them when complete)
  long epochs_trained = 0;          // in those stages
  // When !complete: where the stopped stage stopped, and that stage's summary then.
  std::optional<InterruptedTraining> interrupted;
  OptimizationSummary stopped_stage;
  std::vector<HistoryRow> history;  // the model's rows of history.csv
  double training_seconds = 0;
};

// The power balance dH/dt = supplied - dissipated at every time of a trajectory
// (energy_flow.h computes it).
struct PowerSeries {
  std::vector<double> dissipated;  // dH/dx^T R dH/dx, >= 0
  std::vector<double> supplied;    // dH/dx^T F(t)
  bool empty() const { return dissipated.empty(); }
};

struct ModelResult {
  const ModelConfig* config = nullptr;
  Options options;  // the model's resolved options, sizes filled in
  std::shared_ptr<Model> model;
  Eigen::VectorXd parameters;  // the model's
  // The learned damping and forcing's parameters (hnn/learned_dissipation.h), empty
  // without them: the objective's parameters are `parameters` followed by these.
  Eigen::VectorXd dissipation;
  // Objective trajectory with learn_initial_states: the training windows' learned first
  // states (d x W, column-major), after `dissipation` among the objective's parameters;
  // empty otherwise. Per training window, so neither the model's parameters nor the test
  // objective's; saved in the checkpoint for --resume only.
  Eigen::VectorXd initial_states;
  std::string objective;    // "hnn", "baseline" or "trajectory" (training.settings.objective)
  long epochs_before = 0;   // from the checkpoint
  long epochs_trained = 0;  // in this run, over all stages
  std::vector<StageResult> stages;
  bool trained = false;
  double final_train_loss = 0, final_test_loss = 0, final_penalty = 0;
  double training_seconds = 0, evaluation_seconds = 0;
  std::vector<HistoryRow> history;
  Eigen::MatrixXd rollout;
  std::vector<double> energy;
  std::vector<double> learned_hamiltonian;
  TrajectoryErrors versus_truth, versus_reference;
  double energy_drift_max = 0;
  std::string rollout_error;
  std::vector<double> trial_energy_errors;  // per energy trial; NaN when the rollout failed
  // Without a system (measured_evaluation.h): against the held-out measurements.
  std::optional<TrajectoryErrors> measured_mse;
  std::optional<ReferenceEnergyError> reference_energy_mse;
  std::vector<Eigen::MatrixXd> measured_rollouts;  // per held-out piece
  // Energy flow (energy_flow.h). With a system: the learned dissipation's power along
  // `rollout` (empty without one) and, for a system with damping or forcing, the
  // energy-loss ratio against the truth. Without a system, per held-out piece: H_ref along
  // the rollout (empty without a reference H), the model's own H (empty for a baseline),
  // the learned dissipation's power (empty without one) and the energy-loss ratios
  // (empty without a reference H), with their mean in energy_loss_ratio.
  PowerSeries learned_power;
  std::optional<double> energy_loss_ratio;
  std::vector<std::vector<double>> measured_energy;
  std::vector<std::vector<double>> measured_learned_hamiltonian;
  std::vector<PowerSeries> measured_power;
  std::vector<double> energy_loss_ratios;
  std::optional<SymbolicSummary> symbolic;  // the symbolic stage's part of the summary
  std::vector<std::string> exports;         // output.export: files written, see ModelSummary
  // Set when the run's interrupt stopped the training: where, with the optimizer's state
  // (saved into the checkpoint for --resume).
  std::optional<InterruptedTraining> interruption;
  std::optional<TrainingResumption> resumption;  // --resume: set before train_model
  bool resumed_without_optimizer_state = false;
  // With a learned damping or forcing: what it learned, for the summary (train_model).
  std::optional<DissipationSummary> dissipation_summary;
  // With objective trajectory: its method, field and windows, for the summary (train_model).
  std::optional<TrajectoryObjectiveSummary> trajectory_objective_summary;
  // Why training diverged (the last stage's termination is then kDiverged); empty if not.
  std::string divergence;
  // final_train_loss + l1 * sum |theta|, when the last stage's optimizer handled the L1.
  std::optional<double> l1_objective;
};

// The objective for one model and one split, as the training settings say (hnn or
// baseline, field, outputs, l1, dissipation; objective trajectory throws: it needs the samples
// overload); times: one per sample (a learned forcing's t).
// Its parameters are the model's followed by the dissipation's (objective_parameters).
std::unique_ptr<Objective> make_objective(Model& model, const TrainingSettings& settings,
                                          const Eigen::MatrixXd& inputs,
                                          const Eigen::MatrixXd& targets,
                                          const Eigen::VectorXd& times);
// With objective trajectory: on the windows of these samples (split_windows; `split` names
// them in messages).
std::unique_ptr<Objective> make_objective(Model& model, const TrainingSettings& settings,
                                          const TrajectorySamples& samples,
                                          const std::string& split = "training");
// The test split's objective: as make_objective, but with objective trajectory never with
// learned initial states (those are parameters of the training windows): the test
// windows start from their observed first states, with the model's (and the
// dissipation's) parameters only.
std::unique_ptr<Objective> make_test_objective(Model& model, const TrainingSettings& settings,
                                               const TrajectorySamples& samples);
// The samples' times as a vector; empty when the samples carry none.
Eigen::VectorXd sample_times(const TrajectorySamples& samples);
// The windows of objective trajectory from one split's samples: grouped by trajectory, in
// time order, then cut as settings.trajectory says (hnn/trajectory_windows.h). Throws
// hnn::Error naming the split when the samples carry no times or give no window.
TrajectoryWindows split_windows(const TrajectorySamples& samples, const TrainingSettings& settings,
                                const std::string& split);
// The trajectory objective's options from the training settings.
TrajectoryObjectiveOptions trajectory_objective_options(const TrainingSettings& settings);

// What the objective optimises: result.parameters, result.dissipation, then
// result.initial_states; and back (split at the sizes the three have). An objective
// without learned initial states (the test split's) reads only the first two.
Eigen::VectorXd objective_parameters(const ModelResult& result);
void set_objective_parameters(ModelResult& result, const Eigen::VectorXd& all);

// The objective on a fresh random subset of `batch` of the samples at every evaluation
// (one Adam step each), drawn from its own stream seeded with `seed`; 0 < batch <
// samples.size(). `samples` must outlive it. With objective trajectory: a fresh random
// subset of `batch` distinct training windows (split_windows), 0 < batch < their count,
// so there is no last partial batch; with learned initial states its parameters are those
// of make_objective's on all training windows, and an evaluation trains the drawn windows'
// states (the others' gradient is 0). (training_objectives.cc)
std::unique_ptr<Objective> make_minibatch_objective(Model& model, const TrainingSettings& settings,
                                                    const TrajectorySamples& samples,
                                                    Eigen::Index batch, std::uint64_t seed);
// The minibatches a make_minibatch_objective objective has drawn (one per evaluation), and
// drawing `count` more without evaluating (to continue a stream after --resume).
long minibatches_drawn(const Objective& minibatch_objective);
void skip_minibatches(Objective& minibatch_objective, long count);

// The starting parameters of the training's learned dissipation for `model` (empty for a
// baseline or without dissipation). (model_training.cc)
Eigen::VectorXd initial_dissipation(const TrainingSettings& settings, const Model& model);

// Builds a model from the options validation resolved and gives it the checkpoint
// validation read (validation checked both against the pipeline). (model_training.cc)
ModelResult build_model(const ModelConfig& model_config, const Registry& registry,
                        std::ostream& log);

// The data loss and the penalty at `at` (value only); NaN when the evaluation fails.
std::pair<double, double> loss_at(Objective& objective, const Eigen::VectorXd& at);

// Trains result.model through its config's stages (when training is enabled), recording
// every epoch in result.history, then sets the final losses and result.parameters. When
// settings.interrupt is raised it stops after the epoch and sets result.interruption (with
// the optimizer's state when it has one); with result.resumption it continues from there.
void train_model(ModelResult& result, const TrajectoryDataset& dataset, const Registry& registry,
                 const RunSettings& settings, ProgressReporter& progress);

// The summary's `dissipation:` block of a trained model (its result.parameters and
// result.dissipation), the state-dependent damping averaged over `inputs`; nullopt without
// a learned dissipation. Runs the model forward. (dissipation_summary.cc)
std::optional<DissipationSummary> summarize_dissipation(const ModelResult& result,
                                                        const Eigen::MatrixXd& inputs);

// checkpoints/<model>.yaml in `directory`.
void save_model_checkpoint(const ModelResult& result, const std::filesystem::path& directory);

}  // namespace hnn::internal

#endif  // HNN_HOST_SRC_PIPELINE_MODEL_H_
