// RunSummary: written by write_run_summary, read back by read_run_summary into an equal
// record; the summary of a real run read with its values; errors that name file, line and
// key; every key the writer can write described in docs/run_folder.md.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hnn/host/run_folder_error.h"
#include "hnn/host/run_summary.h"
#include "hnn/host/run_summary_reader.h"
#include "hnn/host/run_summary_writer.h"
#include "run_summary_keys.h"

namespace fs = std::filesystem;

namespace {

const fs::path kFixture = fs::path(HNN_REPORT_FIXTURES) / "spring_run" / "summary.yaml";

fs::path scratch_file(const std::string& name) {
  const fs::path dir = fs::path(HNN_BINARY_DIR) / "tests" / "run_summary";
  fs::create_directories(dir);
  return dir / name;
}

std::string read_text(const fs::path& file) {
  std::ifstream stream(file, std::ios::binary);
  std::stringstream text;
  text << stream.rdbuf();
  return text.str();
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

// A summary with every optional part present (and one model whose rollout failed), each
// value distinct, so that a field written or read in the wrong place shows.
hnn::RunSummary full_summary() {
  hnn::RunSummary summary;
  summary.pipeline = "spring \"quoted\"";
  summary.system = "spring_mass";
  summary.exact_hamiltonian = "q^2 + p^2";
  summary.data = {750, 250, 0.125};
  summary.truth = hnn::TruthSummary{
      "rk45", 2.5e-05, "dop853", 3.25e-11, {1e-11, 6e-11, 5e-11}, {{0.0625, 0.03125}}, 0.4375};

  hnn::ModelSummary kan;
  kan.name = "kan";
  kan.plugin = "kan";
  kan.description = "kan 2-1-2 G=3 k=3 silu";
  kan.parameters = 35;
  kan.objective = "hnn";
  kan.trained = true;
  kan.epochs = 300;
  kan.total_epochs = 500;
  kan.termination = "converged";
  kan.optimizer = "lbfgs";
  kan.optimizer_message = "Function tolerance reached: 1e-12 <= 1e-10.";
  kan.stages = {{"adam", true, 100, "epochs", 100, "all epochs"},
                {"lbfgs", false, 200, "converged", 231, "Function tolerance reached."}};
  kan.final_train_loss = 1.982223976615766e-09;
  kan.final_test_loss = 1.3857834556155549e-09;
  kan.final_penalty = 0.0001295600639075326;
  kan.training_seconds = 0.090632267;
  kan.trajectory_mse = hnn::TrajectoryErrors{2.9e-06, 8.8e-06, 8.7e-06};
  kan.trajectory_mse_vs_reference = hnn::TrajectoryErrors{3.9e-06, 9.8e-06, 9.7e-06};
  kan.energy_drift_max = 3.14e-05;
  kan.energy_trials = hnn::EnergyTrialsSummary{25, 0.0125, 0.0025};
  kan.energy_loss_ratio = 0.96875;
  kan.learned_power = hnn::PowerSummary{0.0546875, 0.015625};
  kan.evaluation_seconds = 0.0005;
  kan.checkpoint = "checkpoints/kan.yaml";
  kan.exports = {"export/kan.hpp", "export/kan_formula.c", "export/kan_formula.py"};
  hnn::SymbolicSummary symbolic;
  symbolic.samples = "all";
  symbolic.file = "symbolic/kan.yaml";
  symbolic.edges.push_back(
      {0, 0, 0, "automatic", 0.75, std::nullopt,
       hnn::SymbolicEdgeFit{
           "x^2", 0.9999, 1.5, -0.25, 2.0, 0.5, true, {{"x^2", 0.9999}, {"cosh", 0.99}}}});
  symbolic.edges.push_back({0, 1, 0, "manual", 0.5, std::nullopt,
                            hnn::SymbolicEdgeFit{"x", 0.98, 1.0, 0.0, 3.0, -1.0, false, {}}});
  symbolic.edges.push_back({1, 0, 1, "pruned", 0.001, "x^2", std::nullopt});
  symbolic.pruned_edges = 1;
  symbolic.refinement = hnn::SymbolicRefinement{"lbfgs", 42, "converged", 1e-06, 1e-08};
  symbolic.hamiltonian_output = "F2";
  symbolic.formulas = {
      {"F1", "0.64*q^2", "0.6412*q^2", "0.64 q^{2}"},
      {"F2", "1.00*q^2 + 1.00*p^2", "0.99998*q^2 + 1.00001*p^2", "1.00 q^{2} + 1.00 p^{2}"}};
  symbolic.verification = hnn::SymbolicVerification{1500, 2.5e-05, 3.5e-05, 0.0, 0.01, true, false};
  symbolic.seconds = 0.375;
  kan.symbolic = symbolic;
  summary.models.push_back(kan);

  hnn::ModelSummary mlp;
  mlp.name = "mlp";
  mlp.plugin = "mlp";
  mlp.description = "mlp 2-200-2 tanh";
  mlp.parameters = 1002;
  mlp.objective = "baseline";
  mlp.final_train_loss = 0.5;
  mlp.final_test_loss = 0.625;
  mlp.final_penalty = 0.0;
  mlp.training_seconds = 0.0;
  mlp.rollout_error = "the step size fell below 1e-12 at t = 3";
  mlp.evaluation_seconds = 0.25;
  mlp.checkpoint = "checkpoints/mlp.yaml";
  summary.models.push_back(mlp);
  return summary;
}

}  // namespace

TEST_CASE("a RunSummary written and read back is equal, field by field") {
  const hnn::RunSummary written = full_summary();
  const fs::path file = scratch_file("round_trip.yaml");
  hnn::write_run_summary(written, file);
  const hnn::RunSummary read = hnn::read_run_summary(file);
  CHECK(read.schema_version == hnn::kRunSummarySchemaVersion);
  CHECK(read.data == written.data);
  CHECK(read.truth == written.truth);
  REQUIRE(read.models.size() == 2);
  CHECK(read.models[1] == written.models[1]);
  REQUIRE(read.models[0].symbolic.has_value());
  CHECK(read.models[0].symbolic->edges == written.models[0].symbolic->edges);
  CHECK(read.models[0].symbolic == written.models[0].symbolic);
  CHECK(read.models[0] == written.models[0]);
  CHECK(read == written);
  // The writer's text is a fixed point: read and written again, byte for byte.
  CHECK(hnn::format_run_summary(read) == read_text(file));
}

TEST_CASE("a summary without a system (evaluated against measurements) round-trips") {
  hnn::RunSummary written = full_summary();
  written.system = "";
  written.exact_hamiltonian = "";
  written.truth.reset();
  written.measured =
      hnn::MeasuredSummary{"rk45", 2, 111, "12/5+omega^2-12/5*cos(theta)", {0.8125, 0.6875}};
  for (auto& model : written.models) {
    model.trajectory_mse.reset();
    model.trajectory_mse_vs_reference.reset();
    model.energy_drift_max.reset();
    model.energy_trials.reset();
    model.measured_mse = hnn::TrajectoryErrors{0.007, 0.025, 0.0125};
    model.reference_energy_mse = hnn::ReferenceEnergyError{111, 0.0175, 0.00575};
    model.energy_loss_ratio = 1.0625;
    model.energy_loss_ratios = {1.125, 1.0};
  }
  const fs::path file = scratch_file("measured.yaml");
  hnn::write_run_summary(written, file);
  const hnn::RunSummary read = hnn::read_run_summary(file);
  CHECK(read.evaluated());
  CHECK(read.measured == written.measured);
  CHECK(read == written);
  CHECK(hnn::format_run_summary(read) == read_text(file));
  CHECK(hnn::testing::undocumented_summary_keys(read_text(file)) == std::vector<std::string>{});
}

TEST_CASE("the writer's layout: schema_version first, absent parts left out, NaN kept") {
  hnn::RunSummary summary = full_summary();
  summary.truth.reset();
  summary.models.resize(1);
  summary.models[0].energy_trials->error = hnn::kMissing;  // fewer than 5 trials
  summary.models[0].symbolic->verification.reset();
  const std::string text = hnn::format_run_summary(summary);
  CHECK(text.rfind("# Summary of the run: per model, training and rollout metrics.\n"
                   "schema_version: 1\npipeline: \"spring \\\"quoted\\\"\"\n",
                   0) == 0);
  CHECK(text.find("truth:") == std::string::npos);
  CHECK(text.find("verification:") == std::string::npos);
  CHECK(text.find("    energy_trials: {trials: 25, mean: 0.0125, error: .nan}\n") !=
        std::string::npos);
  const fs::path file = scratch_file("layout.yaml");
  write_text(file, text);
  const hnn::RunSummary read = hnn::read_run_summary(file);
  CHECK_FALSE(read.evaluated());
  CHECK(std::isnan(read.models[0].energy_trials->error));
  CHECK_FALSE(read.models[0].symbolic->verification.has_value());
}

TEST_CASE("read_run_summary: the summary of a real run, every part") {
  const hnn::RunSummary summary = hnn::read_run_summary(kFixture);
  CHECK(summary.schema_version == 1);
  CHECK(summary.pipeline == "spring_kan");
  CHECK(summary.system == "spring_mass");
  CHECK(summary.data == hnn::DataSummary{750, 750, 0.002810715});
  REQUIRE(summary.truth.has_value());
  CHECK(summary.truth->integrator == "rk45");
  CHECK(summary.truth->reference_energy_drift_max == 3.251077185240092e-11);
  CHECK(summary.truth->truth_vs_reference_mse.final == 6.828950473481719e-11);
  REQUIRE(summary.model_names() == std::vector<std::string>{"kan", "kan_l1"});
  const hnn::ModelSummary& kan = summary.models[0];
  CHECK(kan.description == "kan 2-1-2 G=3 k=3 silu");
  CHECK(kan.objective == "hnn");
  CHECK(kan.total_epochs == 2000);
  CHECK(kan.optimizer == "lbfgs");
  CHECK(kan.optimizer_message == "Maximum number of iterations reached.");
  REQUIRE(kan.stages.size() == 1);
  CHECK(kan.stages[0] == hnn::StageSummary{"lbfgs", false, 2000, "epochs", 2024,
                                           "Maximum number of iterations reached."});
  CHECK(kan.final_train_loss == 1.982223976615766e-09);
  CHECK(kan.final_penalty == 0.0);
  CHECK(kan.trajectory_mse_vs_reference == hnn::TrajectoryErrors{2.9511180907420582e-06,
                                                                 8.864393041638409e-06,
                                                                 8.864393041638409e-06});
  CHECK(kan.energy_drift_max == 3.143689340057154e-05);
  CHECK_FALSE(kan.energy_trials.has_value());
  CHECK_FALSE(kan.rollout_error.has_value());
  CHECK(kan.evaluation_seconds == 0.000513853);
  CHECK(kan.checkpoint == "checkpoints/kan.yaml");
  REQUIRE(kan.symbolic.has_value());
  CHECK(kan.symbolic->formulas[0].text_full == "0.99998*q^2 + 1.00001*p^2 + 1.0791");
  REQUIRE(kan.symbolic->verification.has_value());
  CHECK(*kan.symbolic->verification ==
        hnn::SymbolicVerification{1500, 2.5e-05, 2.5e-05, 0.0, 0.01, true, true});
  CHECK(summary.models[1].final_penalty == 0.0001295600639075326);
  CHECK(summary.models[1].termination == "converged");
  CHECK_FALSE(summary.models[1].symbolic.has_value());
}

TEST_CASE("read_run_summary ignores keys it does not know (a newer schema)") {
  std::string text = read_text(kFixture);
  text.replace(text.find("schema_version: 1"), 17, "schema_version: 2\nfuture: {a: [1, 2]}");
  text.replace(text.find("    checkpoint: \"checkpoints/kan.yaml\""), 0,
               "    new_metric: 0.5\n    new_block: {x: 1}\n");
  const fs::path file = scratch_file("newer.yaml");
  write_text(file, text);
  hnn::RunSummary newer = hnn::read_run_summary(file);
  CHECK(newer.schema_version == 2);
  newer.schema_version = 1;
  const hnn::RunSummary fixture = hnn::read_run_summary(kFixture);
  CHECK(newer.models[1] == fixture.models[1]);
  CHECK(newer.models[0].checkpoint == fixture.models[0].checkpoint);
  CHECK(hnn::format_run_summary(newer) == hnn::format_run_summary(fixture));
}

TEST_CASE("read_run_summary names the file, line and key path of a bad value") {
  const fs::path file = scratch_file("bad.yaml");
  const auto check = [&](const std::string& text, const std::string& message) {
    write_text(file, text);
    CHECK_THROWS_WITH_AS(hnn::read_run_summary(file), doctest::Contains(message.c_str()),
                         hnn::RunFolderError);
  };
  check("schema_version: one\nmodels: {}\n",
        "bad.yaml:1:17: error: schema_version: expected an integer, found 'one'");
  check("data: {train_samples: 1, seconds: soon}\nmodels: {}\n",
        "bad.yaml:1:35: error: data.seconds: expected a real, found 'soon'");
  check("models:\n  m:\n    stages: {optimizer: adam}\n",
        "bad.yaml:3:13: error: models.m.stages: expected a list of stages");
  check("models:\n  m:\n    symbolic:\n      edges:\n        - {layer: 0, function: x, r2: high}\n",
        "bad.yaml:5:39: error: models.m.symbolic.edges[0].r2: expected a real, found 'high'");
  check("models:\n  m:\n    symbolic:\n      formulas:\n        - {output: F1}\n",
        "bad.yaml:5:11: error: models.m.symbolic.formulas[0]: a formula needs `text` or "
        "`text_full`");
  check("models:\n  m:\n    trajectory_mse: {mean: [1]}\n",
        "bad.yaml:3:28: error: models.m.trajectory_mse.mean: expected a real, found a list");
  check("models:\n  m: [1]\n", "bad.yaml:2:6: error: models.m: expected a map");
  check("pipeline: x\n", "error: models: missing");
  CHECK_THROWS_WITH_AS(hnn::read_run_summary(scratch_file("none.yaml")),
                       doctest::Contains("none.yaml: error: cannot read the file"),
                       hnn::RunFolderError);
}

TEST_CASE("docs/run_folder.md describes every key the writer writes") {
  const std::string text = hnn::format_run_summary(full_summary());
  const auto keys = hnn::testing::summary_key_paths(text);
  // The walk itself sees the nested keys.
  CHECK(keys.count("models.<m>.symbolic.edges[].suggestions[].r2") == 1);
  CHECK(keys.count("truth.truth_vs_reference_mse.final") == 1);
  CHECK(hnn::testing::undocumented_summary_keys(text) == std::vector<std::string>{});
  CHECK(hnn::testing::undocumented_summary_keys(read_text(kFixture)) == std::vector<std::string>{});
  // A key the document does not know is reported.
  CHECK(hnn::testing::undocumented_summary_keys("models: {m: {no_such_key: 1}}\n") ==
        std::vector<std::string>{"models.<m>.no_such_key"});
}

TEST_CASE("the interrupt's fields: written only when set, read back, documented") {
  hnn::RunSummary summary = full_summary();
  const std::string plain = hnn::format_run_summary(summary);
  for (const char* key : {"interrupted", "not_started", "resumed"}) {
    CHECK(plain.find(key) == std::string::npos);  // a summary without them: not interrupted
  }
  summary.interrupted = true;
  summary.not_started = {"later", "last"};
  summary.resumed = true;
  summary.models[0].interrupted = true;
  summary.models[0].resumed_without_optimizer_state = true;
  const fs::path file = scratch_file("interrupted.yaml");
  hnn::write_run_summary(summary, file);
  const std::string text = read_text(file);
  CHECK(text.find("interrupted: true\nnot_started: [\"later\", \"last\"]\nresumed: true\n") !=
        std::string::npos);
  CHECK(hnn::read_run_summary(file) == summary);
  CHECK(hnn::testing::undocumented_summary_keys(text) == std::vector<std::string>{});
  const hnn::RunSummary old = hnn::read_run_summary(kFixture);
  CHECK_FALSE(old.interrupted);
  CHECK(old.not_started.empty());
  CHECK_FALSE(old.resumed);
}
