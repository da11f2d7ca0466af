// Every evaluation number of summary.yaml recomputed independently of the host's code, on a
// small spring run through hnn-host (spring_small with short training, energy trials on):
// the truth's and the reference's energy drift and their mean squared difference, each
// model's trajectory MSE against the truth and the reference and its energy drift, from the
// columns of trajectories.csv (whose energies are checked against H = q^2 + p^2); data.csv's
// derivative columns against the spring's field written out here; the energy
// trials' mean and error bar from trials re-run here through the SDK (the same system,
// integrator and trained models loaded from their checkpoints, the paper's box of initial
// states, the field J grad F_2 or F written out here); and the error bar's formula (hnn.md
// 6.3) on hand-made trial values.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bundled_plugins.h"
#include "checkpoint_model.h"
#include "hnn/random.h"
#include "host_run.h"
#include "model_evaluation.h"

namespace fs = std::filesystem;
using hnn::testing::host;
using hnn::testing::scratch;

namespace {

const std::string kPipeline = std::string(HNN_SOURCE_DIR) + "/tests/end_to_end/spring_small.yaml";

// A CSV file's columns by name (every cell a real).
std::map<std::string, std::vector<double>> read_columns(const fs::path& file) {
  std::map<std::string, std::vector<double>> columns;
  std::ifstream stream(file);
  std::string line;
  std::getline(stream, line);
  std::vector<std::string> header;
  std::stringstream cells(line);
  for (std::string cell; std::getline(cells, cell, ',');) header.push_back(cell);
  while (std::getline(stream, line)) {
    std::stringstream row(line);
    std::size_t c = 0;
    for (std::string cell; std::getline(row, cell, ','); ++c) {
      columns[header.at(c)].push_back(std::stod(cell));
    }
  }
  return columns;
}

struct Errors {
  double mean = 0, max = 0, final = 0;
};

// The mean over the coordinates (q, p) of the squared difference at each time, then its
// mean, largest value and last value over time.
Errors mse(const std::vector<double>& q, const std::vector<double>& p,
           const std::vector<double>& q0, const std::vector<double>& p0) {
  Errors errors;
  for (std::size_t k = 0; k < q.size(); ++k) {
    const double e = ((q[k] - q0[k]) * (q[k] - q0[k]) + (p[k] - p0[k]) * (p[k] - p0[k])) / 2;
    errors.mean += e;
    errors.max = std::max(errors.max, e);
    errors.final = e;
  }
  errors.mean /= double(q.size());
  return errors;
}

void check_errors(const YAML::Node& node, const Errors& expected) {
  CHECK(node["mean"].as<double>() == doctest::Approx(expected.mean).epsilon(1e-12));
  CHECK(node["max"].as<double>() == doctest::Approx(expected.max).epsilon(1e-12));
  CHECK(node["final"].as<double>() == doctest::Approx(expected.final).epsilon(1e-12));
}

double drift(const std::vector<double>& energy) {
  double largest = 0;
  for (double e : energy) largest = std::max(largest, std::abs(e - energy.front()));
  return largest;
}

// hnn.md 6.3: the mean of the trials, and the standard deviation (over 5) of the means of 5
// consecutive groups of n / 5 trials, over sqrt(5).
std::pair<double, double> paper_metric(const std::vector<double>& trials) {
  double mean = 0;
  for (double e : trials) mean += e / double(trials.size());
  const std::size_t size = trials.size() / 5;
  std::vector<double> groups(5, 0.0);
  for (std::size_t g = 0; g < 5; ++g) {
    for (std::size_t i = 0; i < size; ++i) groups[g] += trials[g * size + i] / double(size);
  }
  double centre = 0;
  for (double m : groups) centre += m / 5;
  double variance = 0;
  for (double m : groups) variance += (m - centre) * (m - centre) / 5;
  return {mean, std::sqrt(variance) / std::sqrt(5.0)};
}

}  // namespace

TEST_CASE("the energy trials' error bar: sd of 5 group means over sqrt(5), on hand values") {
  using hnn::internal::summarize_energy_trials;
  // 1..10: groups {1,2} .. {9,10}, means 1.5, 3.5, 5.5, 7.5, 9.5 around 5.5: variance
  // (16 + 4 + 0 + 4 + 16) / 5 = 8, error sqrt(8) / sqrt(5) = sqrt(1.6).
  const auto ten = summarize_energy_trials({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  CHECK(ten.trials == 10);
  CHECK(ten.mean == doctest::Approx(5.5).epsilon(1e-15));
  CHECK(ten.error == doctest::Approx(std::sqrt(1.6)).epsilon(1e-15));
  // Five trials: groups of one; 2, 4, 4, 4, 6 (mean 4, variance 8/5): error sqrt(1.6/5).
  const auto five = summarize_energy_trials({2, 4, 4, 4, 6});
  CHECK(five.mean == doctest::Approx(4.0).epsilon(1e-15));
  CHECK(five.error == doctest::Approx(std::sqrt(0.32)).epsilon(1e-15));
  // Fewer than 5 trials: no error bar.
  const auto four = summarize_energy_trials({1, 2, 3, 4});
  CHECK(four.mean == doctest::Approx(2.5).epsilon(1e-15));
  CHECK(std::isnan(four.error));
}

TEST_CASE("summary.yaml's evaluation numbers recomputed from trajectories.csv and the trials") {
  const fs::path run = scratch("summary_numbers");
  constexpr int kTrials = 10, kTrialPoints = 30, kTrialSeed = 7;
  const double kTrialEnd = 4.0;
  REQUIRE(host("'" + kPipeline + "' -o '" + run.string() +
                   "' --no-report --set 'models.hnn.hidden=[16, 16]' "
                   "--set 'models.baseline.hidden=[16, 16]' --set training.optimizer.epochs=40 "
                   "--set evaluation.points=50 --set evaluation.energy_trials=" +
                   std::to_string(kTrials) +
                   " --set evaluation.trial_points=" + std::to_string(kTrialPoints) +
                   " --set 'evaluation.trial_time_span=[0, 4]' --set evaluation.trial_seed=" +
                   std::to_string(kTrialSeed),
               "OMP_NUM_THREADS=1") == 0);
  const YAML::Node summary = YAML::LoadFile((run / "summary.yaml").string());
  auto csv = read_columns(run / "trajectories.csv");
  REQUIRE(csv["t"].size() == 50);

  // The energy columns are the spring's H = k/2 q^2 + p^2/(2m) = q^2 + p^2 (k 2, m 1/2).
  for (const std::string prefix : {"truth", "reference", "hnn", "baseline"}) {
    CAPTURE(prefix);
    const auto& q = csv[prefix + "_q"];
    const auto& p = csv[prefix + "_p"];
    const auto& energy = csv[prefix + "_energy"];
    REQUIRE(energy.size() == q.size());
    for (std::size_t k = 0; k < q.size(); ++k) {
      CHECK(energy[k] == doctest::Approx(q[k] * q[k] + p[k] * p[k]).epsilon(1e-15));
    }
  }
  const YAML::Node truth = summary["truth"];
  CHECK(truth["energy_drift_max"].as<double>() ==
        doctest::Approx(drift(csv["truth_energy"])).epsilon(1e-15));
  CHECK(truth["reference_energy_drift_max"].as<double>() ==
        doctest::Approx(drift(csv["reference_energy"])).epsilon(1e-15));
  check_errors(truth["truth_vs_reference_mse"],
               mse(csv["truth_q"], csv["truth_p"], csv["reference_q"], csv["reference_p"]));
  for (const std::string model : {"hnn", "baseline"}) {
    CAPTURE(model);
    const YAML::Node node = summary["models"][model];
    const Errors versus_truth =
        mse(csv[model + "_q"], csv[model + "_p"], csv["truth_q"], csv["truth_p"]);
    // The run tells mean, max and final apart: the error is far from constant in time.
    CHECK(versus_truth.mean < 0.5 * versus_truth.max);
    check_errors(node["trajectory_mse"], versus_truth);
    check_errors(node["trajectory_mse_vs_reference"],
                 mse(csv[model + "_q"], csv[model + "_p"], csv["reference_q"], csv["reference_p"]));
    CHECK(node["energy_drift_max"].as<double>() ==
          doctest::Approx(drift(csv[model + "_energy"])).epsilon(1e-15));
  }

  // data.csv's derivative columns are the spring's field at its (noise-free: noise_std 0)
  // states, by hand: dq/dt = dH/dp = 2 p, dp/dt = -dH/dq = -2 q.
  {
    std::ifstream data(run / "data.csv");
    std::string line;
    std::getline(data, line);
    REQUIRE(line == "split,trajectory,t,q,p,dq_dt,dp_dt");
    int rows = 0;
    double largest_error = 0;
    for (; std::getline(data, line); ++rows) {
      std::stringstream cells(line);
      std::string split, cell;
      std::getline(cells, split, ',');
      std::vector<double> v;
      while (std::getline(cells, cell, ',')) v.push_back(std::stod(cell));
      REQUIRE(v.size() == 6);
      largest_error =
          std::max({largest_error, std::abs(v[4] - 2 * v[3]), std::abs(v[5] + 2 * v[2])});
    }
    CHECK(rows == 50 * 30);
    CHECK(largest_error < 1e-12);
  }

  // The energy trials, re-run here (they agree to round-off): the same spring and evaluation
  // integrator, the models' checkpoints, the box x0_i = u + 0.2 sign(u), u ~ U(-0.8, 0.8) from
  // NumPy's stream seeded with trial_seed, at trial_points equally spaced times over
  // trial_time_span.
  const hnn::testing::BundledPlugins plugins({"spring_mass", "odeint_integrators", "hnn_mlp"});
  const auto system = plugins.system("spring_mass");
  const YAML::Node evaluation = YAML::LoadFile((run / "pipeline.yaml").string())["evaluation"];
  const YAML::Node settings = evaluation["integrator"];
  REQUIRE(settings["plugin"].as<std::string>() == "rk45");
  const auto integrator =
      plugins.integrator("rk45", {{"rtol", settings["rtol"].as<double>()},
                                  {"atol", settings["atol"].as<double>()},
                                  {"max_steps", std::int64_t(settings["max_steps"].as<long>())}});
  std::vector<double> times(kTrialPoints);
  for (int k = 0; k < kTrialPoints; ++k) times[k] = kTrialEnd * k / (kTrialPoints - 1);
  auto energies = [](const Eigen::MatrixXd& x) {
    std::vector<double> e(std::size_t(x.cols()));
    for (Eigen::Index k = 0; k < x.cols(); ++k) e[k] = x(0, k) * x(0, k) + x(1, k) * x(1, k);
    return e;
  };
  const hnn::VectorField true_field = [&](double, const Eigen::VectorXd& x, Eigen::VectorXd& dx) {
    Eigen::VectorXd g(2);
    system->gradient(x, g);
    dx.resize(2);
    dx << g[1], -g[0];
  };
  for (const std::string model_name : {"hnn", "baseline"}) {
    CAPTURE(model_name);
    // The model as its checkpoint describes it, with the trained parameters.
    const auto model =
        hnn::testing::load_checkpoint_mlp(plugins, run / "checkpoints" / (model_name + ".yaml"));
    const bool hnn_field = model_name == "hnn";
    const hnn::VectorField learned = [&](double, const Eigen::VectorXd& x, Eigen::VectorXd& dx) {
      model->forward(x);
      Eigen::MatrixXd out(2, 1);
      dx.resize(2);
      if (hnn_field) {
        model->input_gradient(1, out);  // dF_2/dx; the field is J dF_2/dx
        dx << out(1, 0), -out(0, 0);
      } else {
        model->outputs(out);
        dx = out.col(0);
      }
    };
    hnn::NumpyLegacyRandom random(kTrialSeed);
    std::vector<double> trials;
    for (int trial = 0; trial < kTrials; ++trial) {
      Eigen::VectorXd x0(2);
      for (int i = 0; i < 2; ++i) {
        const double u = random.uniform() * 1.6 - 0.8;
        x0[i] = u + (u > 0 ? 0.2 : -0.2);
      }
      const auto e_true = energies(integrator->integrate(true_field, x0, times));
      const auto e_model = energies(integrator->integrate(learned, x0, times));
      double error = 0;
      for (int k = 0; k < kTrialPoints; ++k) {
        error += (e_true[k] - e_model[k]) * (e_true[k] - e_model[k]) / kTrialPoints;
      }
      trials.push_back(error);
    }
    const auto [mean, error] = paper_metric(trials);
    const YAML::Node node = summary["models"][model_name]["energy_trials"];
    CHECK(node["trials"].as<int>() == kTrials);
    CHECK(node["mean"].as<double>() == doctest::Approx(mean).epsilon(1e-9));
    CHECK(node["error"].as<double>() == doctest::Approx(error).epsilon(1e-9));
  }
}
