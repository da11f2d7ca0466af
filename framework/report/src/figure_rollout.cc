// Figures: the rollouts of the truth and the models (trajectories.csv).
#include <algorithm>
#include <cmath>

#include "figure_plan.h"
#include "hnn/number_format.h"

namespace hnn::report::internal {

namespace {

// The trajectories, or nullopt with `reason` when the run has none to show.
const TrajectoryTable* rollouts(const RunFolder& run, const std::string& figure,
                                std::string& reason) {
  if (!run.trajectories) {
    reason = figure + ": the run was not evaluated (no trajectories.csv)";
    return nullptr;
  }
  if (run.trajectories->times.empty()) {
    reason = figure + ": trajectories.csv has no rows";
    return nullptr;
  }
  return &*run.trajectories;
}

std::string time_span(const TrajectoryTable& table) {
  return "t in [" + shortest_decimal(table.times.front()) + ", " +
         shortest_decimal(table.times.back()) + "]";
}

}  // namespace

std::optional<FigurePlan> plan_trajectories_phase_space(const RunFolder& run, std::string& reason) {
  const TrajectoryTable* table = rollouts(run, "trajectories_phase_space", reason);
  if (table == nullptr) return std::nullopt;
  const std::size_t pair = table->coordinate_names.size() / 2;
  const std::string& q = table->coordinate_names[0];
  const std::string& p = table->coordinate_names[pair];
  FigurePlan plan;
  plan.name = "trajectories_phase_space";
  plan.title = "Rollouts in phase space";
  plan.caption = "Rollouts from the evaluation's initial state over " + time_span(*table) +
                 ": the truth (black) and every model, " + q + " against " + p +
                 (pair > 1 ? " (the first of " + std::to_string(pair) + " coordinate pairs)" : "") +
                 ". Axes in the system's units; a model that leaves the frame diverged.";
  plan.draw = [table, &summary = run.summary, q, p, pair](PlotCanvas& canvas) {
    const auto& truth = table->truth.coordinates;
    std::vector<const std::vector<double>*> xs{&truth[0]}, ys{&truth[pair]};
    const Range truth_x = data_range(xs, false).value_or(Range{});
    const Range truth_y = data_range(ys, false).value_or(Range{});
    for (const auto& model : table->models) {
      xs.push_back(&model.rollout.coordinates[0]);
      ys.push_back(&model.rollout.coordinates[pair]);
    }
    const Range x = clip_range(data_range(xs, false).value_or(truth_x), truth_x, 0.5);
    const Range y = clip_range(data_range(ys, false).value_or(truth_y), truth_y, 0.5);
    canvas.axes(x, y, false, q, p, "Rollouts in phase space (" + q + ", " + p + ")");
    std::vector<LegendEntry> legend;
    canvas.line(truth[0], truth[pair], kBlack, 4, 1);
    legend.push_back({"truth", kBlack, 1, 4, ""});
    for (const auto& model : table->models) {
      const int colour = model_colour(summary, model.model);
      canvas.line(model.rollout.coordinates[0], model.rollout.coordinates[pair], colour, 1.8, 1);
      legend.push_back({model.model, colour, 1, 1.8, ""});
    }
    canvas.legend(legend);
  };
  return plan;
}

std::optional<FigurePlan> plan_trajectory_error(const RunFolder& run, std::string& reason) {
  const TrajectoryTable* table = rollouts(run, "trajectory_error", reason);
  if (table == nullptr) return std::nullopt;
  std::vector<std::vector<double>> errors;
  for (const auto& model : table->models) errors.push_back(table->squared_error(model.rollout));
  std::vector<const std::vector<double>*> series;
  for (const auto& error : errors) series.push_back(&error);
  const auto y = magnitude_axis(series);
  if (!y) {
    reason = "trajectory_error: no model has a rollout with a positive error";
    return std::nullopt;
  }
  FigurePlan plan;
  plan.name = "trajectory_error";
  plan.title = "Trajectory error";
  plan.caption =
      "Mean squared error of every model's rollout against the truth at each time, "
      "averaged over the " +
      std::to_string(table->coordinate_names.size()) + " coordinates, " + y->scale_name() + ", " +
      time_span(*table) + ". Squared units of the state.";
  plan.draw = [table, &summary = run.summary, errors = std::move(errors),
               y = *y](PlotCanvas& canvas) {
    const Range x{table->times.front(), table->times.back()};
    canvas.axes(x, y.range, y.logarithmic, "time t", "trajectory MSE",
                "Trajectory error vs the truth");
    std::vector<LegendEntry> legend;
    for (std::size_t m = 0; m < table->models.size(); ++m) {
      const int colour = model_colour(summary, table->models[m].model);
      canvas.line(table->times, errors[m], colour, 2, 1);
      legend.push_back({table->models[m].model, colour, 1, 2, ""});
    }
    canvas.legend(legend);
  };
  return plan;
}

std::optional<FigurePlan> plan_energy(const RunFolder& run, std::string& reason) {
  const TrajectoryTable* table = rollouts(run, "energy", reason);
  if (table == nullptr) return std::nullopt;
  FigurePlan plan;
  plan.name = "energy";
  plan.title = "Energy";
  plan.caption =
      "The true Hamiltonian H evaluated along the truth (black) and along every "
      "model's rollout, " +
      time_span(*table) +
      ", in the system's energy units. The exact flow keeps H constant; the spread "
      "of a model's curve is its energy error.";
  plan.draw = [table, &summary = run.summary](PlotCanvas& canvas) {
    std::vector<const std::vector<double>*> series{&table->truth.energy};
    const Range truth = data_range(series, false).value_or(Range{});
    for (const auto& model : table->models) series.push_back(&model.rollout.energy);
    // Every model's energy error shows, but a diverging model does not squash the rest:
    // the frame reaches at most max(span, |H|) of the truth beyond the truth's range.
    const double reach =
        std::max(truth.high - truth.low, std::max(std::abs(truth.low), std::abs(truth.high)));
    const Range y = clip_range(data_range(series, false).value_or(truth),
                               Range{truth.low - reach, truth.high + reach}, 0.0);
    const Range x{table->times.front(), table->times.back()};
    canvas.axes(x, y, false, "time t", "energy H", "Energy along the rollouts");
    std::vector<LegendEntry> legend;
    canvas.line(table->times, table->truth.energy, kBlack, 4, 1);
    legend.push_back({"truth", kBlack, 1, 4, ""});
    for (const auto& model : table->models) {
      const int colour = model_colour(summary, model.model);
      canvas.line(table->times, model.rollout.energy, colour, 1.8, 1);
      legend.push_back({model.model, colour, 1, 1.8, ""});
    }
    canvas.legend(legend);
  };
  return plan;
}

}  // namespace hnn::report::internal
