// hnn-host as a user runs it: exit codes (0 success, 2 usage/config, 1 failed run), where
// messages go, and what a run leaves behind.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hnn/version.h"
#include "host_command.h"

namespace fs = std::filesystem;

namespace {

using hnn_test::contains;
using hnn_test::host;
using hnn_test::read;
using hnn_test::scratch;

const std::string kFixture = "--plugin-dir '" HNN_FIXTURE_GOOD "' ";
const std::string kValid = HNN_CONFIG_FIXTURES "/valid.yaml";

}  // namespace

TEST_CASE("help, version and usage errors") {
  auto help = host("--help");
  CHECK(help.status == 0);
  CHECK(contains(help.out, "Usage: hnn-host [options] PIPELINE.yaml"));
  CHECK(contains(help.out, "--set KEY.PATH=VALUE"));
  auto version = host("--version");
  CHECK(version.status == 0);
  CHECK(contains(version.out,
                 "hnn-host 0.1.0 (plugin ABI " + std::to_string(hnn::kPluginAbiVersion)));
  auto nothing = host("");
  CHECK(nothing.status == 2);
  CHECK(contains(nothing.err, "hnn-host: error: no pipeline file given"));
  CHECK(nothing.out.empty());
  auto unknown = host("--frobnicate");
  CHECK(unknown.status == 2);
  CHECK(contains(unknown.err, "unrecognised option '--frobnicate'"));
}

TEST_CASE("--check prints the resolved pipeline and runs nothing") {
  auto check =
      host(kFixture + "--check " + kValid + " -o '" + (scratch() / "unused").string() + "'");
  CHECK(check.status == 0);
  CHECK(contains(check.out, "  frequency: 2.0\n"));
  CHECK(contains(check.out, "  noise_std: 0.0\n"));  // a default, filled in
  CHECK(check.err.empty());
  CHECK_FALSE(fs::exists(scratch() / "unused"));
}

TEST_CASE("config errors exit 2 with compiler-style messages on stderr") {
  auto bad = host(kFixture + "--check " HNN_CONFIG_FIXTURES "/out_of_range.yaml");
  CHECK(bad.status == 2);
  CHECK(contains(bad.err,
                 "out_of_range.yaml:3:14: error: data.noise_std: expected a real >= 0, "
                 "found '-0.1'"));
  CHECK(contains(bad.err, "out_of_range.yaml:6:62: error: models.m.activation:"));
  CHECK(bad.out.empty());
  auto set = host(kFixture + "--check " + kValid + " --set data.points=1");
  CHECK(set.status == 2);
  CHECK(contains(set.err,
                 "--set 'data.points=1':1:13: error: data.points: expected an integer in "
                 "[2, 2147483647], found '1'"));
  auto missing = host(kFixture + "--check /nonexistent.yaml");
  CHECK(missing.status == 2);
  CHECK(contains(missing.err, "/nonexistent.yaml: error: cannot read the pipeline file"));
}

TEST_CASE("--list-plugins and --describe") {
  auto list = host(kFixture + "--list-plugins");
  CHECK(list.status == 0);
  CHECK(contains(list.out, "systems:\n"));
  CHECK(contains(list.out, "\n  fixture_oscillator "));
  CHECK(contains(list.out, "from " HNN_FIXTURE_GOOD));
  CHECK(contains(list.out, "spring_mass"));  // bundled
  CHECK(contains(list.out, "data sources:\n"));
  CHECK(contains(list.out, "\n  fixture_samples "));
  // The symbolic functions plugins add (bundled: pykan HEAD's seven), with their formulas.
  CHECK(contains(list.out, "symbolic functions (beside pykan 0.0.5's 24):\n"));
  CHECK(contains(list.out, "\n  cos "));
  CHECK(contains(list.out, " f(x) = cos(x), complexity 2\n"));
  CHECK(contains(list.out, "hnn_pykan_head_functions.so\n"));
  auto describe = host(kFixture + "--describe fixture_quadratic");
  CHECK(describe.status == 0);
  CHECK(contains(describe.out, "model 'fixture_quadratic': fixture: F_o(x) = sum_i a_oi x_i^2"));
  CHECK(
      contains(describe.out, "activation   string            \"tanh\"   one of: tanh, relu, sin"));
  auto source = host(kFixture + "--describe fixture_samples");
  CHECK(source.status == 0);
  CHECK(contains(source.out, "data source 'fixture_samples': fixture: measured circles"));
  CHECK(contains(source.out, "with_derivatives"));
  auto section = host("--describe evaluation");
  CHECK(section.status == 0);
  CHECK(contains(section.out, "initial_state"));
  auto typo = host(kFixture + "--describe fixture_quadratik");
  CHECK(typo.status == 2);
  CHECK(contains(typo.err,
                 "no plugin or section named 'fixture_quadratik' (did you mean "
                 "'fixture_quadratic'?)"));
}

TEST_CASE("a broken plugin is reported by name; required ones stop, others are skipped") {
  auto required = host("--plugin-dir '" HNN_FIXTURE_WRONG_ABI "' --list-plugins");
  CHECK(required.status == 2);
  CHECK(contains(required.err, "hnn-host: error: plugin " HNN_FIXTURE_WRONG_ABI
                               " was built for plugin ABI version " +
                                   std::to_string(hnn::kPluginAbiVersion + 41)));
  auto from_path = host("--list-plugins", HNN_FIXTURE_THROWING);
  CHECK(from_path.status == 0);
  CHECK(contains(from_path.err,
                 "hnn-host: warning: plugin 'fixture_throwing' (" HNN_FIXTURE_THROWING
                 ") failed while registering: deliberate failure"));
  CHECK(contains(from_path.out, "spring_mass"));  // the host went on
  auto duplicate = host(kFixture + "--list-plugins", HNN_FIXTURE_DUPLICATE);
  CHECK(duplicate.status == 2);
  CHECK(contains(duplicate.err, "system 'fixture_oscillator' is registered twice"));
}

TEST_CASE("a run writes a complete run folder, refuses to overwrite it, and --force replaces it") {
  const fs::path run = scratch() / "run";
  fs::remove_all(run);
  auto first = host(kFixture + kValid + " --quiet -o '" + run.string() + "'");
  CHECK(first.status == 0);
  CHECK(first.err.empty());
  for (const char* file : {"pipeline.yaml", "summary.yaml", "history.csv", "trajectories.csv",
                           "data.csv", "checkpoints/quadratic.yaml", "checkpoints/baseline.yaml"}) {
    CHECK_MESSAGE(fs::exists(run / file), file);
  }
  for (const auto& entry : fs::recursive_directory_iterator(run)) {
    CHECK_MESSAGE(entry.path().string().find(".tmp") == std::string::npos, entry.path());
  }
  CHECK(contains(read(run / "history.csv"),
                 "epoch,model,stage,train_loss,test_loss,penalty,seconds\n"));
  CHECK(contains(read(run / "pipeline.yaml"), "name: \"fixture_run\""));

  auto again = host(kFixture + kValid + " --quiet -o '" + run.string() + "'");
  CHECK(again.status == 2);
  CHECK(contains(again.err, "the run folder exists and is not empty"));
  auto forced = host(kFixture + kValid + " --quiet --force -o '" + run.string() + "'");
  CHECK(forced.status == 0);
}

TEST_CASE("a run that fails exits 1 and says why") {
  const fs::path run = scratch() / "failing";
  fs::remove_all(run);
  auto failed = host(kFixture + kValid + " --quiet -o '" + run.string() +
                     "' --set data.integrator='{plugin: rk45, max_steps: 1}'");
  CHECK(failed.status == 1);
  CHECK(contains(failed.err, "hnn-host: error: the run failed: "));
  CHECK(fs::exists(run / "pipeline.yaml"));  // what was written is complete
  CHECK_FALSE(fs::exists(run / "summary.yaml"));
}

TEST_CASE("every pipeline in configs/ validates with the bundled plugins, from any directory") {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(HNN_SOURCE_DIR "/configs")) {
    if (entry.path().extension() != ".yaml") continue;
    CAPTURE(entry.path());
    // Run from the scratch folder: paths inside a pipeline are relative to the pipeline.
    const auto check = host("--check '" + entry.path().string() + "'");
    CHECK(check.status == 0);
    CHECK(check.err.empty());
    ++checked;
  }
  CHECK(checked >= 2);
}
