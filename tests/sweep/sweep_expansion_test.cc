// Sweep files: the expansion of grid x list x seeds into runs (counts, order, ids, the exact
// key paths and values written into every run's pipeline) and the located errors of bad
// sweep files, on the fixture pipeline tests/config/fixtures/valid.yaml.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "../config/config_fixtures.h"
#include "hnn/config_tree.h"
#include "hnn/error.h"
#include "hnn/host/sweep_definition.h"
#include "hnn/host/sweep_expansion.h"
#include "hnn/host/sweep_plan.h"

namespace {

namespace fs = std::filesystem;

// A scratch folder with the fixture pipeline copied in as base.yaml.
fs::path folder() {
  static const fs::path dir = [] {
    const fs::path d = fs::path(HNN_BINARY_DIR) / "tests" / "sweep" / "expansion";
    fs::create_directories(d);
    fs::copy_file(std::string(HNN_CONFIG_FIXTURES) + "/valid.yaml", d / "base.yaml",
                  fs::copy_options::overwrite_existing);
    return d;
  }();
  return dir;
}

// Writes `text` as <folder>/<name> and returns its path.
fs::path sweep_file(const std::string& name, const std::string& text) {
  const fs::path file = folder() / name;
  std::ofstream(file) << text;
  return file;
}

// Reads and expands the sweep; throws ConfigError with every problem.
hnn::SweepPlan expand(const fs::path& file, const std::vector<std::string>& overrides = {}) {
  hnn::Diagnostics diagnostics;
  const hnn::ConfigNode root = hnn::load_config_file(file);
  REQUIRE(hnn::is_sweep_file(root));
  const hnn::SweepDefinition definition = hnn::read_sweep(root, file, diagnostics);
  diagnostics.throw_if_any();
  const hnn::ConfigNode base = hnn::load_sweep_pipeline(definition);
  hnn::SweepPlan plan = hnn::expand_sweep(definition, base, overrides,
                                          hnn::testing::fixture_registry(), {}, diagnostics);
  diagnostics.throw_if_any();
  return plan;
}

// Every problem of the sweep, "" when it expands.
std::string errors_of(const std::string& name, const std::string& text) {
  try {
    expand(sweep_file(name, text));
    return "";
  } catch (const hnn::ConfigError& error) {
    return error.what();
  }
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a sweep expands to grid x list settings times seeds, in the documented order") {
  const auto file = sweep_file("counts.yaml",
                               "sweep:\n"
                               "  pipeline: base.yaml\n"
                               "  set: {evaluation.points: 40}\n"
                               "  grid:\n"
                               "    training.optimizer.epochs: [3, 4]\n"
                               "    models.quadratic.hidden: [[2], [3, 3], [4]]\n"
                               "  list:\n"
                               "    data.trajectories: [5, 6]\n"
                               "    data.points: [11, 12]\n"
                               "  seeds: [7, 9, 13]\n");
  const hnn::SweepPlan plan = expand(file);
  CHECK(plan.settings.name == "counts");
  CHECK(fs::path(plan.settings.pipeline) == (folder() / "base.yaml").lexically_normal());
  REQUIRE(plan.settings_values.size() == 2 * 3 * 2);
  REQUIRE(plan.runs.size() == 2 * 3 * 2 * 3);
  // The grid's keys in file order (the last fastest), then the list's index fastest of all.
  const std::vector<hnn::SweepAssignment> first = {{"training.optimizer.epochs", "3"},
                                                   {"models.quadratic.hidden", "[2]"},
                                                   {"data.trajectories", "5"},
                                                   {"data.points", "11"}};
  CHECK(plan.settings_values[0] == first);
  const std::vector<hnn::SweepAssignment> second = {{"training.optimizer.epochs", "3"},
                                                    {"models.quadratic.hidden", "[2]"},
                                                    {"data.trajectories", "6"},
                                                    {"data.points", "12"}};
  CHECK(plan.settings_values[1] == second);
  const std::vector<hnn::SweepAssignment> third = {{"training.optimizer.epochs", "3"},
                                                   {"models.quadratic.hidden", "[3, 3]"},
                                                   {"data.trajectories", "5"},
                                                   {"data.points", "11"}};
  CHECK(plan.settings_values[2] == third);
  const std::vector<hnn::SweepAssignment> last = {{"training.optimizer.epochs", "4"},
                                                  {"models.quadratic.hidden", "[4]"},
                                                  {"data.trajectories", "6"},
                                                  {"data.points", "12"}};
  CHECK(plan.settings_values[11] == last);
  // Runs: setting by setting, seed by seed; ids padded to the widest setting.
  CHECK(plan.runs[0].id == "s00_seed7");
  CHECK(plan.runs[1].id == "s00_seed9");
  CHECK(plan.runs[2].id == "s00_seed13");
  CHECK(plan.runs[3].id == "s01_seed7");
  CHECK(plan.runs[35].id == "s11_seed13");
  CHECK(plan.runs[35].setting == 11);
  CHECK(plan.runs[35].seed == 13);
  // The fixture models have no seed: the default seed keys are the data's and the batches'.
  CHECK(plan.seed_keys == std::vector<std::string>{"data.seed", "training.batch_seed"});
  // Every run's pipeline holds its values, the sweep's `set` and its seed.
  const std::string& pipeline = plan.runs[35].pipeline;
  CHECK(contains(pipeline, "  trajectories: 6\n"));
  CHECK(contains(pipeline, "  points: 12\n"));
  CHECK(contains(pipeline, "  seed: 13\n"));
  CHECK(contains(pipeline, "  batch_seed: 13\n"));
  CHECK(contains(pipeline, "epochs: 4\n"));
  CHECK(contains(pipeline, "hidden: [4]\n"));
  CHECK(contains(pipeline, "  points: 40\n"));  // evaluation.points, from set
  CHECK(!contains(plan.runs[0].pipeline, "  seed: 13\n"));
  CHECK(contains(plan.runs[0].pipeline, "  seed: 7\n"));
  // The plan as YAML lists every setting and run.
  const std::string yaml = hnn::to_yaml(plan);
  CHECK(contains(yaml,
                 "  - setting: 11\n    values: {training.optimizer.epochs: 4, "
                 "models.quadratic.hidden: [4], data.trajectories: 6, data.points: 12}\n"));
  CHECK(contains(yaml, "  - {id: \"s11_seed13\", setting: 11, seed: 13}\n"));
  CHECK(contains(yaml, "seed_keys: [\"data.seed\", \"training.batch_seed\"]\n"));
}

TEST_CASE("seeds: a count, the seed keys named, no seeds, and --set applied last") {
  SUBCASE("a count n runs the seeds 0 .. n-1 into the named keys") {
    const auto plan = expand(sweep_file("count.yaml",
                                        "sweep:\n"
                                        "  pipeline: base.yaml\n"
                                        "  seeds: 2\n"
                                        "  seed_keys: [evaluation.trial_seed]\n"));
    REQUIRE(plan.runs.size() == 2);
    CHECK(plan.runs[0].id == "s0_seed0");
    CHECK(plan.runs[1].id == "s0_seed1");
    CHECK(plan.seed_keys == std::vector<std::string>{"evaluation.trial_seed"});
    CHECK(contains(plan.runs[1].pipeline, "  trial_seed: 1\n"));
    CHECK(contains(plan.runs[1].pipeline, "  seed: 3\n"));  // data.seed: the base's
  }
  SUBCASE("without seeds every setting runs once with the base's seeds") {
    const auto plan = expand(sweep_file("noseeds.yaml",
                                        "sweep:\n"
                                        "  pipeline: base.yaml\n"
                                        "  grid: {data.points: [10, 20, 30]}\n"));
    REQUIRE(plan.runs.size() == 3);
    CHECK(plan.runs[2].id == "s2");
    CHECK(!plan.runs[2].seed.has_value());
    CHECK(contains(plan.runs[2].pipeline, "  points: 30\n"));
    CHECK(contains(plan.runs[2].pipeline, "  seed: 3\n"));
  }
  SUBCASE("--set assignments apply to every run, after the sweep's values") {
    const auto plan = expand(sweep_file("cli.yaml",
                                        "sweep:\n"
                                        "  pipeline: base.yaml\n"
                                        "  grid: {data.points: [10, 20]}\n"),
                             {"data.points=17", "data.trajectories=9"});
    REQUIRE(plan.runs.size() == 2);
    CHECK(contains(plan.runs[0].pipeline, "  points: 17\n"));
    CHECK(contains(plan.runs[1].pipeline, "  trajectories: 9\n"));
  }
}

TEST_CASE("a value that is invalid in an expanded run is located in the sweep file") {
  const std::string errors = errors_of("bad_value.yaml",
                                       "sweep:\n"
                                       "  pipeline: base.yaml\n"
                                       "  grid:\n"
                                       "    data.points: [10, 0]\n"
                                       "  seeds: 3\n");
  // Reported once (not once per seed), at the value, with the key path and the first run.
  CHECK(contains(errors,
                 "bad_value.yaml:4:23: error: data.points: expected an integer in [2, 2147483647], "
                 "found '0' (run s1_seed0)"));
  CHECK(errors.find("(run s1_seed1)") == std::string::npos);
}

TEST_CASE("a wrong key path is located at the sweep's key, with a suggestion") {
  const std::string errors = errors_of("bad_key.yaml",
                                       "sweep:\n"
                                       "  pipeline: base.yaml\n"
                                       "  grid:\n"
                                       "    training.optimiser.epochs: [1, 2]\n");
  CHECK(contains(errors, "bad_key.yaml:4:5: error: training.optimiser: unknown key 'optimiser'"));
  CHECK(contains(errors, "did you mean 'optimizer'?"));
  // A path through a value that is not a map.
  CHECK(contains(errors_of("through.yaml",
                           "sweep:\n"
                           "  pipeline: base.yaml\n"
                           "  set: {data.points.x: 1}\n"),
                 "through.yaml:3:9: error: sweep.set.data.points.x: data.points is '10' in the "
                 "pipeline, not a map; cannot set data.points.x"));
}

TEST_CASE("bad sweep files: every problem located, with its key path") {
  CHECK(
      contains(errors_of("other_key.yaml", "sweep: {pipeline: base.yaml}\nname: x\n"),
               "/other_key.yaml:2:1: error: name: unknown key 'name'; a sweep file takes: sweep"));
  CHECK(contains(errors_of("no_pipeline.yaml", "sweep:\n  grid: {data.points: [3]}\n"),
                 "no_pipeline.yaml:2:3: error: sweep.pipeline: missing required key"));
  CHECK(contains(errors_of("missing_base.yaml", "sweep:\n  pipeline: nowhere.yaml\n"),
                 "missing_base.yaml:2:13: error: sweep.pipeline: the base pipeline cannot be "
                 "used: "));
  CHECK(contains(
      errors_of("not_list.yaml", "sweep:\n  pipeline: base.yaml\n  grid: {data.points: 3}\n"),
      "not_list.yaml:3:23: error: sweep.grid.data.points: expected a non-empty list of "
      "the values to run, found '3'"));
  CHECK(contains(
      errors_of("empty_list.yaml", "sweep:\n  pipeline: base.yaml\n  list: {data.points: []}\n"),
      "empty_list.yaml:3:23: error: sweep.list.data.points: expected a non-empty list"));
  CHECK(contains(errors_of("zip.yaml",
                           "sweep:\n  pipeline: base.yaml\n  list:\n    data.points: [3, 4]\n"
                           "    data.seed: [1, 2, 3]\n"),
                 "zip.yaml:5:5: error: sweep.list.data.seed: has 3 values, the first list "
                 "(data.points) 2; the lists are zipped, so they need the same length"));
  CHECK(contains(errors_of("twice.yaml",
                           "sweep:\n  pipeline: base.yaml\n  set: {data.points: 3}\n"
                           "  grid: {data.points: [3, 4]}\n"),
                 "twice.yaml:4:10: error: sweep.grid.data.points: the key is already set by "
                 "sweep.set; a key can vary in one place only"));
  CHECK(contains(errors_of("seed_twice.yaml",
                           "sweep:\n  pipeline: base.yaml\n  grid: {data.seed: [3, 4]}\n"
                           "  seeds: 2\n"),
                 "seed_twice.yaml:3:10: error: data.seed: the sweep's seeds are written to this "
                 "key too"));
  CHECK(contains(errors_of("dup_seeds.yaml", "sweep:\n  pipeline: base.yaml\n  seeds: [1, 2, 1]\n"),
                 "dup_seeds.yaml:3:17: error: sweep.seeds[2]: the seed 1 is given twice"));
  CHECK(contains(
      errors_of("zero_seeds.yaml", "sweep:\n  pipeline: base.yaml\n  seeds: 0\n"),
      "zero_seeds.yaml:3:10: error: sweep.seeds: expected an integer in [1, 10000], found '0'"));
  CHECK(contains(
      errors_of("empty_key.yaml", "sweep:\n  pipeline: base.yaml\n  grid: {data..points: [3]}\n"),
      "empty_key.yaml:3:10: error: sweep.grid.data..points: expected a dotted pipeline "
      "key path"));
  CHECK(contains(
      errors_of("workers.yaml", "sweep:\n  pipeline: base.yaml\n  workers: -1\n"),
      "workers.yaml:3:12: error: sweep.workers: expected an integer in [0, 4096], found '-1'"));
  CHECK(
      contains(errors_of("unknown.yaml", "sweep:\n  pipeline: base.yaml\n  grids: {}\n"),
               "unknown.yaml:3:3: error: sweep.grids: unknown key 'grids' (did you mean 'grid'?)"));
  CHECK(contains(errors_of("name.yaml", "sweep:\n  pipeline: base.yaml\n  name: ../up\n"),
                 "name.yaml:3:9: error: sweep.name: expected a sweep name of UTF-8 text without "
                 "'/' or control characters, found '../up'"));
  // A hostile grid is refused before anything is expanded.
  std::string huge = "sweep:\n  pipeline: base.yaml\n  grid:\n";
  for (int k = 0; k < 5; ++k) {
    huge += "    data.k" + std::to_string(k) + ": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n";
  }
  CHECK(contains(errors_of("huge.yaml", huge),
                 "huge.yaml:2:3: error: sweep: expands to more than 10000 runs"));
  // A sweep cannot be the base of a sweep.
  sweep_file("inner.yaml", "sweep: {pipeline: base.yaml}\n");
  CHECK(contains(errors_of("outer.yaml", "sweep: {pipeline: inner.yaml}\n"),
                 "outer.yaml:1:19: error: sweep.pipeline: "));
}

TEST_CASE("flow_text writes a parsed value back as YAML that reads the same") {
  const hnn::ConfigNode root = hnn::parse_config(
      "a: [1, [2, 3], {k: v}]\nb: 'x, y'\nc: plain text\nd: \"q\"\ne: ~\n", "flow");
  CHECK(hnn::flow_text(root.find("a")->items()[0]) == "1");
  CHECK(hnn::flow_text(*root.find("a")) == "[1, [2, 3], {k: v}]");
  CHECK(hnn::flow_text(*root.find("b")) == "\"x, y\"");
  CHECK(hnn::flow_text(*root.find("c")) == "plain text");
  CHECK(hnn::flow_text(*root.find("d")) == "\"q\"");
  CHECK(hnn::flow_text(*root.find("e")) == "null");
  const hnn::ConfigNode again = hnn::parse_config("v: " + hnn::flow_text(*root.find("a")), "again");
  CHECK(hnn::flow_text(*again.find("v")) == hnn::flow_text(*root.find("a")));
}
