#include "hnn/host/pipeline_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <sstream>

#include "data_assembly.h"
#include "energy_flow.h"
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
#include "run_folder_cleaning.h"
#include "run_resumption.h"
#include "run_tables.h"
#include "source_export.h"

namespace hnn {
namespace fs = std::filesystem;

namespace internal {

// Refuses a non-empty run folder without --force (with it: empties a run folder, refuses
// any other), creates it, writes the resolved pipeline. --resume: checks that the folder
// holds an interrupted run and removes only the temporary files a killed run left.
fs::path prepare_run_directory(const PipelineConfig& config, const RunSettings& settings) {
  const fs::path directory = run_directory(config, settings);
  std::error_code error_code;
  if (settings.resume) {
    check_resumable(directory);
    remove_stale_temporary_files(directory);
    return directory;
  }
  if (fs::exists(directory, error_code) && !fs::is_empty(directory, error_code)) {
    if (!settings.force) {
      throw ConfigError(directory.string() +
                        ": error: the run folder exists and is not empty; choose another with "
                        "--output DIR or replace its files with --force");
    }
    empty_run_folder(directory);
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
  summary.interrupted = result.interruption.has_value();
  summary.resumed_without_optimizer_state = result.resumed_without_optimizer_state;
  summary.final_train_loss = result.final_train_loss;
  summary.final_test_loss = result.final_test_loss;
  summary.final_penalty = result.final_penalty;
  summary.l1_objective = result.l1_objective;
  summary.training_seconds = result.training_seconds;
  summary.dissipation = result.dissipation_summary;
  summary.trajectory_objective = result.trajectory_objective_summary;
  if (evaluated) {
    if (result.rollout_error.empty() && result.measured_mse) {
      summary.measured_mse = result.measured_mse;
      summary.reference_energy_mse = result.reference_energy_mse;
      summary.energy_loss_ratio = result.energy_loss_ratio;
      summary.energy_loss_ratios = result.energy_loss_ratios;
      if (!result.measured_power.empty()) {
        std::vector<const PowerSeries*> pieces;
        for (const auto& piece : result.measured_power) pieces.push_back(&piece);
        summary.learned_power = mean_power(pieces);
      }
    } else if (result.rollout_error.empty()) {
      summary.trajectory_mse = result.versus_truth;
      summary.trajectory_mse_vs_reference = result.versus_reference;
      summary.energy_drift_max = result.energy_drift_max;
      summary.energy_loss_ratio = result.energy_loss_ratio;
      if (!result.learned_power.empty())
        summary.learned_power = mean_power({&result.learned_power});
      if (!result.trial_energy_errors.empty()) {
        summary.energy_trials = summarize_energy_trials(result.trial_energy_errors);
      }
    } else {
      summary.rollout_error = result.rollout_error;
    }
    summary.evaluation_seconds = result.evaluation_seconds;
  }
  summary.checkpoint = "checkpoints/" + m.name + ".yaml";
  summary.exports = result.exports;
  summary.symbolic = result.symbolic;
  return summary;
}

// What an interrupted run did not do, and how to continue it.
void log_interruption(const std::vector<ModelResult>& results,
                      const std::vector<std::string>& not_started, const fs::path& directory,
                      std::ostream& log) {
  log << "interrupted:";
  for (const auto& result : results) {
    if (const auto& point = result.interruption) {
      log << " " << result.config->name << " stopped in stage " << point->stage << " after epoch "
          << point->stage_epochs << " of it"
          << (point->optimizer_state ? " (optimizer state saved);" : ";");
    }
  }
  log << " not started: " << (not_started.empty() ? std::string("none") : "");
  for (std::size_t i = 0; i < not_started.size(); ++i) log << (i ? ", " : "") << not_started[i];
  log << "; no evaluation. Continue with: hnn-host --resume " << directory.string() << std::endl;
}

}  // namespace internal

fs::path run_directory(const PipelineConfig& config, const RunSettings& settings) {
  if (!settings.output_directory.empty()) return settings.output_directory;
  const std::string& configured = config.output.directory;
  if (!configured.empty()) return configured;
  return fs::path("runs") / config.name;
}

RunOutcome run_pipeline(const PipelineConfig& config, const Registry& registry,
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
  if (settings.resume) load_resumption(results, directory, log);
  // After a signal: no model is started, no symbolic stage or evaluation runs.
  auto interrupt_raised = [&] { return settings.interrupt && settings.interrupt->load(); };
  std::vector<std::string> not_started;
  // Without a system the symbolic stage fits and refines but verifies nothing.
  std::optional<SymbolicStage> symbolic_stage;
  symbolic_stage.emplace(
      SymbolicStage{config, dataset, system, registry, settings, progress, directory, log});
  std::vector<ModelResult> symbolic_results;
  for (auto& result : results) {
    if (interrupt_raised()) {
      not_started.push_back(result.config->name);
      continue;
    }
    train_model(result, dataset, registry, settings, progress);
    save_model_checkpoint(result, directory);
    if (result.interruption || interrupt_raised()) continue;
    if (config.output.export_sources) {
      const std::string file = write_model_export(directory, result, config.coordinate_names, log);
      if (!file.empty()) result.exports.push_back(file);
    }
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
  std::erase_if(results, [&](const ModelResult& result) {
    return std::find(not_started.begin(), not_started.end(), result.config->name) !=
           not_started.end();
  });
  for (auto& symbolic_result : symbolic_results) results.push_back(std::move(symbolic_result));
  write_history_csv(directory / "history.csv", results);
  const bool interrupted = interrupt_raised();

  RunSummary summary;
  summary.pipeline = config.name;
  summary.system = config.system.plugin;
  summary.exact_hamiltonian = system ? system->exact_hamiltonian() : "";
  summary.data = {long(dataset.train.size()), long(dataset.test.size()), data_seconds};
  summary.interrupted = interrupted;
  summary.not_started = not_started;
  summary.resumed = settings.resume;
  const bool evaluated = config.evaluation.enabled && !interrupted;
  if (evaluated && system != nullptr) {
    summary.truth = evaluate(config, registry, *system, results, directory, log);
  } else if (evaluated) {
    summary.measured = evaluate_measurements(config, registry, held_out, config.coordinate_names,
                                             results, directory, log);
  }
  for (const auto& result : results) summary.models.push_back(model_summary(result, evaluated));
  RunOutcome outcome;
  for (const auto& result : results) {
    if (result.divergence.empty()) continue;
    summary.diverged_models.push_back(result.config->name);
    outcome.failures.push_back(result.config->name + ": " + result.divergence);
  }
  write_run_summary(summary, directory / "summary.yaml");
  log << "results: " << (directory / "summary.yaml").string() << std::endl;
  if (interrupted) log_interruption(results, not_started, directory, log);
  return outcome;
}

}  // namespace hnn
