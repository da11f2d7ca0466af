// End to end through hnn-host: the symbolic stage on the study's spring KANs recovers
// H = q^2 + p^2 + const, verifies its field against the system's, rolls the formula out at
// the integrator's accuracy, and writes a symbolic.yaml that loads back as a model.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hnn/host/run_summary_reader.h"
#include "hnn/host/run_summary_writer.h"
#include "hnn/symbolic/formula.h"
#include "hnn/symbolic/network_file.h"

#include "host_run.h"
#include "run_summary_keys.h"

namespace fs = std::filesystem;
using hnn::testing::host;
using hnn::testing::scratch;

namespace {

const std::string kPipeline = HNN_SOURCE_DIR "/tests/end_to_end/spring_symbolic.yaml";

const fs::path& run() {
  static const fs::path dir = [] {
    const fs::path d = scratch("symbolic");
    REQUIRE(host("'" + kPipeline + "' -o '" + d.string() + "'") == 0);
    return d;
  }();
  return dir;
}

YAML::Node model(const std::string& name) {
  return YAML::LoadFile((run() / "summary.yaml").string())["models"][name];
}

// The recovered formula of a model's symbolic.yaml.
hnn::symbolic::SymbolicFormula formula_of(const std::string& name) {
  const auto file = hnn::symbolic::load_symbolic_network(run() / "symbolic" / (name + ".yaml"));
  return hnn::symbolic::SymbolicFormula(file.layers, file.input_names, file.library);
}

}  // namespace

TEST_CASE("the fitted KAN gives F2 = 1.00 q^2 + 1.00 p^2 + const, without refinement") {
  const auto formula = formula_of("kan");
  CHECK(formula.is_polynomial(1));
  CHECK(formula.coefficient(1, "q^2") == doctest::Approx(1.0).epsilon(0.01));
  CHECK(formula.coefficient(1, "p^2") == doctest::Approx(1.0).epsilon(0.01));
  CHECK(std::abs(formula.coefficient(1, "q")) < 0.01);
  CHECK(std::abs(formula.coefficient(1, "p")) < 0.01);
  CHECK(std::abs(formula.coefficient(1, "q*p")) < 0.01);
  const std::string text = formula.text(1);
  CHECK(text.rfind("1.00*q^2 + 1.00*p^2 + ", 0) == 0);
  // Without L1 the unused output F1 keeps a quadratic of its own (the write-up: 0.64 q^2 + ...).
  CHECK(std::abs(formula.coefficient(0, "q^2")) > 0.05);

  const YAML::Node symbolic = model("kan")["symbolic"];
  CHECK(symbolic["hamiltonian_output"].as<std::string>() == "F2");
  CHECK(symbolic["pruned_edges"].as<int>() == 0);
  CHECK(symbolic["edges"][0]["function"].as<std::string>() == "x^2");
  CHECK(symbolic["edges"][0]["choice"].as<std::string>() == "manual");
  CHECK(symbolic["edges"][0]["r2"].as<double>() > 0.9999);
  CHECK(symbolic["formulas"][1]["text"].as<std::string>() == text);
  CHECK(symbolic["formulas"][1]["latex"].as<std::string>().rfind("1.00 q^{2} + 1.00 p^{2}", 0) ==
        0);
  // The recovered field is the true one to well within the default tolerance.
  CHECK(symbolic["verification"]["exact"].as<bool>());
  CHECK(symbolic["verification"]["field_relative_error"].as<double>() < 1e-3);
  CHECK(symbolic["verification"]["samples"].as<int>() == 1500);
  CHECK_FALSE(symbolic["refinement"]);
}

TEST_CASE("with L1 the F1 edge is pruned and F1 = 0; refinement makes the field exact") {
  const auto formula = formula_of("kan_l1");
  CHECK(formula.text(0) == "0");
  CHECK(formula.coefficient(1, "q^2") == doctest::Approx(1.0).epsilon(1e-6));
  CHECK(formula.coefficient(1, "p^2") == doctest::Approx(1.0).epsilon(1e-6));
  const YAML::Node symbolic = model("kan_l1")["symbolic"];
  CHECK(symbolic["pruned_edges"].as<int>() == 1);
  CHECK(symbolic["edges"][2]["choice"].as<std::string>() == "pruned");
  CHECK(symbolic["edges"][2]["assigned"].as<std::string>() == "x");
  CHECK(symbolic["edges"][2]["scale"].as<double>() < 1e-2);
  CHECK(symbolic["refinement"]["train_loss_after"].as<double>() <
        1e-6 * symbolic["refinement"]["train_loss_before"].as<double>());
  CHECK(symbolic["verification"]["field_relative_error"].as<double>() < 1e-8);
  CHECK(symbolic["verification"]["field_relative_error"].as<double>() <
        symbolic["verification"]["field_relative_error_before_refinement"].as<double>());
}

TEST_CASE("the recovered formula rolls out at the integrator's accuracy") {
  const YAML::Node recovered = model("kan_l1_symbolic");
  CHECK(recovered["plugin"].as<std::string>() == "symbolic");
  // Against the truth integrated by the same integrator, and against the tighter reference.
  CHECK(recovered["trajectory_mse"]["max"].as<double>() < 1e-14);
  CHECK(recovered["trajectory_mse_vs_reference"]["max"].as<double>() < 1e-9);
  CHECK(recovered["energy_drift_max"].as<double>() < 1e-4);
  // The KAN it came from is far less accurate.
  CHECK(model("kan_l1")["trajectory_mse"]["max"].as<double>() >
        1e3 * recovered["trajectory_mse_vs_reference"]["max"].as<double>());
}

TEST_CASE("symbolic.yaml loads back as a model and reproduces the rollout") {
  const fs::path dir = scratch("symbolic_reload");
  fs::create_directories(dir);
  const fs::path pipeline = dir / "reload.yaml";
  std::ofstream(pipeline) << "system: {plugin: spring_mass}\n"
                             "data: {trajectories: 50, time_span: [0, 3], points: 30, seed: 1390, "
                             "rng: numpy}\n"
                             "training: {enabled: false}\n"
                             "models:\n"
                             "  recovered: {plugin: symbolic, file: '"
                          << (run() / "symbolic" / "kan_l1.yaml").string()
                          << "'}\n"
                             "  printed: {plugin: symbolic, digits: 2, file: '"
                          << (run() / "symbolic" / "kan_l1.yaml").string()
                          << "'}\n"
                             "  rounded: {plugin: symbolic, digits: 0, file: '"
                          << (run() / "symbolic" / "kan_l1.yaml").string()
                          << "'}\n"
                             "evaluation: {initial_state: [1, 0], time_span: [0, 20], points: "
                             "500}\n";
  std::string arguments = "'";
  arguments += pipeline.string();
  arguments += "' -o '";
  arguments += (dir / "run").string();
  arguments += "'";
  REQUIRE(host(arguments) == 0);
  const YAML::Node models = YAML::LoadFile((dir / "run" / "summary.yaml").string())["models"];
  // Equal up to the order of floating-point sums in the reloaded expressions.
  CHECK(std::abs(models["recovered"]["trajectory_mse"]["final"].as<double>() -
                 model("kan_l1_symbolic")["trajectory_mse"]["final"].as<double>()) < 1e-25);
  CHECK(std::abs(models["recovered"]["final_test_loss"].as<double>() -
                 model("kan_l1_symbolic")["final_test_loss"].as<double>()) < 1e-25);
  CHECK(models["recovered"]["parameters"].as<int>() ==
        model("kan_l1_symbolic")["parameters"].as<int>());
  CHECK(models["printed"]["parameters"].as<int>() == 0);
  CHECK(models["printed"]["trajectory_mse"]["max"].as<double>() < 1e-14);
  // digits: 0 rounds F2 = 1.00 q^2 + 1.00 p^2 + const to q^2 + p^2 + const, the system's own
  // H: no parameters, and the same field as the truth's, so the same rollout.
  CHECK(models["rounded"]["parameters"].as<int>() == 0);
  CHECK(models["rounded"]["trajectory_mse"]["max"].as<double>() < 1e-20);
}

TEST_CASE("the KAN diagram's data: network files for every KAN") {
  for (const std::string name : {"kan", "kan_l1"}) {
    const YAML::Node network = YAML::LoadFile((run() / "network" / (name + ".yaml")).string());
    CHECK(network["width"].size() == 3);
    CHECK(network["edges"].size() == 4);
    CHECK(network["edges"][0]["function"].as<std::string>() == "x^2");
    std::ifstream csv(run() / "network" / (name + ".csv"));
    std::size_t lines = 0;
    for (std::string line; std::getline(csv, line);) ++lines;
    CHECK(lines == 1 + 4 * 750);  // header, then every test sample on every edge
  }
  CHECK(model("kan_l1")["symbolic"]["edges"][2]["choice"].as<std::string>() == "pruned");
}

TEST_CASE("a second run gives the same numbers, bit for bit (refinement included)") {
  const fs::path again = scratch("symbolic_again");
  REQUIRE(host("'" + kPipeline + "' -o '" + again.string() + "'") == 0);
  const YAML::Node first = YAML::LoadFile((run() / "summary.yaml").string())["models"];
  const YAML::Node second = YAML::LoadFile((again / "summary.yaml").string())["models"];
  for (const std::string name : {"kan", "kan_l1", "kan_symbolic", "kan_l1_symbolic"}) {
    CAPTURE(name);
    CHECK(first[name]["epochs"].as<int>() == second[name]["epochs"].as<int>());
    CHECK(first[name]["final_train_loss"].as<std::string>() ==
          second[name]["final_train_loss"].as<std::string>());
    CHECK(first[name]["trajectory_mse"]["final"].as<std::string>() ==
          second[name]["trajectory_mse"]["final"].as<std::string>());
  }
}

TEST_CASE("rollout: rounded evaluates the printed formula, with its own losses") {
  const fs::path dir = scratch("symbolic_rounded");
  REQUIRE(host("'" + kPipeline + "' -o '" + dir.string() +
               "' --no-report --set models.kan.symbolic.rollout=rounded") == 0);
  const YAML::Node printed =
      YAML::LoadFile((dir / "summary.yaml").string())["models"]["kan_symbolic"];
  CHECK(printed["parameters"].as<int>() == 0);
  CHECK(printed["description"].as<std::string>().find("rounded to 2") != std::string::npos);
  // 1.00 q^2 + 1.00 p^2 + const is the spring's H exactly.
  CHECK(printed["final_train_loss"].as<double>() < 1e-20);
  CHECK(printed["trajectory_mse"]["max"].as<double>() < 1e-20);
}

TEST_CASE("summary.yaml reads into a RunSummary that writes back byte for byte, all documented") {
  std::ifstream stream(run() / "summary.yaml", std::ios::binary);
  std::stringstream text;
  text << stream.rdbuf();
  const hnn::RunSummary summary = hnn::read_run_summary(run() / "summary.yaml");
  CHECK(summary.schema_version == hnn::kRunSummarySchemaVersion);
  REQUIRE(summary.model_names() ==
          std::vector<std::string>{"kan", "kan_l1", "kan_symbolic", "kan_l1_symbolic"});
  const hnn::ModelSummary& kan_l1 = summary.models[1];
  REQUIRE(kan_l1.symbolic.has_value());
  CHECK(kan_l1.symbolic->edges.size() == 4);
  CHECK(kan_l1.symbolic->refinement.has_value());
  CHECK(kan_l1.symbolic->verification.has_value());
  CHECK(hnn::format_run_summary(summary) == text.str());
  CHECK(hnn::testing::undocumented_summary_keys(text.str()) == std::vector<std::string>{});
}
