// The energy flow through hnn-host (issue 14): on a damped spring (the end-to-end
// damped_spring_small pipeline with a model that learns a constant damping added) and on
// the measured pendulum with a reference H (real_pendulum_small's data), the new columns of
// trajectories.csv / measured_trajectories.csv and the new summary keys agree with each
// other and with the system, and the report draws the new figures.
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

#include "../end_to_end/host_run.h"
#include "hnn/host/run_summary_reader.h"
#include "run_summary_keys.h"

namespace fs = std::filesystem;
using hnn::testing::host;
using hnn::testing::scratch;

namespace {

std::string read(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A CSV file as its header and its columns by name (every cell a real).
struct Csv {
  std::vector<std::string> header;
  std::map<std::string, std::vector<double>> columns;
  bool has(const std::string& name) const { return columns.count(name) == 1; }
  const std::vector<double>& operator[](const std::string& name) const {
    REQUIRE_MESSAGE(has(name), name);
    return columns.at(name);
  }
};

Csv read_csv(const fs::path& file) {
  Csv csv;
  std::ifstream stream(file);
  std::string line;
  std::getline(stream, line);
  std::stringstream cells(line);
  for (std::string cell; std::getline(cells, cell, ',');) csv.header.push_back(cell);
  while (std::getline(stream, line)) {
    std::stringstream row(line);
    std::size_t c = 0;
    for (std::string cell; std::getline(row, cell, ','); ++c) {
      csv.columns[csv.header.at(c)].push_back(std::stod(cell));
    }
  }
  return csv;
}

double mean(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum / double(values.size());
}

// E(start) - E(end): means over the first and the last quarter of the time span, written
// out here independently of the host's code.
double quarter_loss(const std::vector<double>& t, const std::vector<double>& e) {
  const double quarter = (t.back() - t.front()) / 4;
  std::vector<double> start, end;
  for (std::size_t k = 0; k < t.size(); ++k) {
    if (t[k] <= t.front() + quarter) start.push_back(e[k]);
    if (t[k] >= t.back() - quarter) end.push_back(e[k]);
  }
  return mean(start) - mean(end);
}

const fs::path& damped_run() {
  static const fs::path run = [] {
    const fs::path folder = scratch("energy_flow_damped");
    REQUIRE(host("'" HNN_SOURCE_DIR "/tests/end_to_end/damped_spring_small.yaml' --set "
                 "'models.damped={plugin: mlp, hidden: [32, 32], training: {dissipation: "
                 "{damping: constant}}}' --set 'models.dhnn={plugin: mlp, hidden: [32, 32], "
                 "training: {field: both}}' -o '" +
                 folder.string() + "'") == 0);
    return folder;
  }();
  return run;
}

// The measured pendulum of real_pendulum_small.yaml (its reference H
// 2.4 (1 - cos theta) + omega^2), with a conservative HNN and one with learned damping.
const char* const kMeasuredPipeline = R"(name: measured_energy_flow
data:
  source: {plugin: table, file: )" HNN_SOURCE_DIR R"(/data/lipson/real_pend_h_1.txt,
           format: schmidt_lipson, trajectory: trial, positions: [o], momenta: [v]}
  derivatives: {method: forward_difference}
  train_fraction: 0.8
training:
  hamiltonian_output: 1
  optimizer: {plugin: lbfgs, epochs: 40}
models:
  hnn: {plugin: mlp, hidden: [16, 16]}
  damped:
    plugin: mlp
    hidden: [16, 16]
    training: {dissipation: {damping: constant}}
evaluation:
  integrator: {plugin: rk45, rtol: 1.0e-6, atol: 1.0e-9}
  reference_hamiltonian:
    plugin: expression
    hamiltonian: "2.4*(1 - cos(theta)) + omega^2"
    coordinates: [theta, omega]
)";

const fs::path& measured_run() {
  static const fs::path run = [] {
    const fs::path folder = scratch("energy_flow_measured");
    fs::create_directories(folder);
    std::ofstream(folder / "pipeline.yaml") << kMeasuredPipeline;
    std::string arguments = "'";
    arguments += (folder / "pipeline.yaml").string();
    arguments += "' -o '";
    arguments += (folder / "run").string();
    arguments += "'";
    REQUIRE(host(arguments) == 0);
    return folder / "run";
  }();
  return run;
}

}  // namespace

TEST_CASE("a damped spring: the truth's power is the system's, the ratios are the CSV's") {
  const Csv csv = read_csv(damped_run() / "trajectories.csv");
  const YAML::Node summary = YAML::LoadFile((damped_run() / "summary.yaml").string());
  const std::vector<double>& t = csv["t"];
  REQUIRE(t.size() == 100);
  // H = q^2 + p^2, R = [[0, 0], [0, 0.1]]: dissipated = 0.1 (2p)^2, nothing supplied.
  const std::vector<double>& p = csv["truth_p"];
  for (std::size_t k = 0; k < t.size(); ++k) {
    CHECK(csv["truth_dissipated_power"][k] == doctest::Approx(0.4 * p[k] * p[k]).epsilon(1e-12));
    CHECK(csv["truth_supplied_power"][k] == 0.0);
  }
  const YAML::Node truth = summary["truth"];
  CHECK(truth["power"]["dissipated"].as<double>() ==
        doctest::Approx(mean(csv["truth_dissipated_power"])).epsilon(1e-12));
  CHECK(truth["power"]["supplied"].as<double>() == 0.0);
  const double truth_loss = quarter_loss(t, csv["truth_energy"]);
  CHECK(truth["energy_loss"].as<double>() == doctest::Approx(truth_loss).epsilon(1e-12));
  // About 63 % of H = 1 is lost between the first and the last quarter of [0, 10].
  CHECK(truth_loss == doctest::Approx(0.627).epsilon(0.01));
  // Every model's ratio from its true-H column; the conservative HNN loses almost nothing,
  // the one with learned damping and the baseline about as much as the truth.
  std::map<std::string, double> ratios;
  for (const char* model : {"hnn", "damped", "baseline"}) {
    CAPTURE(model);
    const double ratio = summary["models"][model]["energy_loss_ratio"].as<double>();
    CHECK(ratio ==
          doctest::Approx(quarter_loss(t, csv[std::string(model) + "_energy"]) / truth_loss)
              .epsilon(1e-12));
    ratios[model] = ratio;
  }
  CAPTURE(ratios["hnn"]);
  CAPTURE(ratios["damped"]);
  CHECK(std::abs(ratios["hnn"]) < 0.05);
  CHECK(std::abs(ratios["damped"] - 1.0) < 0.05);
  CHECK(std::abs(ratios["baseline"] - 1.0) < 0.1);
}

TEST_CASE("a damped spring: the learned damping's power balances the learned H") {
  const Csv csv = read_csv(damped_run() / "trajectories.csv");
  const YAML::Node models = YAML::LoadFile((damped_run() / "summary.yaml").string())["models"];
  // Only the model with a learned dissipation has power columns and learned_power.
  CHECK_FALSE(csv.has("hnn_dissipated_power"));
  CHECK_FALSE(csv.has("baseline_dissipated_power"));
  CHECK_FALSE(models["hnn"]["learned_power"].IsDefined());
  const std::vector<double>& t = csv["t"];
  const std::vector<double>& power = csv["damped_dissipated_power"];
  const std::vector<double>& h = csv["damped_H"];
  CHECK(models["damped"]["learned_power"]["dissipated"].as<double>() ==
        doctest::Approx(mean(power)).epsilon(1e-12));
  CHECK(models["damped"]["learned_power"]["supplied"].as<double>() == 0.0);
  // Along its own rollout the model's H obeys dH/dt = -dissipated: central differences of
  // its H column against the power column (error O(dt^2) of the oscillation, dt = 0.1).
  const double peak = *std::max_element(power.begin(), power.end());
  double worst = 0;
  for (std::size_t k = 1; k + 1 < t.size(); ++k) {
    CHECK(power[k] >= 0.0);
    const double rate = (h[k + 1] - h[k - 1]) / (t[k + 1] - t[k - 1]);
    worst = std::max(worst, std::abs(rate + power[k]));
  }
  CAPTURE(worst);
  CHECK(worst < 0.05 * peak);
  // The learned power follows the truth's (D learned within a few percent of 0.1).
  CHECK(mean(power) == doctest::Approx(mean(csv["truth_dissipated_power"])).epsilon(0.05));
}

TEST_CASE("a D-HNN: the power of its gradient part balances its learned H") {
  const Csv csv = read_csv(damped_run() / "trajectories.csv");
  const YAML::Node models = YAML::LoadFile((damped_run() / "summary.yaml").string())["models"];
  // dF_H/dt = dF_H/dx . (J dF_H/dx + dF_C/dx) = -dissipated along the D-HNN's own flow, the
  // dissipated power -dF_H/dx . dF_C/dx having either sign.
  const std::vector<double>& t = csv["t"];
  const std::vector<double>& power = csv["dhnn_dissipated_power"];
  const std::vector<double>& h = csv["dhnn_H"];
  CHECK(models["dhnn"]["learned_power"]["dissipated"].as<double>() ==
        doctest::Approx(mean(power)).epsilon(1e-12));
  CHECK(models["dhnn"]["learned_power"]["supplied"].as<double>() == 0.0);
  double peak = 0, worst = 0;
  for (std::size_t k = 1; k + 1 < t.size(); ++k) {
    peak = std::max(peak, std::abs(power[k]));
    const double rate = (h[k + 1] - h[k - 1]) / (t[k + 1] - t[k - 1]);
    worst = std::max(worst, std::abs(rate + power[k]));
  }
  CAPTURE(worst);
  CAPTURE(peak);
  CHECK(peak > 0.0);
  CHECK(worst < 0.05 * peak);
  // Trained on a damped spring, its gradient part dissipates on average.
  CHECK(mean(power) > 0.0);
}

TEST_CASE("a damped spring: the new keys are documented and read back; the report draws them") {
  const fs::path file = damped_run() / "summary.yaml";
  CHECK(hnn::testing::undocumented_summary_keys(read(file)) == std::vector<std::string>{});
  const hnn::RunSummary summary = hnn::read_run_summary(file);
  REQUIRE(summary.truth.has_value());
  REQUIRE(summary.truth->power.has_value());
  CHECK(summary.truth->power->dissipated > 0.0);
  REQUIRE(summary.find("damped") != nullptr);
  REQUIRE(summary.find("damped")->learned_power.has_value());
  CHECK_FALSE(summary.find("hnn")->learned_power.has_value());
  CHECK(summary.find("hnn")->energy_loss_ratio.has_value());
  CHECK(fs::file_size(damped_run() / "figures" / "dissipated_power.svg") > 1000);
  const std::string html = read(damped_run() / "report.html");
  CHECK(html.find("Energy-loss ratios (model over truth") != std::string::npos);
  char ratio[32];
  std::snprintf(ratio, sizeof ratio, "damped %.3g", *summary.find("damped")->energy_loss_ratio);
  CHECK(html.find(ratio) != std::string::npos);
}

TEST_CASE("a conservative system writes no energy-flow columns or keys") {
  const fs::path run = scratch("energy_flow_conservative");
  REQUIRE(host("'" HNN_SOURCE_DIR "/tests/end_to_end/spring_small.yaml' --no-report "
               "--set training.optimizer.epochs=5 -o '" +
               run.string() + "'") == 0);
  const Csv csv = read_csv(run / "trajectories.csv");
  for (const auto& column : csv.header) {
    CAPTURE(column);
    CHECK(column.find("power") == std::string::npos);
  }
  const std::string summary = read(run / "summary.yaml");
  CHECK(summary.find("energy_loss") == std::string::npos);
  CHECK(summary.find("power") == std::string::npos);
}

TEST_CASE("measured data: H_ref on the measurements and rollouts, the energy-loss ratio") {
  const Csv csv = read_csv(measured_run() / "measured_trajectories.csv");
  const YAML::Node summary = YAML::LoadFile((measured_run() / "summary.yaml").string());
  const std::vector<double>& t = csv["t"];
  // One held-out piece (the last 20 % of the single trial).
  REQUIRE(summary["measured"]["pieces"].as<int>() == 1);
  REQUIRE(csv["piece"].back() == 0.0);
  // measured_energy is H_ref of the measured states.
  for (std::size_t k = 0; k < t.size(); ++k) {
    const double theta = csv["o"][k], omega = csv["v"][k];
    CHECK(csv["measured_energy"][k] ==
          doctest::Approx(2.4 * (1 - std::cos(theta)) + omega * omega).epsilon(1e-12));
  }
  const double measured_loss = quarter_loss(t, csv["measured_energy"]);
  CHECK(summary["measured"]["energy_losses"][0].as<double>() ==
        doctest::Approx(measured_loss).epsilon(1e-12));
  CHECK(measured_loss > 0.05);  // the pendulum loses energy over the held-out span
  for (const char* model : {"hnn", "damped"}) {
    CAPTURE(model);
    const YAML::Node node = summary["models"][model];
    const double ratio = quarter_loss(t, csv[std::string(model) + "_energy"]) / measured_loss;
    CHECK(node["energy_loss_ratios"][0].as<double>() == doctest::Approx(ratio).epsilon(1e-12));
    CHECK(node["energy_loss_ratio"].as<double>() == node["energy_loss_ratios"][0].as<double>());
    // Every model's own H is there too.
    CHECK(csv[std::string(model) + "_H"].size() == t.size());
  }
  // The learned damping's power, with the model's own H, is averaged into the summary.
  CHECK_FALSE(csv.has("hnn_dissipated_power"));
  CHECK(summary["models"]["damped"]["learned_power"]["dissipated"].as<double>() ==
        doctest::Approx(mean(csv["damped_dissipated_power"])).epsilon(1e-12));
  CHECK(hnn::testing::undocumented_summary_keys(read(measured_run() / "summary.yaml")) ==
        std::vector<std::string>{});
  // The report draws H_ref against time, the ratios in the caption.
  CHECK(fs::file_size(measured_run() / "figures" / "measured_energy.svg") > 1000);
  CHECK(fs::file_size(measured_run() / "figures" / "measured_rollouts.svg") > 1000);
  const std::string html = read(measured_run() / "report.html");
  char ratio[32];
  std::snprintf(ratio, sizeof ratio, "hnn %.3g",
                summary["models"]["hnn"]["energy_loss_ratio"].as<double>());
  CHECK(html.find(ratio) != std::string::npos);
}
