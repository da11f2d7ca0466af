// The statistics of a sweep: mean, sample standard deviation, standard error, min, max and n
// against values computed by hand, and the flattening of a summary.yaml into metrics.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "hnn/host/sweep_summary.h"

TEST_CASE("metric statistics: the sample standard deviation (n - 1) and its standard error") {
  // 1, 2, 4: mean 7/3; squares (4/3)^2 + (1/3)^2 + (5/3)^2 = 42/9; / (n - 1) = 7/3.
  const hnn::MetricStatistics s = hnn::metric_statistics({1.0, 2.0, 4.0});
  CHECK(s.n == 3);
  CHECK(s.mean == doctest::Approx(7.0 / 3.0).epsilon(1e-15));
  CHECK(s.std == doctest::Approx(std::sqrt(7.0 / 3.0)).epsilon(1e-15));
  CHECK(s.standard_error == doctest::Approx(std::sqrt(7.0 / 3.0) / std::sqrt(3.0)).epsilon(1e-15));
  CHECK(s.min == 1.0);
  CHECK(s.max == 4.0);
  // Non-finite values are left out of every statistic and of n.
  const auto t = hnn::metric_statistics({5.0, std::nan(""), 7.0, INFINITY});
  CHECK(t.n == 2);
  CHECK(t.mean == 6.0);
  CHECK(t.std == doctest::Approx(std::sqrt(2.0)));
  // One value: no spread; none: nothing.
  const auto one = hnn::metric_statistics({3.0});
  CHECK(one.n == 1);
  CHECK(one.mean == 3.0);
  CHECK(std::isnan(one.std));
  CHECK(std::isnan(one.standard_error));
  CHECK(one.min == 3.0);
  const auto none = hnn::metric_statistics({});
  CHECK(none.n == 0);
  CHECK(std::isnan(none.mean));
}

TEST_CASE("summary_metrics flattens every numeric scalar of a summary by key path") {
  const auto file = std::filesystem::path(HNN_BINARY_DIR) / "tests" / "sweep" / "summary.yaml";
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << "# a summary\n"
                         "schema_version: 1\n"
                         "pipeline: \"p\"\n"
                         "data: {train_samples: 750, test_samples: 750, seconds: 0.25}\n"
                         "models:\n"
                         "  mlp:\n"
                         "    trained: true\n"
                         "    final_train_loss: 1.5e-07\n"
                         "    label: \"12\"\n"
                         "    stages:\n"
                         "      - {epochs: 20, termination: \"epochs\"}\n"
                         "    dissipation: {damping_matrix: [0.1, -2]}\n"
                         "    energy_trials: {error: .nan}\n";
  const auto metrics = hnn::summary_metrics(file);
  const std::vector<std::pair<std::string, double>> expected = {
      {"data.train_samples", 750.0},
      {"data.test_samples", 750.0},
      {"data.seconds", 0.25},
      {"models.mlp.final_train_loss", 1.5e-07},
      {"models.mlp.stages[0].epochs", 20.0},
      {"models.mlp.dissipation.damping_matrix[0]", 0.1},
      {"models.mlp.dissipation.damping_matrix[1]", -2.0}};
  CHECK(metrics == expected);
}
