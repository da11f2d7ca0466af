// Systems with damping and forcing through hnn-host (issue 14): a small pipeline per new
// system passes --check, and the conservative MLP-HNN trains on a damped spring and is
// rolled out against the damped truth without breaking (it cannot fit the damping); a damping
// formula that turns negative along the run stops it (exit status 1), naming the state.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "host_run.h"

namespace fs = std::filesystem;
using hnn::testing::host;
using hnn::testing::scratch;

namespace {

// The path of tests/end_to_end/<name>.yaml, in single quotes for the shell.
std::string quoted_pipeline(const std::string& name) {
  std::string path = "'" HNN_SOURCE_DIR "/tests/end_to_end/";
  path += name;
  path += ".yaml'";
  return path;
}

// The columns of a CSV file's rows (after the header), by the header's names.
std::vector<std::vector<double>> csv_columns(const fs::path& file,
                                             const std::vector<std::string>& names) {
  std::ifstream stream(file);
  std::string line;
  std::getline(stream, line);
  std::vector<std::string> header;
  std::stringstream cells(line);
  for (std::string cell; std::getline(cells, cell, ',');) header.push_back(cell);
  std::vector<std::size_t> indices;
  for (const auto& name : names) {
    const auto found = std::find(header.begin(), header.end(), name);
    REQUIRE_MESSAGE(found != header.end(), name);
    indices.push_back(std::size_t(found - header.begin()));
  }
  std::vector<std::vector<double>> columns(names.size());
  while (std::getline(stream, line)) {
    std::vector<std::string> row;
    std::stringstream row_cells(line);
    for (std::string cell; std::getline(row_cells, cell, ',');) row.push_back(cell);
    for (std::size_t c = 0; c < indices.size(); ++c) {
      columns[c].push_back(std::stod(row.at(indices[c])));
    }
  }
  return columns;
}

}  // namespace

TEST_CASE("--check passes on a small pipeline of each new system") {
  for (const char* name : {"damped_spring_small", "damped_pendulum_small", "duffing_small",
                           "expression_damped_small"}) {
    CAPTURE(name);
    const fs::path out = scratch(std::string("check_") + name);
    CHECK(host("--check " + quoted_pipeline(name) + " > '" + out.string() + ".txt'") == 0);
  }
}

TEST_CASE("the conservative HNN on a damped spring: the run works, the truth decays") {
  const fs::path run = scratch("damped_spring_run");
  REQUIRE(host(quoted_pipeline("damped_spring_small") + " -o '" + run.string() + "'") == 0);
  const YAML::Node summary = YAML::LoadFile((run / "summary.yaml").string());
  CHECK(summary["system"].as<std::string>() == "damped_spring");
  CHECK(summary["exact_hamiltonian"].as<std::string>() == "q^2 + p^2");
  for (const char* model : {"hnn", "baseline"}) {
    CAPTURE(model);
    CHECK(summary["models"][model]["trained"].as<bool>());
    CHECK(summary["models"][model]["epochs"].as<int>() == 50);
    CHECK(std::isfinite(summary["models"][model]["final_test_loss"].as<double>()));
  }
  // The truth is the damped one: from H = 1 at t = 0 it decays as exp(-0.2 t) on average
  // (0.14 at t = 10), and the reference integrator agrees.
  const auto columns = csv_columns(run / "trajectories.csv", {"t", "truth_energy"});
  REQUIRE(columns[0].size() == 100);
  CHECK(columns[1].front() == 1.0);
  CHECK(columns[1].back() == doctest::Approx(std::exp(-2.0)).epsilon(0.1));
  CHECK(summary["truth"]["truth_vs_reference_mse"]["max"].as<double>() < 1e-9);
  // The data's targets are the damped field: dp/dt = -2 q - 0.2 p at the noise-free state,
  // so in the data (noise 0.01) dp/dt + 2 q + 0.2 p is small, not dp/dt + 2 q alone.
  const auto data = csv_columns(run / "data.csv", {"q", "p", "dp_dt"});
  double damped = 0.0, undamped = 0.0;
  for (std::size_t i = 0; i < data[0].size(); ++i) {
    damped = std::max(damped, std::abs(data[2][i] + 2.0 * data[0][i] + 0.2 * data[1][i]));
    undamped = std::max(undamped, std::abs(data[2][i] + 2.0 * data[0][i]));
  }
  CHECK(damped < 0.1);
  CHECK(undamped > 0.15);
}

TEST_CASE("a damping formula negative where only the run goes stops it with exit status 1") {
  // 1 - q^2/4 >= 0.75 at every state the sampler draws (radius <= 1.5), so --check passes;
  // the truth rollout from q = 3 makes it negative.
  const std::string settings =
      " --set 'system.damping=[\"1 - q^2/4\"]' --set 'evaluation.initial_state=[3, 0]'";
  const fs::path check = scratch("negative_damping_check");
  CHECK(host("--check " + quoted_pipeline("expression_damped_small") + settings + " > '" +
             check.string() + ".txt'") == 0);
  const fs::path run = scratch("negative_damping_run");
  const fs::path log = scratch("negative_damping_run.txt");
  CHECK(host(quoted_pipeline("expression_damped_small") + settings + " -o '" + run.string() +
             "' 2> '" + log.string() + "'") == 1);
  std::ifstream stream(log);
  const std::string message((std::istreambuf_iterator<char>(stream)),
                            std::istreambuf_iterator<char>());
  CHECK(message.find("the damping coefficient -1/4*q^2+1 is negative (-1.25) at q = 3, p = 0") !=
        std::string::npos);
}
