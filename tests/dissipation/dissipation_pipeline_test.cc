// The learned dissipation through hnn-host: a driven damped spring written to a table file
// here (H = (q^2 + p^2)/2, dp/dt = -q - gamma p + A cos(w t)), models with and without
// the learned damping and forcing, their summaries, checkpoints and rollouts against the
// held-out trajectories; the option block in --describe and its located refusals.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
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

constexpr double kGamma = 0.1;
constexpr double kAmplitude = 0.3;
constexpr double kFrequency = 1.3;

// dx/dt of the driven damped spring.
void field(double t, const double x[2], double dxdt[2]) {
  dxdt[0] = x[1];
  dxdt[1] = -x[0] - kGamma * x[1] + kAmplitude * std::cos(kFrequency * t);
}

// Six trajectories from the unit circle, t in [0, 12] every 0.2 (RK4 at step 0.01), with
// their exact derivatives: trajectory,t,q,p,dq,dp.
void write_data(const fs::path& file) {
  std::ofstream out(file);
  out << "trajectory,t,q,p,dq,dp\n";
  out.precision(17);
  for (int k = 0; k < 6; ++k) {
    const double angle = 2.0 * M_PI * (k + 0.25) / 6.0;
    double x[2] = {std::cos(angle), std::sin(angle)};
    const double h = 0.01;
    for (int step = 0; step <= 1200; ++step) {
      const double t = step * h;
      if (step % 20 == 0) {
        double d[2];
        field(t, x, d);
        out << k << ',' << t << ',' << x[0] << ',' << x[1] << ',' << d[0] << ',' << d[1] << '\n';
      }
      double k1[2], k2[2], k3[2], k4[2], y[2];
      field(t, x, k1);
      for (int i = 0; i < 2; ++i) y[i] = x[i] + 0.5 * h * k1[i];
      field(t + 0.5 * h, y, k2);
      for (int i = 0; i < 2; ++i) y[i] = x[i] + 0.5 * h * k2[i];
      field(t + 0.5 * h, y, k3);
      for (int i = 0; i < 2; ++i) y[i] = x[i] + h * k3[i];
      field(t + h, y, k4);
      for (int i = 0; i < 2; ++i) x[i] += h / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    }
  }
}

const char* const kPipeline = R"(name: driven_damped_spring
data:
  source: {plugin: table, file: driven.csv, trajectory: trajectory, time: t, positions: [q],
           momenta: [p], derivatives: [dq, dp]}
  split: trajectory
  train_fraction: 0.67
training:
  dissipation: {damping: constant, forcing_frequencies: [1.3]}
  optimizer: {plugin: lbfgs, epochs: 400}
models:
  driven: {plugin: mlp, hidden: [16, 16]}
  damped:
    plugin: mlp
    hidden: [16, 16]
    training: {dissipation: {forcing_frequencies: []}}
  conservative:
    plugin: mlp
    hidden: [16, 16]
    training: {dissipation: {damping: none, forcing_frequencies: []}}
  state:
    plugin: mlp
    hidden: [16, 16]
    training:
      dissipation: {damping: state}
      batch_size: 64
      optimizer: {plugin: adam, epochs: 200, lr: 0.01}
)";

std::string read(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The folder with the data and the pipeline (`extra` appended), and the run folder.
struct Scenario {
  fs::path folder;
  fs::path pipeline;
  fs::path run;
};

Scenario prepare(const std::string& name, const std::string& pipeline_text) {
  Scenario scenario;
  scenario.folder = scratch(name);
  fs::create_directories(scenario.folder);
  write_data(scenario.folder / "driven.csv");
  scenario.pipeline = scenario.folder / "pipeline.yaml";
  std::ofstream(scenario.pipeline) << pipeline_text;
  scenario.run = scenario.folder / "run";
  return scenario;
}

const Scenario& trained() {
  static const Scenario scenario = [] {
    Scenario s = prepare("dissipation_trained", kPipeline);
    REQUIRE(host(std::string("'") + s.pipeline.string() + "' -o '" + s.run.string() + "'") == 0);
    return s;
  }();
  return scenario;
}

}  // namespace

TEST_CASE("the learned damping and forcing recover gamma and the drive; the rollouts use them") {
  const YAML::Node models = YAML::LoadFile((trained().run / "summary.yaml").string())["models"];
  const YAML::Node driven = models["driven"]["dissipation"];
  REQUIRE(driven.IsMap());
  CHECK(driven["damping"].as<std::string>() == "constant");
  CHECK(driven["degrees_of_freedom"].as<int>() == 1);
  const double rate = driven["damping_rate"].as<double>();
  CAPTURE(rate);
  CHECK(std::abs(rate - kGamma) <= 0.05 * kGamma);
  CHECK(driven["damping_matrix"][0].as<double>() == rate);
  CHECK(driven["forcing_frequencies"][0].as<double>() == kFrequency);
  const double cosine = driven["forcing_cosine"][0].as<double>();
  const double sine = driven["forcing_sine"][0].as<double>();
  CAPTURE(cosine);
  CAPTURE(sine);
  CHECK(std::abs(cosine - kAmplitude) <= 0.05 * kAmplitude);
  CHECK(std::abs(sine) <= 0.05 * kAmplitude);
  CHECK(models["damped"]["dissipation"]["forcing_cosine"].size() == 0);
  CHECK_FALSE(models["conservative"]["dissipation"].IsDefined());
  CHECK(models["state"]["dissipation"]["damping"].as<std::string>() == "state");
  CHECK(std::isfinite(models["state"]["dissipation"]["damping_rate"].as<double>()));
  // Rolled out with (J - R) grad H + F(t) from the held-out trajectories' first states,
  // the driven model follows them; the conservative field cannot.
  const double driven_mse = models["driven"]["measured_mse"]["mean"].as<double>();
  const double conservative_mse = models["conservative"]["measured_mse"]["mean"].as<double>();
  CAPTURE(driven_mse);
  CAPTURE(conservative_mse);
  CHECK(driven_mse < 1e-3);
  CHECK(driven_mse < 0.01 * conservative_mse);
  CHECK(driven_mse < models["damped"]["measured_mse"]["mean"].as<double>());
}

TEST_CASE("the learned power along the rollouts: the drive's and the damping's, balancing H") {
  // measured_trajectories.csv: per held-out piece, driven's rollout, own H and power.
  std::ifstream stream(trained().run / "measured_trajectories.csv");
  std::string line;
  std::getline(stream, line);
  std::vector<std::string> header;
  std::stringstream names(line);
  for (std::string name; std::getline(names, name, ',');) header.push_back(name);
  auto column = [&](const std::string& name) {
    const auto found = std::find(header.begin(), header.end(), name);
    REQUIRE_MESSAGE(found != header.end(), name);
    return std::size_t(found - header.begin());
  };
  const std::size_t piece = column("piece"), t = column("t"), p = column("driven_p"),
                    h = column("driven_H"), dissipated = column("driven_dissipated_power"),
                    supplied = column("driven_supplied_power");
  std::vector<std::vector<double>> rows;
  while (std::getline(stream, line)) {
    std::vector<double> row;
    std::stringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) row.push_back(std::stod(cell));
    rows.push_back(row);
  }
  REQUIRE(rows.size() > 10);
  double worst_truth = 0, worst_balance = 0, peak = 0, mean_supplied = 0;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const auto& row = rows[k];
    // The true flow along the rollout: dissipated gamma p^2, supplied A cos(w t) p.
    worst_truth = std::max(worst_truth, std::abs(row[dissipated] - kGamma * row[p] * row[p]));
    worst_truth = std::max(
        worst_truth, std::abs(row[supplied] - kAmplitude * std::cos(kFrequency * row[t]) * row[p]));
    peak = std::max(peak, std::abs(row[supplied] - row[dissipated]));
    mean_supplied += row[supplied] / double(rows.size());
    // dH/dt = supplied - dissipated along the model's own rollout (central differences
    // within a piece, dt = 0.2).
    if (k == 0 || k + 1 == rows.size() || rows[k - 1][piece] != row[piece] ||
        rows[k + 1][piece] != row[piece]) {
      continue;
    }
    const double rate = (rows[k + 1][h] - rows[k - 1][h]) / (rows[k + 1][t] - rows[k - 1][t]);
    worst_balance = std::max(worst_balance, std::abs(rate - (row[supplied] - row[dissipated])));
  }
  CAPTURE(worst_truth);
  CAPTURE(worst_balance);
  CAPTURE(peak);
  CHECK(peak > 0.2);
  CHECK(worst_truth < 0.01);
  CHECK(worst_balance < 0.05 * peak);
  const YAML::Node power = YAML::LoadFile(
      (trained().run / "summary.yaml").string())["models"]["driven"]["learned_power"];
  CHECK(power["supplied"].as<double>() == doctest::Approx(mean_supplied).epsilon(1e-9));
  CHECK(power["dissipated"].as<double>() > 0.0);
}

TEST_CASE("the summary's dissipation block is documented and read back") {
  const fs::path file = trained().run / "summary.yaml";
  CHECK(hnn::testing::undocumented_summary_keys(read(file)) == std::vector<std::string>{});
  const hnn::RunSummary summary = hnn::read_run_summary(file);
  const hnn::ModelSummary* driven = summary.find("driven");
  REQUIRE(driven != nullptr);
  REQUIRE(driven->dissipation.has_value());
  CHECK(driven->dissipation->damping == "constant");
  CHECK(driven->dissipation->damping_matrix.size() == 1);
  CHECK(driven->dissipation->forcing_cosine.size() == 1);
  CHECK(driven->dissipation->forcing_frequencies == std::vector<double>{kFrequency});
  CHECK_FALSE(summary.find("conservative")->dissipation.has_value());
}

TEST_CASE("the dissipation is in the run's pipeline.yaml and checkpoint, and reloads exactly") {
  const std::string resolved = read(trained().run / "pipeline.yaml");
  CHECK(resolved.find("      dissipation:\n        damping: \"constant\"\n"
                      "        initial_rate: 0.01\n        damping_output: 2\n"
                      "        forcing_frequencies: [1.3]\n") != std::string::npos);
  // The resolved pipeline validates as it stands.
  CHECK(host(std::string("'") + (trained().run / "pipeline.yaml").string() +
             "' --check > /dev/null") == 0);
  const std::string checkpoint = read(trained().run / "checkpoints" / "driven.yaml");
  CHECK(checkpoint.find("dissipation_parameters: [") != std::string::npos);
  CHECK(read(trained().run / "checkpoints" / "conservative.yaml").find("dissipation") ==
        std::string::npos);
  // The checkpoint evaluated without training gives the same losses and learned damping.
  std::string text = kPipeline;
  text.replace(text.find("  driven: {plugin: mlp, hidden: [16, 16]}"),
               std::string("  driven: {plugin: mlp, hidden: [16, 16]}").size(),
               "  driven: {plugin: mlp, hidden: [16, 16], checkpoint: " +
                   (trained().run / "checkpoints" / "driven.yaml").string() +
                   ", training: {enabled: false}}");
  const Scenario again = prepare("dissipation_reloaded", text);
  REQUIRE(host(std::string("'") + again.pipeline.string() + "' -o '" + again.run.string() + "'") ==
          0);
  const YAML::Node before = YAML::LoadFile((trained().run / "summary.yaml").string())["models"];
  const YAML::Node after = YAML::LoadFile((again.run / "summary.yaml").string())["models"];
  CHECK(after["driven"]["final_train_loss"].as<std::string>() ==
        before["driven"]["final_train_loss"].as<std::string>());
  CHECK(after["driven"]["dissipation"]["damping_rate"].as<std::string>() ==
        before["driven"]["dissipation"]["damping_rate"].as<std::string>());
  CHECK(after["driven"]["measured_mse"]["mean"].as<std::string>() ==
        before["driven"]["measured_mse"]["mean"].as<std::string>());
}

TEST_CASE("--describe dissipation lists the block's keys") {
  const fs::path folder = scratch("dissipation_describe");
  fs::create_directories(folder);
  REQUIRE(host("--describe dissipation > '" + (folder / "out.txt").string() + "'") == 0);
  const std::string out = read(folder / "out.txt");
  for (const char* key : {"damping", "initial_rate", "damping_output", "forcing_frequencies"}) {
    CAPTURE(key);
    CHECK(out.find(key) != std::string::npos);
  }
  REQUIRE(host("--describe training > '" + (folder / "training.txt").string() + "'") == 0);
  CHECK(read(folder / "training.txt").find("dissipation") != std::string::npos);
}

TEST_CASE("--check refuses a dissipation it cannot learn, located at the block") {
  struct Case {
    std::string replace, with, message;
  };
  const std::vector<Case> cases = {
      {"  driven: {plugin: mlp, hidden: [16, 16]}",
       "  driven: {plugin: mlp, hidden: [16, 16], outputs: 2,\n"
       "           training: {dissipation: {damping: state}}}",
       "pipeline.yaml:12:46: error: models.driven.training.dissipation.damping: the training "
       "objective refuses the model: HamiltonianObjective(mlp 2-16-16-2 tanh): dissipation "
       "damping 'state' reads L(x)'s 1 entries from outputs 2 to 2 (damping_output = 2): the "
       "model needs at least 3 outputs, it has 2"},
      {"forcing_frequencies: [1.3]", "forcing_frequencies: [1.3, -2]",
       "pipeline.yaml:8:16: error: training.dissipation: forcing_frequencies[1]: expected > "
       "0, found -2.0"},
      {"damping: constant", "damping: linear",
       "pipeline.yaml:8:26: error: training.dissipation.damping: expected a string (one of: "
       "none, constant, state), found 'linear'"},
      {"training: {dissipation: {forcing_frequencies: []}}",
       "training: {objective: baseline, dissipation: {forcing_frequencies: []}}",
       "models.damped.training.dissipation: a learned damping or forcing acts on the "
       "Hamiltonian's gradient: expected objective hnn, found baseline"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    CAPTURE(c.with);
    std::string text = kPipeline;
    REQUIRE(text.find(c.replace) != std::string::npos);
    text.replace(text.find(c.replace), c.replace.size(), c.with);
    const Scenario s = prepare("dissipation_refused_" + std::to_string(i), text);
    const fs::path errors = s.folder / "errors.txt";
    CHECK(host(std::string("'") + s.pipeline.string() + "' --check 2> '" + errors.string() + "'") ==
          2);
    const std::string out = read(errors);
    CAPTURE(out);
    CHECK(out.find(c.message) != std::string::npos);
  }
}

TEST_CASE("--resume continues the learned dissipation to the uninterrupted result") {
  std::string text = kPipeline;
  // One model, trained with Adam (its state is saved), 30 epochs.
  text = text.substr(0, text.find("  damped:"));
  text.replace(text.find("{plugin: lbfgs, epochs: 400}"),
               std::string("{plugin: lbfgs, epochs: 400}").size(),
               "{plugin: adam, epochs: 30, lr: 0.01}");
  const Scenario whole = prepare("dissipation_uninterrupted", text);
  REQUIRE(host(std::string("'") + whole.pipeline.string() + "' --no-report -o '" +
               whole.run.string() + "'") == 0);
  const Scenario parts = prepare("dissipation_resumed", text);
  REQUIRE(host(std::string("'") + parts.pipeline.string() + "' --no-report -o '" +
               parts.run.string() + "' --test-signal-after-epochs TERM:12 2> /dev/null") == 143);
  const std::string stopped = read(parts.run / "checkpoints" / "driven.yaml");
  CHECK(stopped.find("dissipation_parameters: [") != std::string::npos);
  CHECK(stopped.find("interrupted_training:") != std::string::npos);
  REQUIRE(host("--no-report --resume '" + parts.run.string() + "'") == 0);
  const YAML::Node expected = YAML::LoadFile((whole.run / "summary.yaml").string())["models"];
  const YAML::Node resumed = YAML::LoadFile((parts.run / "summary.yaml").string())["models"];
  CHECK(resumed["driven"]["final_train_loss"].as<std::string>() ==
        expected["driven"]["final_train_loss"].as<std::string>());
  CHECK(YAML::Dump(resumed["driven"]["dissipation"]) ==
        YAML::Dump(expected["driven"]["dissipation"]));
  CHECK(read(parts.run / "checkpoints" / "driven.yaml") ==
        read(whole.run / "checkpoints" / "driven.yaml"));
}

TEST_CASE("the symbolic stage fits H of a KAN trained with learned damping, which it keeps") {
  // The conservative spring H = q^2 + p^2: the learned damping must stay near 0.
  const Scenario s = prepare("dissipation_symbolic", R"(name: damped_kan
system: {plugin: spring_mass}
data: {trajectories: 20, time_span: [0, 3], points: 20, seed: 1390, rng: numpy}
training:
  dissipation: {damping: constant}
  optimizer: {plugin: lbfgs, epochs: 300}
models:
  kan:
    plugin: kan
    width: [2, 1, 2]
    symbolic:
      edges:
        - {layer: 0, input: 0, output: 0, function: "x^2"}
        - {layer: 0, input: 1, output: 0, function: "x^2"}
        - {layer: 1, input: 0, output: 0, function: "x"}
        - {layer: 1, input: 0, output: 1, function: "x"}
      refine:
        optimizer: {plugin: lbfgs, epochs: 100}
evaluation: {initial_state: [1, 0], time_span: [0, 5], points: 50}
)");
  REQUIRE(host(std::string("'") + s.pipeline.string() + "' --no-report -o '" + s.run.string() +
               "'") == 0);
  const YAML::Node models = YAML::LoadFile((s.run / "summary.yaml").string())["models"];
  const double rate = models["kan"]["dissipation"]["damping_rate"].as<double>();
  CAPTURE(rate);
  CHECK(std::abs(rate) < 1e-3);
  CHECK(models["kan"]["symbolic"]["verification"]["exact"].as<bool>());
  // <m>_symbolic starts from the trained damping and refines it with its formula.
  CHECK(models["kan_symbolic"]["dissipation"]["damping"].as<std::string>() == "constant");
  CHECK(std::abs(models["kan_symbolic"]["dissipation"]["damping_rate"].as<double>()) < 1e-3);
  CHECK(read(s.run / "checkpoints" / "kan_symbolic.yaml").find("dissipation_parameters") !=
        std::string::npos);
}

TEST_CASE("a model that chooses the baseline objective does not inherit the dissipation") {
  std::string text = kPipeline;
  text.replace(text.find("  damped:\n"), std::string("  damped:\n").size(),
               "  baseline:\n    plugin: mlp\n    training: {objective: baseline}\n  damped:\n");
  const Scenario s = prepare("dissipation_with_baseline", text);
  const fs::path resolved = s.folder / "resolved.yaml";
  REQUIRE(host(std::string("'") + s.pipeline.string() + "' --check > '" + resolved.string() +
               "'") == 0);
  const YAML::Node models = YAML::LoadFile(resolved.string())["models"];
  CHECK_FALSE(models["baseline"]["training"]["dissipation"].IsDefined());
  CHECK(models["driven"]["training"]["dissipation"]["damping"].as<std::string>() == "constant");
  // The resolved pipeline validates as it stands.
  CHECK(host(std::string("'") + resolved.string() + "' --check > /dev/null") == 0);
}

TEST_CASE("owlqn and lbfgs_torch train the dissipation with the model, unchanged") {
  // (lbfgs is the trained run's optimizer, adam the resumed one's.)
  std::string text = kPipeline;
  text = text.substr(0, text.find("models:"));
  text += R"(models:
  owlqn:
    plugin: mlp
    hidden: [16, 16]
    training: {l1: 1.0e-7, optimizer: {plugin: owlqn, epochs: 400}}
  torch: {plugin: mlp, hidden: [16, 16], training: {optimizer: {plugin: lbfgs_torch, epochs: 400}}}
)";
  const Scenario s = prepare("dissipation_optimizers", text);
  REQUIRE(host(std::string("'") + s.pipeline.string() + "' --no-report -o '" + s.run.string() +
               "'") == 0);
  const YAML::Node models = YAML::LoadFile((s.run / "summary.yaml").string())["models"];
  for (const char* name : {"owlqn", "torch"}) {
    CAPTURE(name);
    const YAML::Node dissipation = models[name]["dissipation"];
    const double rate = dissipation["damping_rate"].as<double>();
    const double cosine = dissipation["forcing_cosine"][0].as<double>();
    CAPTURE(rate);
    CAPTURE(cosine);
    CHECK(std::abs(rate - kGamma) <= 0.05 * kGamma);
    CHECK(std::abs(cosine - kAmplitude) <= 0.05 * kAmplitude);
  }
  // OWL-QN's exact L1 covers the dissipation's parameters too, as the objective's does.
  CHECK(models["owlqn"]["l1_objective"].IsDefined());
}
