// The effect of host options that no pipeline test set before: training.batch_seed (which
// minibatches are drawn: a fixed seed reproduces them, another seed draws others, and the
// draws are the partial Fisher-Yates shuffle of the documented stream) and
// output.progress_seconds (how often a plain progress line is printed).
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "bundled_plugins.h"
#include "hnn/host/progress.h"
#include "hnn/random.h"
#include "pipeline_model.h"

namespace {

const hnn::testing::BundledPlugins& plugins() {
  static const auto* bundled = new hnn::testing::BundledPlugins({"hnn_mlp"});
  return *bundled;
}

// 12 samples of a spring's field at scattered states.
hnn::TrajectorySamples spring_samples() {
  hnn::TrajectorySamples samples;
  samples.inputs.resize(2, 12);
  samples.targets.resize(2, 12);
  for (int i = 0; i < 12; ++i) {
    const double q = std::cos(0.7 * i + 0.3), p = 0.8 * std::sin(1.3 * i);
    samples.inputs.col(i) << q, p;
    samples.targets.col(i) << 2.0 * p, -2.0 * q;
    samples.trajectory.push_back(i / 4);
    samples.time.push_back(0.1 * (i % 4));
  }
  return samples;
}

// The values of `draws` evaluations of a fresh minibatch objective (batch 5) at `parameters`.
std::vector<double> minibatch_values(hnn::Model& model, const hnn::TrajectorySamples& samples,
                                     const Eigen::VectorXd& parameters, std::uint64_t seed,
                                     int draws) {
  hnn::TrainingSettings settings;
  const auto objective = hnn::internal::make_minibatch_objective(model, settings, samples, 5, seed);
  std::vector<double> values;
  for (int k = 0; k < draws; ++k) {
    double value = 0.0;
    REQUIRE(objective->evaluate(parameters.data(), &value, nullptr));
    values.push_back(value);
  }
  return values;
}

// The same values from the HNN objective on the subsets drawn independently: the first 5
// entries of a partial Fisher-Yates shuffle of the running order, std::mt19937_64(seed).
std::vector<double> expected_values(hnn::Model& model, const hnn::TrajectorySamples& samples,
                                    const Eigen::VectorXd& parameters, std::uint64_t seed,
                                    int draws) {
  hnn::Mt19937Random random(seed);
  std::vector<Eigen::Index> order(std::size_t(samples.size()));
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = Eigen::Index(i);
  std::vector<double> values;
  for (int k = 0; k < draws; ++k) {
    Eigen::MatrixXd inputs(2, 5), targets(2, 5);
    Eigen::VectorXd times(5);
    for (std::size_t i = 0; i < 5; ++i) {
      const double remaining = double(order.size() - i);
      const std::size_t j =
          i + std::min(std::size_t(random.uniform() * remaining), std::size_t(remaining) - 1);
      std::swap(order[i], order[j]);
      inputs.col(Eigen::Index(i)) = samples.inputs.col(order[i]);
      targets.col(Eigen::Index(i)) = samples.targets.col(order[i]);
      times[Eigen::Index(i)] = samples.time[std::size_t(order[i])];
    }
    hnn::TrainingSettings settings;
    const auto objective = hnn::internal::make_objective(model, settings, inputs, targets, times);
    double value = 0.0;
    REQUIRE(objective->evaluate(parameters.data(), &value, nullptr));
    values.push_back(value);
  }
  return values;
}

}  // namespace

TEST_CASE("training.batch_seed: a seed reproduces its minibatches, another draws others") {
  const auto model = plugins().model("mlp", {{"inputs", std::int64_t{2}},
                                             {"outputs", std::int64_t{2}},
                                             {"hidden", std::vector<std::int64_t>{6}},
                                             {"seed", std::int64_t{2}}});
  Eigen::VectorXd parameters(model->parameter_count());
  model->get_parameters(parameters);
  const hnn::TrajectorySamples samples = spring_samples();
  const auto seed0 = minibatch_values(*model, samples, parameters, 0, 4);
  CHECK(minibatch_values(*model, samples, parameters, 0, 4) == seed0);
  const auto seed7 = minibatch_values(*model, samples, parameters, 7, 4);
  CHECK(seed7 != seed0);
  // Each draw is the documented subset: the objective on it gives the same value.
  for (const std::uint64_t seed : {0u, 7u}) {
    CAPTURE(seed);
    const auto drawn = seed == 0 ? seed0 : seed7;
    const auto expected = expected_values(*model, samples, parameters, seed, 4);
    for (std::size_t k = 0; k < drawn.size(); ++k) {
      CHECK(drawn[k] == doctest::Approx(expected[k]).epsilon(1e-14));
    }
  }
}

TEST_CASE(
    "output.progress_seconds: a plain line at most every progress_seconds, the summary always") {
  const auto count_lines = [](const std::string& text) {
    return long(std::count(text.begin(), text.end(), '\n'));
  };
  // A nanosecond: every update is printed.
  std::ostringstream every;
  hnn::ProgressReporter eager(every, false, 1e-9);
  eager.start("m", 5);
  for (long epoch = 1; epoch <= 5; ++epoch) eager.update(epoch, 0.5, 0.25);
  eager.finish("m done");
  CHECK(count_lines(every.str()) == 6);
  CHECK(every.str().find("\nm  epoch 3/5  train 5.000e-01  test 2.500e-01  ") != std::string::npos);
  CHECK(every.str().rfind("m done\n") == every.str().size() - 7);
  // A day: no update is printed within the test, only the summary.
  std::ostringstream rare;
  hnn::ProgressReporter patient(rare, false, 86400.0);
  patient.start("m", 5);
  for (long epoch = 1; epoch <= 5; ++epoch) patient.update(epoch, 0.5, std::nullopt);
  patient.finish("m done");
  CHECK(rare.str() == "m done\n");
  // On a terminal the line is redrawn in place (carriage returns), whatever the interval.
  std::ostringstream terminal;
  hnn::ProgressReporter live(terminal, true, 86400.0);
  live.start("m", 2);
  live.update(2, 0.5, std::nullopt);
  live.finish("m done");
  CHECK(terminal.str().find("\rm  epoch 2/2  train 5.000e-01") == 0);
  CHECK(terminal.str().find("m done\n") != std::string::npos);
}

TEST_CASE("output.progress_seconds through hnn-host: 1e-9 prints every epoch, a day none") {
  const std::filesystem::path scratch =
      std::filesystem::path(HNN_BINARY_DIR) / "tests" / "options" / "progress_seconds";
  std::filesystem::remove_all(scratch);
  std::filesystem::create_directories(scratch);
  // The fixture pipeline: two models of 5 epochs each; --quiet: plain lines on stdout.
  const auto epoch_lines = [&](const std::string& seconds) {
    const std::filesystem::path out = scratch / ("stdout_" + seconds + ".txt");
    const std::string command = "HNN_PLUGIN_PATH= '" HNN_HOST "' --plugin-dir '" HNN_FIXTURE_GOOD
                                "' '" HNN_CONFIG_FIXTURES "/valid.yaml' --quiet --no-report -o '" +
                                (scratch / ("run_" + seconds)).string() +
                                "' --set output.progress_seconds=" + seconds + " >'" +
                                out.string() + "' 2>/dev/null";
    const int raw = std::system(command.c_str());
    REQUIRE(WIFEXITED(raw));
    REQUIRE(WEXITSTATUS(raw) == 0);
    std::ifstream in(out);
    long count = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.find("  epoch ") != std::string::npos &&
          line.find("/5  train ") != std::string::npos)
        ++count;
    }
    return count;
  };
  CHECK(epoch_lines("1e-9") == 10);
  CHECK(epoch_lines("86400") == 0);
}
