// End to end through hnn-host: a model whose training diverges stops with `termination:
// diverged`, keeps its last finite parameters (checkpoint and rollout), the other models
// are trained, and the run fails (exit 1, `status: failed`) after writing everything.
// L-BFGS stalling at the kinks of the exact L1 penalty says so (`stalled`).
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "host_run.h"

namespace fs = std::filesystem;
using hnn::testing::host;
using hnn::testing::scratch;

namespace {

const fs::path& divergence_run() {
  static const fs::path dir = [] {
    const fs::path d = scratch("divergence");
    const int status =
        host("'" HNN_SOURCE_DIR "/tests/end_to_end/divergence.yaml' -o '" + d.string() + "' > '" +
             d.string() + ".log' 2> '" + d.string() + ".err'");
    CHECK(status == 1);
    return d;
  }();
  return dir;
}

YAML::Node summary() { return YAML::LoadFile((divergence_run() / "summary.yaml").string()); }

// The largest |parameter| of a model's checkpoint.
double largest_parameter(const std::string& model) {
  const YAML::Node checkpoint =
      YAML::LoadFile((divergence_run() / "checkpoints" / (model + ".yaml")).string());
  double largest = 0.0;
  for (const auto& value : checkpoint["parameters"]) {
    largest = std::max(largest, std::abs(value.as<double>()));
  }
  return largest;
}

}  // namespace

TEST_CASE("a diverging model fails the run after every model is trained and written") {
  const YAML::Node root = summary();
  CHECK(root["status"].as<std::string>() == "failed");
  REQUIRE(root["diverged_models"].size() == 3);
  CHECK(root["diverged_models"][0].as<std::string>() == "adam");
  CHECK(root["diverged_models"][1].as<std::string>() == "lbfgs_torch");
  CHECK(root["diverged_models"][2].as<std::string>() == "huge_l1");
  const YAML::Node healthy = root["models"]["healthy"];
  CHECK(healthy["termination"].as<std::string>() == "epochs");
  CHECK(healthy["final_train_loss"].as<double>() < 1e-4);
  CHECK(healthy["trajectory_mse"]["max"].as<double>() < 1.0);
  CHECK(fs::exists(divergence_run() / "report.html"));  // the report follows the run
  const std::string errors = [] {
    std::ifstream stream(divergence_run().string() + ".err");
    return std::string(std::istreambuf_iterator<char>(stream), {});
  }();
  CHECK(errors.find("hnn-host: error: the run failed: adam: diverged at epoch 1") !=
        std::string::npos);
}

TEST_CASE("Adam at lr 1e3: diverged at epoch 1, the start parameters kept and rolled out") {
  const YAML::Node adam = summary()["models"]["adam"];
  CHECK(adam["termination"].as<std::string>() == "diverged");
  const std::string message = adam["optimizer_message"].as<std::string>();
  CHECK(message.rfind("diverged at epoch 1: the training objective ", 0) == 0);
  CHECK(message.find("exceeds 1e+06 x max(its start value 0.6524895586992399, 1e-06)") !=
        std::string::npos);
  CHECK(adam["epochs"].as<int>() == 0);
  // The last finite parameters are the start: its loss, finite parameters, a rollout.
  CHECK(adam["final_train_loss"].as<double>() == doctest::Approx(0.6524895586992399));
  CHECK(largest_parameter("adam") < 10.0);
  CHECK(std::isfinite(adam["trajectory_mse"]["max"].as<double>()));
}

TEST_CASE("pykan's L-BFGS at lr 1e3: the parameters it returned (loss 2e168) are refused") {
  const YAML::Node model = summary()["models"]["lbfgs_torch"];
  CHECK(model["termination"].as<std::string>() == "diverged");
  CHECK(model["optimizer_message"].as<std::string>().rfind(
            "diverged at the parameters lbfgs_torch returned: the training objective ", 0) == 0);
  CHECK(model["final_train_loss"].as<double>() == doctest::Approx(0.6524895586992399));
  CHECK(largest_parameter("lbfgs_torch") < 10.0);  // not the 2e28 it returned
}

TEST_CASE("an L1 weight of 1e308: the objective is not finite at the start, nothing trains") {
  const YAML::Node model = summary()["models"]["huge_l1"];
  CHECK(model["termination"].as<std::string>() == "diverged");
  CHECK(model["optimizer_message"].as<std::string>().rfind("diverged at the start: ", 0) == 0);
  CHECK(model["epochs"].as<int>() == 0);
  CHECK(largest_parameter("huge_l1") < 10.0);
}

TEST_CASE("L-BFGS on the exact L1 penalty reports its stall as stalled, not converged") {
  const fs::path dir = scratch("exact_l1_lbfgs");
  REQUIRE(host("'" HNN_SOURCE_DIR "/configs/spring_kan.yaml' -o '" + dir.string() +
               "' --no-report --set models.kan_l1.training.stages='[{optimizer: {plugin: lbfgs, "
               "epochs: 2000, memory: 20}}]' --set models.kan_l1.training.l1_smoothing=0 "
               "--set models.kan.training.enabled=false > /dev/null") == 0);
  const YAML::Node model = YAML::LoadFile((dir / "summary.yaml").string())["models"]["kan_l1"];
  CHECK(model["termination"].as<std::string>() == "stalled");
  CHECK(model["epochs"].as<int>() < 2000);
  CHECK(model["optimizer_message"].as<std::string>().rfind(
            "stalled: the line search found no lower point (a zero step); Parameter tolerance "
            "reached.",
            0) == 0);
}
