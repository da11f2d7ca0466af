// Pipeline validation: one fixture file per kind of error, asserting the message text with
// file, line and column; a valid pipeline resolved with defaults; --set overrides.
#include <doctest/doctest.h>

#include <filesystem>

#include "config_fixtures.h"
#include "hnn/config_tree.h"
#include "hnn/error.h"
#include "hnn/host/host_settings.h"
#include "hnn/host/pipeline_config.h"
#include "hnn/host/pipeline_overrides.h"
#include "hnn/host/pipeline_validation.h"
#include "hnn/host/pipeline_yaml.h"
#include "hnn/host/plugin_loader.h"
#include "hnn/symbolic/function_library.h"

namespace {

const std::string kFixtures = HNN_CONFIG_FIXTURES;

const hnn::Registry& registry() { return hnn::testing::fixture_registry(); }

// Validates a fixture file (with overrides) and returns every error message, "" if none.
std::string errors_of(const std::string& name, const std::vector<std::string>& overrides = {}) {
  return hnn::testing::fixture_errors(name, overrides);
}

hnn::PipelineConfig valid(const std::vector<std::string>& overrides = {}) {
  const std::string file = kFixtures + "/valid.yaml";
  hnn::ConfigNode root = hnn::load_config_file(file);
  for (const auto& o : overrides) hnn::apply_override(root, o);
  hnn::Diagnostics diagnostics;
  auto config = hnn::validate_pipeline(root, file, registry(), diagnostics);
  diagnostics.throw_if_any();
  return config;
}

}  // namespace

TEST_CASE("a valid pipeline resolves with every default filled in") {
  const auto config = valid();
  CHECK(config.name == "fixture_run");
  CHECK(config.system.plugin == "fixture_oscillator");
  CHECK(config.system.options.real("frequency") == 2.0);
  CHECK(config.system.options.reals("radius") == std::vector<double>{0.1, 1.0});
  CHECK(config.data.trajectories == 4);
  CHECK(config.data.noise_std == 0.0);  // default
  CHECK(config.data.rng == hnn::DataRandomStream::kNumpy);
  REQUIRE(config.models.size() == 2);
  CHECK(config.models[0].name == "quadratic");
  CHECK(config.models[0].model.options.integers("hidden") == std::vector<std::int64_t>{8, 8});
  CHECK(config.models[0].model.options.string("activation") == "tanh");
  CHECK(config.models[0].training.settings.objective == hnn::ObjectiveKind::kHnn);
  CHECK(config.models[0].training.stages[0].optimizer.options.real("rate") == 0.1);
  // The baseline model's training overrides merge over the training section.
  CHECK(config.models[1].training.settings.objective == hnn::ObjectiveKind::kBaseline);
  CHECK(config.models[1].training.stages[0].optimizer.plugin == "fixture_gradient_descent");
  CHECK(config.models[1].training.stages[0].optimizer.options.integer("epochs") == 5);
  CHECK(config.models[1].training.stages[0].optimizer.options.real("rate") == 0.05);
  CHECK(config.evaluation_integrator.options.real("step") == 1e-3);
  CHECK(config.reference_integrator.options.real("step") == 1e-4);
}

TEST_CASE("the resolved pipeline validates back to the same pipeline") {
  const auto config = valid();
  const std::string yaml = hnn::to_yaml(config);
  CHECK(yaml.find("  hidden: [8, 8]\n") != std::string::npos);
  CHECK(yaml.find("  frequency: 2.0\n") != std::string::npos);
  const hnn::ConfigNode root = hnn::parse_config(yaml, "resolved.yaml");
  hnn::Diagnostics diagnostics;
  const auto again = hnn::validate_pipeline(root, "resolved.yaml", registry(), diagnostics);
  CHECK(diagnostics.format() == "");
  CHECK(hnn::to_yaml(again) == yaml);
}

TEST_CASE("an unknown key is reported with its location and a did-you-mean") {
  CHECK(errors_of("unknown_key.yaml") ==
        kFixtures +
            "/unknown_key.yaml:5:5: error: models.m.hiden: unknown key 'hiden' (did you "
            "mean 'hidden'?); model 'fixture_quadratic' takes: training, checkpoint, symbolic, "
            "plugin, inputs, outputs, initial, hidden, activation, output_bias, notes_file");
}

TEST_CASE("wrong types name what was expected and what was found, all errors together") {
  CHECK(errors_of("wrong_type.yaml") ==
        kFixtures +
            "/wrong_type.yaml:3:17: error: data.trajectories: expected an integer in [1, "
            "2147483647], "
            "found the string \"50\"\n" +
            kFixtures +
            "/wrong_type.yaml:7:17: error: models.m.hidden[1]: expected an integer "
            "(in a list of integers (>= 1; at least 1 element)), found '2.5'\n" +
            kFixtures +
            "/wrong_type.yaml:8:18: error: models.m.output_bias: expected a boolean "
            "(true or false), found 'yes please'");
}

TEST_CASE("a missing required key is reported at its parent map") {
  CHECK(errors_of("missing_key.yaml") ==
        kFixtures +
            "/missing_key.yaml:2:3: error: system.plugin: missing required key; "
            "expected the name of a system plugin (registered: " +
            [] {
              std::string names;
              for (const auto& n : registry().names(hnn::PluginKind::kSystem)) {
                names += (names.empty() ? "" : ", ") + n;
              }
              return names;
            }() +
            ")");
}

TEST_CASE("out-of-range values name the range") {
  CHECK(errors_of("out_of_range.yaml") ==
        kFixtures +
            "/out_of_range.yaml:1:49: error: system.frequency: expected a real > 0, "
            "found '0'\n" +
            kFixtures +
            "/out_of_range.yaml:3:14: error: data.noise_std: expected a real >= 0, "
            "found '-0.1'\n" +
            kFixtures +
            "/out_of_range.yaml:4:14: error: data.time_span: expected a list of reals "
            "(2 elements), found a list of 3 elements\n" +
            kFixtures +
            "/out_of_range.yaml:6:46: error: models.m.hidden[1]: expected a list of "
            "integers (>= 1; at least 1 element), found '0'\n" +
            kFixtures +
            "/out_of_range.yaml:6:62: error: models.m.activation: expected a string "
            "(one of: tanh, relu, sin), found 'tahn'");
}

TEST_CASE("duplicate keys are errors, naming the first occurrence") {
  CHECK(errors_of("duplicate_key.yaml") ==
        kFixtures +
            "/duplicate_key.yaml:5:3: error: data.seed: duplicate key; it is already set "
            "at line 3, column 3");
}

TEST_CASE("unknown plugin names list the registered ones") {
  const std::string errors = errors_of("unknown_plugin.yaml");
  CHECK(errors.find(kFixtures + "/unknown_plugin.yaml:2:11: error: system.plugin: unknown system "
                                "'fixture_oscilator' (did you mean 'fixture_oscillator'?); "
                                "registered systems: ") == 0);
  CHECK(errors.find(kFixtures + "/unknown_plugin.yaml:4:15: error: models.m.plugin: unknown model "
                                "'no_such_model'; registered models: ") != std::string::npos);
  CHECK(errors.find("fixture_quadratic") != std::string::npos);
}

TEST_CASE("a malformed YAML file gets a located error") {
  CHECK(errors_of("malformed.yaml") ==
        kFixtures + "/malformed.yaml:4:4: error: malformed YAML: end of sequence flow not found");
}

TEST_CASE("a missing file and an empty document are config errors") {
  CHECK(errors_of("no_such_file.yaml") ==
        kFixtures + "/no_such_file.yaml: error: cannot read the pipeline file");
  CHECK_THROWS_WITH_AS(hnn::parse_config("", "empty.yaml"),
                       doctest::Contains("empty.yaml:1:1: error: the pipeline is empty"),
                       hnn::ConfigError);
  CHECK_THROWS_WITH_AS(hnn::parse_config("- 1\n- 2\n", "list.yaml"),
                       "list.yaml:1:1: error: expected a map of sections at the top level, found a "
                       "list",
                       hnn::ConfigError);
}

TEST_CASE("--set overrides are validated like the file") {
  const auto config =
      valid({"models.quadratic.hidden=[16]", "data.noise_std=0.25", "training.optimizer.epochs=7"});
  CHECK(config.models[0].model.options.integers("hidden") == std::vector<std::int64_t>{16});
  CHECK(config.data.noise_std == 0.25);
  CHECK(config.models[0].training.stages[0].optimizer.options.integer("epochs") == 7);
  CHECK(config.models[1].training.stages[0].optimizer.options.integer("epochs") == 7);

  CHECK(errors_of("valid.yaml", {"data.points=many"}) ==
        "--set 'data.points=many':1:13: error: data.points: expected an integer in [2, "
        "2147483647], found "
        "'many'");
  CHECK(
      errors_of("valid.yaml", {"models.quadratic.hiden=[4]"})
          .find(
              "--set 'models.quadratic.hiden=[4]':1:1: error: models.quadratic.hiden: unknown key "
              "'hiden' (did you mean 'hidden'?)") == 0);
  CHECK(errors_of("valid.yaml", {"points"}) ==
        "--set 'points': error: expected key.path=value, e.g. training.optimizer.epochs=100");
  CHECK(errors_of("valid.yaml", {"name.x=1"}) ==
        "--set 'name.x=1': error: name is 'fixture_run' in the pipeline, not a map; cannot set "
        "name.x");
}

TEST_CASE("did_you_mean suggests only close words") {
  CHECK(hnn::did_you_mean("hiden", {"hidden", "inputs"}) == "hidden");
  CHECK(hnn::did_you_mean("epochz", {"epochs", "lr"}) == "epochs");
  CHECK(hnn::did_you_mean("zzz", {"hidden", "inputs"}) == "");
}

TEST_CASE("training stages: a list of optimizer runs, each optionally after a grid update") {
  CHECK(errors_of("stages.yaml") == "");
  const std::string file = kFixtures + "/stages.yaml";
  hnn::Diagnostics diagnostics;
  const auto config =
      hnn::validate_pipeline(hnn::load_config_file(file), file, registry(), diagnostics);
  REQUIRE(config.models.size() == 2);
  const auto& staged = config.models[0].training.stages;
  REQUIRE(staged.size() == 2);
  CHECK(staged[0].optimizer.options.integer("epochs") == 3);
  CHECK_FALSE(staged[0].update_grid);
  CHECK(staged[1].update_grid);
  CHECK(staged[1].optimizer.options.real("rate") == 0.01);
  // A model's `optimizer` replaces the section's stages; update_grid applies to its stage.
  const auto& single = config.models[1].training.stages;
  REQUIRE(single.size() == 1);
  CHECK(single[0].optimizer.options.integer("epochs") == 4);
  CHECK(single[0].update_grid);
  // The resolved form writes stages and validates back to the same.
  const std::string yaml = hnn::to_yaml(config);
  hnn::Diagnostics again;
  const auto resolved = hnn::validate_pipeline(hnn::parse_config(yaml, "resolved.yaml"),
                                               "resolved.yaml", registry(), again);
  CHECK(again.format() == "");
  CHECK(hnn::to_yaml(resolved) == yaml);
}

TEST_CASE("training stages: errors") {
  CHECK(errors_of("valid.yaml", {"training.stages=[]"}) ==
        "--set 'training.stages=[]':1:17: error: training.stages: expected either `optimizer` "
        "(one stage) or `stages`, found both");
  CHECK(errors_of("stages.yaml", {"training.stages=[]"}) ==
        "--set 'training.stages=[]':1:17: error: training.stages: expected a list of stages, each "
        "{optimizer: {...}, update_grid: false}, found an empty list");
  CHECK(
      errors_of("stages.yaml", {"training.stages=[{update_grid: maybe}]"}) ==
      "--set 'training.stages=[{update_grid: maybe}]':1:32: error: training.stages[0].update_grid: "
      "expected a boolean (true or false), found 'maybe'");
}

TEST_CASE("file options and checkpoints are resolved against the file that names them") {
  const auto from_file = valid({});
  CHECK(from_file.models[0].model.options.string("notes_file") == "");
  const std::string file = kFixtures + "/valid.yaml";
  hnn::ConfigNode root = hnn::load_config_file(file);
  root.find("models")
      ->find("quadratic")
      ->set("notes_file", root.location(),
            hnn::parse_config("v: ../notes/a.txt", file).entries()[0].value);
  hnn::apply_override(root, "models.baseline.notes_file=relative/b.txt");
  hnn::Diagnostics diagnostics;
  const auto config = hnn::validate_pipeline(root, file, registry(), diagnostics);
  REQUIRE(diagnostics.empty());
  const std::filesystem::path fixtures = std::filesystem::absolute(kFixtures);
  CHECK(config.models[0].model.options.string("notes_file") ==
        (fixtures.parent_path() / "notes" / "a.txt").string());
  CHECK(config.models[1].model.options.string("notes_file") ==
        (std::filesystem::current_path() / "relative" / "b.txt").string());
}

TEST_CASE("what only the system can check is reported at its place: a formula, a state size") {
  CHECK(errors_of("expression_error.yaml") ==
        kFixtures +
            "/expression_error.yaml:3:30: error: system.hamiltonian: system 'expression' "
            "rejects its options: cannot parse \"p^2/2 + cos(q\": at character 14: "
            "expected ')' to close the '(' at character 12, found the end of the formula");
  CHECK(errors_of("expression_error.yaml", {"system.hamiltonian=p^2/2 + cos(q)"}) ==
        kFixtures +
            "/expression_error.yaml:5:29: error: evaluation.initial_state: expected 2 "
            "values (q, p) for system 'expression', found 3");
}

TEST_CASE("the evaluation's energy trials and the training's minibatches are validated") {
  CHECK(errors_of("valid.yaml", {"evaluation.trial_initial_states=grid"}) ==
        "--set 'evaluation.trial_initial_states=grid':1:33: error: "
        "evaluation.trial_initial_states: expected a string (one of: box, system), found 'grid'");
  CHECK(errors_of("valid.yaml", {"training.batch_size=-1"}) ==
        "--set 'training.batch_size=-1':1:21: error: training.batch_size: expected an integer >= "
        "0, found '-1'");
}

TEST_CASE("a symbolic section: options, edges and refinement validated, all errors located") {
  const std::string errors = errors_of("symbolic.yaml");
  const std::string file = kFixtures + "/symbolic.yaml";
  CHECK(errors.find(file + ":9:22: error: models.m.symbolic.functions[1]: unknown symbolic "
                           "function 'sine' (did you mean 'sin'?); known: x, x^2") !=
        std::string::npos);
  CHECK(errors.find(file + ":10:14: error: models.m.symbolic.top_k: ") != std::string::npos);
  // A constraint between keys (OptionBinding::require) is checked once every key is valid
  // on its own, and reported at the key its message starts with.
  CHECK(errors.find("a_range") == std::string::npos);
  CHECK(errors_of("symbolic.yaml", {"models.m.symbolic.top_k=1"})
            .find(file + ":11:16: error: models.m.symbolic.a_range: expected [low, high] with "
                         "low < high, found [2.0, -2.0]") != std::string::npos);
  CHECK(errors.find(file + ":13:53: error: models.m.symbolic.edges[0].function: unknown "
                           "symbolic function 'x^22' (did you mean 'x^2'?)") != std::string::npos);
  CHECK(errors.find(file + ":14:11: error: models.m.symbolic.edges[1]: this edge (layer 0, input "
                           "0, output 0) is assigned twice") != std::string::npos);
  CHECK(errors.find(file + ":15:19: error: models.m.symbolic.edges[2].layer: ") !=
        std::string::npos);
  CHECK(errors.find(file + ":15:33: error: models.m.symbolic.edges[2].outptu: unknown key "
                           "'outptu' (did you mean 'output'?)") != std::string::npos);
  CHECK(errors.find("models.m.symbolic.edges[2].output: missing required key") !=
        std::string::npos);
  CHECK(errors.find(file + ":16:74: error: models.m.symbolic.refine.memory: unknown key") !=
        std::string::npos);

  // A valid section resolves with its defaults and round-trips through the resolved YAML.
  // (The symbolic stage needs an edge network: a kan.)
  const auto config =
      valid({"models.k={plugin: kan, symbolic: {edges: [{layer: 0, input: 1, output: 0, "
             "function: sin}], refine: {optimizer: {plugin: "
             "fixture_gradient_descent}}}}"});
  const auto& symbolic = config.models.back().symbolic;
  // A function registered by a plugin (fixture_good) is selectable like pykan's.
  CHECK(errors_of("valid.yaml",
                  {"models.k={plugin: kan, symbolic: {functions: [x, fixture_cubic]}}"}) == "");
  CHECK(hnn::symbolic::SymbolicFunctionLibrary::with_registered(registry().symbolic_functions())
            .at("fixture_cubic")
            .evaluate(2.0) == 10.0);
  CHECK(symbolic.enabled);
  CHECK(symbolic.settings.samples == hnn::SymbolicSamples::kTest);
  CHECK(symbolic.settings.prune_threshold == 1e-2);
  // Validation made the config of k_symbolic: refined with the section's optimizer.
  REQUIRE(symbolic.model != nullptr);
  CHECK(symbolic.model->name == "k_symbolic");
  CHECK(symbolic.model->model.plugin == "symbolic");
  CHECK(symbolic.model->model.options.string("file") == "symbolic/k.yaml");
  CHECK(symbolic.model->model.options.integer("digits") == -1);
  CHECK(symbolic.model->training.settings.enabled);
  CHECK(symbolic.model->training.settings.l1 == 0.0);
  REQUIRE(symbolic.model->training.stages.size() == 1);
  CHECK(symbolic.model->training.stages[0].optimizer.plugin == "fixture_gradient_descent");
  REQUIRE(symbolic.edges.size() == 1);
  CHECK(symbolic.edges[0].function == "sin");
  CHECK(symbolic.edges[0].input == 1);
  REQUIRE(symbolic.refine.size() == 1);
  CHECK(symbolic.refine[0].optimizer.plugin == "fixture_gradient_descent");
  const std::string yaml = hnn::to_yaml(config);
  CHECK(yaml.find("      edges:\n        - {layer: 0, input: 1, output: 0, function: \"sin\"}") !=
        std::string::npos);
  hnn::Diagnostics diagnostics;
  const auto again = hnn::validate_pipeline(hnn::parse_config(yaml, "resolved"),
                                            kFixtures + "/valid.yaml", registry(), diagnostics);
  CHECK(diagnostics.format() == "");
  CHECK(hnn::to_yaml(again) == yaml);
}

TEST_CASE("host sections are typed and their schemas come from one binding each") {
  for (const auto& name : hnn::host_section_names()) {
    REQUIRE(hnn::host_section_schema(name) != nullptr);
  }
  CHECK(hnn::host_section_schema("nope") == nullptr);
  const auto config =
      valid({"training.field=both", "data.split=test_first", "evaluation.trial_seed=7"});
  CHECK(config.models[0].training.settings.field == hnn::FieldType::kBoth);
  CHECK(config.data.split == hnn::DataSplit::kTestFirst);
  CHECK(config.data.time_span == std::array<double, 2>{0.0, 1.0});
  CHECK(config.evaluation.trial_seed == 7);
  CHECK(config.output.progress_seconds == 10.0);
  // What validation built is kept for the run: the system and the models' resolved sizes.
  REQUIRE(config.system_object != nullptr);
  CHECK(config.system_object->state_dimension() == 2);
  CHECK(config.models[0].resolved_options.integer("inputs") == 2);
  CHECK(config.models[0].resolved_options.integer("outputs") == 2);
  CHECK(config.models[0].loaded_checkpoint == nullptr);
}

TEST_CASE("a model is built at validation and checked against the stages asked of it") {
  const std::string file = kFixtures + "/valid.yaml";
  // symbolic needs an edge network.
  CHECK(errors_of("valid.yaml", {"models.quadratic.symbolic={}"}) ==
        "--set 'models.quadratic.symbolic={}':1:27: error: models.quadratic.symbolic: expected "
        "an edge network whose edges can be fitted with formulas (e.g. kan), found "
        "fixture_quadratic");
  // update_grid needs a grid: reported for every model the training section applies to.
  CHECK(errors_of("valid.yaml", {"models.baseline.training.update_grid=true"}) ==
        "--set 'models.baseline.training.update_grid=true':1:38: error: "
        "models.baseline.training.stages[0].update_grid: expected a model with a grid (e.g. "
        "kan), found fixture_quadratic");
  // Manual edges must exist in the network.
  CHECK(errors_of("valid.yaml", {"models.k={plugin: kan, symbolic: {edges: [{layer: 0, input: "
                                 "5, output: 0, function: x}]}}"}) ==
        "--set 'models.k={plugin: kan, symbolic: {edges: [{layer: 0, input: 5, output: 0, "
        "function: x}]}}':1:43: error: models.k.symbolic.edges[0]: expected an edge of layer 0: "
        "inputs 0 to 1, outputs 0 to 0");
  CHECK(errors_of("valid.yaml", {"models.k={plugin: kan, symbolic: {auto: false, "
                                 "prune_threshold: 0}}"})
            .find("models.k.symbolic: edge (layer 0, input 0, output 0) has no function: "
                  "assign one in `edges` or set auto: true") != std::string::npos);
  // The checkpoint is read at validation and compared with the model.
  const auto config = valid();
  const auto checkpoint = std::filesystem::path(HNN_BINARY_DIR) / "tests" / "config" / "short.yaml";
  std::filesystem::create_directories(checkpoint.parent_path());
  hnn::save_checkpoint({"quadratic",
                        "fixture_quadratic",
                        config.models[0].resolved_options,
                        3,
                        Eigen::VectorXd::Zero(1),
                        {}},
                       checkpoint);
  const std::string errors =
      errors_of("valid.yaml", {"models.quadratic.checkpoint=" + checkpoint.string()});
  CHECK(errors.find("--set 'models.quadratic.checkpoint=" + checkpoint.string() +
                    "':1:29: error: models.quadratic.checkpoint: " + checkpoint.string() +
                    ": parameters: expected ") == 0);
  CHECK(errors.find(" values for fixture_quadratic, found 1") != std::string::npos);
}

TEST_CASE("a ConfigError carries its located problems") {
  try {
    hnn::Diagnostics diagnostics;
    diagnostics.error({"a.yaml", 3, 5}, "data.points", "expected an integer >= 2, found '1'");
    diagnostics.error({"a.yaml", 1, 1}, "", "first");
    diagnostics.throw_if_any();
    FAIL("no exception");
  } catch (const hnn::ConfigError& error) {
    REQUIRE(error.problems().size() == 2);
    CHECK(error.problems()[0].line == 1);
    CHECK(error.problems()[1].path == "data.points");
    CHECK(error.problems()[1].column == 5);
    CHECK(std::string(error.what()) ==
          "a.yaml:1:1: error: first\na.yaml:3:5: error: data.points: expected an integer >= 2, "
          "found '1'");
  }
  CHECK(hnn::ConfigProblem{"c.yaml", 0, 0, "format", "bad"}.format() ==
        "c.yaml: error: format: bad");
}
