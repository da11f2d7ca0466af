// The flagship, end to end (label `slow`: about 40 s): configs/spring_study.yaml and the
// write-up as published, through hnn-host, with their figures and report. Asserts what the
// README reports: the losses, the rollouts, the recovered formulas and the files.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "host_run.h"

namespace fs = std::filesystem;

namespace {

fs::path run(const std::string& config) {
  const fs::path dir = hnn::testing::scratch(config);
  const std::string command = "HNN_PLUGIN_PATH= '" HNN_HOST "' '" HNN_SOURCE_DIR "/configs/" +
                              config + ".yaml' --quiet -o '" + dir.string() + "' > '" +
                              dir.string() + ".log' 2>&1";
  const int raw = std::system(command.c_str());
  REQUIRE(WIFEXITED(raw));
  REQUIRE(WEXITSTATUS(raw) == 0);
  return dir;
}

std::string text_of(const fs::path& file) {
  std::ifstream stream(file);
  std::stringstream text;
  text << stream.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("the study: a real MLP beats the KAN in loss and rollout; both KANs give back H") {
  const fs::path dir = run("spring_study");
  const YAML::Node models = YAML::LoadFile((dir / "summary.yaml").string())["models"];
  const YAML::Node mlp = models["mlp"], kan = models["kan"], kan_l1 = models["kan_l1"];
  for (const auto& model : {mlp, kan, kan_l1}) {
    CHECK(model["termination"].as<std::string>() == "converged");
    CHECK(model["epochs"].as<int>() < 20000);
  }
  CHECK(mlp["final_test_loss"].as<double>() < 1e-9);
  CHECK(kan["final_test_loss"].as<double>() < 1e-8);
  CHECK(kan_l1["final_test_loss"].as<double>() < 2e-6);
  CHECK(mlp["final_test_loss"].as<double>() < kan["final_test_loss"].as<double>());
  CHECK(mlp["trajectory_mse"]["final"].as<double>() * 5 <
        kan["trajectory_mse"]["final"].as<double>());
  CHECK(kan["energy_drift_max"].as<double>() < 1e-4);

  CHECK(kan["symbolic"]["formulas"][1]["text"].as<std::string>().rfind("1.00*q^2 + 1.00*p^2 + ",
                                                                       0) == 0);
  CHECK(kan_l1["symbolic"]["formulas"][1]["text"].as<std::string>().rfind("1.00*q^2 + 1.00*p^2 + ",
                                                                          0) == 0);
  CHECK(kan_l1["symbolic"]["formulas"][0]["text"].as<std::string>() == "0");
  CHECK(kan["symbolic"]["verification"]["exact"].as<bool>());
  CHECK(kan_l1["symbolic"]["verification"]["exact"].as<bool>());
  CHECK(models["kan_symbolic"]["trajectory_mse_vs_reference"]["max"].as<double>() < 1e-9);
  CHECK(models["kan_l1_symbolic"]["trajectory_mse_vs_reference"]["max"].as<double>() < 1e-9);

  // The report: every figure as SVG and PNG, and the page naming them.
  const std::string html = text_of(dir / "report.html");
  for (const std::string figure :
       {"data_phase_portrait", "losses", "penalty", "trajectories_phase_space", "trajectory_error",
        "energy", "network_kan", "network_kan_l1"}) {
    CAPTURE(figure);
    CHECK(fs::file_size(dir / "figures" / (figure + ".svg")) > 1000);
    CHECK(fs::file_size(dir / "figures" / (figure + ".png")) > 1000);
    CHECK(html.find("figures/" + figure + ".") != std::string::npos);
  }
  CHECK(html.find("1.00*q^2 + 1.00*p^2") != std::string::npos);
}

TEST_CASE("the write-up as published: its 'MLP' is the KAN run; its formulas come back") {
  const fs::path dir = run("spring_study_as_published");
  const YAML::Node models = YAML::LoadFile((dir / "summary.yaml").string())["models"];
  CHECK(models["mlp_as_published"]["plugin"].as<std::string>() == "kan");
  CHECK(models["mlp_as_published"]["final_train_loss"].as<std::string>() ==
        models["kan"]["final_train_loss"].as<std::string>());
  // The notebook's "with L1" plateau: 2.91e-7 / 3.48e-7 (float32).
  CHECK(models["kan_l1"]["final_train_loss"].as<double>() == doctest::Approx(2.91e-7).epsilon(0.1));
  CHECK(models["kan_l1"]["final_test_loss"].as<double>() == doctest::Approx(3.48e-7).epsilon(0.1));
  CHECK(models["kan"]["symbolic"]["formulas"][1]["text"].as<std::string>().rfind(
            "1.00*q^2 + 1.00*p^2 + ", 0) == 0);
  CHECK(models["kan_l1"]["symbolic"]["formulas"][0]["text"].as<std::string>() == "0");
  CHECK(models["kan_l1"]["symbolic"]["formulas"][1]["text"].as<std::string>().rfind(
            "1.00*q^2 + 1.00*p^2 + ", 0) == 0);
}
