// The real pendulum beyond the HNN paper (issue 14 items 4 and 5), end to end through
// hnn-host on the measured Schmidt & Lipson pendulum (data/lipson/real_pend_h_1.txt):
// configs/real_pendulum_dissipative.yaml as it stands (the dissipative HNNs beside the
// paper's baseline and conservative HNN, about 2.5 min on 2 cores: MLPs of 2-32-32 do not
// keep the full size's ordering, the baseline's rollout then wins), its baseline, HNN and
// constant damping at four more seeds (about 5 min more), and the KAN's closed-form H of
// configs/real_pendulum_kan.yaml beside a direct least-squares fit of the pendulum equation.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hnn/host/run_summary_reader.h"
#include "hnn/symbolic/formula_parser.h"
#include "host_run.h"
#include "trigonometric_terms.h"

namespace fs = std::filesystem;
using hnn::testing::host;
using hnn::testing::scratch;

namespace {

const std::string kPendulumFile = HNN_SOURCE_DIR "/data/lipson/real_pend_h_1.txt";

// The measured states of the file: times, theta, omega.
struct Measurements {
  std::vector<double> t, theta, omega;
};

Measurements read_measurements() {
  std::ifstream file(kPendulumFile);
  Measurements m;
  for (std::string line; std::getline(file, line);) {
    if (line.empty() || line[0] == '%') continue;
    std::istringstream row(line);
    double trial, t, theta, omega;
    row >> trial >> t >> theta >> omega;
    m.t.push_back(t);
    m.theta.push_back(theta);
    m.omega.push_back(omega);
  }
  return m;
}

// The direct least-squares fit of the pendulum equation to the measurements (spec
// real_data.md section 1): forward differences on the steps with dt < 0.2 s,
// domega/dt ~ -omega0^2 sin(theta) - gamma omega and dtheta/dt ~ c omega, the right-hand
// sides at the step's midpoint (x_i + x_i+1) / 2, where the forward difference is the
// derivative to second order. (At x_i instead, the difference's first-order error
// dt/2 * d^2x/dt^2 adds about dt/2 * omega0^2 ~ 0.1 s^-1 to gamma: 0.104 instead of 0.009.)
struct PendulumFit {
  double omega0_squared, gamma, c;
};

PendulumFit fit_pendulum_equation(const Measurements& m) {
  std::vector<Eigen::Index> steps;
  for (std::size_t i = 0; i + 1 < m.t.size(); ++i) {
    if (m.t[i + 1] - m.t[i] < 0.2) steps.push_back(Eigen::Index(i));
  }
  const auto n = Eigen::Index(steps.size());
  Eigen::MatrixXd a(n, 2);
  Eigen::VectorXd domega(n), dtheta(n), omega(n);
  for (Eigen::Index k = 0; k < n; ++k) {
    const auto i = std::size_t(steps[std::size_t(k)]);
    const double dt = m.t[i + 1] - m.t[i];
    const double theta = (m.theta[i] + m.theta[i + 1]) / 2;
    omega(k) = (m.omega[i] + m.omega[i + 1]) / 2;
    a(k, 0) = -std::sin(theta);
    a(k, 1) = -omega(k);
    domega(k) = (m.omega[i + 1] - m.omega[i]) / dt;
    dtheta(k) = (m.theta[i + 1] - m.theta[i]) / dt;
  }
  const Eigen::Vector2d coefficients = a.colPivHouseholderQr().solve(domega);
  const double c = omega.dot(dtheta) / omega.squaredNorm();
  return {coefficients(0), coefficients(1), c};
}

// The fields of a CSV line.
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream row(line);
  for (std::string field; std::getline(row, field, ',');) fields.push_back(field);
  return fields;
}

// The energy-loss ratio of `model` over the test span, from the run's
// measured_trajectories.csv (one held-out piece): (E_model(start) - E_model(end)) /
// (E_meas(start) - E_meas(end)), with E the evaluation's reference Hamiltonian
// H_a = 2.4 (1 - cos theta) + omega^2 on the model's rollout resp. the measured states, and
// E(start), E(end) the means of E over the first and the last quarter of the test span's
// time.
double energy_loss_ratio(const fs::path& run, const std::string& model) {
  std::ifstream csv(run / "measured_trajectories.csv");
  std::string line;
  std::getline(csv, line);
  const std::vector<std::string> header = split_csv(line);
  auto column = [&](const std::string& name) {
    const auto found = std::find(header.begin(), header.end(), name);
    REQUIRE(found != header.end());
    return std::size_t(found - header.begin());
  };
  const std::size_t t = column("t"), theta = column("o"), omega = column("v"),
                    model_theta = column(model + "_o"), model_omega = column(model + "_v");
  std::vector<double> times, measured, rolled;
  auto energy = [](double q, double p) { return 2.4 * (1 - std::cos(q)) + p * p; };
  while (std::getline(csv, line)) {
    const std::vector<std::string> f = split_csv(line);
    times.push_back(std::stod(f[t]));
    measured.push_back(energy(std::stod(f[theta]), std::stod(f[omega])));
    rolled.push_back(energy(std::stod(f[model_theta]), std::stod(f[model_omega])));
  }
  REQUIRE(times.size() > 8);
  const double quarter = (times.back() - times.front()) / 4;
  auto loss = [&](const std::vector<double>& e) {
    double start = 0, end = 0;
    int starts = 0, ends = 0;
    for (std::size_t k = 0; k < times.size(); ++k) {
      if (times[k] <= times.front() + quarter) start += e[k], ++starts;
      if (times[k] >= times.back() - quarter) end += e[k], ++ends;
    }
    return start / starts - end / ends;
  };
  return loss(rolled) / loss(measured);
}

const hnn::ModelSummary& model_named(const hnn::RunSummary& summary, const std::string& name) {
  for (const auto& model : summary.models) {
    if (model.name == name) return model;
  }
  FAIL("no model " << name);
  return summary.models.front();
}

// configs/real_pendulum_dissipative.yaml as it stands, run once per test program.
const fs::path& config_run() {
  static const fs::path run = [] {
    const fs::path folder = scratch("real_pendulum_dissipative");
    REQUIRE(host("'" HNN_SOURCE_DIR "/configs/real_pendulum_dissipative.yaml' --no-report -o '" +
                 folder.string() + "'") == 0);
    return folder;
  }();
  return run;
}

}  // namespace

TEST_CASE("the pendulum equation fitted to the measurements: the spec's sanity values") {
  const PendulumFit fit = fit_pendulum_equation(read_measurements());
  MESSAGE("least squares: omega0^2 = " << fit.omega0_squared << " s^-2, gamma = " << fit.gamma
                                       << " s^-1, dtheta/dt = " << fit.c << " omega");
  CHECK(std::abs(fit.omega0_squared / 1.29 - 1) < 0.01);
  CHECK(std::abs(fit.gamma / 0.009 - 1) < 0.1);
  CHECK(std::abs(fit.c / 1.05 - 1) < 0.01);
}

TEST_CASE("dissipative HNNs on the real pendulum beat the paper's baseline and HNN") {
  const fs::path& run = config_run();
  const hnn::RunSummary summary = hnn::read_run_summary(run / "summary.yaml");
  CHECK(summary.data.train_samples == 444);
  CHECK(summary.data.test_samples == 112);
  const hnn::ModelSummary& baseline = model_named(summary, "baseline");
  const hnn::ModelSummary& hnn = model_named(summary, "hnn");
  REQUIRE(baseline.measured_mse);
  REQUIRE(hnn.measured_mse);
  for (const std::string name : {"baseline", "hnn", "constant", "state", "dhnn"}) {
    const hnn::ModelSummary& model = model_named(summary, name);
    REQUIRE(model.measured_mse);
    MESSAGE(name << ": test loss " << model.final_test_loss << ", measured rollout MSE "
                 << model.measured_mse->mean << ", energy-loss ratio "
                 << energy_loss_ratio(run, name) << ", damping rate "
                 << (model.dissipation ? model.dissipation->damping_rate : 0.0));
  }
  // The two that win on every count: the constant damping and the D-HNN. Not asserted for
  // one seed: the constant damping's test loss below the HNN's. The two are within the
  // seeds' spread of each other (README: the HNN wins 2 seeds of 5), so which is lower after
  // 2001 chaotic Adam steps depends on rounding: at seed 0, 0.180 vs 0.221 (x1e-3) on one
  // machine, 0.207 vs 0.194 on another with the same build. The mean over five seeds is
  // asserted below.
  for (const std::string name : {"constant", "dhnn"}) {
    CAPTURE(name);
    const hnn::ModelSummary& model = model_named(summary, name);
    CHECK(model.final_test_loss < baseline.final_test_loss);
    if (name == "dhnn") CHECK(model.final_test_loss < hnn.final_test_loss);
    CHECK(model.measured_mse->mean < baseline.measured_mse->mean);
    CHECK(model.measured_mse->mean < hnn.measured_mse->mean);
    CHECK(std::abs(energy_loss_ratio(run, name) - 1) <= 0.2);
  }
  // The conservative HNN keeps its energy: it loses almost none of what the pendulum loses.
  CHECK(std::abs(energy_loss_ratio(run, "hnn")) < 0.2);
}

TEST_CASE("over five initialisations the constant damping wins on average and every rollout") {
  // Seed 0 is the config as it stands; seeds 1 to 4 run the baseline, the HNN and the
  // constant damping alone: the final test loss after the paper's 2001 Adam steps moves with the
  // initialisation by about 0.02e-3 for the HNN (Adam's last steps oscillate), so the test
  // loss is compared as a mean over the seeds, the rollout and the energy loss per seed.
  struct Sample {
    double baseline_test, hnn_test, constant_test;
  };
  std::vector<Sample> samples;
  for (int seed = 0; seed <= 4; ++seed) {
    CAPTURE(seed);
    fs::path run = config_run();
    if (seed > 0) {
      YAML::Node pipeline =
          YAML::LoadFile(HNN_SOURCE_DIR "/configs/real_pendulum_dissipative.yaml");
      pipeline["data"]["source"]["file"] = kPendulumFile;
      pipeline["models"].remove("state");
      pipeline["models"].remove("dhnn");
      for (const std::string name : {"baseline", "hnn", "constant"}) {
        pipeline["models"][name]["seed"] = seed;
      }
      const fs::path folder = scratch("real_pendulum_seed" + std::to_string(seed));
      fs::create_directories(folder);
      std::ofstream(folder / "pipeline.yaml") << YAML::Dump(pipeline) << "\n";
      std::string arguments = "'";  // (appended: GCC 12 warns -Wrestrict on "'" + path)
      arguments += (folder / "pipeline.yaml").string();
      arguments += "' --no-report -o '";
      arguments += (folder / "run").string();
      arguments += "'";
      REQUIRE(host(arguments) == 0);
      run = folder / "run";
    }
    const hnn::RunSummary summary = hnn::read_run_summary(run / "summary.yaml");
    const hnn::ModelSummary& baseline = model_named(summary, "baseline");
    const hnn::ModelSummary& hnn = model_named(summary, "hnn");
    const hnn::ModelSummary& constant = model_named(summary, "constant");
    REQUIRE(baseline.measured_mse);
    REQUIRE(hnn.measured_mse);
    REQUIRE(constant.measured_mse);
    MESSAGE("seed " << seed << ": test loss baseline " << baseline.final_test_loss << ", hnn "
                    << hnn.final_test_loss << ", constant " << constant.final_test_loss
                    << "; rollout MSE " << baseline.measured_mse->mean << ", "
                    << hnn.measured_mse->mean << ", " << constant.measured_mse->mean);
    CHECK(constant.measured_mse->mean < 0.5 * hnn.measured_mse->mean);
    CHECK(constant.measured_mse->mean < 0.5 * baseline.measured_mse->mean);
    CHECK(std::abs(energy_loss_ratio(run, "constant") - 1) <= 0.2);
    samples.push_back({baseline.final_test_loss, hnn.final_test_loss, constant.final_test_loss});
  }
  double baseline_mean = 0, hnn_mean = 0, constant_mean = 0;
  for (const Sample& sample : samples) {
    baseline_mean += sample.baseline_test / double(samples.size());
    hnn_mean += sample.hnn_test / double(samples.size());
    constant_mean += sample.constant_test / double(samples.size());
  }
  MESSAGE("mean test loss over the seeds: baseline " << baseline_mean << ", hnn " << hnn_mean
                                                     << ", constant " << constant_mean);
  CHECK(constant_mean < hnn_mean);
  CHECK(constant_mean < baseline_mean);
}

TEST_CASE("the KAN's closed-form H of the measured pendulum: a w^2 + b (1 - cos theta)") {
  const fs::path run = scratch("real_pendulum_kan");
  REQUIRE(host("'" HNN_SOURCE_DIR "/configs/real_pendulum_kan.yaml' --no-report -o '" +
               run.string() + "'") == 0);
  const hnn::RunSummary summary = hnn::read_run_summary(run / "summary.yaml");
  const hnn::ModelSummary& kan = model_named(summary, "kan");
  REQUIRE(kan.symbolic);
  const hnn::SymbolicSummary& symbolic = *kan.symbolic;
  CHECK_FALSE(symbolic.verification);  // no system: nothing to verify against
  std::string formula;
  for (const auto& output : symbolic.formulas) {
    if (output.output == symbolic.hamiltonian_output) formula = output.text_full;
  }
  REQUIRE_FALSE(formula.empty());

  // With the natural functions (x^2 on omega, cos on theta, a kept at 1) the formula is
  // a w^2 + c w - b cos(theta + phase) + const, read off its expansion.
  const GiNaC::realsymbol o("o"), v("v");
  const hnn::symbolic::FormulaNames names{{{"o", o}, {"v", v}}, {"coordinates: o, v"}};
  const GiNaC::ex h = hnn::symbolic::parse_formula(formula, names, "H").expand();
  CHECK(h.degree(v) == 2);
  const double a = hnn::testing::number_of(h.coeff(v, 2));
  CHECK(std::abs(hnn::testing::number_of(h.coeff(v, 1))) < 0.01 * a);
  const auto cosines = hnn::testing::trigonometric_terms(h.coeff(v, 0), o, "cos");
  REQUIRE(cosines.size() == 1);
  const double b = -cosines[0].amplitude;
  CHECK(std::abs(cosines[0].frequency - 1) <= 0.001 + 1e-12);  // the search's range of a
  CHECK(std::abs(cosines[0].phase) <= 0.1);

  // The learned damping D acts on dH/domega = 2a omega: the rate beside gamma is 2aD.
  REQUIRE(kan.dissipation);
  const double damping = kan.dissipation->damping_matrix.at(0);
  const PendulumFit fit = fit_pendulum_equation(read_measurements());
  MESSAGE("H = " << formula);
  MESSAGE("H = " << a << " w^2 + " << b << " (1 - cos(" << cosines[0].frequency << " theta + "
                 << cosines[0].phase << ")) + const");
  MESSAGE("2ab = " << 2 * a * b
                   << " s^-2 against the least-squares omega0^2 = " << fit.omega0_squared
                   << " (b = " << b << ", c omega0^2 = " << fit.c * fit.omega0_squared << ")");
  MESSAGE("damping rate 2aD = " << 2 * a * damping << " s^-1 (D = " << damping
                                << ") against the least-squares gamma = " << fit.gamma);
  CHECK(std::abs(2 * a * b / fit.omega0_squared - 1) < 0.05);
  CHECK(std::abs(2 * a * damping / fit.gamma - 1) < 0.2);
}
