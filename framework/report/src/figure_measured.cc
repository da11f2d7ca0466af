// Figure: the rollouts against the measurements of a run without a system
// (measured_trajectories.csv).
#include <algorithm>
#include <cmath>

#include "figure_plan.h"

namespace hnn::report::internal {

namespace {

// One series of a column, split into the table's pieces (column `piece`).
std::vector<std::vector<double>> by_piece(const std::vector<double>& pieces,
                                          const std::vector<double>& values) {
  std::vector<std::vector<double>> split;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i == 0 || pieces[i] != pieces[i - 1]) split.emplace_back();
    split.back().push_back(values[i]);
  }
  return split;
}

}  // namespace

std::optional<FigurePlan> plan_measured_rollouts(const RunFolder& run, std::string& reason) {
  if (!run.measured_trajectories || run.measured_trajectories->row_count() == 0) {
    reason = "measured_rollouts: no measured_trajectories.csv rows";
    return std::nullopt;
  }
  const CsvTable& table = *run.measured_trajectories;
  std::vector<std::string> models;
  for (const ModelSummary& model : run.summary.models) {
    if (model.measured_mse) models.push_back(model.name);
  }
  // Columns: piece, t, the n measured coordinates, then n per rolled-out model.
  const std::size_t n = (table.header().size() - 2) / (1 + models.size());
  if (n == 0) {
    reason = "measured_rollouts: measured_trajectories.csv has no coordinates";
    return std::nullopt;
  }
  const std::string coordinate = table.header()[2];
  FigurePlan plan;
  plan.name = "measured_rollouts";
  plan.title = "Rollouts against the measurements";
  plan.caption = "The held-out measurements of " + coordinate +
                 " (black points) and every model rolled out from the first state of each "
                 "held-out piece over its measured times (lines). The run has no system: "
                 "these measurements are the only truth.";
  plan.draw = [&table, &summary = run.summary, models, coordinate](PlotCanvas& canvas) {
    const std::vector<double> pieces = table.reals("piece");
    const std::vector<double> times = table.reals("t");
    const std::vector<double> measured = table.reals(coordinate);
    std::vector<std::vector<double>> rollouts;
    for (const auto& model : models) rollouts.push_back(table.reals(model + "_" + coordinate));
    std::vector<const std::vector<double>*> series{&measured};
    const Range truth = data_range(series, false).value_or(Range{});
    for (const auto& rollout : rollouts) series.push_back(&rollout);
    const Range y = clip_range(data_range(series, false).value_or(truth), truth, 0.5);
    const auto [low, high] = std::minmax_element(times.begin(), times.end());
    const Range x{*low, *high};
    std::vector<LegendEntry> legend{{"measured", kBlack, 0, 2, "•"}};
    for (const auto& model : models) {
      legend.push_back({model, model_colour(summary, model), 1, 1.8, ""});
    }
    canvas.legend(legend);
    canvas.axes(x, y, false, "time t", coordinate, "Held-out measurements and rollouts");
    canvas.points(times, measured, kBlack, "•", 0.8);
    const auto time_pieces = by_piece(pieces, times);
    for (std::size_t m = 0; m < models.size(); ++m) {
      const auto rollout_pieces = by_piece(pieces, rollouts[m]);
      for (std::size_t p = 0; p < time_pieces.size(); ++p) {
        canvas.line(time_pieces[p], rollout_pieces[p], model_colour(summary, models[m]), 1.8, 1);
      }
    }
  };
  return plan;
}

}  // namespace hnn::report::internal
