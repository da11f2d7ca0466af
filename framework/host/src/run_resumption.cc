#include "run_resumption.h"

#include <cmath>
#include <map>
#include <sstream>
#include <utility>

#include "hnn/error.h"
#include "hnn/host/run_folder_reading.h"
#include "hnn/host/run_summary_reader.h"

namespace hnn::internal {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void refuse(const fs::path& file, const std::string& message) {
  throw ConfigError(file.string() + ": error: " + message);
}

// The termination a summary names; kFailed for one this host does not know. Every value of
// the enum (an enum class: int underneath, so any int is a value) up to a bound is tried,
// so that a termination added later is found without a list to keep up to date here.
Termination termination_named(const std::string& name) {
  for (int value = 0; value < 64; ++value) {
    if (to_string(Termination(value)) == name) return Termination(value);
  }
  return Termination::kFailed;
}

StageResult stage_result(const StageSummary& stage) {
  OptimizationSummary summary;
  summary.termination = termination_named(stage.termination);
  summary.epochs = int(stage.epochs);
  summary.objective_evaluations = stage.objective_evaluations;
  summary.message = stage.message;
  return {stage.optimizer, stage.update_grid, summary};
}

// An optional real of a history.csv row ("" when not recorded).
std::optional<double> history_real(const fs::path& file, std::size_t line, const std::string& text,
                                   bool optional) {
  if (optional && text.empty()) return std::nullopt;
  double value = 0;
  if (!parse_real(text, value)) {
    refuse(file.string() + ":" + std::to_string(line), "expected a real, found '" + text + "'");
  }
  return value;
}

// The rows of history.csv by model, as write_history_csv writes them.
std::map<std::string, std::vector<HistoryRow>> read_history(const fs::path& file) {
  std::map<std::string, std::vector<HistoryRow>> rows;
  std::istringstream lines(read_file_text(file));
  std::string line;
  std::getline(lines, line);  // the header
  for (std::size_t number = 2; std::getline(lines, line); ++number) {
    std::vector<std::string> cells;
    std::stringstream cell_stream(line);
    for (std::string cell; std::getline(cell_stream, cell, ',');) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    if (cells.size() != 7) {
      refuse(file.string() + ":" + std::to_string(number),
             "expected 7 columns (epoch,model,stage,train_loss,test_loss,penalty,seconds)");
    }
    HistoryRow row{std::stol(cells[0]),
                   std::stol(cells[2]),
                   history_real(file, number, cells[3], true),
                   history_real(file, number, cells[4], true),
                   *history_real(file, number, cells[5], false),
                   *history_real(file, number, cells[6], false)};
    rows[cells[1]].push_back(row);
  }
  return rows;
}

}  // namespace

void check_resumable(const fs::path& directory) {
  const fs::path file = directory / "summary.yaml";
  std::error_code error_code;
  if (!fs::is_regular_file(file, error_code)) {
    refuse(directory, "not a run folder to resume: it has no summary.yaml");
  }
  if (!read_run_summary(file).interrupted) {
    refuse(file,
           "the run was not interrupted (no 'interrupted: true'); there is nothing to resume");
  }
}

void load_resumption(std::vector<ModelResult>& results, const fs::path& directory,
                     std::ostream& log) {
  const RunSummary summary = read_run_summary(directory / "summary.yaml");
  auto history = read_history(directory / "history.csv");
  for (ModelResult& result : results) {
    const ModelConfig& config = *result.config;
    const ModelSummary* old = summary.find(config.name);
    if (old == nullptr) continue;  // not started: trained from the start
    const fs::path file = directory / "checkpoints" / (config.name + ".yaml");
    Checkpoint checkpoint = load_checkpoint(file, config.model.plugin, result.options);
    if (checkpoint.parameters.size() != result.parameters.size()) {
      refuse(file, "has " + std::to_string(checkpoint.parameters.size()) +
                       " parameters; the model has " + std::to_string(result.parameters.size()));
    }
    result.model->set_auxiliary_state(checkpoint.auxiliary_state);
    result.parameters = checkpoint.parameters;
    result.model->set_parameters(result.parameters);
    if (checkpoint.dissipation_parameters.size() != result.dissipation.size()) {
      refuse(file, "has " + std::to_string(checkpoint.dissipation_parameters.size()) +
                       " dissipation parameters; the training's dissipation has " +
                       std::to_string(result.dissipation.size()));
    }
    result.dissipation = checkpoint.dissipation_parameters;
    // Checked against the training windows when they are cut (train_model).
    result.initial_states = checkpoint.learned_initial_states;

    TrainingResumption resumption;
    resumption.history = std::move(history[config.name]);
    if (std::isfinite(old->training_seconds)) resumption.training_seconds = old->training_seconds;
    std::size_t finished = old->stages.size();
    if (const auto& interrupted = checkpoint.interrupted_training) {
      const auto& stages = config.training.stages;
      if (interrupted->stage < 1 || std::size_t(interrupted->stage) > stages.size() ||
          stages[std::size_t(interrupted->stage - 1)].optimizer.plugin != interrupted->optimizer ||
          std::size_t(interrupted->stage - 1) > old->stages.size()) {
        refuse(file, "interrupted_training does not match the pipeline's stages of '" +
                         config.name + "'");
      }
      finished = std::size_t(interrupted->stage - 1);
      if (finished < old->stages.size()) {
        resumption.stopped_stage = stage_result(old->stages[finished]).summary;
      }
      resumption.interrupted = interrupted;
      log << config.name << ": resumed from " << file.string() << " in stage " << interrupted->stage
          << " after epoch " << interrupted->stage_epochs << " of it"
          << (interrupted->optimizer_state ? " (with the optimizer's state)"
                                           : " (the optimizer keeps no state: it restarts)")
          << std::endl;
    } else {
      resumption.complete = true;
      log << config.name << ": trained before the interrupt (" << old->epochs
          << " epochs); not trained again" << std::endl;
    }
    for (std::size_t s = 0; s < finished; ++s) {
      resumption.stages.push_back(stage_result(old->stages[s]));
      resumption.epochs_trained += old->stages[s].epochs;
    }
    result.resumption = std::move(resumption);
  }
}

const InterruptedTraining* resume_training(ModelResult& result, Objective* minibatch_objective) {
  const TrainingResumption& resumption = *result.resumption;
  result.history = resumption.history;
  result.stages = resumption.stages;
  result.epochs_trained = resumption.epochs_trained;
  if (resumption.complete) return nullptr;
  if (minibatch_objective != nullptr) {
    skip_minibatches(*minibatch_objective, resumption.interrupted->minibatches);
  }
  return &*resumption.interrupted;
}

ResumedStage resume_stage(const TrainingStage& stage, const InterruptedTraining& stopped,
                          const OptimizationSummary& stopped_summary, const Registry& registry) {
  const PluginChoice& choice = stage.optimizer;
  ResumedStage resumed;
  resumed.optimizer = registry.create_optimizer(choice.plugin, choice.options);
  if (stopped.stage_epochs == 0) return resumed;  // the stage had not begun
  if (resumed.optimizer->has_state() && stopped.optimizer_state) {
    resumed.optimizer->restore_state(*stopped.optimizer_state);
    return resumed;
  }
  resumed.without_state = true;
  resumed.epoch_offset = stopped.stage_epochs;
  resumed.evaluations_before = stopped_summary.objective_evaluations;
  if (!choice.options.contains("epochs")) return resumed;  // runs its whole count again
  const std::int64_t left = choice.options.integer("epochs") - stopped.stage_epochs;
  if (left <= 0) {
    resumed.nothing_left = true;
    resumed.finished.termination = Termination::kEpochs;
    resumed.finished.message = "all epochs had run before the interrupt";
    return resumed;
  }
  Options options = choice.options;
  options.set("epochs", left);
  resumed.optimizer = registry.create_optimizer(choice.plugin, options);
  return resumed;
}

void add_epochs_before_resume(OptimizationSummary& summary, const ResumedStage& resumed) {
  if (!resumed.without_state) return;
  summary.epochs += int(resumed.epoch_offset);
  summary.objective_evaluations += resumed.evaluations_before;
}

std::optional<InterruptedTraining> interruption_point(const std::vector<TrainingStage>& stages,
                                                      std::size_t stage,
                                                      const OptimizationSummary& summary,
                                                      long minibatches,
                                                      const Optimizer& optimizer) {
  if (summary.termination == Termination::kStopped) {
    InterruptedTraining point{long(stage + 1), long(summary.epochs), stages[stage].optimizer.plugin,
                              minibatches, std::nullopt};
    if (optimizer.has_state()) point.optimizer_state = optimizer.saved_state();
    return point;
  }
  if (stage + 1 < stages.size()) {
    return InterruptedTraining{long(stage + 2), 0, stages[stage + 1].optimizer.plugin, minibatches,
                               std::nullopt};
  }
  return std::nullopt;
}

}  // namespace hnn::internal
