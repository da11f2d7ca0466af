#include "hnn/host/pipeline_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <sstream>

#include "data_assembly.h"
#include "hnn/atomic_file.h"
#include "hnn/baseline_objective.h"
#include "hnn/error.h"
#include "hnn/hamiltonian_objective.h"
#include "hnn/host/checkpoint.h"
#include "hnn/host/pipeline_yaml.h"
#include "hnn/host/progress.h"
#include "hnn/host/run_summary_writer.h"
#include "hnn/internal/objective_terms.h"
#include "hnn/random.h"
#include "hnn/trajectory_dataset.h"
#include "measured_evaluation.h"
#include "model_evaluation.h"
#include "pipeline_model.h"
#include "pipeline_symbolic_stage.h"
#include "run_tables.h"

namespace hnn {
namespace fs = std::filesystem;

namespace internal {

// Refuses a non-empty run folder without --force, creates it, writes the resolved pipeline.
fs::path prepare_run_directory(const PipelineConfig& config, const RunSettings& settings) {
  const fs::path directory = run_directory(config, settings);
  std::error_code error_code;
  if (fs::exists(directory, error_code) && !fs::is_empty(directory, error_code) &&
      !settings.force) {
    throw ConfigError(directory.string() +
                      ": error: the run folder exists and is not empty; choose another with "
                      "--output DIR or replace its files with --force");
  }
  fs::create_directories(directory, error_code);
  if (error_code) {
    throw Error("cannot create the run folder " + directory.string() + ": " + error_code.message());
  }
  write_file_atomically(directory / "pipeline.yaml", to_yaml(config));
  return directory;
}

// The run's data: the source's trajectories, derivatives estimated where missing, split
// (data_assembly.h). A problem of the source's trajectories is a ConfigError (validation
// checks a file source the same way; a third-party simulating source is checked here).
// Without a system, `held_out` receives the held-out pieces the evaluation rolls out from.
TrajectoryDataset make_dataset(const PipelineConfig& config, const Registry& registry,
                               const System* system, std::vector<Trajectory>* held_out) {
  const auto random = make_random_source(config.data);
  const TrajectorySet set = load_data_source(config, registry, system, *random);
  const std::string problem = trajectory_set_problem(set, system, config.derivatives);
  if (!problem.empty()) {
    throw Error("data source '" + config.data_source.plugin + "': " + problem);
  }
  TrajectoryDataset dataset = assemble_dataset(set, config, *random);
  if (held_out != nullptr) *held_out = held_out_pieces(set, dataset);
  return dataset;
}

// The summary of one model: what it is, how it was trained and, when `evaluated`, how its
// rollout compares.
ModelSummary model_summary(const ModelResult& result, bool evaluated) {
  const ModelConfig& m = *result.config;
  ModelSummary summary;
  summary.name = m.name;
  summary.plugin = m.model.plugin;
  summary.description = result.model->name();
  summary.parameters = result.model->parameter_count();
  summary.objective = result.objective;
  summary.trained = result.trained;
  summary.epochs = result.epochs_trained;
  summary.total_epochs = result.epochs_before + result.epochs_trained;
  if (result.trained) {
    const OptimizationSummary& last = result.stages.back().summary;
    summary.termination = to_string(last.termination);
    summary.optimizer = result.stages.back().optimizer;
    summary.optimizer_message = last.message;
    for (const auto& stage : result.stages) {
      summary.stages.push_back({stage.optimizer, stage.update_grid, long(stage.summary.epochs),
                                to_string(stage.summary.termination),
                                long(stage.summary.objective_evaluations), stage.summary.message});
    }
  }
  summary.final_train_loss = result.final_train_loss;
  summary.final_test_loss = result.final_test_loss;
  summary.final_penalty = result.final_penalty;
  summary.training_seconds = result.training_seconds;
  if (evaluated) {
    if (result.rollout_error.empty() && result.measured_mse) {
      summary.measured_mse = result.measured_mse;
      summary.reference_energy_mse = result.reference_energy_mse;
    } else if (result.rollout_error.empty()) {
      summary.trajectory_mse = result.versus_truth;
      summary.trajectory_mse_vs_reference = result.versus_reference;
      summary.energy_drift_max = result.energy_drift_max;
      if (!result.trial_energy_errors.empty()) {
        summary.energy_trials = summarize_energy_trials(result.trial_energy_errors);
      }
    } else {
      summary.rollout_error = result.rollout_error;
    }
    summary.evaluation_seconds = result.evaluation_seconds;
  }
  summary.checkpoint = "checkpoints/" + m.name + ".yaml";
  summary.symbolic = result.symbolic;
  return summary;
}

}  // namespace internal

fs::path run_directory(const PipelineConfig& config, const RunSettings& settings) {
  if (!settings.output_directory.empty()) return settings.output_directory;
  const std::string& configured = config.output.directory;
  if (!configured.empty()) return configured;
  return fs::path("runs") / config.name;
}

void run_pipeline(const PipelineConfig& config, const Registry& registry,
                  const RunSettings& settings) {
  using namespace internal;
  std::ostringstream null_stream;
  std::ostream& log = settings.log ? *settings.log : null_stream;
  const fs::path directory = prepare_run_directory(config, settings);
  ProgressReporter progress(log, settings.live_progress, config.output.progress_seconds);

  const auto data_started = Clock::now();
  if (config.system_object == nullptr && config.data_needs_system) {
    throw Error("run_pipeline: the pipeline was not validated (no system was built)");
  }
  // Null with a file source and no `system:`: the evaluation is against the measurements.
  const System* system = config.system_object.get();
  std::vector<Trajectory> held_out;
  const TrajectoryDataset dataset =
      make_dataset(config, registry, system, system ? nullptr : &held_out);
  write_data_csv(directory / "data.csv", dataset);
  const double data_seconds = seconds_since(data_started);
  log << "data: " << dataset.train.size() << " train and " << dataset.test.size()
      << " test samples of "
      << (system ? config.system.plugin : "data source '" + config.data_source.plugin + "'") << " ("
      << format_duration(data_seconds) << ")" << std::endl;

  // Every model is built (with the checkpoint validation read) before any training.
  std::vector<ModelResult> results;
  results.reserve(config.models.size());
  for (const auto& model_config : config.models) {
    results.push_back(build_model(model_config, registry, log));
  }
  // Validation refuses a symbolic stage without a system.
  std::optional<SymbolicStage> symbolic_stage;
  if (system != nullptr) {
    symbolic_stage.emplace(
        SymbolicStage{config, dataset, *system, registry, settings, progress, directory, log});
  }
  std::vector<ModelResult> symbolic_results;
  for (auto& result : results) {
    train_model(result, dataset, registry, settings, progress);
    save_model_checkpoint(result, directory);
    if (result.config->symbolic.enabled && symbolic_stage) {
      if (auto symbolic_result = symbolic_stage->run(result)) {
        save_model_checkpoint(*symbolic_result, directory);
        symbolic_results.push_back(std::move(*symbolic_result));
      }
    } else if (result.model->has_edge_activations()) {
      write_network_files(directory, result.config->name,
                          result.model->edge_activations(dataset.test.inputs),
                          config.coordinate_names, nullptr);
    }
  }
  for (auto& symbolic_result : symbolic_results) results.push_back(std::move(symbolic_result));
  write_history_csv(directory / "history.csv", results);

  RunSummary summary;
  summary.pipeline = config.name;
  summary.system = config.system.plugin;
  summary.exact_hamiltonian = system ? system->exact_hamiltonian() : "";
  summary.data = {long(dataset.train.size()), long(dataset.test.size()), data_seconds};
  const bool evaluated = config.evaluation.enabled;
  if (evaluated && system != nullptr) {
    summary.truth = evaluate(config, registry, *system, results, directory, log);
  } else if (evaluated) {
    summary.measured = evaluate_measurements(config, registry, held_out, config.coordinate_names,
                                             results, directory, log);
  }
  for (const auto& result : results) summary.models.push_back(model_summary(result, evaluated));
  write_run_summary(summary, directory / "summary.yaml");
  log << "results: " << (directory / "summary.yaml").string() << std::endl;
}

}  // namespace hnn
