// hnn::TrainedModel (hnn/host/trained_model.h) on a run of hnn-host: each model loaded back
// from its run folder rolls out exactly the run's trajectories.csv and H column, its
// batched field is the per-state field of the rollouts column by column, the field of an
// HNN is J dH/dx, and the errors name what is wrong. (python/tests/test_model.py covers the
// same from Python, with the checkpoint-alone loader and the learned damping's formula.)
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <filesystem>
#include <string>
#include <vector>

#include "hnn/error.h"
#include "hnn/host/plugin_loader.h"
#include "hnn/host/trained_model.h"
#include "hnn/registry.h"
#include "hnn/report/csv_table.h"
#include "host_run.h"

namespace fs = std::filesystem;
using hnn::testing::host;
using hnn::testing::scratch;

namespace {

const std::string kPipeline =
    std::string(HNN_SOURCE_DIR) + "/tests/end_to_end/trained_model_small.yaml";

const fs::path& trained_run() {
  static const fs::path run = [] {
    const fs::path folder = scratch("trained_model");
    REQUIRE(host("'" + kPipeline + "' -o '" + folder.string() + "' --no-report") == 0);
    return folder;
  }();
  return run;
}

struct BundledRegistry {
  hnn::Registry registry;
  hnn::PluginLoader loader{registry};
  BundledRegistry() { loader.load_directory(HNN_BUNDLED_PLUGIN_DIR); }
};

Eigen::MatrixXd some_states() {
  Eigen::MatrixXd states(2, 4);
  states << 1.0, 0.3, -0.5, 0.05,  //
      0.0, -0.7, 0.25, 1.1;
  return states;
}

}  // namespace

TEST_CASE("each model of a run rolls out the run's trajectories.csv exactly") {
  const BundledRegistry plugins;
  const auto table = hnn::report::CsvTable::read(trained_run() / "trajectories.csv");
  const std::vector<double> times = table.reals("t");
  for (const std::string name : {"hnn", "baseline", "damped"}) {
    CAPTURE(name);
    hnn::TrainedModel model =
        hnn::TrainedModel::from_run_folder(trained_run(), name, plugins.registry);
    CHECK(model.name() == name);
    CHECK(model.epochs() == 5);
    CHECK(model.state_dimension() == 2);
    CHECK(model.coordinates() == std::vector<std::string>{"q", "p"});
    CHECK(model.kind() == (name == "baseline" ? "baseline" : "hnn"));
    CHECK(model.evaluation_integrator().plugin == "rk45");
    CHECK(model.dissipation_parameters().size() == (name == "damped" ? 3 : 0));

    const Eigen::MatrixXd rollout = model.rollout(Eigen::Vector2d(1.0, 0.0), times);
    REQUIRE(rollout.cols() == Eigen::Index(times.size()));
    const auto q = table.reals(name + "_q");
    const auto p = table.reals(name + "_p");
    for (std::size_t k = 0; k < times.size(); ++k) {
      CHECK(rollout(0, Eigen::Index(k)) == q[k]);
      CHECK(rollout(1, Eigen::Index(k)) == p[k]);
    }
    if (model.learns_hamiltonian()) {
      Eigen::RowVectorXd h(rollout.cols());
      model.hamiltonian(rollout, h);
      const auto expected = table.reals(name + "_H");
      for (std::size_t k = 0; k < times.size(); ++k) CHECK(h(Eigen::Index(k)) == expected[k]);
    }

    // The batch, column by column, is the field at one state.
    const Eigen::MatrixXd states = some_states();
    Eigen::MatrixXd batch(2, states.cols());
    model.field(0.7, states, batch);
    for (Eigen::Index j = 0; j < states.cols(); ++j) {
      Eigen::MatrixXd one(2, 1);
      model.field(0.7, states.col(j), one);
      CHECK(one(0, 0) == doctest::Approx(batch(0, j)).epsilon(1e-15));
      CHECK(one(1, 0) == doctest::Approx(batch(1, j)).epsilon(1e-15));
    }
  }
}

TEST_CASE("the field of an HNN is J dH/dx; a baseline has no H") {
  const BundledRegistry plugins;
  const Eigen::MatrixXd states = some_states();
  hnn::TrainedModel model =
      hnn::TrainedModel::from_run_folder(trained_run(), "hnn", plugins.registry);
  Eigen::MatrixXd gradient(2, states.cols()), field(2, states.cols());
  model.gradient(states, gradient);
  model.field(0.0, states, field);
  CHECK(field.row(0) == gradient.row(1));
  CHECK(field.row(1) == -gradient.row(0));

  hnn::TrainedModel baseline =
      hnn::TrainedModel::from_run_folder(trained_run(), "baseline", plugins.registry);
  Eigen::RowVectorXd h(states.cols());
  CHECK_THROWS_WITH_AS(baseline.hamiltonian(states, h),
                       doctest::Contains("baseline: a baseline model learns the field"),
                       hnn::Error);
}

TEST_CASE("sizes and names that do not fit are refused with both") {
  const BundledRegistry plugins;
  hnn::TrainedModel model =
      hnn::TrainedModel::from_run_folder(trained_run(), "hnn", plugins.registry);
  Eigen::MatrixXd states(3, 2), gradient(3, 2);
  CHECK_THROWS_WITH_AS(model.gradient(states, gradient),
                       "hnn: dH/dx: the states are 3 x 2 (expected 2 x N), the result 3 x 2 "
                       "(expected 2 x N)",
                       hnn::Error);
  CHECK_THROWS_WITH_AS(model.rollout(Eigen::Vector3d::Zero(), {0.0, 1.0}),
                       doctest::Contains("the initial state has 3 coordinates, expected 2"),
                       hnn::Error);
  CHECK_THROWS_WITH_AS(hnn::TrainedModel::from_run_folder(trained_run(), "hnm", plugins.registry),
                       doctest::Contains("no model 'hnm' (its models: hnn, baseline, damped)"),
                       hnn::Error);
  // An empty batch is no error.
  Eigen::MatrixXd none(2, 0);
  Eigen::RowVectorXd no_values(0);
  model.hamiltonian(none, no_values);
}
