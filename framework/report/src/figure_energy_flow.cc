// Figure: the power dissipated along the truth of a system with damping or forcing and
// along the rollouts of models with a learned dissipation (trajectories.csv).
#include <algorithm>
#include <cmath>

#include "figure_plan.h"
#include "hnn/number_format.h"

namespace hnn::report::internal {

std::optional<FigurePlan> plan_dissipated_power(const RunFolder& run, std::string& reason) {
  if (!run.trajectories || run.trajectories->times.empty()) {
    reason = "dissipated_power: the run has no trajectories.csv rows";
    return std::nullopt;
  }
  const TrajectoryTable& table = *run.trajectories;
  std::vector<const ModelRollout*> models;
  for (const auto& model : table.models) {
    if (model.rollout.dissipated_power.empty()) continue;
    models.push_back(&model);
  }
  const bool truth = !table.truth.dissipated_power.empty();
  if (!truth && models.empty()) {
    reason = "dissipated_power: neither the system nor a model dissipates";
    return std::nullopt;
  }
  FigurePlan plan;
  plan.name = "dissipated_power";
  plan.title = "Dissipated power";
  plan.caption = "The power the damping dissipates, dH/dx^T R dH/dx, against time, " +
                 std::string("t in [") + shortest_decimal(table.times.front()) + ", " +
                 shortest_decimal(table.times.back()) + "]" +
                 (truth ? ": along the truth with the system's H and R (black)" : "") +
                 (models.empty() ? "" : (truth ? ", and" : ":")) +
                 (models.empty() ? std::string()
                                 : std::string(" along the rollout of every model with a learned "
                                               "damping, with its own H and learned R")) +
                 ". Energy per time in the system's units; it is 0 without damping.";
  plan.draw = [&table, &summary = run.summary, models, truth](PlotCanvas& canvas) {
    std::vector<const std::vector<double>*> series;
    if (truth) series.push_back(&table.truth.dissipated_power);
    for (const auto* model : models) series.push_back(&model->rollout.dissipated_power);
    Range y = data_range(series, false).value_or(Range{0, 1});
    if (truth) {
      // A runaway model does not squash the truth's curve.
      const Range truth_range =
          data_range({&table.truth.dissipated_power}, false).value_or(Range{0, 1});
      const double reach = std::max(truth_range.high - truth_range.low, truth_range.high);
      y = clip_range(y, Range{truth_range.low - reach, truth_range.high + reach}, 0.0);
    }
    y.low = std::min(y.low, 0.0);
    if (!(y.high > y.low)) y.high = y.low + 1;
    const Range x{table.times.front(), table.times.back()};
    std::vector<LegendEntry> legend;
    if (truth) legend.push_back({"truth", kBlack, 1, 4, ""});
    for (const auto* model : models) {
      legend.push_back({model->model, model_colour(summary, model->model), 1, 1.8, ""});
    }
    canvas.legend(legend);
    canvas.axes(x, y, false, "time t", "dissipated power", "Power dissipated along the rollouts");
    if (truth) canvas.line(table.times, table.truth.dissipated_power, kBlack, 4, 1);
    for (const auto* model : models) {
      canvas.line(table.times, model->rollout.dissipated_power, model_colour(summary, model->model),
                  1.8, 1);
    }
  };
  return plan;
}

}  // namespace hnn::report::internal
