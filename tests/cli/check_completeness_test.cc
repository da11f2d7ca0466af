// Validate once, fully: every refusal the run can make for a reason of the pipeline is
// already made by `hnn-host --check`, located (file:line:column: error: key.path: ...).
//
// The run's code (framework/host/src/pipeline_runner.cc and pipeline_symbolic_stage.cc)
// is scanned for the ConfigErrors it throws; each must be listed in kRunTimeRefusals with
// either a pipeline --check refuses for the same reason, or why the pipeline cannot tell.
// A new run-time ConfigError fails this test until it is listed here (better: checked by
// validation instead).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "host_command.h"

namespace fs = std::filesystem;

namespace {

using hnn_test::contains;
using hnn_test::read;

fs::path scratch() { return hnn_test::scratch("check_completeness"); }

hnn_test::Result host(const std::string& arguments) {
  return hnn_test::host("--plugin-dir '" HNN_FIXTURE_GOOD "' " + arguments, "", scratch());
}

// The ConfigErrors the run throws: the text of each `throw ConfigError(` up to its ';'.
std::vector<std::string> run_time_config_errors() {
  std::vector<std::string> sites;
  for (const char* file :
       {"pipeline_runner.cc", "pipeline_symbolic_stage.cc", "pipeline_model.h"}) {
    const std::string text = read(fs::path(HNN_SOURCE_DIR) / "framework/host/src" / file);
    for (auto at = text.find("throw ConfigError("); at != std::string::npos;
         at = text.find("throw ConfigError(", at + 1)) {
      sites.push_back(text.substr(at, text.find(';', at) - at));
    }
  }
  return sites;
}

// A pipeline written to the scratch folder; returns its path.
std::string pipeline(const std::string& name, const std::string& text) {
  const fs::path file = scratch() / (name + ".yaml");
  std::ofstream(file) << text;
  return file.string();
}

// Three lines; the models follow from line 4, then kEvaluation.
const std::string kBase =
    "system: {plugin: fixture_oscillator}\n"
    "data: {trajectories: 4, points: 10, integrator: {plugin: fixture_euler}}\n"
    "training: {optimizer: {plugin: fixture_gradient_descent, epochs: 2}}\n";
const std::string kIntegrators =
    "integrator: {plugin: fixture_euler}, reference_integrator: {plugin: fixture_euler}";
const std::string kEvaluation = "evaluation: {points: 20, " + kIntegrators + "}\n";

// --check refuses `file` with exit status 2 and every one of `messages` on stderr.
void check_refuses(const std::string& file, const std::vector<std::string>& messages) {
  CAPTURE(file);
  const auto check = host("--check '" + file + "'");
  CHECK(check.status == 2);
  CHECK(check.out.empty());
  for (const auto& message : messages) {
    CAPTURE(check.err);
    CHECK(contains(check.err, message));
  }
}

// A run-time refusal and its --check counterpart.
struct Refusal {
  std::string site;  // a distinctive part of the throw's text
  std::string why;   // when --check cannot refuse it: why the pipeline cannot tell
};

const std::vector<Refusal> kRunTimeRefusals = {
    {"the run folder exists and is not empty",
     "not a property of the pipeline: the run folder's state and --force/--output decide"},
    {".symbolic: \" + error.what()",
     "an edge left without a function depends on the trained network when prune_threshold "
     "> 0; with prune_threshold 0 --check refuses it (see the test below)"},
};

}  // namespace

TEST_CASE("the run's ConfigErrors are exactly the listed ones") {
  const auto sites = run_time_config_errors();
  CHECK(sites.size() == kRunTimeRefusals.size());
  for (const auto& site : sites) {
    CAPTURE(site);
    bool listed = false;
    for (const auto& refusal : kRunTimeRefusals) listed = listed || contains(site, refusal.site);
    CHECK(listed);
  }
}

TEST_CASE("--check refuses what the run used to refuse after generating data") {
  // The symbolic stage needs an edge network (was: build_model, after data).
  check_refuses(
      pipeline("symbolic_needs_edges", kBase +
                                           "models:\n  m:\n    plugin: fixture_quadratic\n"
                                           "    symbolic: {samples: all}\n" +
                                           kEvaluation),
      {"symbolic_needs_edges.yaml:7:15: error: models.m.symbolic: expected an edge "
       "network whose edges can be fitted with formulas (e.g. kan), found "
       "fixture_quadratic"});
  // A grid update needs a model with a grid (was: build_model).
  check_refuses(
      pipeline("update_grid_needs_grid", kBase +
                                             "models:\n  m:\n    plugin: fixture_quadratic\n"
                                             "    training: {update_grid: true}\n" +
                                             kEvaluation),
      {"update_grid_needs_grid.yaml:7:29: error: models.m.training.stages[0]."
       "update_grid: expected a model with a grid (e.g. kan), found "
       "fixture_quadratic"});
  // The initial state has the system's dimension (was: evaluate, after training).
  check_refuses(pipeline("initial_state", kBase + "models: {m: {plugin: fixture_quadratic}}\n" +
                                              "evaluation: {initial_state: [1, 0, 0], " +
                                              kIntegrators + "}\n"),
                {"initial_state.yaml:5:29: error: evaluation.initial_state: expected 2 values ("});
  // Manual edges exist in the network (was: the symbolic fit, after training).
  check_refuses(pipeline("edge_out_of_range",
                         kBase +
                             "models:\n  k:\n    plugin: kan\n    symbolic:\n      edges:\n"
                             "        - {layer: 2, input: 0, output: 0, function: x}\n" +
                             kEvaluation),
                {"edge_out_of_range.yaml:9:19: error: models.k.symbolic.edges[0].layer: "
                 "expected a layer of the network, 0 to 1, found 2"});
  // With the automatic choice off and no pruning, every edge has a function (was: the
  // symbolic fit, after training).
  check_refuses(
      pipeline("edge_without_function", kBase +
                                            "models:\n  k:\n    plugin: kan\n"
                                            "    symbolic: {auto: false, prune_threshold: 0}\n" +
                                            kEvaluation),
      {"edge_without_function.yaml:7:22: error: models.k.symbolic: edge (layer 0, "
       "input 0, output 0) has no function: assign one in `edges` or set auto: true"});
}

TEST_CASE("--check reads a checkpoint and compares it with the model") {
  // A checkpoint of the right model made by a run, then cut short.
  const fs::path run = scratch() / "run";
  fs::remove_all(run);
  const std::string base =
      pipeline("checkpointed", kBase + "models: {m: {plugin: fixture_quadratic}}\n" + kEvaluation);
  REQUIRE(host("'" + base + "' --quiet -o '" + run.string() + "'").status == 0);
  std::string text = read(run / "checkpoints" / "m.yaml");
  const auto parameters = text.find("parameters: [");
  REQUIRE(parameters != std::string::npos);
  text = text.substr(0, parameters) + "parameters: [1.0]\n";
  const fs::path cut = scratch() / "cut.yaml";
  std::ofstream(cut) << text;
  check_refuses(
      pipeline(
          "checkpoint_mismatch",
          kBase + "models: {m: {plugin: fixture_quadratic, checkpoint: cut.yaml}}\n" + kEvaluation),
      {"checkpoint_mismatch.yaml:4:53: error: models.m.checkpoint: " + cut.string() +
       ": parameters: expected "});
  // A checkpoint made with other options: located in the checkpoint file.
  check_refuses(
      pipeline("checkpoint_options", kBase +
                                         "models: {m: {plugin: fixture_quadratic, hidden: [3], "
                                         "checkpoint: run/checkpoints/m.yaml}}\n" +
                                         kEvaluation),
      {(run / "checkpoints" / "m.yaml").string() + ":", ": error: options.hidden: "});
}
