// The training side of a run folder recomputed independently of the host's code, on a small
// spring run through hnn-host (spring_small, 20 trajectories split by trajectory, an HNN
// trained in two stages and an L1-penalised baseline): every column of data.csv from the
// spring (times, energies, dq/dt = dH/dp and dp/dt = -dH/dq, the split by trajectory), each
// model's final train and test losses and penalty in summary.yaml from its checkpoint and
// data.csv (the HNN's J grad F_2 and the baseline's residuals written out here), every
// column of history.csv against what the pipeline asked for and the summary, and the
// timings' presence.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bundled_plugins.h"
#include "checkpoint_model.h"
#include "host_run.h"

namespace fs = std::filesystem;
using hnn::testing::host;
using hnn::testing::scratch;

namespace {

const std::string kPipeline = std::string(HNN_SOURCE_DIR) + "/tests/end_to_end/spring_small.yaml";
constexpr int kTrajectories = 20, kPoints = 30, kTrainTrajectories = 15;  // fraction 0.75
constexpr int kAdamEpochs = 6, kLbfgsEpochs = 8, kBaselineEpochs = 12, kTestEvery = 3;
constexpr double kL1 = 1e-3, kSmoothing = 1e-2;

// A CSV file as text cells: its header and its rows.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  std::size_t column(const std::string& name) const {
    const auto at = std::find(header.begin(), header.end(), name);
    REQUIRE(at != header.end());
    return std::size_t(at - header.begin());
  }
  double real(std::size_t row, const std::string& name) const {
    return std::stod(rows.at(row).at(column(name)));
  }
  const std::string& text(std::size_t row, const std::string& name) const {
    return rows.at(row).at(column(name));
  }
};

Table read_table(const fs::path& file) {
  Table table;
  std::ifstream stream(file);
  std::string line;
  auto split = [](const std::string& text) {
    std::vector<std::string> cells;
    std::size_t start = 0;
    for (std::size_t comma; (comma = text.find(',', start)) != std::string::npos;) {
      cells.push_back(text.substr(start, comma - start));
      start = comma + 1;
    }
    cells.push_back(text.substr(start));  // an empty last cell stays
    return cells;
  };
  REQUIRE(std::getline(stream, line));
  table.header = split(line);
  while (std::getline(stream, line)) {
    table.rows.push_back(split(line));
    REQUIRE(table.rows.back().size() == table.header.size());
  }
  return table;
}

// |a - b| within `relative` of the larger, or both equal.
bool close(double a, double b, double relative) {
  return a == b || std::abs(a - b) <= relative * std::max(std::abs(a), std::abs(b));
}

struct Run {
  fs::path folder;
  YAML::Node summary;
  Table data, history;
};

const Run& run() {
  static const Run result = [] {
    Run r;
    r.folder = scratch("run_files");
    const std::string hnn =
        "{plugin: mlp, hidden: [16, 16], training: {test_every: " + std::to_string(kTestEvery) +
        ", stages: [{optimizer: {plugin: adam, epochs: " + std::to_string(kAdamEpochs) +
        ", lr: 0.01}}, {optimizer: {plugin: lbfgs, epochs: " + std::to_string(kLbfgsEpochs) +
        "}}]}}";
    const std::string baseline =
        "{plugin: mlp, hidden: [16, 16], training: {objective: baseline, test_every: 1, l1: " +
        std::to_string(kL1) + ", l1_smoothing: " + std::to_string(kSmoothing) +
        ", optimizer: {plugin: lbfgs, epochs: " + std::to_string(kBaselineEpochs) + "}}}";
    REQUIRE(host("'" + kPipeline + "' -o '" + r.folder.string() +
                     "' --no-report --set data.trajectories=" + std::to_string(kTrajectories) +
                     " --set data.noise_std=0 --set data.split=trajectory"
                     " --set data.train_fraction=0.75 --set 'models.hnn=" +
                     hnn + "' --set 'models.baseline=" + baseline + "' --set evaluation.points=20",
                 "OMP_NUM_THREADS=1") == 0);
    r.summary = YAML::LoadFile((r.folder / "summary.yaml").string());
    r.data = read_table(r.folder / "data.csv");
    r.history = read_table(r.folder / "history.csv");
    return r;
  }();
  return result;
}

// The model of a checkpoint (an MLP), with its trained parameters.
std::shared_ptr<hnn::Model> load_model(const hnn::testing::BundledPlugins& plugins,
                                       const std::string& name, std::vector<double>* parameters,
                                       const fs::path& folder = run().folder) {
  return hnn::testing::load_checkpoint_mlp(plugins, folder / "checkpoints" / (name + ".yaml"),
                                           parameters);
}

// The data loss on data.csv's rows of one split: the mean over samples and both coordinates
// of (f(x) - dx/dt)^2, f = J grad F_2 = (dF_2/dp, -dF_2/dq) for the HNN, the outputs for
// the baseline.
double data_loss(hnn::Model& model, bool hnn_field, const std::string& split,
                 const Table& data = run().data) {
  double sum = 0;
  long samples = 0;
  Eigen::MatrixXd x(2, 1), out(2, 1);
  for (std::size_t row = 0; row < data.rows.size(); ++row) {
    if (data.text(row, "split") != split) continue;
    x << data.real(row, "q"), data.real(row, "p");
    model.forward(x);
    Eigen::Vector2d f;
    if (hnn_field) {
      model.input_gradient(1, out);
      f << out(1, 0), -out(0, 0);
    } else {
      model.outputs(out);
      f = out.col(0);
    }
    const double dq = f[0] - data.real(row, "dq_dt"), dp = f[1] - data.real(row, "dp_dt");
    sum += dq * dq + dp * dp;
    ++samples;
  }
  REQUIRE(samples > 0);
  return sum / double(2 * samples);
}

// The history rows of one model, in file order.
std::vector<std::size_t> history_rows(const std::string& model) {
  std::vector<std::size_t> rows;
  const Table& history = run().history;
  for (std::size_t row = 0; row < history.rows.size(); ++row) {
    if (history.text(row, "model") == model) rows.push_back(row);
  }
  return rows;
}

}  // namespace

TEST_CASE("data.csv: the spring's states, times and derivatives, split by trajectory") {
  const Table& data = run().data;
  CHECK(data.header ==
        std::vector<std::string>{"split", "trajectory", "t", "q", "p", "dq_dt", "dp_dt"});
  REQUIRE(data.rows.size() == std::size_t(kTrajectories * kPoints));
  const hnn::testing::BundledPlugins plugins({"spring_mass"});
  const auto system = plugins.system("spring_mass");
  std::map<int, std::vector<std::size_t>> by_trajectory;
  long train = 0, test = 0;
  for (std::size_t row = 0; row < data.rows.size(); ++row) {
    CAPTURE(row);
    const int trajectory = std::stoi(data.text(row, "trajectory"));
    by_trajectory[trajectory].push_back(row);
    // The first 15 of the 20 trajectories train (split trajectory, train_fraction 0.75).
    const std::string& split = data.text(row, "split");
    CHECK(split == (trajectory < kTrainTrajectories ? "train" : "test"));
    (split == "train" ? train : test) += 1;
    // Noise off: the derivatives are the spring's field J grad H at the stored state.
    Eigen::VectorXd x(2), gradient(2);
    x << data.real(row, "q"), data.real(row, "p");
    system->gradient(x, gradient);
    CHECK(gradient[0] == doctest::Approx(2 * x[0]).epsilon(1e-15));  // H = q^2 + p^2
    CHECK(gradient[1] == doctest::Approx(2 * x[1]).epsilon(1e-15));
    CHECK(close(data.real(row, "dq_dt"), gradient[1], 1e-15));
    CHECK(close(data.real(row, "dp_dt"), -gradient[0], 1e-15));
  }
  CHECK(train == kTrainTrajectories * kPoints);
  CHECK(test == (kTrajectories - kTrainTrajectories) * kPoints);
  CHECK(run().summary["data"]["train_samples"].as<long>() == train);
  CHECK(run().summary["data"]["test_samples"].as<long>() == test);
  // Every trajectory: 30 equally spaced times over [0, 3] in order, on one energy level (the
  // spring conserves H; a column shifted or swapped with t would not).
  REQUIRE(by_trajectory.size() == std::size_t(kTrajectories));
  CHECK(by_trajectory.begin()->first == 0);
  CHECK(by_trajectory.rbegin()->first == kTrajectories - 1);
  for (const auto& entry : by_trajectory) {  // (clang 14 cannot CAPTURE a structured binding)
    const auto& trajectory = entry.first;
    const auto& rows = entry.second;
    CAPTURE(trajectory);
    REQUIRE(rows.size() == std::size_t(kPoints));
    const double h0 = std::pow(data.real(rows[0], "q"), 2) + std::pow(data.real(rows[0], "p"), 2);
    CHECK(h0 > 0.01);
    for (std::size_t k = 0; k < rows.size(); ++k) {
      CHECK(data.real(rows[k], "t") == doctest::Approx(3.0 * double(k) / (kPoints - 1)));
      const double h = std::pow(data.real(rows[k], "q"), 2) + std::pow(data.real(rows[k], "p"), 2);
      CHECK(close(h, h0, 1e-4));  // the data integrator's error: 2.5e-5
    }
  }
}

TEST_CASE("the final losses and penalty recomputed from the checkpoints and data.csv") {
  const hnn::testing::BundledPlugins plugins({"hnn_mlp"});
  for (const std::string name : {"hnn", "baseline"}) {
    CAPTURE(name);
    std::vector<double> parameters;
    const auto model = load_model(plugins, name, &parameters);
    const YAML::Node node = run().summary["models"][name];
    const double train = data_loss(*model, name == "hnn", "train");
    const double test = data_loss(*model, name == "hnn", "test");
    // The run tells the splits apart: a train/test swap would show.
    CHECK(!close(train, test, 1e-3));
    CHECK(close(node["final_train_loss"].as<double>(), train, 1e-10));
    CHECK(close(node["final_test_loss"].as<double>(), test, 1e-10));
    // training.l1 with l1_smoothing s: l1 * sum(sqrt(theta^2 + s^2) - s); none for the HNN.
    double penalty = 0;
    if (name == "baseline") {
      for (double theta : parameters) penalty += std::sqrt(theta * theta + kSmoothing * kSmoothing);
      penalty = kL1 * (penalty - kSmoothing * double(parameters.size()));
      CHECK(penalty > 1e-4);
    }
    CHECK(close(node["final_penalty"].as<double>(), penalty, 1e-10));
    CHECK(node["parameters"].as<long>() == long(parameters.size()));
    // Ceres' lbfgs does not handle the L1 itself: no l1_objective.
    CHECK_FALSE(node["l1_objective"]);
    CHECK(node["checkpoint"].as<std::string>() == "checkpoints/" + name + ".yaml");
  }
}

TEST_CASE("history.csv: epochs, stages, losses, penalty and seconds per model") {
  const Table& history = run().history;
  CHECK(history.header == std::vector<std::string>{"epoch", "model", "stage", "train_loss",
                                                   "test_loss", "penalty", "seconds"});
  const auto hnn_rows = history_rows("hnn");
  const auto baseline_rows = history_rows("baseline");
  // Models in pipeline order, nothing else in the file.
  REQUIRE(hnn_rows.size() + baseline_rows.size() == history.rows.size());
  REQUIRE(!hnn_rows.empty());
  REQUIRE(!baseline_rows.empty());
  CHECK(hnn_rows.back() < baseline_rows.front());

  struct Expected {
    std::string name;
    std::vector<std::size_t> rows;
    std::vector<int> stage_epochs;  // what the pipeline asked for
    std::vector<std::string> optimizers;
    int test_every;
  };
  for (const Expected& expected :
       {Expected{"hnn", hnn_rows, {kAdamEpochs, kLbfgsEpochs}, {"adam", "lbfgs"}, kTestEvery},
        Expected{"baseline", baseline_rows, {kBaselineEpochs}, {"lbfgs"}, 1}}) {
    CAPTURE(expected.name);
    const YAML::Node node = run().summary["models"][expected.name];
    const YAML::Node stages = node["stages"];
    REQUIRE(stages.size() == expected.stage_epochs.size());
    int total = 0;
    std::vector<long> stage_of_epoch{0};  // epoch 0: the row before training
    for (std::size_t s = 0; s < expected.stage_epochs.size(); ++s) {
      CHECK(stages[s]["epochs"].as<int>() == expected.stage_epochs[s]);
      CHECK(stages[s]["termination"].as<std::string>() == "epochs");
      CHECK(stages[s]["optimizer"].as<std::string>() == expected.optimizers[s]);
      CHECK(stages[s]["update_grid"].as<bool>() == false);
      CHECK(stages[s]["objective_evaluations"].as<int>() >= expected.stage_epochs[s]);
      total += expected.stage_epochs[s];
      stage_of_epoch.insert(stage_of_epoch.end(), std::size_t(expected.stage_epochs[s]),
                            long(s + 1));
    }
    CHECK(node["epochs"].as<int>() == total);
    CHECK(node["objective"].as<std::string>() == expected.name);  // "hnn" or "baseline"
    CHECK(node["optimizer"].as<std::string>() == expected.optimizers.back());
    CHECK(node["termination"].as<std::string>() == "epochs");
    CHECK(node["optimizer_message"].as<std::string>() ==
          stages[stages.size() - 1]["message"].as<std::string>());
    CHECK(node["total_epochs"].as<int>() == total);
    REQUIRE(expected.rows.size() == std::size_t(total + 1));
    double previous_seconds = 0;
    for (std::size_t k = 0; k < expected.rows.size(); ++k) {
      const std::size_t row = expected.rows[k];
      CAPTURE(k);
      CHECK(std::stol(history.text(row, "epoch")) == long(k));
      CHECK(std::stol(history.text(row, "stage")) == stage_of_epoch[k]);
      CHECK(std::isfinite(history.real(row, "train_loss")));
      CHECK(history.real(row, "train_loss") >= 0);
      // The test loss on epoch 0 and every test_every epochs (the stages' lengths are
      // multiples of it, so counting within or across stages agrees).
      CHECK(history.text(row, "test_loss").empty() == (k % std::size_t(expected.test_every) != 0));
      const double seconds = history.real(row, "seconds");
      CHECK(std::isfinite(seconds));
      if (k == 0) CHECK(seconds == 0.0);
      CHECK(seconds >= previous_seconds);
      previous_seconds = seconds;
    }
    CHECK(previous_seconds > 0);
    CHECK(previous_seconds <= node["training_seconds"].as<double>());
    // The last row is the final parameters: the summary's train loss and penalty.
    const std::size_t last = expected.rows.back();
    CHECK(close(history.real(last, "train_loss"), node["final_train_loss"].as<double>(), 1e-9));
    CHECK(close(history.real(last, "penalty"), node["final_penalty"].as<double>(), 1e-12));
    // Training lowered the loss.
    CHECK(history.real(last, "train_loss") < history.real(expected.rows.front(), "train_loss"));
  }
  // The baseline records its test loss every epoch: its last one is the summary's.
  CHECK(close(history.real(baseline_rows.back(), "test_loss"),
              run().summary["models"]["baseline"]["final_test_loss"].as<double>(), 1e-12));
  // Only the baseline has a penalty: the HNN's column is 0 throughout, the baseline's not.
  for (std::size_t row : hnn_rows) CHECK(history.real(row, "penalty") == 0.0);
  for (std::size_t row : baseline_rows) CHECK(history.real(row, "penalty") > 0.0);
}

TEST_CASE("the timings docs/run_folder.md lists are present, finite and not negative") {
  const YAML::Node summary = run().summary;
  const double data_seconds = summary["data"]["seconds"].as<double>();
  CHECK(std::isfinite(data_seconds));
  CHECK(data_seconds >= 0);
  for (const std::string name : {"hnn", "baseline"}) {
    CAPTURE(name);
    const YAML::Node node = summary["models"][name];
    CHECK(node["trained"].as<bool>());
    const double training = node["training_seconds"].as<double>();
    const double evaluation = node["evaluation_seconds"].as<double>();
    CHECK(std::isfinite(training));
    CHECK(training > 0);  // trained
    CHECK(std::isfinite(evaluation));
    CHECK(evaluation >= 0);
  }
}

TEST_CASE("trajectories.csv: the times, the truth against the spring's solution, the HNN's H") {
  const Table trajectories = read_table(run().folder / "trajectories.csv");
  REQUIRE(trajectories.rows.size() == 20);  // evaluation.points
  const hnn::testing::BundledPlugins plugins({"hnn_mlp"});
  std::vector<double> parameters;
  const auto model = load_model(plugins, "hnn", &parameters);
  double largest_truth_error = 0;
  for (std::size_t k = 0; k < trajectories.rows.size(); ++k) {
    CAPTURE(k);
    // evaluation.time_span [0, 20] at 20 equally spaced times.
    const double t = trajectories.real(k, "t");
    CHECK(t == doctest::Approx(20.0 * double(k) / 19).epsilon(1e-14));
    // From (1, 0), dq/dt = 2p and dp/dt = -2q: q = cos 2t, p = -sin 2t.
    largest_truth_error =
        std::max({largest_truth_error, std::abs(trajectories.real(k, "truth_q") - std::cos(2 * t)),
                  std::abs(trajectories.real(k, "truth_p") + std::sin(2 * t))});
    // hnn_H: the model's own H (output F_2) along its rollout.
    Eigen::MatrixXd x(2, 1), out(2, 1);
    x << trajectories.real(k, "hnn_q"), trajectories.real(k, "hnn_p");
    model->forward(x);
    model->outputs(out);
    CHECK(close(trajectories.real(k, "hnn_H"), out(1, 0), 1e-12));
  }
  CHECK(largest_truth_error < 1e-3);
  // The H column is not the energy column (the model's H is not the spring's).
  CHECK(std::abs(trajectories.real(19, "hnn_H") - trajectories.real(19, "hnn_energy")) > 1e-3);
}

TEST_CASE("an OWL-QN stage: l1_objective and the exact penalty from the checkpoint") {
  const fs::path folder = scratch("run_files_owlqn");
  REQUIRE(host("'" + kPipeline + "' -o '" + folder.string() +
                   "' --no-report --set data.trajectories=10 --set evaluation.enabled=false"
                   " --set 'models={sparse: {plugin: mlp, hidden: [8], training: {l1: 0.001,"
                   " optimizer: {plugin: owlqn, epochs: 10}}}}'",
               "OMP_NUM_THREADS=1") == 0);
  const YAML::Node node = YAML::LoadFile((folder / "summary.yaml").string())["models"]["sparse"];
  const Table data = read_table(folder / "data.csv");
  const Table history = read_table(folder / "history.csv");
  const hnn::testing::BundledPlugins plugins({"hnn_mlp"});
  std::vector<double> parameters;
  const auto model = load_model(plugins, "sparse", &parameters, folder);
  double norm = 0;
  for (double theta : parameters) norm += std::abs(theta);
  const double penalty = 1e-3 * norm;  // exact: no smoothing
  const double train = data_loss(*model, true, "train", data);
  CHECK(node["optimizer"].as<std::string>() == "owlqn");
  CHECK(close(node["final_train_loss"].as<double>(), train, 1e-10));
  CHECK(close(node["final_test_loss"].as<double>(), data_loss(*model, true, "test", data), 1e-10));
  CHECK(close(node["final_penalty"].as<double>(), penalty, 1e-12));
  CHECK(close(node["l1_objective"].as<double>(), train + penalty, 1e-10));
  CHECK(penalty > 1e-2 * train);  // the penalty counts in l1_objective
  // The last history row: the final parameters' loss and exact penalty.
  REQUIRE(history.rows.size() == std::size_t(node["epochs"].as<int>() + 1));
  CHECK(close(history.real(history.rows.size() - 1, "train_loss"), train, 1e-9));
  CHECK(close(history.real(history.rows.size() - 1, "penalty"), penalty, 1e-12));
}

TEST_CASE("Adam's and pykan's L-BFGS's history rows: the train loss at that epoch's parameters") {
  // Both report the objective at the start of an epoch; the host takes a row's train loss
  // from the next epoch's report (or evaluates it after the stage). A run stopped one epoch
  // earlier evaluates its final train loss directly at the same parameters (the iterates
  // are deterministic): the longer run's row for that epoch must be that value, and not
  // the loss one epoch before or after.
  for (const std::string optimizer : {"adam, lr: 0.01", "lbfgs_torch, lr: 0.1"}) {
    CAPTURE(optimizer);
    constexpr int kEpochs = 5;
    std::map<int, YAML::Node> summaries;
    std::map<int, Table> histories;
    for (int epochs : {kEpochs - 1, kEpochs}) {
      const fs::path folder = scratch("run_files_deferred_" + std::to_string(epochs));
      REQUIRE(host("'" + kPipeline + "' -o '" + folder.string() +
                       "' --no-report --set data.trajectories=10 --set evaluation.enabled=false"
                       " --set 'models={hnn: {plugin: mlp, hidden: [8], training: {test_every: " +
                       std::to_string(kEpochs) + ", optimizer: {plugin: " + optimizer +
                       ", epochs: " + std::to_string(epochs) + "}}}}'",
                   "OMP_NUM_THREADS=1") == 0);
      summaries[epochs] = YAML::LoadFile((folder / "summary.yaml").string())["models"]["hnn"];
      histories[epochs] = read_table(folder / "history.csv");
      REQUIRE(histories[epochs].rows.size() == std::size_t(epochs + 1));
      CHECK(summaries[epochs]["epochs"].as<int>() == epochs);
    }
    const Table& longer = histories[kEpochs];
    const double at_shorter_end = summaries[kEpochs - 1]["final_train_loss"].as<double>();
    CHECK(close(longer.real(kEpochs - 1, "train_loss"), at_shorter_end, 1e-12));
    CHECK(close(longer.real(kEpochs, "train_loss"),
                summaries[kEpochs]["final_train_loss"].as<double>(), 1e-12));
    // The neighbouring rows differ from it (a row one epoch off would show).
    CHECK(!close(longer.real(kEpochs - 2, "train_loss"), at_shorter_end, 1e-9));
    CHECK(!close(longer.real(kEpochs, "train_loss"), at_shorter_end, 1e-9));
    // Every row of the shorter run is the longer run's row.
    for (int k = 0; k < kEpochs; ++k) {
      CAPTURE(k);
      CHECK(close(histories[kEpochs - 1].real(std::size_t(k), "train_loss"),
                  longer.real(std::size_t(k), "train_loss"), 1e-12));
    }
  }
}
