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
    std::vector<LegendEntry> legend{{"truth", kBlack, 1, 4, ""}};
    for (const auto& model : table->models) {
      legend.push_back({model.model, model_colour(summary, model.model), 1, 1.8, ""});
    }
    canvas.legend(legend);
    canvas.axes(x, y, false, q, p, "Rollouts in phase space (" + q + ", " + p + ")");
    canvas.line(truth[0], truth[pair], kBlack, 4, 1);
    for (const auto& model : table->models) {
      canvas.line(model.rollout.coordinates[0], model.rollout.coordinates[pair],
                  model_colour(summary, model.model), 1.8, 1);
    }
  };
  return plan;
}

std::optional<FigurePlan> plan_trajectory_error(const RunFolder& run, std::string& reason) {
  const TrajectoryTable* table = rollouts(run, "trajectory_error", reason);
  if (table == nullptr) return std::nullopt;
  std::vector<std::vector<double>> errors;
  for (const auto& model : table->models) errors.push_back(table->squared_error(model.rollout));
  // The reference integrator's distance to the truth: the accuracy of the truth itself,
  // below which no model can be told apart from it.
  std::vector<double> reference_error;
  if (table->has_reference) reference_error = table->squared_error(table->reference);
  std::vector<const std::vector<double>*> series;
  for (const auto& error : errors) series.push_back(&error);
  const auto y = magnitude_axis(series);
  if (!y) {
    reason = "trajectory_error: no model has a rollout with a positive error";
    return std::nullopt;
  }
  series.push_back(&reference_error);
  const MagnitudeAxis axis = magnitude_axis(series).value_or(*y);
  FigurePlan plan;
  plan.name = "trajectory_error";
  plan.title = "Trajectory error";
  plan.caption =
      "Mean squared error of every model's rollout against the truth at each time, "
      "averaged over the " +
      std::to_string(table->coordinate_names.size()) + " coordinates, " + axis.scale_name() + ", " +
      time_span(*table) + ". Squared units of the state.";
  if (table->has_reference) {
    plan.caption +=
        " Grey: the same error of the reference rollout (a tighter integrator), the "
        "accuracy of the truth itself; a model near it follows the truth as well as it can "
        "be checked.";
  }
  append_sentence(plan.caption, axis.clipping_note());
  plan.draw = [table, &summary = run.summary, errors = std::move(errors),
               reference_error = std::move(reference_error), axis](PlotCanvas& canvas) {
    std::vector<LegendEntry> legend;
    for (const auto& model : table->models) {
      legend.push_back({model.model, model_colour(summary, model.model), 1, 2, ""});
    }
    if (table->has_reference) {
      legend.push_back({"reference (tighter integrator)", kDarkGrey, 1, 2, ""});
    }
    canvas.legend(legend);
    const Range x{table->times.front(), table->times.back()};
    canvas.axes(x, axis, "time t", "trajectory MSE", "Trajectory error vs the truth");
    if (table->has_reference) canvas.line(table->times, reference_error, kDarkGrey, 2, 1);
    for (std::size_t m = 0; m < table->models.size(); ++m) {
      canvas.line(table->times, errors[m], model_colour(summary, table->models[m].model), 2, 1);
    }
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
      time_span(*table) + ", in the system's energy units.";
  if (table->truth.dissipated_power.empty()) {
    plan.caption +=
        " The exact flow keeps H constant; the spread of a model's curve is its "
        "energy error.";
  } else {
    // A system with damping or forcing: H follows the power balance along the truth.
    plan.caption +=
        " The system has damping or forcing: H changes along the truth by "
        "dH/dt = dH/dx^T F - dH/dx^T R dH/dx; a model that learned the flow "
        "follows the truth's curve.";
    std::string ratios;
    for (const auto& model : table->models) {
      const ModelSummary* summary = run.summary.find(model.model);
      if (summary == nullptr || !summary->energy_loss_ratio) continue;
      ratios += std::string(ratios.empty() ? "" : ", ") + model.model + " " +
                three_digits(*summary->energy_loss_ratio);
    }
    append_sentence(plan.caption, ratios.empty()
                                      ? ""
                                      : "Energy-loss ratios (model over truth, H over the first "
                                        "quarter of the span minus H over its last): " +
                                            ratios + ".");
  }
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
    std::vector<LegendEntry> legend{{"truth", kBlack, 1, 4, ""}};
    for (const auto& model : table->models) {
      legend.push_back({model.model, model_colour(summary, model.model), 1, 1.8, ""});
    }
    canvas.legend(legend);
    canvas.axes(x, y, false, "time t", "energy H", "Energy along the rollouts");
    canvas.line(table->times, table->truth.energy, kBlack, 4, 1);
    for (const auto& model : table->models) {
      canvas.line(table->times, model.rollout.energy, model_colour(summary, model.model), 1.8, 1);
    }
  };
  return plan;
}

}  // namespace hnn::report::internal
