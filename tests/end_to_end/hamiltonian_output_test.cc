// training.hamiltonian_output through hnn-host: the rollout of an HNN follows J dF_h/dx of the
// output it names, so that output (the m_H column of trajectories.csv, recomputed here from the
// checkpoint's network at the rolled-out states) is conserved along it and the other outputs
// are not; another choice gives another rollout. training.conservative_output likewise names
// the output whose gradient the conservative field follows.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bundled_plugins.h"
#include "host_run.h"

namespace fs = std::filesystem;

namespace {

// Columns m_q, m_p and m_H of trajectories.csv.
struct Rollout {
  std::vector<double> q, p, h;
};

Rollout run_with(const std::string& name, const std::string& settings) {
  const fs::path run = hnn::testing::scratch("hamiltonian_output_" + name);
  REQUIRE(hnn::testing::host("'" HNN_SOURCE_DIR "/tests/end_to_end/hamiltonian_output.yaml' -o '" +
                             run.string() + "' --no-report " + settings) == 0);
  std::ifstream in(run / "trajectories.csv");
  std::string line;
  std::getline(in, line);
  REQUIRE(line ==
          "t,truth_q,truth_p,truth_energy,reference_q,reference_p,reference_energy,m_q,m_p,"
          "m_energy,m_H");
  Rollout rollout;
  while (std::getline(in, line)) {
    std::stringstream cells(line);
    std::vector<double> row;
    for (std::string cell; std::getline(cells, cell, ',');) row.push_back(std::stod(cell));
    REQUIRE(row.size() == 11);
    rollout.q.push_back(row[7]);
    rollout.p.push_back(row[8]);
    rollout.h.push_back(row[10]);
  }
  REQUIRE(rollout.q.size() == 21);
  return rollout;
}

double spread(const std::vector<double>& values) {
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  return *high - *low;
}

// The network as the checkpoint of run_with(name, ...) holds it (untrained: the seeded
// initialisation).
class Network {
 public:
  explicit Network(const std::string& name) : plugins_({"hnn_mlp"}) {
    model_ = plugins_.model("mlp", {{"inputs", std::int64_t{2}},
                                    {"outputs", std::int64_t{3}},
                                    {"hidden", std::vector<std::int64_t>{8}},
                                    {"seed", std::int64_t{1}}});
    const YAML::Node checkpoint =
        YAML::LoadFile((fs::path(HNN_BINARY_DIR) / "tests" / "end_to_end" /
                        ("hamiltonian_output_" + name) / "checkpoints" / "m.yaml")
                           .string());
    const auto parameters = checkpoint["parameters"].as<std::vector<double>>();
    REQUIRE(int(parameters.size()) == model_->parameter_count());
    model_->set_parameters(
        Eigen::Map<const Eigen::VectorXd>(parameters.data(), Eigen::Index(parameters.size())));
  }
  // The three outputs at every state of the rollout (one column per time).
  Eigen::MatrixXd outputs(const Rollout& rollout) const {
    Eigen::MatrixXd states(2, Eigen::Index(rollout.q.size())), values(3, states.cols());
    for (Eigen::Index k = 0; k < states.cols(); ++k) {
      states.col(k) << rollout.q[std::size_t(k)], rollout.p[std::size_t(k)];
    }
    model_->forward(states);
    model_->outputs(values);
    return values;
  }

 private:
  hnn::testing::BundledPlugins plugins_;
  std::shared_ptr<hnn::Model> model_;
};

}  // namespace

TEST_CASE("training.hamiltonian_output: the rollout conserves the output it names") {
  const Rollout third = run_with("2", "--set training.hamiltonian_output=2");
  const Rollout second = run_with("1", "--set training.hamiltonian_output=1");
  const Eigen::MatrixXd along_third = Network("2").outputs(third);
  for (std::size_t k = 0; k < third.h.size(); ++k) {
    CHECK(third.h[k] == doctest::Approx(along_third(2, Eigen::Index(k))).epsilon(1e-12));
  }
  // F3 is conserved to about the integrator's atol (1e-6); F1 and F2 change along the same
  // path a hundred times more.
  std::vector<double> f1(std::size_t(along_third.cols())), f2(f1.size());
  for (Eigen::Index k = 0; k < along_third.cols(); ++k) {
    f1[std::size_t(k)] = along_third(0, k);
    f2[std::size_t(k)] = along_third(1, k);
  }
  CHECK(spread(third.h) < 1e-5);
  CHECK(spread(f1) > 1e-3);
  CHECK(spread(f2) > 1e-3);
  // With output 1 (F2, the default) the m_H column is F2 and the rollout another one.
  const Eigen::MatrixXd along_second = Network("1").outputs(second);
  for (std::size_t k = 0; k < second.h.size(); ++k) {
    CHECK(second.h[k] == doctest::Approx(along_second(1, Eigen::Index(k))).epsilon(1e-12));
  }
  CHECK(spread(second.h) < 1e-5);
  CHECK(std::fabs(second.q.back() - third.q.back()) > 1e-3);
}

TEST_CASE("training.conservative_output: the gradient field of the output it names") {
  // field conservative: dx/dt = dF_c/dx, so F_c grows along the rollout (dF_c/dt = |dF_c/dx|^2).
  std::vector<double> ends;
  for (const int c : {0, 2}) {
    CAPTURE(c);
    const Rollout rollout = run_with("conservative_" + std::to_string(c),
                                     "--set training.field=conservative "
                                     "--set training.conservative_output=" +
                                         std::to_string(c));
    const Eigen::MatrixXd values = Network("conservative_" + std::to_string(c)).outputs(rollout);
    for (Eigen::Index k = 1; k < values.cols(); ++k) {
      CHECK(values(c, k) >= values(c, k - 1) - 1e-6);
    }
    CHECK(values(c, values.cols() - 1) - values(c, 0) > 1e-2);
    ends.push_back(rollout.q.back());
  }
  CHECK(std::fabs(ends[0] - ends[1]) > 1e-3);
}
