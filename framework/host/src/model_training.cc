// Building, training and saving one model of a run (pipeline_model.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "divergence_guard.h"
#include "hnn/error.h"
#include "hnn/host/checkpoint.h"
#include "hnn/internal/objective_terms.h"
#include "hnn/learned_dissipation.h"
#include "pipeline_model.h"
#include "run_resumption.h"

namespace hnn::internal {
namespace fs = std::filesystem;

Eigen::VectorXd initial_dissipation(const TrainingSettings& settings, const Model& model) {
  // objective hnn, or trajectory with the solenoidal field (validation refused the others).
  if (model_field_kind(settings) != ObjectiveKind::kHnn || !settings.dissipation.active()) {
    return {};
  }
  const LearnedDissipation dissipation(settings.dissipation.options(),
                                       std::max(1, model.input_dimension() / 2));
  return dissipation.initial_parameters();
}

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
  result.dissipation = initial_dissipation(model_config.training.settings, model);
  if (const Checkpoint* checkpoint = model_config.loaded_checkpoint.get()) {
    model.set_auxiliary_state(checkpoint->auxiliary_state);
    result.parameters = checkpoint->parameters;
    // Validation checked their count against the pipeline's dissipation.
    if (checkpoint->dissipation_parameters.size() > 0) {
      result.dissipation = checkpoint->dissipation_parameters;
    }
    model.set_parameters(result.parameters);
    result.epochs_before = checkpoint->epochs;
    log << model_config.name << ": loaded " << model_config.checkpoint << " (" << checkpoint->epochs
        << " epochs)" << std::endl;
  }
  return result;
}

// With learned initial states: result.initial_states where the training starts, the
// observed first states of the training windows (a resumed run has them from its
// checkpoint already); empty without.
void set_initial_states(ModelResult& result, const TrajectoryObjective& train) {
  if (!train.options().learn_initial_states) {
    result.initial_states.resize(0);
    return;
  }
  const Eigen::Index count = train.parameter_count() - train.initial_state_offset();
  if (result.resumption && result.initial_states.size() != count) {
    throw RunError(result.config->name + ": the checkpoint to resume has " +
                   std::to_string(result.initial_states.size()) +
                   " learned initial states; the training windows have " + std::to_string(count));
  }
  if (result.initial_states.size() != count) {
    result.initial_states = train.initial_parameters().tail(count);
  }
}

namespace {

// A history row whose train loss is not known yet: see rows_from_next_value in train_model.
struct PendingRow {
  std::size_t index = 0;       // in ModelResult::history
  long epoch = 0;              // the row's epoch
  Eigen::VectorXd parameters;  // the parameters of that epoch
  bool waiting = false;
};

}  // namespace

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
  const TrainingSettings& training = model_config.training.settings;
  auto train_objective = make_objective(model, training, dataset.train);
  auto test_objective = make_test_objective(model, training, dataset.test);
  if (training.objective == ObjectiveKind::kTrajectory) {
    const auto& train = static_cast<const TrajectoryObjective&>(*train_objective);
    set_initial_states(result, train);
    const auto& test = static_cast<const TrajectoryObjective&>(*test_objective);
    result.trajectory_objective_summary = TrajectoryObjectiveSummary{
        to_string(train.options().method), to_string(train.options().field),
        long(train.windows().steps), long(train.windows().count()), long(test.windows().count())};
  }
  // What the optimizers see: the model's parameters, then the learned dissipation's, then
  // the training windows' learned initial states.
  Eigen::VectorXd parameters = objective_parameters(result);
  const Eigen::Index model_parameters = result.parameters.size();
  const double l1 = training.l1;
  // What the optimizer minimises: the whole training set, or a fresh minibatch per
  // evaluation. Losses are always recorded on the whole sets.
  const Eigen::Index batch = training.batch_size;
  // Objective trajectory draws windows, not samples.
  const Eigen::Index items =
      training.objective == ObjectiveKind::kTrajectory
          ? static_cast<const TrajectoryObjective&>(*train_objective).windows().count()
          : dataset.train.size();
  const bool minibatches = batch > 0 && batch < items;
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
  // For an optimizer that handles the L1 penalty itself (Optimizer::handles_l1): the same
  // objective without its L1 term, made when first needed.
  std::unique_ptr<Objective> optimized_without_l1;
  auto objective_without_l1 = [&]() -> Objective& {
    if (!optimized_without_l1) {
      TrainingSettings without_l1 = training;
      without_l1.l1 = 0.0;
      optimized_without_l1 = minibatches
                                 ? make_minibatch_objective(model, without_l1, dataset.train, batch,
                                                            std::uint64_t(training.batch_seed))
                                 : make_objective(model, without_l1, dataset.train);
    }
    return *optimized_without_l1;
  };

  const auto training_started = Clock::now();
  if (training.enabled) {
    const long test_every = training.test_every;
    long total_epochs = 0;
    for (const auto& stage : model_config.training.stages) {
      if (stage.optimizer.options.contains("epochs")) {
        total_epochs += long(stage.optimizer.options.integer("epochs"));
      }
    }
    double start_objective = 0.0;
    if (resumption == nullptr) {
      const auto [train_loss, penalty] = loss_at(*train_objective, parameters);
      const auto test_loss = loss_at(*test_objective, parameters).first;
      result.history.push_back({result.epochs_before, 0, train_loss, test_loss, penalty, 0.0});
      start_objective = train_loss + penalty;
    }
    // Resumed: the start value is the interrupted run's (its history's first row), so that
    // the divergence rule is the uninterrupted run's.
    if (resumption != nullptr) {
      for (const HistoryRow& row : result.history) {
        if (row.stage == 0 && row.train_loss) {
          start_objective = *row.train_loss + row.penalty;
          break;
        }
      }
    }
    DivergenceGuard guard(parameters, start_objective, result.epochs_before);
    guard.diverged_at_start();
    progress.start(model_config.name + " (" + model.name() + ")", total_epochs);
    const bool penalty_from_model = model.has_penalty();
    bool interrupted = resumption != nullptr && resumption->complete;
    if (guard.diverged()) {
      const TrainingStage& first = model_config.training.stages.front();
      OptimizationSummary diverged;
      diverged.termination = Termination::kDiverged;
      diverged.final_value = start_objective;
      diverged.message = guard.message();
      result.stages.push_back({first.optimizer.plugin, first.update_grid, diverged});
    }
    const std::size_t first_stage = stopped ? std::size_t(stopped->stage - 1) : 0;
    for (std::size_t s = first_stage;
         s < model_config.training.stages.size() && !interrupted && !guard.diverged(); ++s) {
      const TrainingStage& stage = model_config.training.stages[s];
      const bool resumed_stage = stopped != nullptr && s == first_stage;
      if (stage.update_grid && !(resumed_stage && stopped->stage_epochs > 0)) {
        model.set_parameters(parameters.head(model_parameters));
        model.update_grid(dataset.train.inputs);
        model.get_parameters(parameters.head(model_parameters));
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
      const bool exact_l1 = l1 > 0.0 && optimizer->handles_l1();
      if (exact_l1) optimizer->set_l1(l1);
      // Adam and pykan's L-BFGS report the objective at the start of an epoch, i.e. at the
      // parameters of the epoch before. On the whole training set with no penalty term that
      // value is exactly the previous row's train loss, so the row waits for it rather than
      // evaluating the objective a second time per epoch (issue 16); the guard checks the
      // row when it is complete, and the stage's last row is completed after the stage.
      const bool rows_from_next_value = !minibatches && !penalty_from_model && l1 == 0.0;
      PendingRow pending;
      // Completes the pending row with its train loss; false when the guard rejects it.
      const auto complete_pending = [&](double train_loss) {
        pending.waiting = false;
        HistoryRow& row = result.history[pending.index];
        row.train_loss = train_loss;
        progress.update(pending.epoch - result.epochs_before, row.train_loss, row.test_loss);
        return guard.accept(pending.epoch, train_loss, pending.parameters);
      };
      EpochCallback on_epoch = [&](const EpochState& state) {
        const long epoch = epochs_before_stage + stage_offset + state.epoch;
        const bool record_test = (stage_offset + state.epoch) % test_every == 0;
        const bool deferred = rows_from_next_value && !state.value_at_parameters;
        if (deferred && pending.waiting && !complete_pending(state.objective_value)) return false;
        std::optional<double> train_loss;
        double penalty = internal::add_l1_penalty(l1, *state.parameters, nullptr,
                                                  exact_l1 ? 0.0 : training.l1_smoothing);
        if (minibatches) {
          // The whole training set only when the test loss is recorded too.
          if (record_test) {
            std::tie(train_loss, penalty) = loss_at(*train_objective, *state.parameters);
          }
        } else if (deferred) {
          // The next epoch's reported value, or the evaluation after the stage.
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
        if (deferred) {
          pending.index = result.history.size() - 1;
          pending.epoch = epoch;
          pending.parameters = *state.parameters;
          pending.waiting = true;
        } else {
          progress.update(epoch - result.epochs_before, train_loss, test_loss);
          // The objective at the reported parameters where it was evaluated there.
          if (!guard.accept(epoch, train_loss ? *train_loss + penalty : state.objective_value,
                            *state.parameters)) {
            return false;
          }
        }
        if (settings.epoch_observer) settings.epoch_observer();
        interrupted = settings.interrupt && settings.interrupt->load();
        if (interrupted && minibatches) minibatches_at_stop = minibatches_drawn(optimized);
        return !interrupted;
      };
      StageResult stage_result{
          stage.optimizer.plugin, stage.update_grid,
          resumed.nothing_left ? resumed.finished
                               : optimizer->minimize(exact_l1 ? objective_without_l1() : optimized,
                                                     parameters, on_epoch),
          exact_l1};
      if (resumed_stage) add_epochs_before_resume(stage_result.summary, resumed);
      if (pending.waiting) complete_pending(loss_at(*train_objective, pending.parameters).first);
      // The parameters the stage returned, when they are not an epoch the guard saw (an
      // optimizer that failed within its first epoch, or restored an earlier point).
      if (!guard.diverged() && parameters != guard.last_finite_parameters()) {
        const auto [train_loss, penalty] = loss_at(*train_objective, parameters);
        guard.accept(epochs_before_stage + stage_result.summary.epochs, train_loss + penalty,
                     parameters, "the parameters " + stage.optimizer.plugin + " returned");
      }
      if (guard.diverged()) {
        OptimizationSummary& summary = stage_result.summary;
        summary.termination = Termination::kDiverged;
        summary.epochs = int(std::max(0L, guard.last_finite_epoch() - epochs_before_stage));
        summary.message =
            guard.message() + " (" + stage.optimizer.plugin + ": " + summary.message + ")";
        parameters = guard.last_finite_parameters();
      } else if (interrupted) {
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
    result.divergence = guard.message();
    result.trained = true;
  }
  result.training_seconds =
      seconds_since(training_started) + (resumption ? resumption->training_seconds : 0.0);
  set_objective_parameters(result, parameters);
  model.set_parameters(result.parameters);
  std::tie(result.final_train_loss, result.final_penalty) = loss_at(*train_objective, parameters);
  result.final_test_loss = loss_at(*test_objective, parameters).first;
  if (result.trained && result.stages.back().exact_l1) {
    result.l1_objective =
        result.final_train_loss + internal::add_l1_penalty(l1, parameters, nullptr, 0.0);
  }
  result.dissipation_summary = summarize_dissipation(result, dataset.train.inputs);
  model.set_parameters(result.parameters);
  if (result.trained) {
    progress.finish(model_config.name + ": " + std::to_string(result.epochs_trained) + " epochs (" +
                    to_string(result.stages.back().summary.termination) + "), train " +
                    real(result.final_train_loss) + ", test " + real(result.final_test_loss) +
                    ", " + format_duration(result.training_seconds));
  }
}

void save_model_checkpoint(const ModelResult& result, const fs::path& directory) {
  const ModelConfig& model_config = *result.config;
  Checkpoint checkpoint{model_config.name,  model_config.model.plugin,
                        result.options,     result.epochs_before + result.epochs_trained,
                        result.parameters,  result.model->auxiliary_state(),
                        result.interruption};
  checkpoint.dissipation_parameters = result.dissipation;
  checkpoint.learned_initial_states = result.initial_states;
  save_checkpoint(checkpoint, directory / "checkpoints" / (model_config.name + ".yaml"));
}

}  // namespace hnn::internal
