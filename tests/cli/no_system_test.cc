// A pipeline without `system:` (issue 13 item 5): with a source that needs no system the
// section is optional, the models take their sizes from the data, and the evaluation rolls
// every model out from the first state of every held-out piece over its measured times,
// against the measurements, with the energy error of a reference Hamiltonian when one is
// given. What only a system can do (energy trials) is refused by --check, located, as is a
// reference Hamiltonian beside a system or of the wrong dimension; the symbolic stage runs
// without its verification (issue 14 item 5).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hnn/host/run_summary_reader.h"
#include "host_command.h"

namespace fs = std::filesystem;

namespace {

using hnn_test::contains;

fs::path scratch() { return hnn_test::scratch("no_system"); }

hnn_test::Result host(const std::string& arguments) {
  return hnn_test::host("--plugin-dir '" HNN_FIXTURE_GOOD "' " + arguments, "", scratch());
}

std::string pipeline(const std::string& name, const std::string& text) {
  const fs::path file = scratch() / (name + ".yaml");
  std::ofstream(file) << text;
  return file.string();
}

// Two circles of the unit oscillator with exact derivatives: the first trains, the second
// (20 samples) is the one held-out piece.
const std::string kData =
    "data: {source: {plugin: fixture_samples, trajectories: 2, points: 20, with_derivatives: "
    "true}}\n";
const std::string kTraining =
    "training: {optimizer: {plugin: fixture_gradient_descent, epochs: 3}}\n"
    "models: {m: {plugin: fixture_quadratic}}\n";
const std::string kIntegrator = "integrator: {plugin: fixture_euler}";
const std::string kReference =
    "reference_hamiltonian: {plugin: expression, hamiltonian: \"(q^2 + p^2)/2\"}";

void check_refuses(const std::string& file, const std::string& message) {
  const auto check = host("--check '" + file + "'");
  CAPTURE(check.err);
  CHECK(check.status == 2);
  CHECK(contains(check.err, message));
}

}  // namespace

TEST_CASE("without a system: the models are sized by the data and evaluated against it") {
  const std::string file = pipeline(
      "measured", kData + kTraining + "evaluation: {" + kIntegrator + ", " + kReference + "}\n");
  const auto check = host("--check '" + file + "'");
  CAPTURE(check.err);
  REQUIRE(check.status == 0);
  CHECK_FALSE(contains(check.out, "\nsystem:"));
  CHECK(contains(check.out, "  reference_hamiltonian:\n    plugin: \"expression\"\n"));

  const fs::path folder = scratch() / "run_measured";
  fs::remove_all(folder);
  // With the report: a run without a system must not break it.
  const auto run = host("--quiet -o '" + folder.string() + "' '" + file + "'");
  CAPTURE(run.err);
  REQUIRE(run.status == 0);
  CHECK(fs::exists(folder / "report.html"));
  // The report's figure of the rollouts against the measurements.
  CHECK(fs::exists(folder / "figures" / "measured_rollouts.svg"));
  CHECK(hnn_test::read(folder / "report.html").find("Rollouts against the measurements") !=
        std::string::npos);
  CHECK(fs::exists(folder / "measured_trajectories.csv"));
  CHECK_FALSE(fs::exists(folder / "trajectories.csv"));
  const hnn::RunSummary summary = hnn::read_run_summary(folder / "summary.yaml");
  CHECK(summary.system.empty());
  CHECK(summary.evaluated());
  REQUIRE(summary.measured);
  CHECK(summary.measured->pieces == 1);
  CHECK(summary.measured->samples == 20);
  CHECK(summary.measured->integrator == "fixture_euler");
  CHECK_FALSE(summary.measured->reference_hamiltonian.empty());
  REQUIRE(summary.models.size() == 1);
  const hnn::ModelSummary& m = summary.models[0];
  REQUIRE(m.measured_mse);
  CHECK(std::isfinite(m.measured_mse->mean));
  CHECK(m.measured_mse->max >= m.measured_mse->mean);
  // The rollout starts at the measured first state: no error at the first time.
  REQUIRE(m.reference_energy_mse);
  CHECK(m.reference_energy_mse->samples == 20);
  CHECK(std::isfinite(m.reference_energy_mse->mean));
  CHECK(std::isfinite(m.reference_energy_mse->error));
  CHECK_FALSE(m.trajectory_mse);
  // The measured table: piece, t, the two coordinates and their reference H, the model's
  // two, the reference H along its rollout and its own H (issue 14's energy flow); 20 rows.
  std::ifstream csv(folder / "measured_trajectories.csv");
  std::string header;
  std::getline(csv, header);
  CHECK(header == "piece,t,q,p,measured_energy,m_q,m_p,m_energy,m_H");
  // measured_mse recomputed from the table: per row the mean over (q, p) of the squared
  // difference between the rollout and the measurement, then its mean, max and last value;
  // the reference energy error is the mean of (H_ref(measured) - H_ref(rollout))^2.
  int rows = 0;
  double mean = 0, max = 0, final = 0, energy_mean = 0;
  for (std::string line; std::getline(csv, line); ++rows) {
    std::vector<double> v;
    std::stringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) v.push_back(std::stod(cell));
    REQUIRE(v.size() == 9);
    final = ((v[5] - v[2]) * (v[5] - v[2]) + (v[6] - v[3]) * (v[6] - v[3])) / 2;
    mean += final;
    max = std::max(max, final);
    energy_mean += (v[4] - v[7]) * (v[4] - v[7]);
  }
  REQUIRE(rows == 20);
  mean /= rows;
  energy_mean /= rows;
  CHECK(max > mean);  // the rollout starts on the first measurement: the error grows
  CHECK(m.measured_mse->mean == doctest::Approx(mean).epsilon(1e-12));
  CHECK(m.measured_mse->max == doctest::Approx(max).epsilon(1e-12));
  CHECK(m.measured_mse->final == doctest::Approx(final).epsilon(1e-12));
  CHECK(m.reference_energy_mse->mean == doctest::Approx(energy_mean).epsilon(1e-12));
}

TEST_CASE("without a reference Hamiltonian there is no energy error") {
  const std::string file =
      pipeline("no_reference", kData + kTraining + "evaluation: {" + kIntegrator + "}\n");
  const fs::path folder = scratch() / "run_no_reference";
  fs::remove_all(folder);
  const auto run = host("--quiet --no-report -o '" + folder.string() + "' '" + file + "'");
  CAPTURE(run.err);
  REQUIRE(run.status == 0);
  const hnn::RunSummary summary = hnn::read_run_summary(folder / "summary.yaml");
  REQUIRE(summary.measured);
  CHECK(summary.measured->reference_hamiltonian.empty());
  CHECK(summary.models[0].measured_mse);
  CHECK_FALSE(summary.models[0].reference_energy_mse);
}

TEST_CASE("--check refuses what needs a system in a pipeline without one") {
  check_refuses(pipeline("trials", kData + kTraining + "evaluation: {energy_trials: 5, " +
                                       kIntegrator + "}\n"),
                "trials.yaml:4:29: error: evaluation.energy_trials: the energy trials roll out "
                "the system from random initial states; this pipeline has no system");
  check_refuses(
      pipeline("reference_dimension",
               kData + kTraining +
                   "evaluation: {reference_hamiltonian: {plugin: expression, hamiltonian: "
                   "\"q1 + q2 + p1 + p2\", coordinates: [q1, q2, p1, p2]}}\n"),
      "reference_dimension.yaml:4:37: error: evaluation.reference_hamiltonian: the reference "
      "Hamiltonian has 4 coordinates (q1, q2, p1, p2), the data have 2 (q, p)");
  check_refuses(
      pipeline("reference_formula",
               kData + kTraining +
                   "evaluation: {reference_hamiltonian: {plugin: expression, hamiltonian: "
                   "\"q +\"}}\n"),
      "error: evaluation.reference_hamiltonian.hamiltonian: system 'expression' rejects its "
      "options");
  check_refuses(pipeline("reference_beside_system",
                         "system: {plugin: fixture_oscillator}\n"
                         "data: {trajectories: 2, points: 10, integrator: {plugin: "
                         "fixture_euler}}\n" +
                             kTraining + "evaluation: {" + kIntegrator + ", " + kReference + "}\n"),
                "reference_beside_system.yaml:5:74: error: evaluation.reference_hamiltonian: a "
                "reference Hamiltonian is for pipelines without a system");
}

TEST_CASE("without a system the symbolic stage fits and evaluates its formula, unverified") {
  const std::string file = pipeline("symbolic", kData +
                                                    "training: {optimizer: {plugin: "
                                                    "fixture_gradient_descent, epochs: 3}}\n"
                                                    "models:\n  k:\n    plugin: kan\n"
                                                    "    symbolic: {samples: all}\n"
                                                    "evaluation: {" +
                                                    kIntegrator + "}\n");
  const fs::path folder = scratch() / "run_symbolic";
  fs::remove_all(folder);
  const auto run = host("--quiet --no-report -o '" + folder.string() + "' '" + file + "'");
  CAPTURE(run.err);
  REQUIRE(run.status == 0);
  const hnn::RunSummary summary = hnn::read_run_summary(folder / "summary.yaml");
  REQUIRE(summary.models.size() == 2);
  REQUIRE(summary.models[0].symbolic);
  CHECK_FALSE(summary.models[0].symbolic->formulas.empty());
  CHECK_FALSE(summary.models[0].symbolic->verification);  // nothing to verify against
  CHECK(fs::exists(folder / "symbolic" / "k.yaml"));
  CHECK(summary.models[1].name == "k_symbolic");
  CHECK(summary.models[1].measured_mse);
}

TEST_CASE("--check refuses a split that leaves nothing to roll out from, as the run does") {
  // With seed 2 the random split holds out samples 0 and 2 of 4: no two consecutive ones.
  const std::string data =
      "data: {seed: 2, split: random, source: {plugin: fixture_samples, trajectories: 1, "
      "points: 4, with_derivatives: true}}\n";
  const std::string message =
      "isolated.yaml:4:13: error: evaluation.enabled: without a system the evaluation rolls "
      "the models out from the held-out pieces of the data, and this split holds out no 2 "
      "consecutive samples";
  const std::string file =
      pipeline("isolated", data + kTraining + "evaluation: {" + kIntegrator + "}\n");
  check_refuses(file, message);
  const fs::path folder = scratch() / "run_isolated";
  fs::remove_all(folder);
  const auto run = host("--quiet -o '" + folder.string() + "' '" + file + "'");
  CHECK(run.status == 2);
  CHECK(contains(run.err, message));
  CHECK_FALSE(fs::exists(folder));
  // Without evaluation the same data train.
  const auto unevaluated = host(
      "--check '" +
      pipeline("isolated_unevaluated", data + kTraining + "evaluation: {enabled: false}\n") + "'");
  CHECK(unevaluated.status == 0);
}

TEST_CASE("an unknown data source is reported as such, not also as a missing system") {
  const auto check = host(
      "--check '" +
      pipeline("unknown_source", "data: {source: {plugin: no_such_source}}\n" + kTraining) + "'");
  CHECK(check.status == 2);
  CHECK(contains(check.err, "unknown data source 'no_such_source'"));
  CHECK_FALSE(contains(check.err, "system: missing required section"));
}
