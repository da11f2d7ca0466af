// Every refusal a run made for a reason in the pipeline, or in a file it references, that
// `hnn-host --check` used to let through (issue 12): each is now made by --check, located
// at the key that causes it (file:line:column: error: key.path: message). One table row per
// run-time refusal path: a pipeline with one line changed, where --check must point, and
// what it must say. The same for the memory estimate (--memory-limit) and for checkpoints.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "host_command.h"

namespace fs = std::filesystem;

namespace {

using hnn_test::contains;
using hnn_test::read;

fs::path scratch() { return hnn_test::scratch("check_refusals"); }

// A small valid pipeline on bundled plugins, one key per line (1-based line numbers are
// what the rows below change).
const std::vector<std::string> kBase = {
    "system: {plugin: spring_mass}",                     // 1
    "data:",                                             // 2
    "  trajectories: 4",                                 // 3
    "  points: 10",                                      // 4
    "  time_span: [0, 3]",                               // 5
    "  noise_std: 0.0",                                  // 6
    "  train_fraction: 0.5",                             // 7
    "  integrator: {plugin: rk4, step: 0.01}",           // 8
    "training:",                                         // 9
    "  hamiltonian_output: 1",                           // 10
    "  l1: 0.0",                                         // 11
    "  optimizer: {plugin: adam, epochs: 2}",            // 12
    "models:",                                           // 13
    "  m: {plugin: mlp, hidden: [8]}",                   // 14
    "evaluation:",                                       // 15
    "  points: 20",                                      // 16
    "  time_span: [0, 2]",                               // 17
    "  energy_trials: 2",                                // 18
    "  trial_points: 10",                                // 19
    "  trial_time_span: [0, 1]",                         // 20
    "  integrator: {plugin: rk4, step: 0.01}",           // 21
    "  reference_integrator: {plugin: rk4, step: 0.01}"  // 22
};

// A change of the base pipeline: line `line` (1-based) replaced by `text`.
struct Change {
  int line;
  std::string text;
};

// The base pipeline with `changes`, written as <name>.yaml.
fs::path pipeline(const std::string& name, const std::vector<Change>& changes) {
  std::vector<std::string> lines = kBase;
  for (const Change& change : changes) lines[std::size_t(change.line - 1)] = change.text;
  const fs::path file = scratch() / (name + ".yaml");
  std::ofstream out(file);
  for (const auto& line : lines) out << line << "\n";
  return file;
}

// The path in single quotes, for the shell.
std::string quoted(const fs::path& path) {
  std::string text = "'";
  text += path.string();
  text += "'";
  return text;
}

hnn_test::Result host(const std::string& arguments) {
  return hnn_test::host(arguments, "", scratch());
}

// One run-time refusal: the changes (the first is where --check must point: at the first
// occurrence of `at` in its text), the key path and the start of the message, and what the
// run said before --check refused it.
struct Refusal {
  std::string name;
  std::vector<Change> changes;
  std::string at;
  std::string path;
  std::string message;
  std::string run_said;
  std::vector<std::string> also = {};  // further parts of the message
};

// --check refuses `refusal` with exit status 2, located.
void check_refuses(const Refusal& refusal, const std::string& options = "") {
  CAPTURE(refusal.name);
  const fs::path file = pipeline(refusal.name, refusal.changes);
  const auto check = host(options + " --check " + quoted(file));
  CAPTURE(check.err);
  CHECK(check.status == 2);
  const Change& first = refusal.changes.front();
  const std::size_t column = first.text.find(refusal.at) + 1;
  CHECK(column > 0);
  CHECK(contains(check.err, file.string() + ":" + std::to_string(first.line) + ":" +
                                std::to_string(column) + ": error: " + refusal.path + ": " +
                                refusal.message));
  for (const auto& part : refusal.also) CHECK(contains(check.err, part));
}

const std::vector<Refusal> kRefusals = {
    {"data_time_span_reversed",
     {{5, "  time_span: [3, 0]"}},
     "[3, 0]",
     "data.time_span",
     "expected [low, high] with low < high, found [3.0, 0.0]",
     "trajectory dataset: time_span = [3, 0] must be finite with t0 < t1"},
    {"data_time_span_infinite",
     {{5, "  time_span: [0, .inf]"}},
     ".inf",
     "data.time_span[1]",
     "expected a list of finite reals (2 elements), found '.inf'",
     "trajectory dataset: time_span = [0, inf] must be finite"},
    {"evaluation_time_span_reversed",
     {{17, "  time_span: [2, 0]"}},
     "[2, 0]",
     "evaluation.time_span",
     "expected [low, high] with low < high, found [2.0, 0.0]",
     "rk4: output times must be non-decreasing (after training)"},
    {"evaluation_time_span_infinite",
     {{17, "  time_span: [0, .inf]"}},
     ".inf",
     "evaluation.time_span[1]",
     "expected a list of finite reals (2 elements), found '.inf'",
     "an output time is not finite (after training)"},
    {"trial_time_span_reversed",
     {{20, "  trial_time_span: [1, 0]"}},
     "[1, 0]",
     "evaluation.trial_time_span",
     "expected [low, high] with low < high, found [1.0, 0.0]",
     "rk4: output times must be non-decreasing (after training)"},
    {"trial_time_span_infinite",
     {{20, "  trial_time_span: [0, .inf]"}},
     ".inf",
     "evaluation.trial_time_span[1]",
     "expected a list of finite reals (2 elements), found '.inf'",
     "an output time is not finite (after training)"},
    {"train_fraction_tiny",
     {{7, "  train_fraction: 1.0e-9"}},
     "1.0e-9",
     "data.train_fraction",
     "1e-09 of 40 samples (trajectories 4 x points 10) leaves the training set empty",
     "HamiltonianObjective: the states are 2 x 0"},
    {"noise_infinite",
     {{6, "  noise_std: .inf"}},
     ".inf",
     "data.noise_std",
     "expected a finite real >= 0, found '.inf'",
     "trajectory dataset: noise_std = inf must be finite and >= 0"},
    {"l1_infinite",
     {{11, "  l1: .inf"}},
     ".inf",
     "training.l1",
     "expected a finite real >= 0, found '.inf'",
     "HamiltonianObjective: l1 = inf, must be finite and >= 0"},
    {"lr_infinite",
     {{12, "  optimizer: {plugin: adam, epochs: 2, lr: .inf}"}},
     ".inf",
     "training.optimizer.lr",
     "expected a finite real > 0, found '.inf'",
     "adam: 1 epochs (failed)"},
    {"atol_infinite",
     {{8, "  integrator: {plugin: rk45, atol: .inf}"}},
     ".inf",
     "data.integrator.atol",
     "expected a finite real > 0, found '.inf'",
     "rk45: atol must be finite"},
    {"trajectories_wrap",
     {{3, "  trajectories: 2147483648"}},
     "2147483648",
     "data.trajectories",
     "expected an integer in [1, 2147483647], found '2147483648'",
     "trajectories = -2147483648 must be >= 1"},
    {"points_wrap",
     {{4, "  points: 2147483648"}},
     "2147483648",
     "data.points",
     "expected an integer in [2, 2147483647], found '2147483648'",
     "points = -2147483648 must be >= 2"},
    {"width_inputs",
     {{14, "  m: {plugin: mlp, hidden: [8], inputs: 3}"}},
     "3}",
     "models.m",
     "expected a model with 2 inputs (the dimension of the data's state), found mlp 3-8-2 tanh "
     "with 3",
     "HamiltonianObjective(mlp 3-8-2 tanh): the states are 2 x 20, expected 3 x N"},
    {"kan_width",
     {{14, "  m: {plugin: kan, width: [3, 1, 2]}"}},
     "[3, 1, 2]",
     "models.m",
     "expected a model with 2 inputs (the dimension of the data's state), found",
     "HamiltonianObjective(kan ...)"},
    {"hamiltonian_output_too_large",
     {{10, "  hamiltonian_output: 1"}, {14, "  m: {plugin: mlp, hidden: [8], outputs: 1}"}},
     "1",
     "models.m.training.hamiltonian_output",
     "the training objective refuses the model: HamiltonianObjective(mlp 2-8-1 tanh): "
     "hamiltonian_output = 1 needs a model with at least 2 outputs (counted from 0); the model has "
     "1",
     "the same, after generating the data"},
    {"hamiltonian_output_kan",
     {{10, "  hamiltonian_output: 2"}, {14, "  m: {plugin: kan, width: [2, 1, 2]}"}},
     "2",
     "models.m.training.hamiltonian_output",
     "the training objective refuses the model: HamiltonianObjective(kan",
     "the same, after generating the data"},
    {"dissipation_state_outputs",
     {{11, "  dissipation: {damping: state}"}, {14, "  m: {plugin: mlp, hidden: [8], outputs: 2}"}},
     "state}",
     "models.m.training.dissipation.damping",
     "the training objective refuses the model: HamiltonianObjective(mlp 2-8-2 tanh): "
     "dissipation damping 'state' reads L(x)'s 1 entries from outputs 2 to 2 (damping_output = "
     "2): the model needs at least 3 outputs, it has 2",
     "the same, after generating the data"},
    {"dissipation_baseline",
     {{11, "  dissipation: {damping: constant}"}, {10, "  objective: baseline"}},
     "{damping: constant}",
     "models.m.training.dissipation",
     "a learned damping or forcing acts on the Hamiltonian's gradient: expected objective hnn, "
     "found baseline",
     "(silently ignored by the baseline objective)"},
    {"update_grid_mlp",
     {{11, "  update_grid: true"}},
     "true",
     "models.m.training.stages[0].update_grid",
     "expected a model with a grid (e.g. kan), found mlp 2-8-2 tanh",
     "(issue 11)"},
    // Files a model's options name are opened and read by --check (the model is built).
    {"kan_initial_parameters_missing",
     {{14, "  m: {plugin: kan, width: [2, 1, 2], initial_parameters: missing.yaml}"}},
     "{",
     "models.m",
     "model 'kan' rejects its options: ",
     "the same, after generating the data",
     {"missing.yaml: error: cannot read"}},
    {"symbolic_file_missing",
     {{14, "  m: {plugin: symbolic, file: missing.yaml}"}},
     "{",
     "models.m",
     "model 'symbolic' rejects its options: ",
     "the same, after generating the data",
     {"missing.yaml: error: cannot read"}},
};

// Pipelines too large for the machine (here: for --memory-limit 1G): each ended in
// "the run failed: std::bad_alloc" after minutes, naming no setting.
const std::vector<Refusal> kTooLarge = {
    {"trajectories_3e6",
     {{3, "  trajectories: 3000000"}},
     "3000000",
     "data",
     "the run would need about ",
     "std::bad_alloc",
     {"for the data (trajectories 3000000 x points 10 x state dimension 2), more than the "
      "limit of 1.0 GB (--memory-limit"}},
    {"points_1e9",
     {{4, "  points: 1000000000"}},
     "1000000000",
     "data",
     "the run would need about ",
     "std::bad_alloc",
     {"points 1000000000"}},
    {"hidden_1e4",
     {{14, "  m: {plugin: mlp, hidden: [10000, 10000]}"}},
     "{",
     "models.m",
     "the run would need about ",
     "std::bad_alloc",
     {"for the model (mlp: hidden [10000, 10000]; 1.001e+08 parameters, 40 samples"}},
    {"lbfgs_memory_1e9",
     {{12, "  optimizer: {plugin: lbfgs, epochs: 2, memory: 1000000000}"}},
     "{",
     "models.m.training.stages[0].optimizer",
     "the run would need about ",
     "std::bad_alloc",
     {"for training with lbfgs (memory 1000000000, 42 parameters)"}},
    {"kan_grid_1e5",
     {{14, "  m: {plugin: kan, width: [2, 1, 2], grid: 100000}"}},
     "{",
     "models.m",
     "the run would need about ",
     "minutes of initialisation, then std::bad_alloc",
     {"for the model (kan: width [2, 1, 2], grid 100000, k 3"}},
    {"energy_trials_1e9",
     {{18, "  energy_trials: 1000000000"}},
     "1000000000",
     "evaluation.energy_trials",
     "the run would need about ",
     "std::bad_alloc after training",
     {"energy_trials 1000000000"}},
    {"evaluation_points_1e9",
     {{16, "  points: 1000000000"}},
     "1000000000",
     "evaluation.points",
     "the run would need about ",
     "std::bad_alloc after training",
     {"points 1000000000"}},
};

}  // namespace

TEST_CASE("--check refuses a run too large for the memory limit, naming the settings") {
  for (const Refusal& refusal : kTooLarge) check_refuses(refusal, "--memory-limit 1G");
  // The base pipeline fits in far less.
  const fs::path base = pipeline("base", {});
  CHECK(host("--memory-limit 64M --check " + quoted(base)).status == 0);
  const auto bad = host("--memory-limit 12X --check " + quoted(base));
  CHECK(bad.status == 2);
  CHECK(contains(bad.err, "--memory-limit: expected a size in bytes such as 512M"));
}

TEST_CASE("--check reads a checkpoint's epochs and parameters strictly") {
  const fs::path run = scratch() / "run";
  fs::remove_all(run);
  const fs::path base = pipeline("base", {});
  REQUIRE(host(quoted(base) + " --quiet --no-report -o " + quoted(run)).status == 0);
  const std::string saved = read(run / "checkpoints" / "m.yaml");
  struct Corruption {
    std::string name, from, to, message;
  };
  const std::vector<Corruption> corruptions = {
      {"epochs_huge", "epochs: 2", "epochs: 1e23",
       "epochs: expected an integer in [0, 9007199254740992], found "},
      {"epochs_text", "epochs: 2", "epochs: abc",
       "epochs: expected an integer in [0, 9007199254740992], found "},
      {"parameter_nan", "parameters: [", "parameters: [nan, ",
       "parameters: expected a finite real, found "},
      {"parameter_inf", "parameters: [", "parameters: [inf, ",
       "parameters: expected a finite real, found "},
      {"parameter_overflow", "parameters: [", "parameters: [1e999, ",
       "parameters: expected a finite real, found "},
  };
  for (const Corruption& corruption : corruptions) {
    CAPTURE(corruption.name);
    std::string text = saved;
    const auto at = text.find(corruption.from);
    REQUIRE(at != std::string::npos);
    text.replace(at, corruption.from.size(), corruption.to);
    const fs::path checkpoint = scratch() / (corruption.name + ".yaml");
    std::ofstream(checkpoint) << text;
    // The line of the corrupted key, counted in the checkpoint file.
    const int line = 1 + int(std::count(text.begin(), text.begin() + long(at), '\n'));
    const fs::path file = pipeline(
        "checkpoint_" + corruption.name,
        {{14, "  m: {plugin: mlp, hidden: [8], checkpoint: " + corruption.name + ".yaml}"}});
    const auto check = host("--check " + quoted(file));
    CAPTURE(check.err);
    CHECK(check.status == 2);
    CHECK(contains(check.err, checkpoint.string() + ":" + std::to_string(line) + ":"));
    CHECK(contains(check.err, ": error: " + corruption.message));
  }
}

TEST_CASE("--check refuses, located, every pipeline the run used to refuse") {
  for (const Refusal& refusal : kRefusals) check_refuses(refusal);
}
