// evaluation.trial_initial_states through hnn-host: with `system` the energy trials start
// from the system's own sampler, NumPy's stream seeded with trial_seed + trial for trial
// `trial`; the summary's mean is recomputed here from those states (the same spring,
// integrator and trained HNN), and differs from the mean over the paper's box.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bundled_plugins.h"
#include "checkpoint_model.h"
#include "hnn/random.h"
#include "host_run.h"

namespace fs = std::filesystem;

TEST_CASE("evaluation.trial_initial_states: system draws each trial's state from the system") {
  constexpr int kTrials = 5, kPoints = 20, kSeed = 3;
  const fs::path run = hnn::testing::scratch("trial_initial_states");
  REQUIRE(hnn::testing::host(
              "'" HNN_SOURCE_DIR "/tests/end_to_end/spring_small.yaml' -o '" + run.string() +
                  "' --no-report --set 'models.hnn.hidden=[16, 16]' "
                  "--set 'models.baseline.hidden=[8]' --set training.optimizer.epochs=30 "
                  "--set evaluation.points=20 --set evaluation.energy_trials=5 "
                  "--set evaluation.trial_points=20 --set 'evaluation.trial_time_span=[0, 2]' "
                  "--set evaluation.trial_seed=3 --set evaluation.trial_initial_states=system "
                  "--set 'evaluation.initial_state=[0.5, -0.25]' "
                  "--set 'evaluation.time_span=[1, 4]'",
              "OMP_NUM_THREADS=1") == 0);
  const YAML::Node summary = YAML::LoadFile((run / "summary.yaml").string());
  const double reported = summary["models"]["hnn"]["energy_trials"]["mean"].as<double>();

  const hnn::testing::BundledPlugins plugins({"spring_mass", "odeint_integrators", "hnn_mlp"});
  const auto system = plugins.system("spring_mass");
  const YAML::Node settings =
      YAML::LoadFile((run / "pipeline.yaml").string())["evaluation"]["integrator"];
  REQUIRE(settings["plugin"].as<std::string>() == "rk45");
  const auto integrator =
      plugins.integrator("rk45", {{"rtol", settings["rtol"].as<double>()},
                                  {"atol", settings["atol"].as<double>()},
                                  {"max_steps", std::int64_t(settings["max_steps"].as<long>())}});
  const auto model = hnn::testing::load_checkpoint_mlp(plugins, run / "checkpoints" / "hnn.yaml");
  std::vector<double> times(kPoints);
  for (int k = 0; k < kPoints; ++k) times[std::size_t(k)] = 2.0 * k / (kPoints - 1);
  // The spring's H = q^2 + p^2 (k 2, m 1/2); the HNN's field is J dF_2/dx.
  const auto energies = [](const Eigen::MatrixXd& x) {
    return (x.row(0).array().square() + x.row(1).array().square()).matrix().eval();
  };
  const hnn::VectorField truth = [&](double, const Eigen::VectorXd& x, Eigen::VectorXd& dx) {
    dx.resize(2);
    dx << 2.0 * x[1], -2.0 * x[0];
  };
  const hnn::VectorField learned = [&](double, const Eigen::VectorXd& x, Eigen::VectorXd& dx) {
    model->forward(x);
    Eigen::MatrixXd gradient(2, 1);
    model->input_gradient(1, gradient);
    dx.resize(2);
    dx << gradient(1, 0), -gradient(0, 0);
  };
  const auto trial_error = [&](const Eigen::VectorXd& x0) {
    const Eigen::RowVectorXd difference = energies(integrator->integrate(truth, x0, times)) -
                                          energies(integrator->integrate(learned, x0, times));
    return difference.squaredNorm() / kPoints;
  };
  double from_system = 0.0, from_box = 0.0;
  hnn::NumpyLegacyRandom box(kSeed);
  for (int trial = 0; trial < kTrials; ++trial) {
    Eigen::VectorXd x0(2);
    hnn::NumpyLegacyRandom random(std::uint32_t(kSeed + trial));
    system->sample_initial_state(random, x0);
    CHECK(x0.norm() <= 1.0);  // spring_mass samples radius [0.1, 1.0]
    from_system += trial_error(x0) / kTrials;
    for (int i = 0; i < 2; ++i) {
      const double u = box.uniform() * 1.6 - 0.8;
      x0[i] = u + (u > 0 ? 0.2 : -0.2);
    }
    from_box += trial_error(x0) / kTrials;
  }
  CHECK(reported == doctest::Approx(from_system).epsilon(1e-9));
  CHECK(std::fabs(from_box - from_system) > 1e-3 * from_system);
}

TEST_CASE("evaluation.initial_state and time_span: where and when the rollout starts and ends") {
  // The run of the test above: the rollout from [0.5, -0.25] over [1, 4] at 20 points.
  const fs::path file = fs::path(HNN_BINARY_DIR) / "tests" / "end_to_end" / "trial_initial_states" /
                        "trajectories.csv";
  std::ifstream in(file);
  REQUIRE(in.good());
  std::string header, line;
  std::getline(in, header);
  REQUIRE(header.rfind("t,truth_q,truth_p,", 0) == 0);
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::stringstream cells(line);
    std::vector<double> row;
    for (std::string cell; std::getline(cells, cell, ',') && row.size() < 3;) {
      row.push_back(std::stod(cell));
    }
    rows.push_back(row);
  }
  REQUIRE(rows.size() == 20);
  CHECK(rows.front()[0] == 1.0);
  CHECK(rows.back()[0] == 4.0);
  CHECK(rows.front()[1] == 0.5);
  CHECK(rows.front()[2] == -0.25);
}
