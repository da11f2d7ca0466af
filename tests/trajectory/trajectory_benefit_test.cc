// What training through an integrator buys (issue 15 items 4 and 6), end to end through
// hnn-host, measured as a benchmark would be but asserted: on coarse noisy spring and
// pendulum data (configs/spring_coarse_noisy.yaml, configs/pendulum_coarse_noisy.yaml:
// dt = 0.3, noise 0.05 on the states, no derivatives) the MLP-HNN trained through RK4 rolls
// out from the evaluation's initial state over [0, 20] with a far lower MSE against the
// truth than the same MLP-HNN trained on estimated derivatives, by forward differences and
// by the best of the other estimators (each run here); on clean data at dt = 0.1 it reaches
// the test loss of the HNN on exact derivatives; the spring's KAN trained the same way still reads
// as H = q^2 + p^2 + const; on the measured pendulum (configs/real_pendulum_trajectory.yaml)
// its rollouts over the held-out measurements beat the derivative-trained HNN's.
// Labelled slow: 96 s on 2 cores (Release, measured on the idle development machine).
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../end_to_end/host_run.h"
#include "bundled_plugins.h"
#include "hnn/symbolic/formula_parser.h"
#include "trigonometric_terms.h"

namespace fs = std::filesystem;
using hnn::testing::host;
using hnn::testing::scratch;

namespace {

// Runs the pipeline file `file` into <scratch>/run; returns its summary's models.
YAML::Node run_file(const fs::path& folder, const fs::path& file) {
  fs::create_directories(folder);
  const fs::path run = folder / "run";
  std::string arguments = "--no-report '";
  arguments.append(file.string()).append("' -o '").append(run.string()).append("'");
  REQUIRE(host(arguments) == 0);
  return YAML::LoadFile((run / "summary.yaml").string())["models"];
}

// The run folder run_models(name, ...) writes.
fs::path scratch_run(const std::string& name) {
  return fs::path(HNN_BINARY_DIR) / "tests" / "end_to_end" / ("trajectory_benefit_" + name) / "run";
}

// Runs `pipeline` (written to <scratch>/pipeline.yaml; it must not name files relative
// to its config) into <scratch>/run; returns its summary's models.
YAML::Node run_models(const std::string& name, const YAML::Node& pipeline) {
  const fs::path folder = scratch("trajectory_benefit_" + name);
  fs::create_directories(folder);
  const fs::path file = folder / "pipeline.yaml";
  {
    YAML::Emitter out;
    out << pipeline;
    std::ofstream(file) << out.c_str() << "\n";
  }
  return run_file(folder, file);
}

double rollout_mse(const YAML::Node& models, const std::string& model) {
  return models[model]["trajectory_mse"]["mean"].as<double>();
}

YAML::Node load_config(const std::string& name) {
  return YAML::LoadFile(std::string(HNN_SOURCE_DIR "/configs/") + name);
}

// Keeps only the models named in `keep`.
void keep_models(YAML::Node& pipeline, const std::vector<std::string>& keep) {
  std::vector<std::string> names;
  for (const auto& entry : pipeline["models"]) names.push_back(entry.first.as<std::string>());
  for (const std::string& name : names) {
    if (std::find(keep.begin(), keep.end(), name) == keep.end()) pipeline["models"].remove(name);
  }
}

struct Estimator {
  std::string label, method;
  int window = 0, degree = 0;
};

// The estimators of data.derivatives besides forward differences: central differences and
// Savitzky-Golay filters from the narrowest to the default (15, 4); at dt = 0.3 a period
// of the spring is about 10 samples, so the wide windows bend the curve.
const std::vector<Estimator> kOtherEstimators = {{"central_difference", "central_difference"},
                                                 {"savitzky_golay_5_2", "savitzky_golay", 5, 2},
                                                 {"savitzky_golay_7_3", "savitzky_golay", 7, 3},
                                                 {"savitzky_golay_9_4", "savitzky_golay", 9, 4},
                                                 {"savitzky_golay_15_4", "savitzky_golay", 15, 4}};

// The coarse noisy config as it stands (forward differences), then its HNN alone on every
// other estimator: the trajectory-trained HNN's rollout MSE is >= 10x lower than the HNN's
// on forward differences and >= 3x lower than on the best estimator. Returns the first
// run's models.
YAML::Node check_benefit(const std::string& config, const std::string& name) {
  const YAML::Node models = run_models(name, load_config(config));
  const double forward = rollout_mse(models, "hnn");
  const double trajectory = rollout_mse(models, "trajectory");
  double best = forward;
  std::string best_label = "forward_difference";
  for (const Estimator& estimator : kOtherEstimators) {
    YAML::Node pipeline = load_config(config);
    keep_models(pipeline, {"hnn"});
    YAML::Node derivatives;
    derivatives["method"] = estimator.method;
    if (estimator.window > 0) {
      derivatives["window"] = estimator.window;
      derivatives["degree"] = estimator.degree;
    }
    pipeline["data"]["derivatives"] = derivatives;
    const double mse = rollout_mse(run_models(name + "_" + estimator.label, pipeline), "hnn");
    MESSAGE(name << ": HNN on " << estimator.label << ": rollout MSE " << mse);
    if (mse < best) {
      best = mse;
      best_label = estimator.label;
    }
  }
  MESSAGE(name << ": rollout MSE over [0, 20]: trajectory-trained HNN " << trajectory
               << ", HNN on forward differences " << forward << " (" << forward / trajectory
               << "x), on the best estimator (" << best_label << ") " << best << " ("
               << best / trajectory << "x)");
  CHECK(10 * trajectory <= forward);
  CHECK(3 * trajectory <= best);
  return models;
}

// The field error of a run's MLP-HNN (H its output 1, the default hamiltonian_output) on the test
// split of data.csv, which holds the exact derivatives: the mean over samples and coordinates of (J
// grad H - dx/dt)^2, i.e. the HNN objective's test loss (the derivative-trained model's
// final_test_loss, checked by the caller).
double test_field_mse(const fs::path& run, const std::string& model_name,
                      const std::vector<std::int64_t>& hidden) {
  static const hnn::testing::BundledPlugins plugins({"hnn_mlp"});
  const auto model = plugins.model(
      "mlp", {{"inputs", std::int64_t{2}}, {"outputs", std::int64_t{2}}, {"hidden", hidden}});
  const YAML::Node checkpoint =
      YAML::LoadFile((run / "checkpoints" / (model_name + ".yaml")).string());
  const auto values = checkpoint["parameters"].as<std::vector<double>>();
  REQUIRE(long(values.size()) == model->parameter_count());
  model->set_parameters(
      Eigen::Map<const Eigen::VectorXd>(values.data(), Eigen::Index(values.size())));

  std::vector<double> rows;  // q, p, dq/dt, dp/dt of every test sample
  std::ifstream csv(run / "data.csv");
  std::string line;
  std::getline(csv, line);
  REQUIRE(line == "split,trajectory,t,q,p,dq_dt,dp_dt");
  while (std::getline(csv, line)) {
    if (line.rfind("test,", 0) != 0) continue;
    std::stringstream fields(line);
    std::string field;
    for (int column = 0; std::getline(fields, field, ','); ++column) {
      if (column >= 3) rows.push_back(std::stod(field));
    }
  }
  const Eigen::Map<const Eigen::MatrixXd> samples(rows.data(), 4, Eigen::Index(rows.size() / 4));
  REQUIRE(samples.cols() > 0);
  model->forward(samples.topRows(2));
  Eigen::MatrixXd gradient(2, samples.cols());
  model->input_gradient(1, gradient);
  Eigen::MatrixXd field(2, samples.cols());
  field.row(0) = gradient.row(1);   // dq/dt = dH/dp
  field.row(1) = -gradient.row(0);  // dp/dt = -dH/dq
  return (field - samples.bottomRows(2)).squaredNorm() / double(field.size());
}

// The same config on clean data at dt = 0.1 (30 samples over [0, 2.9]) with the exact
// derivatives, no regression (both trained alike, below): over the models' seeds 0-5, the
// geometric mean of the trajectory-trained HNN's field error on the test split (the HNN
// objective's test loss) is at most `factor` times that of the HNN trained on the exact
// derivatives. On clean data the trajectory objective fits one measured step ahead from every
// sample (k = 1): windows of k steps average noise, but on clean data they converge more
// slowly (the residual at step j sums j steps' field errors, so errors that change along the
// trajectory weigh less than in the HNN objective). Measured at f8ae215 over seeds 0-5, 2000
// epochs: k = 1 spring 0.84-1.78 (geometric mean 1.22), pendulum 1.05-1.38 (1.19); the
// spring with k = 2 1.72, with k = 4 (stride 4) 3.1 (docs/trajectory_training.md). One
// seed's ratio moves a lot between builds, hence the mean.
void check_no_regression(const std::string& config, const std::string& name, double factor) {
  YAML::Node pipeline = load_config(config);
  keep_models(pipeline, {"hnn", "trajectory"});
  YAML::Node source = pipeline["data"]["source"];
  source["noise_std"] = 0.0;
  source["exact_derivatives"] = true;
  source["time_span"] = std::vector<double>{0.0, 2.9};
  // Both trained alike: L-BFGS with eigenvalue scaling (the trajectory objective is about
  // dt^2 times the field error here), 2000 epochs.
  for (YAML::Node optimizer : {pipeline["training"]["optimizer"],
                               pipeline["models"]["trajectory"]["training"]["optimizer"]}) {
    optimizer["epochs"] = 2000;
    optimizer["eigenvalue_scaling"] = true;
  }
  YAML::Node windows = pipeline["models"]["trajectory"]["training"]["trajectory"];
  windows["steps"] = 1;
  windows["stride"] = 1;
  const std::vector<std::int64_t> hidden =
      pipeline["models"]["hnn"]["hidden"].as<std::vector<std::int64_t>>();
  double log_ratio_sum = 0.0;
  const std::vector<int> seeds = {0, 1, 2, 3, 4, 5};
  for (int seed : seeds) {
    pipeline["models"]["hnn"]["seed"] = seed;
    pipeline["models"]["trajectory"]["seed"] = seed;
    const std::string run_name = name + "_clean_seed" + std::to_string(seed);
    const YAML::Node models = run_models(run_name, pipeline);
    const fs::path run = scratch_run(run_name);
    const double exact_field = test_field_mse(run, "hnn", hidden);
    CHECK(exact_field ==
          doctest::Approx(models["hnn"]["final_test_loss"].as<double>()).epsilon(1e-9));
    const double trajectory_field = test_field_mse(run, "trajectory", hidden);
    REQUIRE(exact_field > 0.0);
    REQUIRE(trajectory_field > 0.0);
    log_ratio_sum += std::log(trajectory_field / exact_field);
    MESSAGE(name << ", clean, dt = 0.1, seed " << seed << ": test field MSE trajectory-trained "
                 << trajectory_field << ", HNN on exact derivatives " << exact_field << " ("
                 << trajectory_field / exact_field << "x); rollout MSE "
                 << rollout_mse(models, "trajectory") << " and " << rollout_mse(models, "hnn"));
  }
  const double mean_ratio = std::exp(log_ratio_sum / double(seeds.size()));
  MESSAGE(name << ", clean: geometric mean of the ratios " << mean_ratio);
  CHECK(mean_ratio <= factor);
  // The rollouts are reported, not bounded: they scatter over orders of magnitude from seed to
  // seed on both sides (measured, trajectory-trained over derivative-trained: spring
  // 0.31-762, pendulum 0.02-4.6; docs/trajectory_training.md).
}

}  // namespace

TEST_CASE("coarse noisy spring: the trajectory-trained HNN beats every derivative estimate") {
  const YAML::Node models = check_benefit("spring_coarse_noisy.yaml", "spring");

  // Item 6: the KAN trained through RK4 on the same data reads as q^2 + p^2 + const.
  const YAML::Node symbolic = models["kan"]["symbolic"];
  REQUIRE(symbolic.IsMap());
  std::string formula;
  for (const auto& output : symbolic["formulas"]) {
    if (output["output"].as<std::string>() == symbolic["hamiltonian_output"].as<std::string>()) {
      formula = output["text_full"].as<std::string>();
    }
  }
  REQUIRE_FALSE(formula.empty());
  MESSAGE("spring KAN through RK4: H = " << formula);
  const GiNaC::realsymbol q("q"), p("p");
  const hnn::symbolic::FormulaNames names{{{"q", q}, {"p", p}}, {"coordinates: q, p"}};
  const GiNaC::ex h = hnn::symbolic::parse_formula(formula, names, "H").expand();
  using hnn::testing::number_of;
  CHECK(h.degree(q) == 2);
  CHECK(h.degree(p) == 2);
  CHECK(std::abs(number_of(h.coeff(q, 2)) - 1) < 0.01);
  CHECK(std::abs(number_of(h.coeff(p, 2)) - 1) < 0.01);
  for (const GiNaC::ex& other :
       {h.coeff(q, 1).coeff(p, 0), h.coeff(p, 1).coeff(q, 0), h.coeff(q, 1).coeff(p, 1)}) {
    CHECK(std::abs(number_of(other)) < 0.01);
  }
  CHECK(symbolic["verification"]["field_relative_error"].as<double>() < 0.01);

  check_no_regression("spring_coarse_noisy.yaml", "spring", 2.0);
}

TEST_CASE("coarse noisy pendulum: the trajectory-trained HNN beats every derivative estimate") {
  check_benefit("pendulum_coarse_noisy.yaml", "pendulum");
  check_no_regression("pendulum_coarse_noisy.yaml", "pendulum", 2.0);
}

TEST_CASE("measured pendulum: the trajectory-trained HNNs' held-out rollouts beat the HNNs'") {
  // The config's models but the state damping and the D-HNN (minutes; measured in the
  // README), its data file by its full path (the pipeline runs from a scratch folder).
  YAML::Node pipeline = load_config("real_pendulum_trajectory.yaml");
  keep_models(pipeline, {"hnn", "hnn_damped", "trajectory", "damped"});
  pipeline["data"]["source"]["file"] = HNN_SOURCE_DIR "/data/lipson/real_pend_h_1.txt";
  const YAML::Node models = run_models("real_pendulum", pipeline);
  const auto measured = [&](const std::string& model) {
    return models[model]["measured_mse"]["mean"].as<double>();
  };
  // The derivative-trained damped HNN on Savitzky-Golay derivatives (hnn's default
  // estimator, better than forward differences here).
  keep_models(pipeline, {"hnn_damped"});
  pipeline["data"]["derivatives"]["method"] = "savitzky_golay";
  const YAML::Node smoothed = run_models("real_pendulum_savitzky_golay", pipeline);
  const double smoothed_damped = smoothed["hnn_damped"]["measured_mse"]["mean"].as<double>();
  const double damped_ratio = models["damped"]["energy_loss_ratio"].as<double>();
  MESSAGE("measured pendulum, held-out rollout MSE: HNN on forward differences "
          << measured("hnn") << ", through RK4 " << measured("trajectory")
          << "; damped HNN on forward differences " << measured("hnn_damped")
          << ", on Savitzky-Golay " << smoothed_damped << ", through RK4 " << measured("damped")
          << " (energy-loss ratio " << damped_ratio << ")");
  // Measured: 5.06e-3 and 2.89e-3; 0.131, 2.0e-3 and 1.29e-4 (ratio 1.08).
  CHECK(measured("trajectory") < measured("hnn"));
  CHECK(10 * measured("damped") < measured("trajectory"));
  CHECK(10 * measured("damped") < smoothed_damped);
  CHECK(100 * measured("damped") < measured("hnn_damped"));
  CHECK(std::abs(damped_ratio - 1.0) < 0.2);
  // Forward differences bias the learned damping: 4.2 times the measured energy loss.
  CHECK(models["hnn_damped"]["energy_loss_ratio"].as<double>() > 2.0);
}
