// The data section's source, derivatives and split, through hnn-host: the simulation is the
// default and takes its options from the data section or from data.source (not both); a
// source that needs no system is loaded by --check (a too-short trajectory for the
// estimator, simulation keys beside a file source are refused, located); derivatives are
// estimated where the source gives none and the samples split as data.split says.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "host_command.h"

namespace fs = std::filesystem;

namespace {

using hnn_test::contains;
using hnn_test::read;

fs::path scratch() { return hnn_test::scratch("data_source"); }

hnn_test::Result host(const std::string& arguments) {
  return hnn_test::host("--plugin-dir '" HNN_FIXTURE_GOOD "' " + arguments, "", scratch());
}

std::string pipeline(const std::string& name, const std::string& text) {
  const fs::path file = scratch() / (name + ".yaml");
  std::ofstream(file) << text;
  return file.string();
}

const std::string kSystem = "system: {plugin: fixture_oscillator}\n";
const std::string kRest =
    "training: {optimizer: {plugin: fixture_gradient_descent, epochs: 2}}\n"
    "models: {m: {plugin: fixture_quadratic}}\n"
    "evaluation: {points: 20, integrator: {plugin: fixture_euler}, "
    "reference_integrator: {plugin: fixture_euler}}\n";

// The data rows of data.csv: (train, test).
std::pair<int, int> data_rows(const fs::path& run) {
  std::ifstream csv(run / "data.csv");
  std::string line;
  std::getline(csv, line);  // header
  int train = 0, test = 0;
  while (std::getline(csv, line)) {
    if (line.rfind("train,", 0) == 0) ++train;
    if (line.rfind("test,", 0) == 0) ++test;
  }
  return {train, test};
}

// Runs `file` into a fresh run folder; returns the folder.
fs::path run(const std::string& file) {
  const fs::path folder = scratch() / ("run_" + fs::path(file).stem().string());
  fs::remove_all(folder);
  const auto result = host("--quiet --no-report -o '" + folder.string() + "' '" + file + "'");
  CAPTURE(result.err);
  CHECK(result.status == 0);
  return folder;
}

}  // namespace

TEST_CASE("the simulation is the default source; its options in one place") {
  const auto check = host("--check '" +
                          pipeline("default_source", kSystem +
                                                         "data: {trajectories: 4, points: 10, "
                                                         "integrator: {plugin: fixture_euler}}\n" +
                                                         kRest) +
                          "'");
  CHECK(check.status == 0);
  CHECK(contains(check.out, "  trajectories: 4\n"));
  CHECK(contains(check.out,
                 "  source:\n    plugin: \"simulation\"\n    exact_derivatives: true\n"
                 "  derivatives:\n"));
  // The same options in data.source.
  const auto nested =
      host("--check '" +
           pipeline("nested_source", kSystem +
                                         "data: {source: {plugin: simulation, trajectories: 3, "
                                         "points: 7}, integrator: {plugin: fixture_euler}}\n" +
                                         kRest) +
           "'");
  CHECK(nested.status == 0);
  CHECK(contains(nested.out, "  trajectories: 3\n  time_span: [0.0, 3.0]\n  points: 7\n"));
  const auto twice = host(
      "--check '" +
      pipeline("twice",
               kSystem + "data: {points: 8, source: {plugin: simulation, points: 7}}\n" + kRest) +
      "'");
  CHECK(twice.status == 2);
  CHECK(contains(twice.err,
                 "twice.yaml:2:56: error: data.source.points: the simulation's option "
                 "'points' is also given at data.points"));
}

TEST_CASE("the simulation as a measurement: exact_derivatives false estimates the derivatives") {
  // 4 trajectories of 10 samples; forward differences drop each trajectory's last sample:
  // 36 samples, 18 train (the exact derivatives keep all 40, 20 train).
  const std::string text = kSystem +
                           "data:\n  source: {plugin: simulation, trajectories: 4, points: 10, "
                           "exact_derivatives: false}\n"
                           "  integrator: {plugin: fixture_euler}\n"
                           "  derivatives: {method: forward_difference}\n" +
                           kRest;
  const std::string file = pipeline("measured_simulation", text);
  const auto check = host("--check '" + file + "'");
  CAPTURE(check.err);
  REQUIRE(check.status == 0);
  CHECK(contains(check.out, "    plugin: \"simulation\"\n    exact_derivatives: false\n"));
  // The resolved pipeline (what a run folder's pipeline.yaml holds) keeps it.
  const auto again = host("--check '" + pipeline("measured_simulation_resolved", check.out) + "'");
  CHECK(again.status == 0);
  CHECK(again.out == check.out);
  CHECK(data_rows(run(file)) == std::pair<int, int>{18, 18});
  std::string exact = text;
  exact.replace(exact.find("false"), 5, "true");
  CHECK(data_rows(run(pipeline("exact_simulation", exact))) == std::pair<int, int>{20, 20});
}

TEST_CASE("a source without derivatives: estimated, split, and checked by --check") {
  // 3 circles of 20 samples, forward differences: 19 samples each, 57 in all, the first
  // floor(57 / 2) = 28 train.
  const std::string forward = pipeline(
      "forward", kSystem +
                     "data:\n  source: {plugin: fixture_samples, trajectories: 3, gaps: true}\n"
                     "  derivatives: {method: forward_difference}\n" +
                     kRest);
  const auto check = host("--check '" + forward + "'");
  CAPTURE(check.err);
  CHECK(check.status == 0);
  CHECK(contains(check.out, "  source:\n    plugin: \"fixture_samples\"\n"));
  CHECK_FALSE(contains(check.out, "trajectories: 50"));  // the simulation's keys are left out
  // The resolved pipeline is a pipeline that resolves to itself.
  const auto again = host("--check '" + pipeline("forward_resolved", check.out) + "'");
  CHECK(again.status == 0);
  CHECK(again.out == check.out);
  CHECK(data_rows(run(forward)) == std::pair<int, int>{28, 29});
  // Central differences keep every sample; whole trajectories held out.
  const std::string by_trajectory = pipeline(
      "by_trajectory", kSystem +
                           "data:\n  source: {plugin: fixture_samples, trajectories: 4}\n"
                           "  derivatives: {method: central_difference}\n  split: trajectory\n" +
                           kRest);
  CHECK(data_rows(run(by_trajectory)) == std::pair<int, int>{40, 40});
  // The default estimator needs 15 points per trajectory: refused by --check, located.
  const auto too_short =
      host("--check '" +
           pipeline("too_short",
                    kSystem + "data: {source: {plugin: fixture_samples, points: 10}}\n" + kRest) +
           "'");
  CHECK(too_short.status == 2);
  CHECK(contains(too_short.err,
                 "too_short.yaml:2:16: error: data.source: data source 'fixture_samples': "
                 "trajectory 'fixture trajectory 0': it has 10 samples; the derivative "
                 "estimator savitzky_golay needs at least 15"));
  // The simulation's keys do not apply to another source.
  const auto stray =
      host("--check '" +
           pipeline("stray",
                    kSystem + "data: {points: 10, source: {plugin: fixture_samples}}\n" + kRest) +
           "'");
  CHECK(stray.status == 2);
  CHECK(contains(stray.err,
                 "stray.yaml:2:16: error: data.points: 'points' is an option of the "
                 "simulation source; this pipeline's data source is 'fixture_samples'"));
}

TEST_CASE("a source's trajectories must have the system's dimension") {
  const auto wrong = host("--check '" +
                          pipeline("wrong_dimension",
                                   "system: {plugin: henon_heiles}\n"
                                   "data: {source: {plugin: fixture_samples, with_derivatives: "
                                   "true}}\n" +
                                       kRest) +
                          "'");
  CHECK(wrong.status == 2);
  CHECK(contains(wrong.err,
                 "wrong_dimension.yaml:2:16: error: data.source: data source "
                 "'fixture_samples': the source's trajectories have 2 coordinates, "
                 "the system has 4"));
  // The simulation needs a system (only a file source makes `system:` optional).
  const auto no_system =
      host("--check '" + pipeline("no_system", "data: {trajectories: 2}\n" + kRest) + "'");
  CHECK(no_system.status == 2);
  CHECK(contains(no_system.err, "error: system: missing required section"));
}
