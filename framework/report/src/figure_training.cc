// Figures: losses and penalty per epoch.
#include "figure_plan.h"

namespace hnn::report::internal {

std::optional<FigurePlan> plan_losses(const RunFolder& run, std::string& reason) {
  const TrainingHistory& history = run.history;
  std::vector<const std::vector<double>*> series;
  for (const auto& model : history.models) {
    series.push_back(&model.train_loss);
    series.push_back(&model.test_loss);
  }
  const auto y = magnitude_axis(series);
  if (!y) {
    reason = "losses: history.csv has no positive loss";
    return std::nullopt;
  }
  FigurePlan plan;
  plan.name = "losses";
  plan.title = "Training and test loss";
  plan.caption =
      "Training loss (solid) and test loss (dashed) of every model per epoch (history.csv), " +
      y->scale_name() +
      ". The loss is the training objective's mean squared error, unitless; "
      "the test loss is computed every training.test_every epochs.";
  plan.draw = [&history, &summary = run.summary, y = *y](PlotCanvas& canvas) {
    std::vector<const std::vector<double>*> epochs;
    for (const auto& model : history.models) epochs.push_back(&model.epoch);
    const auto x = data_range(epochs, false, 0.0).value_or(Range{});
    canvas.axes(x, y.range, y.logarithmic, "epoch", "loss (unitless)", "Training and test loss");
    std::vector<LegendEntry> legend;
    for (std::size_t m = 0; m < history.models.size(); ++m) {
      const LossHistory& model = history.models[m];
      const int colour = model_colour(summary, model.model);
      canvas.line(model.epoch, model.train_loss, colour, 2, 1);
      canvas.line(model.epoch, model.test_loss, colour, 2, 2);
      legend.push_back({model.model + " train", colour, 1, 2, ""});
      legend.push_back({model.model + " test", colour, 2, 2, ""});
    }
    canvas.legend(legend);
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
  plan.draw = [&history = run.history, &summary = run.summary, models, y = *y](PlotCanvas& canvas) {
    std::vector<const std::vector<double>*> epochs;
    for (const std::size_t m : models) epochs.push_back(&history.models[m].epoch);
    const auto x = data_range(epochs, false, 0.0).value_or(Range{});
    canvas.axes(x, y.range, y.logarithmic, "epoch", "penalty (unitless)",
                "Penalty (L1 / regulariser)");
    std::vector<LegendEntry> legend;
    for (const std::size_t m : models) {
      const LossHistory& model = history.models[m];
      const int colour = model_colour(summary, model.model);
      canvas.line(model.epoch, model.penalty, colour, 2, 1);
      legend.push_back({model.model, colour, 1, 2, ""});
    }
    canvas.legend(legend);
  };
  return plan;
}

}  // namespace hnn::report::internal
