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
  // Columns: piece, t, the measured coordinates (the first is drawn), then the energy and
  // each rolled-out model's columns (<m>_<coordinate>...).
  if (table.header().size() <= 2) {
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

std::optional<FigurePlan> plan_measured_energy(const RunFolder& run, std::string& reason) {
  if (!run.measured_trajectories || run.measured_trajectories->row_count() == 0 ||
      !run.measured_trajectories->has_column("measured_energy")) {
    reason = "measured_energy: measured_trajectories.csv has no measured_energy column";
    return std::nullopt;
  }
  const CsvTable& table = *run.measured_trajectories;
  std::vector<std::string> models;
  std::string ratios;
  for (const ModelSummary& model : run.summary.models) {
    if (!table.has_column(model.name + "_energy")) continue;
    models.push_back(model.name);
    if (model.energy_loss_ratio) {
      ratios += std::string(ratios.empty() ? "" : ", ") + model.name + " " +
                three_digits(*model.energy_loss_ratio);
    }
  }
  std::string formula;
  if (run.summary.measured && !run.summary.measured->reference_hamiltonian.empty()) {
    formula = " H_ref = " + run.summary.measured->reference_hamiltonian;
  }
  FigurePlan plan;
  plan.name = "measured_energy";
  plan.title = "Energy against the measurements";
  plan.caption = "The evaluation's reference Hamiltonian" + formula +
                 " evaluated on the held-out measurements (black points) and on every model's "
                 "rollouts from the first state of each held-out piece (lines), in the "
                 "reference H's units. A model that dissipates as the measured system does "
                 "follows the points' decay.";
  if (!ratios.empty()) {
    append_sentence(plan.caption,
                    "Energy-loss ratios (model over measured, E over the first quarter of each "
                    "piece minus E over its last, mean over the pieces): " +
                        ratios + ".");
  }
  plan.draw = [&table, &summary = run.summary, models](PlotCanvas& canvas) {
    const std::vector<double> pieces = table.reals("piece");
    const std::vector<double> times = table.reals("t");
    const std::vector<double> measured = table.reals("measured_energy");
    std::vector<std::vector<double>> energies;
    for (const auto& model : models) energies.push_back(table.reals(model + "_energy"));
    std::vector<const std::vector<double>*> series{&measured};
    const Range truth = data_range(series, false).value_or(Range{});
    for (const auto& energy : energies) series.push_back(&energy);
    // A model whose energy runs away does not squash the measurements.
    const double reach =
        std::max(truth.high - truth.low, std::max(std::abs(truth.low), std::abs(truth.high)));
    const Range y = clip_range(data_range(series, false).value_or(truth),
                               Range{truth.low - reach, truth.high + reach}, 0.0);
    const auto [low, high] = std::minmax_element(times.begin(), times.end());
    const Range x{*low, *high};
    std::vector<LegendEntry> legend{{"measured", kBlack, 0, 2, "•"}};
    for (const auto& model : models) {
      legend.push_back({model, model_colour(summary, model), 1, 1.8, ""});
    }
    canvas.legend(legend);
    canvas.axes(x, y, false, "time t", "reference energy H_ref",
                "Energy along the measurements and rollouts");
    canvas.points(times, measured, kBlack, "•", 0.8);
    const auto time_pieces = by_piece(pieces, times);
    for (std::size_t m = 0; m < models.size(); ++m) {
      const auto energy_pieces = by_piece(pieces, energies[m]);
      for (std::size_t p = 0; p < time_pieces.size(); ++p) {
        canvas.line(time_pieces[p], energy_pieces[p], model_colour(summary, models[m]), 1.8, 1);
      }
    }
  };
  return plan;
}

}  // namespace hnn::report::internal
