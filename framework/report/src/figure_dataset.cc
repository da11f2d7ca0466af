// Figure: the dataset in phase space.
#include "figure_plan.h"

namespace hnn::report::internal {

std::optional<FigurePlan> plan_data_phase_portrait(const RunFolder& run, std::string& reason) {
  const DatasetTable& data = run.dataset;
  if (data.split.empty()) {
    reason = "data_phase_portrait: data.csv has no samples";
    return std::nullopt;
  }
  const std::size_t pair = data.coordinate_names.size() / 2;
  const std::string& q = data.coordinate_names[0];
  const std::string& p = data.coordinate_names[pair];
  std::size_t train = 0;
  for (const auto& split : data.split) train += split == "train" ? 1 : 0;
  const std::size_t test = data.split.size() - train;
  FigurePlan plan;
  plan.name = "data_phase_portrait";
  plan.title = "Dataset in phase space";
  plan.caption = "The dataset (data.csv) in phase space: " + std::to_string(train) +
                 " training samples (blue dots) and " + std::to_string(test) +
                 " test samples (orange crosses), " + q + " against " + p +
                 (pair > 1 ? ", the first of " + std::to_string(pair) + " coordinate pairs" : "") +
                 ". Axes in the system's units.";
  plan.draw = [&data, q, p, pair](PlotCanvas& canvas) {
    std::vector<double> train_q, train_p, test_q, test_p;
    for (std::size_t i = 0; i < data.split.size(); ++i) {
      auto& qs = data.split[i] == "train" ? train_q : test_q;
      auto& ps = data.split[i] == "train" ? train_p : test_p;
      qs.push_back(data.coordinates[0][i]);
      ps.push_back(data.coordinates[pair][i]);
    }
    const auto x = data_range({&data.coordinates[0]}, false).value_or(Range{});
    const auto y = data_range({&data.coordinates[pair]}, false).value_or(Range{});
    canvas.legend({{"train", series_colour(0), 0, 2, "•"}, {"test", series_colour(1), 0, 2, "×"}});
    canvas.axes(x, y, false, q, p, "Dataset in phase space (" + q + ", " + p + ")");
    canvas.points(train_q, train_p, series_colour(0), "•", 0.9);
    canvas.points(test_q, test_p, series_colour(1), "×", 0.8);
  };
  return plan;
}

}  // namespace hnn::report::internal
