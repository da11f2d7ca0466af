// Figures: losses and penalty per epoch.
#include "figure_plan.h"

namespace hnn::report::internal {

std::vector<const LossHistory*> trained_model_histories(const RunFolder& run,
                                                        std::vector<std::string>* formulas) {
  std::vector<const LossHistory*> trained;
  for (const auto& model : run.history.models) {
    const ModelSummary* summary = run.summary.find(model.model);
    if (summary != nullptr && summary->plugin == "symbolic") {
      if (formulas != nullptr) formulas->push_back(model.model);
    } else {
      trained.push_back(&model);
    }
  }
  return trained;
}

std::optional<FigurePlan> plan_losses(const RunFolder& run, std::string& reason) {
  std::vector<std::string> formulas;
  std::vector<const LossHistory*> models = trained_model_histories(run, &formulas);
  std::vector<const std::vector<double>*> series;
  for (const LossHistory* model : models) {
    series.push_back(&model->train_loss);
    series.push_back(&model->test_loss);
  }
  const auto y = magnitude_axis(series);
  if (!y) {
    reason = "losses: history.csv has no positive loss of a trained model";
    return std::nullopt;
  }
  FigurePlan plan;
  plan.name = "losses";
  plan.title = "Training and test loss";
  plan.caption =
      "Training loss (solid) and test loss (dashed) of every trained model per epoch "
      "(history.csv), " +
      y->scale_name() +
      ". The loss is the training objective's mean squared error, unitless; "
      "the test loss is computed every training.test_every epochs.";
  append_sentence(plan.caption, y->clipping_note());
  if (!formulas.empty()) {
    std::string names;
    for (const auto& name : formulas) names += (names.empty() ? "" : ", ") + name;
    plan.caption += " Not shown: the refinement of the recovered formulas (" + names +
                    "), whose few epochs reach round-off; their losses are in history.csv.";
  }
  plan.draw = [models = std::move(models), &summary = run.summary, y = *y](PlotCanvas& canvas) {
    // One entry per model, and the line styles once: half as many entries as curves.
    std::vector<LegendEntry> legend;
    for (const LossHistory* model : models) {
      legend.push_back({model->model, model_colour(summary, model->model), 1, 2, ""});
    }
    legend.push_back({"train", kDarkGrey, 1, 2, ""});
    legend.push_back({"test", kDarkGrey, 2, 2, ""});
    canvas.legend(legend);
    std::vector<const std::vector<double>*> epochs;
    for (const LossHistory* model : models) epochs.push_back(&model->epoch);
    const auto x = data_range(epochs, false, 0.0).value_or(Range{});
    canvas.axes(x, y, "epoch", "loss (unitless)", "Training and test loss");
    for (const LossHistory* model : models) {
      const int colour = model_colour(summary, model->model);
      canvas.line(model->epoch, model->train_loss, colour, 2, 1);
      canvas.line(model->epoch, model->test_loss, colour, 2, 2);
    }
  };
  return plan;
}

std::optional<FigurePlan> plan_penalty(const RunFolder& run, std::string& reason) {
  std::vector<std::size_t> models;
  std::vector<const std::vector<double>*> series;
  for (std::size_t m = 0; m < run.history.models.size(); ++m) {
    if (run.history.models[m].has_penalty()) {
      models.push_back(m);
      series.push_back(&run.history.models[m].penalty);
    }
  }
  const auto y = magnitude_axis(series);
  if (models.empty() || !y) {
    reason = "penalty: no model has a non-zero penalty (L1 / regulariser)";
    return std::nullopt;
  }
  FigurePlan plan;
  plan.name = "penalty";
  plan.title = "Penalty";
  plan.caption =
      "The penalty (L1 / regulariser value added to the loss, unitless) per epoch of the "
      "models that have one (history.csv), " +
      y->scale_name() + ". Colours as in the loss figure.";
  append_sentence(plan.caption, y->clipping_note());
  plan.draw = [&history = run.history, &summary = run.summary, models, y = *y](PlotCanvas& canvas) {
    std::vector<LegendEntry> legend;
    for (const std::size_t m : models) {
      const std::string& model = history.models[m].model;
      legend.push_back({model, model_colour(summary, model), 1, 2, ""});
    }
    canvas.legend(legend);
    std::vector<const std::vector<double>*> epochs;
    for (const std::size_t m : models) epochs.push_back(&history.models[m].epoch);
    const auto x = data_range(epochs, false, 0.0).value_or(Range{});
    canvas.axes(x, y, "epoch", "penalty (unitless)", "Penalty (L1 / regulariser)");
    for (const std::size_t m : models) {
      const LossHistory& model = history.models[m];
      canvas.line(model.epoch, model.penalty, model_colour(summary, model.model), 2, 1);
    }
  };
  return plan;
}

}  // namespace hnn::report::internal
