// Checkpoints (hnn/host/checkpoint.h): a bit-exact round trip, the format version, a
// checkpoint of another plugin or other options, located errors for a malformed file,
// atomic writing, and hnn-host refusing a checkpoint with the wrong number of parameters.
#include "hnn/host/checkpoint.h"

#include <sys/wait.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "hnn/error.h"

namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(HNN_BINARY_DIR) / "tests" / "checkpoint" / "scratch" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string read(const fs::path& file) {
  std::ifstream stream(file);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

void write(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// The options of a model that saved a checkpoint: one of every type.
hnn::Options model_options() {
  hnn::Options options;
  options.set("activation", std::string("tanh \"quoted\""));
  options.set("hidden", std::vector<std::int64_t>{200, 200});
  options.set("output_bias", true);
  options.set("initial", 0.1);
  options.set("seed", std::int64_t{-3});
  options.set("grid_range", std::vector<double>{-1.0, 1e-300});
  options.set("names", std::vector<std::string>{"q", "p"});
  return options;
}

// A valid checkpoint file for plugin `fixture_quadratic` with options {initial: 0.1}, to
// be spoiled line by line.
const std::string kValid =
    "format: 1\n"                      // line 1
    "model: \"m\"\n"                   // line 2
    "plugin: \"fixture_quadratic\"\n"  // line 3
    "options:\n"                       // line 4
    "  initial: 0.1\n"                 // line 5
    "epochs: 12\n"                     // line 6
    "parameters: [0.5, 0.25]\n"        // line 7
    "auxiliary_state: []\n";           // line 8

hnn::Options initial(double value) {
  hnn::Options options;
  options.set("initial", value);
  return options;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a checkpoint reads back bit for bit, with its options, epochs and state") {
  const fs::path file = scratch("round_trip") / "m.yaml";
  hnn::Checkpoint saved;
  saved.model = "hnn";
  saved.plugin = "mlp";
  saved.options = model_options();
  saved.epochs = 20000;
  const std::vector<double> awkward = {0.1,
                                       1.0 / 3.0,
                                       M_PI,
                                       -2.5e-310,  // subnormal
                                       std::numeric_limits<double>::max(),
                                       std::numeric_limits<double>::min(),
                                       std::nextafter(1.0, 2.0),
                                       -0.0,
                                       123456789.123456789};
  saved.parameters =
      Eigen::Map<const Eigen::VectorXd>(awkward.data(), Eigen::Index(awkward.size()));
  saved.auxiliary_state = {-1.0, -0.6, 1.0 / 7.0, 1e22};
  hnn::save_checkpoint(saved, file);
  CHECK(read(file).find("format: 1\n") != std::string::npos);

  const hnn::Checkpoint loaded = hnn::load_checkpoint(file, "mlp", model_options());
  CHECK(loaded.model == "hnn");
  CHECK(loaded.plugin == "mlp");
  CHECK(loaded.epochs == 20000);
  CHECK(loaded.options.values() == saved.options.values());
  REQUIRE(loaded.parameters.size() == saved.parameters.size());
  for (Eigen::Index i = 0; i < saved.parameters.size(); ++i) {
    CAPTURE(i);
    CHECK(same_bits(loaded.parameters[i], saved.parameters[i]));
  }
  REQUIRE(loaded.auxiliary_state.size() == saved.auxiliary_state.size());
  for (std::size_t i = 0; i < saved.auxiliary_state.size(); ++i) {
    CHECK(same_bits(loaded.auxiliary_state[i], saved.auxiliary_state[i]));
  }

  // Empty parameters and state round-trip too.
  saved.parameters.resize(0);
  saved.auxiliary_state.clear();
  hnn::save_checkpoint(saved, file);
  const auto empty = hnn::load_checkpoint(file, "mlp", model_options());
  CHECK(empty.parameters.size() == 0);
  CHECK(empty.auxiliary_state.empty());
}

TEST_CASE("a checkpoint of another format version is refused") {
  const fs::path file = scratch("format") / "m.yaml";
  write(file, replaced(kValid, "format: 1", "format: 2"));
  CHECK_THROWS_WITH_AS(
      hnn::load_checkpoint(file, "fixture_quadratic", initial(0.1)),
      (file.string() + ": error: format: this host reads checkpoint format 1, found '2'").c_str(),
      hnn::ConfigError);
  write(file, replaced(kValid, "format: 1\n", ""));
  CHECK_THROWS_WITH_AS(
      hnn::load_checkpoint(file, "fixture_quadratic", initial(0.1)),
      (file.string() + ": error: format: missing required key of a checkpoint").c_str(),
      hnn::ConfigError);
}

TEST_CASE("a checkpoint of another plugin or other options is refused, located") {
  const fs::path file = scratch("mismatch") / "m.yaml";
  write(file, kValid);
  CHECK(hnn::load_checkpoint(file, "fixture_quadratic", initial(0.1)).epochs == 12);
  CHECK_THROWS_WITH_AS(
      hnn::load_checkpoint(file, "mlp", initial(0.1)),
      (file.string() + ":3:9: error: plugin: the checkpoint holds a 'fixture_quadratic' model, "
                       "the pipeline asks for 'mlp'")
          .c_str(),
      hnn::ConfigError);
  CHECK_THROWS_WITH_AS(
      hnn::load_checkpoint(file, "fixture_quadratic", initial(0.2)),
      (file.string() + ":5:12: error: options.initial: the checkpoint was made with 0.1, the "
                       "pipeline has 0.2 (make the model's options match the checkpoint)")
          .c_str(),
      hnn::ConfigError);
  hnn::Options more = initial(0.1);
  more.set("hidden", std::vector<std::int64_t>{8, 8});
  CHECK_THROWS_WITH_AS(hnn::load_checkpoint(file, "fixture_quadratic", more),
                       doctest::Contains(": error: options.hidden: missing in the checkpoint; "
                                         "the pipeline has [8, 8]"),
                       hnn::ConfigError);
}

TEST_CASE("a malformed checkpoint gives errors located in the file") {
  const fs::path file = scratch("malformed") / "m.yaml";
  const auto load = [&] { return hnn::load_checkpoint(file, "fixture_quadratic", initial(0.1)); };
  write(file, replaced(kValid, "[0.5, 0.25]", "[0.5, abc]"));
  CHECK_THROWS_WITH_AS(load(),
                       (file.string() + ":7:19: error: parameters: expected a real, "
                                        "found 'abc'")
                           .c_str(),
                       hnn::ConfigError);
  write(file, replaced(kValid, "[0.5, 0.25]", "0.5"));
  CHECK_THROWS_WITH_AS(load(),
                       (file.string() + ":7:13: error: parameters: expected a list of "
                                        "reals, found '0.5'")
                           .c_str(),
                       hnn::ConfigError);
  write(file, replaced(kValid, "auxiliary_state: []", "auxiliary_state: [1, [2]]"));
  CHECK_THROWS_WITH_AS(
      load(),
      doctest::Contains(
          (file.string() + ":8:22: error: auxiliary_state: expected a real, found").c_str()),
      hnn::ConfigError);
  write(file, replaced(kValid, "parameters: [0.5, 0.25]\n", ""));
  CHECK_THROWS_WITH_AS(
      load(), (file.string() + ": error: parameters: missing required key of a checkpoint").c_str(),
      hnn::ConfigError);
  write(file, replaced(kValid, "epochs: 12", "epochs: [12"));
  CHECK_THROWS_WITH_AS(load(), doctest::Contains((file.string() + ":").c_str()), hnn::ConfigError);
  CHECK_THROWS_WITH_AS(
      hnn::load_checkpoint(file.parent_path() / "none.yaml", "fixture_quadratic", initial(0.1)),
      doctest::Contains("none.yaml"), hnn::ConfigError);
}

TEST_CASE("a checkpoint is written atomically: replaced whole, or not at all") {
  const fs::path folder = scratch("atomic");
  hnn::Checkpoint checkpoint;
  checkpoint.model = "m";
  checkpoint.plugin = "fixture_quadratic";
  checkpoint.options = initial(0.1);
  checkpoint.parameters = Eigen::VectorXd::Constant(3, 0.5);
  // Missing folders are created.
  const fs::path file = folder / "checkpoints" / "m.yaml";
  hnn::save_checkpoint(checkpoint, file);
  CHECK(hnn::load_checkpoint(file, "fixture_quadratic", initial(0.1)).parameters.size() == 3);
  // An existing file is replaced.
  checkpoint.epochs = 7;
  hnn::save_checkpoint(checkpoint, file);
  CHECK(hnn::load_checkpoint(file, "fixture_quadratic", initial(0.1)).epochs == 7);
  // A target that cannot be replaced (a non-empty folder) is an error naming it, and is
  // left as it was; no temporary file is left behind.
  const fs::path blocked = folder / "checkpoints" / "blocked.yaml";
  fs::create_directories(blocked);
  write(blocked / "keep.txt", "kept");
  CHECK_THROWS_WITH_AS(hnn::save_checkpoint(checkpoint, blocked),
                       doctest::Contains(("cannot write " + blocked.string()).c_str()), hnn::Error);
  CHECK(read(blocked / "keep.txt") == "kept");
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder / "checkpoints")) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"blocked.yaml", "m.yaml"});
}

TEST_CASE("hnn-host refuses a checkpoint with the wrong number of parameters") {
  const fs::path folder = scratch("host");
  const std::string host = "HNN_PLUGIN_PATH= '" HNN_HOST "' --plugin-dir '" HNN_FIXTURE_GOOD
                           "' '" HNN_CONFIG_FIXTURES "/valid.yaml' --quiet --no-report ";
  const auto run = [&](const std::string& arguments) {
    const int raw = std::system(
        (host + arguments + " 2>'" + (folder / "stderr.txt").string() + "' >/dev/null").c_str());
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  };
  REQUIRE(run("-o '" + (folder / "trained").string() + "'") == 0);
  const fs::path saved = folder / "trained" / "checkpoints" / "quadratic.yaml";
  const std::string text = read(saved);
  const auto parameters = text.find("parameters: [");
  REQUIRE(parameters != std::string::npos);
  const fs::path spoiled = folder / "spoiled.yaml";
  write(spoiled, std::string(text).insert(parameters + 13, "0.5, "));

  CHECK(run("-o '" + (folder / "reloaded").string() + "' --set models.quadratic.checkpoint='" +
            saved.string() + "'") == 0);
  const int status = run("-o '" + (folder / "refused").string() +
                         "' --set models.quadratic.checkpoint='" + spoiled.string() + "'");
  CHECK(status == 2);
  const std::string error = read(folder / "stderr.txt");
  const auto trained = hnn::load_checkpoint(saved, "fixture_quadratic", hnn::Options{});
  // Refused by validation, located at the key that names the checkpoint.
  CHECK(error.find("error: models.quadratic.checkpoint: " + spoiled.string() +
                   ": parameters: expected " + std::to_string(trained.parameters.size()) +
                   " values for fixture_quadratic, found " +
                   std::to_string(trained.parameters.size() + 1)) != std::string::npos);
}

TEST_CASE("an interrupted model's checkpoint keeps where it stopped and the optimizer's state") {
  const fs::path file = scratch("interrupted") / "m.yaml";
  const auto load = [&] { return hnn::load_checkpoint(file, "fixture_quadratic", initial(0.1)); };
  // Without the section (every checkpoint of an uninterrupted run, older ones): not
  // interrupted.
  write(file, kValid);
  CHECK_FALSE(load().interrupted_training.has_value());

  hnn::Checkpoint saved = load();
  saved.interrupted_training = hnn::InterruptedTraining{
      2, 30, "adam", 45, hnn::OptimizerState{30, {1.0 / 3.0, -0.0, 1e-310}}};
  hnn::save_checkpoint(saved, file);
  CHECK(
      read(file).find("interrupted_training:\n  stage: 2\n  stage_epochs: 30\n"
                      "  optimizer: \"adam\"\n  minibatches: 45\n  optimizer_state_epochs: 30\n") !=
      std::string::npos);
  const auto interrupted = load().interrupted_training;
  REQUIRE(interrupted.has_value());
  CHECK(interrupted->stage == 2);
  CHECK(interrupted->stage_epochs == 30);
  CHECK(interrupted->optimizer == "adam");
  CHECK(interrupted->minibatches == 45);
  REQUIRE(interrupted->optimizer_state.has_value());
  CHECK(interrupted->optimizer_state->epochs == 30);
  REQUIRE(interrupted->optimizer_state->values.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(same_bits(interrupted->optimizer_state->values[i],
                    saved.interrupted_training->optimizer_state->values[i]));
  }
  // An optimizer without state: no state keys.
  saved.interrupted_training->optimizer_state.reset();
  hnn::save_checkpoint(saved, file);
  CHECK(read(file).find("optimizer_state") == std::string::npos);
  CHECK_FALSE(load().interrupted_training->optimizer_state.has_value());

  // A malformed section is located.
  write(file, kValid +
                  "interrupted_training:\n  stage: -1\n  stage_epochs: 3\n"
                  "  optimizer: adam\n  minibatches: 0\n");
  CHECK_THROWS_WITH_AS(load(),
                       (file.string() + ":10:10: error: interrupted_training.stage: expected a "
                                        "count (an integer >= 0), found '-1'")
                           .c_str(),
                       hnn::ConfigError);
}
