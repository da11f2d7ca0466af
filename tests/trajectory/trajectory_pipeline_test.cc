// The trajectory objective through hnn-host (issue 15): `training.objective: trajectory`
// with its `trajectory` block trains an MLP-HNN and a direct-field MLP on coarse simulated
// spring data (dt = 0.3), the run folder is complete and reloads; --describe trajectory and
// the block's located refusals.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../end_to_end/host_run.h"
#include "hnn/host/run_summary_reader.h"
#include "run_folder_files.h"
#include "run_summary_keys.h"

namespace fs = std::filesystem;
using hnn::testing::host;
using hnn::testing::read;
using hnn::testing::scratch;
using hnn::testing::train_losses;

namespace {

// 10 spring trajectories of 30 samples on [0, 8.7]: dt = 0.3; the first 6 train.
const char* const kPipeline = R"(name: spring_trajectory
system: {plugin: spring_mass, k: 2.0, m: 0.5, radius: [0.1, 1.0]}
data:
  trajectories: 10
  time_span: [0, 8.7]
  points: 30
  seed: 1
  split: trajectory
  train_fraction: 0.6
  integrator: {plugin: rk45, rtol: 1.0e-10, atol: 1.0e-10}
training:
  objective: trajectory
  trajectory: {steps: 4, stride: 2, method: rk4}
  optimizer: {plugin: lbfgs, epochs: 200}
  test_every: 10
models:
  mlp: {plugin: mlp, hidden: [16, 16], seed: 0}
  direct:
    plugin: mlp
    hidden: [16, 16]
    seed: 0
    training: {trajectory: {field: direct, steps: 2}}
evaluation: {points: 200}
)";

struct Scenario {
  fs::path folder, pipeline, run;
};

Scenario prepare(const std::string& name, const std::string& text) {
  Scenario s;
  s.folder = scratch(name);
  fs::create_directories(s.folder);
  s.pipeline = s.folder / "pipeline.yaml";
  std::ofstream(s.pipeline) << text;
  s.run = s.folder / "run";
  return s;
}

const Scenario& trained() {
  static const Scenario scenario = [] {
    Scenario s = prepare("trajectory_trained", kPipeline);
    REQUIRE(host(std::string("'") + s.pipeline.string() + "' -o '" + s.run.string() + "'") == 0);
    return s;
  }();
  return scenario;
}

}  // namespace

TEST_CASE("objective trajectory trains an MLP-HNN and a direct field on coarse spring data") {
  const fs::path run = trained().run;
  for (const char* file :
       {"summary.yaml", "history.csv", "pipeline.yaml", "trajectories.csv", "data.csv",
        "report.html", "checkpoints/mlp.yaml", "checkpoints/direct.yaml"}) {
    CAPTURE(file);
    CHECK(fs::exists(run / file));
  }
  const YAML::Node models = YAML::LoadFile((run / "summary.yaml").string())["models"];
  for (const char* name : {"mlp", "direct"}) {
    CAPTURE(name);
    const std::vector<double> losses = train_losses(run / "history.csv", name);
    REQUIRE(losses.size() > 10);
    CAPTURE(losses.front());
    CAPTURE(losses.back());
    // From about 0.4 to about 1e-6 (measured: mlp 0.44 -> 2.1e-6).
    CHECK(losses.back() < 1e-3 * losses.front());
    const YAML::Node model = models[name];
    CHECK(model["objective"].as<std::string>() == "trajectory");
    CHECK(model["final_test_loss"].as<double>() < 1e-3 * losses.front());
    // The rollout from (1, 0) over [0, 20] follows the truth.
    CHECK(model["trajectory_mse"]["mean"].as<double>() < 1e-2);
  }
  // The objective's method, field and windows: every trajectory of 30 samples gives
  // (30 - 1 - 4) / 2 + 1 = 13 windows of k = 4 (starts 0, 2, ..., 24): 6 train, 4 test.
  const YAML::Node mlp = models["mlp"]["trajectory_objective"];
  CHECK(mlp["method"].as<std::string>() == "rk4");
  CHECK(mlp["field"].as<std::string>() == "solenoidal");
  CHECK(mlp["steps"].as<int>() == 4);
  CHECK(mlp["train_windows"].as<int>() == 78);
  CHECK(mlp["test_windows"].as<int>() == 52);
  const YAML::Node direct = models["direct"]["trajectory_objective"];
  CHECK(direct["field"].as<std::string>() == "direct");
  CHECK(direct["steps"].as<int>() == 2);
  // Every key the run wrote is in docs/run_folder.md.
  CHECK(hnn::testing::undocumented_summary_keys(read(run / "summary.yaml")).empty());
  // The reader gives the block back.
  const hnn::RunSummary summary = hnn::read_run_summary(run / "summary.yaml");
  REQUIRE(summary.find("mlp") != nullptr);
  REQUIRE(summary.find("mlp")->trajectory_objective.has_value());
  CHECK(*summary.find("mlp")->trajectory_objective ==
        hnn::TrajectoryObjectiveSummary{"rk4", "solenoidal", 4, 78, 52});
  // The HNN's rollout (measured 2.8e-5).
  CHECK(models["mlp"]["trajectory_mse"]["mean"].as<double>() < 1e-3);
}

TEST_CASE("the trajectory block is in the run's pipeline.yaml, which validates and reloads") {
  const std::string resolved = read(trained().run / "pipeline.yaml");
  CHECK(resolved.find("  objective: \"trajectory\"\n") != std::string::npos);
  CHECK(resolved.find("  trajectory:\n    steps: 4\n    stride: 2\n    max_step: 0.0\n"
                      "    method: \"rk4\"\n    field: \"solenoidal\"\n"
                      "    learn_initial_states: false\n") != std::string::npos);
  CHECK(resolved.find("field: \"direct\"") != std::string::npos);
  CHECK(host(std::string("'") + (trained().run / "pipeline.yaml").string() +
             "' --check > /dev/null") == 0);
  // The checkpoint evaluated without training gives the same losses.
  std::string text = kPipeline;
  const std::string mlp = "  mlp: {plugin: mlp, hidden: [16, 16], seed: 0}";
  text.replace(text.find(mlp), mlp.size(),
               "  mlp: {plugin: mlp, hidden: [16, 16], checkpoint: '" +
                   (trained().run / "checkpoints" / "mlp.yaml").string() +
                   "', training: {enabled: false}}");
  text = text.substr(0, text.find("  direct:")) + "evaluation: {points: 200}\n";
  const Scenario again = prepare("trajectory_reloaded", text);
  REQUIRE(host(std::string("'") + again.pipeline.string() + "' --no-report -o '" +
               again.run.string() + "'") == 0);
  const YAML::Node before = YAML::LoadFile((trained().run / "summary.yaml").string())["models"];
  const YAML::Node after = YAML::LoadFile((again.run / "summary.yaml").string())["models"];
  CHECK(after["mlp"]["final_train_loss"].as<std::string>() ==
        before["mlp"]["final_train_loss"].as<std::string>());
  CHECK(after["mlp"]["final_test_loss"].as<std::string>() ==
        before["mlp"]["final_test_loss"].as<std::string>());
}

TEST_CASE("--resume continues objective trajectory to the uninterrupted result") {
  // The MLP-HNN alone, trained with Adam (its state is saved), 30 epochs.
  std::string text = std::string(kPipeline).substr(0, std::string(kPipeline).find("  direct:")) +
                     "evaluation: {points: 200}\n";
  const std::string lbfgs = "{plugin: lbfgs, epochs: 200}";
  text.replace(text.find(lbfgs), lbfgs.size(), "{plugin: adam, epochs: 30, lr: 0.01}");
  const Scenario whole = prepare("trajectory_uninterrupted", text);
  REQUIRE(host(std::string("'") + whole.pipeline.string() + "' --no-report -o '" +
               whole.run.string() + "'") == 0);
  const Scenario parts = prepare("trajectory_resumed", text);
  REQUIRE(host(std::string("'") + parts.pipeline.string() + "' --no-report -o '" +
               parts.run.string() + "' --test-signal-after-epochs TERM:12 2> /dev/null") == 143);
  CHECK(read(parts.run / "checkpoints" / "mlp.yaml").find("interrupted_training:") !=
        std::string::npos);
  REQUIRE(host("--no-report --resume '" + parts.run.string() + "'") == 0);
  const YAML::Node expected = YAML::LoadFile((whole.run / "summary.yaml").string())["models"];
  const YAML::Node resumed = YAML::LoadFile((parts.run / "summary.yaml").string())["models"];
  CHECK(resumed["mlp"]["final_train_loss"].as<std::string>() ==
        expected["mlp"]["final_train_loss"].as<std::string>());
  CHECK(resumed["mlp"]["final_test_loss"].as<std::string>() ==
        expected["mlp"]["final_test_loss"].as<std::string>());
  CHECK(read(parts.run / "checkpoints" / "mlp.yaml") ==
        read(whole.run / "checkpoints" / "mlp.yaml"));
}

TEST_CASE("--describe trajectory lists the block's keys; --describe training names it") {
  const fs::path folder = scratch("trajectory_describe");
  fs::create_directories(folder);
  REQUIRE(host("--describe trajectory > '" + (folder / "out.txt").string() + "'") == 0);
  const std::string out = read(folder / "out.txt");
  for (const char* key :
       {"steps", "stride", "max_step", "method", "field", "learn_initial_states", "leapfrog"}) {
    CAPTURE(key);
    CHECK(out.find(key) != std::string::npos);
  }
  REQUIRE(host("--describe training > '" + (folder / "training.txt").string() + "'") == 0);
  const std::string training = read(folder / "training.txt");
  CHECK(training.find("trajectory:") != std::string::npos);
  CHECK(training.find("--describe trajectory") != std::string::npos);
}

TEST_CASE("--check refuses a trajectory block it cannot run, located at the key") {
  struct Case {
    std::string replace, with, message;
  };
  const std::string block = "trajectory: {steps: 4, stride: 2, method: rk4}";
  const std::vector<Case> cases = {
      {block, "trajectory: {steps: 0}",
       "pipeline.yaml:13:23: error: training.trajectory.steps: expected an integer in [1, "
       "1000000], found '0'"},
      {block, "trajectory: {method: leapfrog, field: direct}",
       "pipeline.yaml:13:24: error: training.trajectory.method: leapfrog integrates a "
       "Hamiltonian's gradient: expected field solenoidal, found direct"},
      {block, "trajectory: {stepz: 2}",
       "pipeline.yaml:13:16: error: training.trajectory.stepz: unknown key 'stepz' (did you "
       "mean 'steps'?)"},
      {block, "trajectory: [4]",
       "pipeline.yaml:13:15: error: training.trajectory: expected a map of options, found a "
       "list"},
      {block, "l1: 0.001\n  trajectory: {learn_initial_states: true}",
       "pipeline.yaml:13:7: error: models.mlp.training.l1: objective trajectory: the L1 penalty "
       "leaves learned initial states out, not supported by hnn-host: expected l1 0 with "
       "learn_initial_states true"},
      {block, "field: both",
       "pipeline.yaml:13:10: error: models.direct.training.field: field both is a field of the "
       "HNN: expected trajectory.field solenoidal with it, found direct"},
      {block, "trajectory: {method: leapfrog}\n  field: conservative",
       "pipeline.yaml:13:24: error: models.mlp.training.trajectory.method: method leapfrog "
       "integrates J dH/dx only: expected method rk4 with field conservative, found leapfrog"},
      {"    training: {trajectory: {field: direct, steps: 2}}",
       "    outputs: 3\n    training: {trajectory: {field: direct, steps: 2}}",
       "pipeline.yaml:23:36: error: models.direct.training.trajectory.field: the training "
       "objective refuses the model: TrajectoryObjective(mlp 2-16-16-3 tanh): the direct field "
       "needs one model output per state entry (2), the model has 3"},
      {"  mlp: {plugin: mlp, hidden: [16, 16], seed: 0}",
       "  mlp: {plugin: mlp, hidden: [16, 16], seed: 0, outputs: 2,\n"
       "        training: {dissipation: {damping: state}}}",
       "pipeline.yaml:18:43: error: models.mlp.training.dissipation.damping: the training "
       "objective refuses the model: TrajectoryObjective(mlp 2-16-16-2 tanh): dissipation "
       "damping 'state' reads L(x)'s 1 entries from outputs 2 to 2 (damping_output = 2): the "
       "model needs at least 3 outputs, it has 2"},
      {block, "trajectory: {method: leapfrog}\n  dissipation: {damping: constant}",
       "pipeline.yaml:13:24: error: models.mlp.training.trajectory.method: objective trajectory "
       "integrates a learned damping or forcing with rk4 only: expected method rk4, found "
       "leapfrog"},
      {"    training: {trajectory: {field: direct, steps: 2}}",
       "    training: {trajectory: {field: direct, steps: 2}, dissipation: {damping: constant}}",
       "pipeline.yaml:22:36: error: models.direct.training.trajectory.field: a learned damping "
       "or forcing acts on the Hamiltonian's gradient: expected trajectory.field solenoidal, "
       "found direct"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    CAPTURE(c.with);
    std::string text = kPipeline;
    REQUIRE(text.find(c.replace) != std::string::npos);
    text.replace(text.find(c.replace), c.replace.size(), c.with);
    const Scenario s = prepare("trajectory_refused_" + std::to_string(i), text);
    const fs::path errors = s.folder / "errors.txt";
    CHECK(host(std::string("'") + s.pipeline.string() + "' --check 2> '" + errors.string() + "'") ==
          2);
    const std::string out = read(errors);
    CAPTURE(out);
    CHECK(out.find(c.message) != std::string::npos);
  }
}

TEST_CASE("the symbolic stage reads H = q^2 + p^2 off a KAN trained with objective trajectory") {
  // The KAN [2, 1, 2] on the same coarse spring data, k = 2; the symbolic stage fits its
  // edges and verifies the field (measured: 1.00*q^2 + 1.00*p^2 - 0.01, field error 1.3e-3).
  const Scenario s = prepare("trajectory_symbolic", R"(name: kan_trajectory
system: {plugin: spring_mass, k: 2.0, m: 0.5, radius: [0.1, 1.0]}
data: {trajectories: 10, time_span: [0, 8.7], points: 30, seed: 1, split: trajectory,
       train_fraction: 0.6}
training:
  objective: trajectory
  trajectory: {steps: 2}
  optimizer: {plugin: lbfgs, epochs: 50}
models:
  kan:
    plugin: kan
    width: [2, 1, 2]
    symbolic: {functions: [x, x^2]}
evaluation: {points: 100}
)");
  REQUIRE(host(std::string("'") + s.pipeline.string() + "' --no-report -o '" + s.run.string() +
               "'") == 0);
  const YAML::Node models = YAML::LoadFile((s.run / "summary.yaml").string())["models"];
  const YAML::Node symbolic = models["kan"]["symbolic"];
  REQUIRE(symbolic.IsMap());
  CHECK(symbolic["formulas"][1]["text"].as<std::string>().rfind("1.00*q^2 + 1.00*p^2", 0) == 0);
  CHECK(symbolic["verification"]["exact"].as<bool>());
  CHECK(symbolic["verification"]["field_relative_error"].as<double>() < 0.01);
  CHECK(models["kan_symbolic"]["objective"].as<std::string>() == "trajectory");
  CHECK(models["kan_symbolic"]["trajectory_objective"]["train_windows"].as<int>() == 168);
}
