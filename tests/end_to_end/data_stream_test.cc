// The data section's options through hnn-host: data.csv equals generate_trajectory_dataset
// (the SDK) run here with the stream data.rng names (NumPy's legacy np.random or
// std::mt19937_64, seeded with data.seed) and the same noise_std, draw_zero_noise,
// train_fraction and split (train_first or test_first); the runs differ from each other. The
// pipeline does not evaluate (evaluation.enabled: false): no rollout is written.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bundled_plugins.h"
#include "hnn/random.h"
#include "hnn/trajectory_dataset.h"
#include "host_run.h"

namespace fs = std::filesystem;

namespace {

// The rows of data.csv: split, then t, q, p, dq_dt, dp_dt.
struct DataRows {
  std::vector<std::string> split;
  std::vector<std::vector<double>> values;
};

DataRows read_data(const fs::path& file) {
  DataRows rows;
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  REQUIRE(line == "split,trajectory,t,q,p,dq_dt,dp_dt");
  while (std::getline(in, line)) {
    std::stringstream cells(line);
    std::string cell;
    std::getline(cells, cell, ',');
    rows.split.push_back(cell);
    std::getline(cells, cell, ',');  // trajectory
    std::vector<double> values;
    while (std::getline(cells, cell, ',')) values.push_back(std::stod(cell));
    REQUIRE(values.size() == 5);
    rows.values.push_back(values);
  }
  return rows;
}

// Runs data_stream.yaml with the settings and compares data.csv with the SDK's dataset.
void check_stream(const std::string& name, const std::string& settings, hnn::RandomSource& random,
                  const hnn::TrajectoryDatasetOptions& options) {
  const fs::path run = hnn::testing::scratch("data_stream_" + name);
  REQUIRE(hnn::testing::host("'" HNN_SOURCE_DIR "/tests/end_to_end/data_stream.yaml' -o '" +
                             run.string() + "' --no-report " + settings) == 0);
  const hnn::testing::BundledPlugins plugins({"spring_mass", "odeint_integrators"});
  const YAML::Node integrator_settings =
      YAML::LoadFile((run / "pipeline.yaml").string())["data"]["integrator"];
  REQUIRE(integrator_settings["plugin"].as<std::string>() == "rk45");
  const auto integrator = plugins.integrator(
      "rk45", {{"rtol", integrator_settings["rtol"].as<double>()},
               {"atol", integrator_settings["atol"].as<double>()},
               {"max_steps", std::int64_t(integrator_settings["max_steps"].as<long>())}});
  const hnn::TrajectoryDataset expected = hnn::generate_trajectory_dataset(
      *plugins.system("spring_mass"), *integrator, random, options);
  // evaluation.enabled: false: nothing is rolled out.
  CHECK_FALSE(fs::exists(run / "trajectories.csv"));
  CHECK_FALSE(YAML::LoadFile((run / "summary.yaml").string())["truth"]);
  const DataRows rows = read_data(run / "data.csv");
  REQUIRE(rows.split.size() == std::size_t(expected.train.size() + expected.test.size()));
  Eigen::Index train = 0, test = 0;
  for (std::size_t r = 0; r < rows.split.size(); ++r) {
    CAPTURE(r);
    const bool is_train = rows.split[r] == "train";
    const hnn::TrajectorySamples& samples = is_train ? expected.train : expected.test;
    const Eigen::Index k = is_train ? train++ : test++;
    CHECK(rows.values[r][0] == doctest::Approx(samples.time[std::size_t(k)]).epsilon(1e-15));
    for (int i = 0; i < 2; ++i) {
      CHECK(rows.values[r][1 + i] == doctest::Approx(samples.inputs(i, k)).epsilon(1e-15));
      CHECK(rows.values[r][3 + i] == doctest::Approx(samples.targets(i, k)).epsilon(1e-15));
    }
  }
}

}  // namespace

TEST_CASE("data.rng, seed, noise_std, draw_zero_noise, train_fraction, split: the SDK's dataset") {
  hnn::TrajectoryDatasetOptions options;
  options.trajectories = 4;
  options.time_span = {0.0, 1.0};
  options.points = 5;
  {
    hnn::NumpyLegacyRandom random(5);
    check_stream("numpy", "", random, options);
  }
  {
    hnn::Mt19937Random random(5);
    check_stream("mt19937", "--set data.rng=mt19937_64", random, options);
  }
  {
    // Without the zero-noise draws the later initial states come from other numbers.
    hnn::TrajectoryDatasetOptions quiet = options;
    quiet.draw_zero_noise = false;
    hnn::NumpyLegacyRandom random(5);
    check_stream("no_zero_noise", "--set data.draw_zero_noise=false", random, quiet);
  }
  {
    hnn::TrajectoryDatasetOptions noisy = options;
    noisy.noise_std = 0.05;
    hnn::NumpyLegacyRandom random(9);
    check_stream("noisy", "--set data.noise_std=0.05 --set data.seed=9", random, noisy);
  }
  {
    // A quarter held out, the first rows testing (the orbit tasks' order).
    hnn::TrajectoryDatasetOptions split = options;
    split.train_fraction = 0.75;
    split.test_first = true;
    hnn::NumpyLegacyRandom random(5);
    check_stream("test_first", "--set data.train_fraction=0.75 --set data.split=test_first", random,
                 split);
  }
  // The streams give different data.
  const auto text = [](const std::string& name) {
    std::ifstream in(fs::path(HNN_BINARY_DIR) / "tests" / "end_to_end" / ("data_stream_" + name) /
                     "data.csv");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  };
  CHECK(text("numpy") != text("mt19937"));
  CHECK(text("numpy") != text("no_zero_noise"));
}
