// Objective trajectory through hnn-host, its options beyond full-batch training (issue 15):
// learned initial states on coarse noisy spring data (kept out of the model's parameters
// and the test objective, resumed bit-identically), minibatches of windows (adam) beside
// full-batch lbfgs_torch, owlqn on the L1-penalised objective, the learned constant damping
// of a damped spring, its energy loss learned with the state-dependent damping and as a
// D-HNN, the implicit midpoint rule beside rk4 and leapfrog at fine and coarse steps, and the
// symbolic stage's refinement with the trajectory objective.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../end_to_end/host_run.h"
#include "run_folder_files.h"
#include "run_summary_keys.h"

namespace fs = std::filesystem;
using hnn::testing::host;
using hnn::testing::read;
using hnn::testing::scratch;
using hnn::testing::train_losses;

namespace {

// 10 spring trajectories of 30 samples on [0, 8.7] (dt = 0.3), states with Gaussian noise
// of sigma 0.05; the first 6 train. Windows of k = 8: 11 per trajectory, 66 train.
const char* const kNoisyPipeline = R"(name: spring_noisy_trajectory
system: {plugin: spring_mass, k: 2.0, m: 0.5, radius: [0.1, 1.0]}
data:
  trajectories: 10
  time_span: [0, 8.7]
  points: 30
  noise_std: 0.05
  seed: 1
  split: trajectory
  train_fraction: 0.6
  integrator: {plugin: rk45, rtol: 1.0e-10, atol: 1.0e-10}
training:
  objective: trajectory
  trajectory: {steps: 8, stride: 2, method: rk4, learn_initial_states: true}
  optimizer: {plugin: lbfgs, epochs: 200}
  test_every: 10
models:
  mlp: {plugin: mlp, hidden: [16, 16], seed: 0}
evaluation: {points: 200}
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// A path in single quotes, for the shell.
std::string quoted(const fs::path& path) {
  std::string text = "'";
  text += path.string();
  text += "'";
  return text;
}

// Writes `text` as <scratch>/<name>/pipeline.yaml, runs it into <scratch>/<name>/run with
// `arguments`, returns the run folder (REQUIRE: exit status `status`).
fs::path run(const std::string& name, const std::string& text, const std::string& arguments = "",
             int status = 0) {
  const fs::path folder = scratch(name);
  fs::create_directories(folder);
  std::ofstream(folder / "pipeline.yaml") << text;
  REQUIRE(host(quoted(folder / "pipeline.yaml") + " --no-report -o " + quoted(folder / "run") +
               " " + arguments) == status);
  return folder / "run";
}

YAML::Node model_summary(const fs::path& run_folder, const std::string& model) {
  return YAML::LoadFile((run_folder / "summary.yaml").string())["models"][model];
}

}  // namespace

TEST_CASE("learned initial states beat the observed first states on coarse noisy data") {
  const fs::path learned = run("trajectory_learned_states", kNoisyPipeline);
  const fs::path observed =
      run("trajectory_observed_states",
          replaced(kNoisyPipeline, "learn_initial_states: true", "learn_initial_states: false"));
  const YAML::Node with = model_summary(learned, "mlp");
  const YAML::Node without = model_summary(observed, "mlp");
  // Rollout from (1, 0) over [0, 20] against the truth. Measured: 9.2e-3 with, 1.19
  // without (with k = 8 and noisy first states the fit without stalls at a loss of 0.39).
  const double mse_with = with["trajectory_mse"]["mean"].as<double>();
  const double mse_without = without["trajectory_mse"]["mean"].as<double>();
  CAPTURE(mse_with);
  CAPTURE(mse_without);
  CHECK(mse_with < 0.05);
  CHECK(mse_with < 0.1 * mse_without);
  // The model's parameters alone: MLP 2-16-16-2 has 354, in the summary and the checkpoint;
  // the 2 x 66 learned states are saved beside them.
  CHECK(with["parameters"].as<int>() == 354);
  CHECK(with["trajectory_objective"]["train_windows"].as<int>() == 66);
  const YAML::Node checkpoint = YAML::LoadFile((learned / "checkpoints" / "mlp.yaml").string());
  CHECK(checkpoint["parameters"].size() == 354);
  CHECK(checkpoint["learned_initial_states"].size() == 132);
  CHECK(hnn::testing::undocumented_summary_keys(read(learned / "summary.yaml")).empty());
  // --check accepts the run's pipeline.yaml.
  CHECK(host(quoted(learned / "pipeline.yaml") + " --check > /dev/null") == 0);
  // The test loss is the objective without learned initial states, on the model's
  // parameters only: the checkpoint evaluated so gives the same test loss.
  const std::string reload = replaced(
      replaced(kNoisyPipeline, "learn_initial_states: true", "learn_initial_states: false"),
      "  mlp: {plugin: mlp, hidden: [16, 16], seed: 0}",
      "  mlp: {plugin: mlp, hidden: [16, 16], checkpoint: '" +
          (learned / "checkpoints" / "mlp.yaml").string() + "', training: {enabled: false}}");
  const YAML::Node reloaded = model_summary(run("trajectory_learned_reloaded", reload), "mlp");
  CHECK(reloaded["final_test_loss"].as<std::string>() == with["final_test_loss"].as<std::string>());
  CHECK(reloaded["trajectory_mse"]["mean"].as<std::string>() ==
        with["trajectory_mse"]["mean"].as<std::string>());
}

TEST_CASE(
    "--resume ends bit-identical with learned initial states, with minibatches and with both") {
  // Adam (its state is saved), 30 epochs, interrupted after 12.
  const std::string adam = replaced(kNoisyPipeline, "{plugin: lbfgs, epochs: 200}",
                                    "{plugin: adam, epochs: 30, lr: 0.01}");
  const std::string minibatches =
      replaced(replaced(adam, "learn_initial_states: true", "learn_initial_states: false"),
               "  test_every: 10", "  test_every: 10\n  batch_size: 16");
  const std::string both = replaced(adam, "  test_every: 10", "  test_every: 10\n  batch_size: 16");
  const std::vector<std::string> pipelines = {adam, minibatches, both};
  for (std::size_t i = 0; i < pipelines.size(); ++i) {
    CAPTURE(i);
    const std::string name = "trajectory_resume_" + std::to_string(i);
    const fs::path whole = run(name + "_whole", pipelines[i]);
    const fs::path parts =
        run(name + "_parts", pipelines[i], "--test-signal-after-epochs TERM:12 2> /dev/null", 143);
    CHECK(read(parts / "checkpoints" / "mlp.yaml").find("interrupted_training:") !=
          std::string::npos);
    REQUIRE(host("--no-report --resume " + quoted(parts)) == 0);
    const YAML::Node expected = model_summary(whole, "mlp");
    const YAML::Node resumed = model_summary(parts, "mlp");
    CHECK(resumed["final_train_loss"].as<std::string>() ==
          expected["final_train_loss"].as<std::string>());
    CHECK(resumed["final_test_loss"].as<std::string>() ==
          expected["final_test_loss"].as<std::string>());
    CHECK(read(parts / "checkpoints" / "mlp.yaml") == read(whole / "checkpoints" / "mlp.yaml"));
  }
}

TEST_CASE("objective trajectory trains with minibatches of windows (adam) and lbfgs_torch") {
  // Noise-free data, k = 4 (78 training windows).
  const std::string clean =
      replaced(replaced(replaced(kNoisyPipeline, "  noise_std: 0.05\n", ""),
                        "{steps: 8, stride: 2, method: rk4, learn_initial_states: true}",
                        "{steps: 4, stride: 2, method: rk4}"),
               "{plugin: lbfgs, epochs: 200}", "{plugin: adam, epochs: 400, lr: 0.01}");
  struct Case {
    std::string name, text;
    double factor;
  };
  // Measured: adam, 16 windows an evaluation: 0.44 -> 2.6e-4; lbfgs_torch (lr 0.3,
  // max_iter 20, 20 epochs) on all windows: 0.42 -> 3.7e-7.
  const std::vector<Case> cases = {
      {"adam", replaced(clean, "  test_every: 10", "  test_every: 10\n  batch_size: 16"), 1e-2},
      {"lbfgs_torch",
       replaced(clean, "{plugin: adam, epochs: 400, lr: 0.01}",
                "{plugin: lbfgs_torch, epochs: 20, max_iter: 20, lr: 0.3}"),
       1e-4},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const fs::path folder = run("trajectory_optimizer_" + c.name, c.text);
    const std::vector<double> losses = train_losses(folder / "history.csv");
    REQUIRE(losses.size() > 2);
    CAPTURE(losses.front());
    CAPTURE(losses.back());
    CHECK(losses.back() < c.factor * losses.front());
    const YAML::Node model = model_summary(folder, "mlp");
    CHECK(model["final_test_loss"].as<double>() < c.factor * losses.front());
  }
}

TEST_CASE("objective trajectory with an L1 penalty: owlqn after lbfgs sparsifies and lowers it") {
  // Noise-free data, k = 2, a KAN [2, 1, 2] (35 parameters) with l1 1e-5: lbfgs on the
  // smoothed penalty, then owlqn on the exact one. Measured: loss + penalty 1.8e-4 after
  // lbfgs, 1.5e-4 after owlqn, 12 parameters exactly 0.
  const std::string text = R"(name: trajectory_owlqn
system: {plugin: spring_mass, k: 2.0, m: 0.5, radius: [0.1, 1.0]}
data: {trajectories: 10, time_span: [0, 8.7], points: 30, seed: 1, split: trajectory,
       train_fraction: 0.6}
training:
  objective: trajectory
  trajectory: {steps: 2}
  l1: 1.0e-5
  stages:
    - {optimizer: {plugin: lbfgs, epochs: 50}}
    - {optimizer: {plugin: owlqn, epochs: 200}}
models:
  kan: {plugin: kan, width: [2, 1, 2]}
evaluation: {points: 100}
)";
  const fs::path folder = run("trajectory_owlqn", text);
  const YAML::Node model = model_summary(folder, "kan");
  REQUIRE(model["stages"].size() == 2);
  CHECK(model["stages"][1]["optimizer"].as<std::string>() == "owlqn");
  // The last row of each stage in history.csv: train_loss + penalty.
  std::ifstream in(folder / "history.csv");
  std::string line;
  std::getline(in, line);
  REQUIRE(line.rfind("epoch,model,stage,train_loss,test_loss,penalty,", 0) == 0);
  double end_of_stage[3] = {0, 0, 0};
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream row(line);
    for (std::string field; std::getline(row, field, ',');) fields.push_back(field);
    REQUIRE(fields.size() >= 6);
    if (fields[3].empty() || fields[5].empty()) continue;
    end_of_stage[std::stoi(fields[2])] = std::stod(fields[3]) + std::stod(fields[5]);
  }
  CAPTURE(end_of_stage[1]);
  CAPTURE(end_of_stage[2]);
  CHECK(end_of_stage[2] < 0.95 * end_of_stage[1]);
  const auto parameters =
      YAML::LoadFile((folder / "checkpoints" / "kan.yaml").string())["parameters"]
          .as<std::vector<double>>();
  long zeros = 0;
  for (const double value : parameters) zeros += value == 0.0 ? 1 : 0;
  CHECK(zeros >= 5);
}

TEST_CASE("objective trajectory learns the constant damping of a damped spring") {
  // gamma = 0.1 (dp/dt = -dH/dq - gamma dH/dp, H = q^2 + p^2), noise-free, k = 4.
  const std::string text =
      replaced(replaced(replaced(replaced(kNoisyPipeline, "  noise_std: 0.05\n", ""),
                                 "{plugin: spring_mass, k: 2.0, m: 0.5, radius: [0.1, 1.0]}",
                                 "{plugin: damped_spring, k: 2.0, m: 0.5, gamma: 0.1}"),
                        "{steps: 8, stride: 2, method: rk4, learn_initial_states: true}",
                        "{steps: 4, stride: 2, method: rk4}\n  dissipation: {damping: constant}"),
               "epochs: 200", "epochs: 300");
  const fs::path folder = run("trajectory_damped", text);
  const YAML::Node model = model_summary(folder, "mlp");
  // Measured: 0.0991.
  const double rate = model["dissipation"]["damping_rate"].as<double>();
  CAPTURE(rate);
  CHECK(std::abs(rate - 0.1) < 0.003);
  CHECK(model["trajectory_mse"]["mean"].as<double>() < 1e-3);  // measured 1.3e-5
  const YAML::Node checkpoint = YAML::LoadFile((folder / "checkpoints" / "mlp.yaml").string());
  CHECK(checkpoint["parameters"].size() == 354);
  CHECK(checkpoint["dissipation_parameters"].size() == 1);
  CHECK(host(quoted(folder / "pipeline.yaml") + " --check > /dev/null") == 0);
}

TEST_CASE(
    "objective trajectory learns a damped spring's energy loss with the state-dependent "
    "damping and with the D-HNN field") {
  // The same damped spring (gamma = 0.1, noise-free, k = 4): an HNN without dissipation
  // cannot follow it; with L(x) from a third output of its MLP, or as a D-HNN (field both:
  // J grad F_H + grad F_C), it can.
  std::string text =
      replaced(replaced(replaced(replaced(kNoisyPipeline, "  noise_std: 0.05\n", ""),
                                 "{plugin: spring_mass, k: 2.0, m: 0.5, radius: [0.1, 1.0]}",
                                 "{plugin: damped_spring, k: 2.0, m: 0.5, gamma: 0.1}"),
                        "{steps: 8, stride: 2, method: rk4, learn_initial_states: true}",
                        "{steps: 4, stride: 2, method: rk4}"),
               "epochs: 200", "epochs: 1000");
  text = replaced(text, "  mlp: {plugin: mlp, hidden: [16, 16], seed: 0}\n",
                  "  conservative: {plugin: mlp, hidden: [16, 16], seed: 0}\n"
                  "  state:\n"
                  "    {plugin: mlp, hidden: [16, 16], seed: 0,\n"
                  "     training: {dissipation: {damping: state}}}\n"
                  "  dhnn: {plugin: mlp, hidden: [16, 16], seed: 0, training: {field: both}}\n");
  const fs::path folder = run("trajectory_damped_fields", text);
  const YAML::Node summary = YAML::LoadFile((folder / "summary.yaml").string());
  const double truth_power = summary["truth"]["power"]["dissipated"].as<double>();
  const YAML::Node models = summary["models"];
  CHECK(models["state"]["description"].as<std::string>() == "mlp 2-16-16-3 tanh");
  CHECK(models["state"]["dissipation"]["damping"].as<std::string>() == "state");
  // Measured: rollout MSE 0.187 without dissipation, 8.0e-5 with L(x), 2.3e-5 as a D-HNN;
  // energy lost over the rollout 0.0017, 0.997 and 1.001 times the truth's; mean power
  // dissipated 0.0480 and 0.0425 against the truth's 0.0489.
  const double conservative = models["conservative"]["trajectory_mse"]["mean"].as<double>();
  CHECK(conservative > 0.1);
  CHECK(models["conservative"]["energy_loss_ratio"].as<double>() < 0.01);
  for (const std::string name : {"state", "dhnn"}) {
    CAPTURE(name);
    const YAML::Node model = models[name];
    CHECK(model["trajectory_objective"]["field"].as<std::string>() == "solenoidal");
    CHECK(model["trajectory_mse"]["mean"].as<double>() < 1e-3);
    CHECK(model["trajectory_mse"]["mean"].as<double>() * 1000 < conservative);
    CHECK(std::abs(model["energy_loss_ratio"].as<double>() - 1.0) < 0.02);
    const double power = model["learned_power"]["dissipated"].as<double>();
    CHECK(std::abs(power / truth_power - 1.0) < (name == "state" ? 0.05 : 0.2));
  }
  CHECK(host(quoted(folder / "pipeline.yaml") + " --check > /dev/null") == 0);
  // The resolved pipeline.yaml keeps the field and the damping (reran by --check above).
  const YAML::Node resolved = YAML::LoadFile((folder / "pipeline.yaml").string());
  CHECK(resolved["models"]["dhnn"]["training"]["field"].as<std::string>() == "both");
  CHECK(resolved["models"]["state"]["training"]["dissipation"]["damping"].as<std::string>() ==
        "state");
}

TEST_CASE(
    "objective trajectory with method implicit_midpoint: fine steps roll out best, coarse "
    "steps learn the method's modified Hamiltonian") {
  // Noise-free spring data, k = 4, L-BFGS 500 epochs with eigenvalue scaling; the three
  // methods side by side at dt = 0.3 (30 samples over [0, 8.7]) and at dt = 0.1 (88).
  const auto pipeline = [](const std::string& points) {
    std::string text = replaced(replaced(replaced(kNoisyPipeline, "  noise_std: 0.05\n", ""),
                                         "{steps: 8, stride: 2, method: rk4, "
                                         "learn_initial_states: true}",
                                         "{steps: 4, stride: 2, method: rk4}"),
                                "{plugin: lbfgs, epochs: 200}",
                                "{plugin: lbfgs, epochs: 500, eigenvalue_scaling: true}");
    text = replaced(text, "points: 30", "points: " + points);
    return replaced(
        text, "  mlp: {plugin: mlp, hidden: [16, 16], seed: 0}\n",
        "  rk4: {plugin: mlp, hidden: [16, 16], seed: 0}\n"
        "  leapfrog: {plugin: mlp, hidden: [16, 16], seed: 0,\n"
        "             training: {trajectory: {steps: 4, stride: 2, method: leapfrog}}}\n"
        "  midpoint: {plugin: mlp, hidden: [16, 16], seed: 0,\n"
        "             training: {trajectory: {steps: 4, stride: 2,\n"
        "                                     method: implicit_midpoint}}}\n");
  };
  const auto rollout = [](const YAML::Node& summary, const std::string& model) {
    return summary["models"][model]["trajectory_mse"]["mean"].as<double>();
  };
  const fs::path fine = run("trajectory_midpoint_fine", pipeline("88"));
  const YAML::Node fine_summary = YAML::LoadFile((fine / "summary.yaml").string());
  CHECK(fine_summary["models"]["midpoint"]["trajectory_objective"]["method"].as<std::string>() ==
        "implicit_midpoint");
  // Measured at dt = 0.1: rollout MSE 1.9e-3 (midpoint), 1.6e-2 (rk4), 1.5e-2 (leapfrog);
  // largest energy drift 9.0e-4, 1.9e-3, 1.0e-2.
  CHECK(rollout(fine_summary, "midpoint") < 5e-3);
  CHECK(rollout(fine_summary, "midpoint") * 4 < rollout(fine_summary, "rk4"));
  CHECK(fine_summary["models"]["midpoint"]["energy_drift_max"].as<double>() < 2e-3);

  // At dt = 0.3 (omega dt = 0.6) a second-order map fits the data with the H of its own
  // modified equation: the spring's frequency 2 becomes (2 / dt) tan(dt) = 2.062 for the
  // midpoint rule and 2 sin(0.3) / 0.3 = 1.970 for leapfrog, so the exact rollout over
  // [0, 20] drifts in phase; RK4's error is O(dt^4). Measured: 8.8e-6 (rk4), 0.065
  // (leapfrog), 0.236 (midpoint).
  const fs::path coarse = run("trajectory_midpoint_coarse", pipeline("30"));
  const YAML::Node coarse_summary = YAML::LoadFile((coarse / "summary.yaml").string());
  CHECK(rollout(coarse_summary, "rk4") < 1e-4);
  CHECK(rollout(coarse_summary, "leapfrog") > 0.02);
  CHECK(rollout(coarse_summary, "midpoint") > 0.1);
  CHECK(host(quoted(coarse / "pipeline.yaml") + " --check > /dev/null") == 0);
}

TEST_CASE("the symbolic stage refines the formula with the trajectory objective") {
  // A KAN [2, 1, 2] on the noise-free coarse spring data, k = 2; the formula's constants
  // are refined by lbfgs on the same objective (measured: loss 6.7e-8 -> 5.5e-8,
  // 1.00*q^2 + 1.00*p^2 - 0.01).
  const fs::path folder = run("trajectory_symbolic_refine", R"(name: kan_trajectory
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
    symbolic:
      functions: [x, x^2]
      refine:
        optimizer: {plugin: lbfgs, epochs: 100}
evaluation: {points: 100}
)");
  const YAML::Node models = YAML::LoadFile((folder / "summary.yaml").string())["models"];
  const YAML::Node refinement = models["kan"]["symbolic"]["refinement"];
  REQUIRE(refinement.IsMap());
  const double before = refinement["train_loss_before"].as<double>();
  const double after = refinement["train_loss_after"].as<double>();
  CAPTURE(before);
  CAPTURE(after);
  CHECK(after <= before);
  CHECK(after < 1e-6);
  // The refined network is trained and evaluated with the trajectory objective.
  CHECK(models["kan_symbolic"]["objective"].as<std::string>() == "trajectory");
  CHECK(models["kan_symbolic"]["final_train_loss"].as<std::string>() ==
        refinement["train_loss_after"].as<std::string>());
  CHECK(models["kan"]["symbolic"]["formulas"][1]["text"].as<std::string>().rfind(
            "1.00*q^2 + 1.00*p^2", 0) == 0);
  CHECK(models["kan"]["symbolic"]["verification"]["exact"].as<bool>());
}
