// Building, training and saving one model of a run (pipeline_model.h).
#include <cmath>
#include <limits>
#include <memory>

#include "hnn/error.h"
#include "hnn/host/checkpoint.h"
#include "hnn/internal/objective_terms.h"
#include "pipeline_model.h"
#include "run_resumption.h"

namespace hnn::internal {
namespace fs = std::filesystem;

// Builds a model from the options validation resolved and gives it the checkpoint
// validation read (validation checked both against the pipeline).
ModelResult build_model(const ModelConfig& model_config, const Registry& registry,
                        std::ostream& log) {
  ModelResult result;
  result.config = &model_config;
  result.options = model_config.resolved_options;
  result.model = registry.create_model(model_config.model.plugin, result.options);
  Model& model = *result.model;
  result.objective = to_string(model_config.training.settings.objective);
  result.parameters.resize(model.parameter_count());
  model.get_parameters(result.parameters);
  if (const Checkpoint* checkpoint = model_config.loaded_checkpoint.get()) {
    model.set_auxiliary_state(checkpoint->auxiliary_state);
    result.parameters = checkpoint->parameters;
    model.set_parameters(result.parameters);
    result.epochs_before = checkpoint->epochs;
    log << model_config.name << ": loaded " << model_config.checkpoint << " (" << checkpoint->epochs
        << " epochs)" << std::endl;
  }
  return result;
}

// The data loss and the penalty at `at` (value only); NaN when the evaluation fails.
std::pair<double, double> loss_at(Objective& objective, const Eigen::VectorXd& at) {
  double value = 0;
  if (!objective.evaluate(at.data(), &value, nullptr)) return {std::nan(""), std::nan("")};
  const LossParts parts = objective.last_parts();
  return {parts.data_loss, parts.penalty};
}

// Trains a model through its stages, recording every epoch, then its final losses.
void train_model(ModelResult& result, const TrajectoryDataset& dataset, const Registry& registry,
                 const RunSettings& settings, ProgressReporter& progress) {
  const ModelConfig& model_config = *result.config;
  Model& model = *result.model;
  Eigen::VectorXd& parameters = result.parameters;
  const TrainingSettings& training = model_config.training.settings;
  auto train_objective = make_objective(model, training, dataset.train);
  auto test_objective = make_objective(model, training, dataset.test);
  const double l1 = training.l1;
  // What the optimizer minimises: the whole training set, or a fresh minibatch per
  // evaluation. Losses are always recorded on the whole sets.
  const Eigen::Index batch = training.batch_size;
  const bool minibatches = batch > 0 && batch < dataset.train.size();
  std::unique_ptr<Objective> minibatch_objective;
  if (minibatches) {
    minibatch_objective = make_minibatch_objective(model, training, dataset.train, batch,
                                                   std::uint64_t(training.batch_seed));
  }
  Objective& optimized = minibatches ? *minibatch_objective : *train_objective;
  // --resume: what the interrupted run did is taken over, its stopped stage continued.
  const TrainingResumption* resumption = result.resumption ? &*result.resumption : nullptr;
  const InterruptedTraining* stopped =
      resumption ? resume_training(result, minibatch_objective.get()) : nullptr;

  const auto training_started = Clock::now();
  if (training.enabled) {
    const long test_every = training.test_every;
    long total_epochs = 0;
    for (const auto& stage : model_config.training.stages) {
      if (stage.optimizer.options.contains("epochs")) {
        total_epochs += long(stage.optimizer.options.integer("epochs"));
      }
    }
    if (resumption == nullptr) {
      const auto [train_loss, penalty] = loss_at(*train_objective, parameters);
      const auto test_loss = loss_at(*test_objective, parameters).first;
      result.history.push_back({result.epochs_before, 0, train_loss, test_loss, penalty, 0.0});
    }
    progress.start(model_config.name + " (" + model.name() + ")", total_epochs);
    const bool penalty_from_model = model.has_penalty();
    bool interrupted = resumption != nullptr && resumption->complete;
    const std::size_t first_stage = stopped ? std::size_t(stopped->stage - 1) : 0;
    for (std::size_t s = first_stage; s < model_config.training.stages.size() && !interrupted;
         ++s) {
      const TrainingStage& stage = model_config.training.stages[s];
      const bool resumed_stage = stopped != nullptr && s == first_stage;
      if (stage.update_grid && !(resumed_stage && stopped->stage_epochs > 0)) {
        model.set_parameters(parameters);
        model.update_grid(dataset.train.inputs);
        model.get_parameters(parameters);
      }
      // A resumed stage: its optimizer with the saved state (epochs numbered on), or one
      // without state for the epochs left (epochs numbered from 1: offset by those done).
      ResumedStage resumed;
      if (resumed_stage) {
        resumed = resume_stage(stage, *stopped, resumption->stopped_stage, registry);
        result.resumed_without_optimizer_state = resumed.without_state;
      }
      const auto optimizer = resumed_stage ? resumed.optimizer
                                           : registry.create_optimizer(stage.optimizer.plugin,
                                                                       stage.optimizer.options);
      const long stage_offset = resumed.epoch_offset;
      long minibatches_at_stop = 0;
      const long epochs_before_stage = result.epochs_before + result.epochs_trained;
      EpochCallback on_epoch = [&](const EpochState& state) {
        const long epoch = epochs_before_stage + stage_offset + state.epoch;
        const bool record_test = (stage_offset + state.epoch) % test_every == 0;
        std::optional<double> train_loss;
        double penalty =
            internal::add_l1_penalty(l1, *state.parameters, nullptr, training.l1_smoothing);
        if (minibatches) {
          // The whole training set only when the test loss is recorded too.
          if (record_test) {
            std::tie(train_loss, penalty) = loss_at(*train_objective, *state.parameters);
          }
        } else if (penalty_from_model || !state.value_at_parameters) {
          // Loss and penalty at the reported parameters, not at the start of the epoch.
          std::tie(train_loss, penalty) = loss_at(*train_objective, *state.parameters);
        } else {
          train_loss = state.objective_value - penalty;
        }
        std::optional<double> test_loss;
        if (record_test) test_loss = loss_at(*test_objective, *state.parameters).first;
        result.history.push_back(
            {epoch, long(s + 1), train_loss, test_loss, penalty, seconds_since(training_started)});
        progress.update(epoch - result.epochs_before, train_loss, test_loss);
        if (settings.epoch_observer) settings.epoch_observer();
        interrupted = settings.interrupt && settings.interrupt->load();
        if (interrupted && minibatches) minibatches_at_stop = minibatches_drawn(optimized);
        return !interrupted;
      };
      StageResult stage_result{stage.optimizer.plugin, stage.update_grid,
                               resumed.nothing_left
                                   ? resumed.finished
                                   : optimizer->minimize(optimized, parameters, on_epoch)};
      if (resumed_stage) add_epochs_before_resume(stage_result.summary, resumed);
      if (interrupted) {
        const bool stopped_here = stage_result.summary.termination == Termination::kStopped;
        const long drawn = !minibatches   ? 0
                           : stopped_here ? minibatches_at_stop
                                          : minibatches_drawn(optimized);
        result.interruption = interruption_point(model_config.training.stages, s,
                                                 stage_result.summary, drawn, *optimizer);
      }
      result.epochs_trained += stage_result.summary.epochs;
      result.stages.push_back(std::move(stage_result));
    }
    result.trained = true;
  }
  result.training_seconds =
      seconds_since(training_started) + (resumption ? resumption->training_seconds : 0.0);
  model.set_parameters(parameters);
  std::tie(result.final_train_loss, result.final_penalty) = loss_at(*train_objective, parameters);
  result.final_test_loss = loss_at(*test_objective, parameters).first;
  model.set_parameters(parameters);
  if (result.trained) {
    progress.finish(model_config.name + ": " + std::to_string(result.epochs_trained) + " epochs (" +
                    to_string(result.stages.back().summary.termination) + "), train " +
                    real(result.final_train_loss) + ", test " + real(result.final_test_loss) +
                    ", " + format_duration(result.training_seconds));
  }
}

void save_model_checkpoint(const ModelResult& result, const fs::path& directory) {
  const ModelConfig& model_config = *result.config;
  const Checkpoint checkpoint{model_config.name,  model_config.model.plugin,
                              result.options,     result.epochs_before + result.epochs_trained,
                              result.parameters,  result.model->auxiliary_state(),
                              result.interruption};
  save_checkpoint(checkpoint, directory / "checkpoints" / (model_config.name + ".yaml"));
}

}  // namespace hnn::internal
