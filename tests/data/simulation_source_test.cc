// The `simulation` data source: its trajectories, split in order as the host does, are
// generate_trajectory_dataset's dataset bit for bit (the default source changes no run),
// for both orders of the split and for a system whose sampler draws differently; for a driven
// damped system its derivatives are the true field at each sample's time.
#include <doctest/doctest.h>

#include "bundled_plugins.h"
#include "hnn/dataset_split.h"
#include "hnn/error.h"
#include "hnn/random.h"
#include "hnn/trajectory_dataset.h"

namespace {

using hnn::testing::BundledPlugins;

const BundledPlugins& plugins() {
  static const BundledPlugins instance(
      {"spring_mass", "pendulum", "duffing", "odeint_integrators", "simulation_source"});
  return instance;
}

void check_equal(const hnn::TrajectorySamples& a, const hnn::TrajectorySamples& b) {
  CHECK(a.inputs == b.inputs);  // exactly
  CHECK(a.targets == b.targets);
  CHECK(a.trajectory == b.trajectory);
  CHECK(a.time == b.time);
}

}  // namespace

TEST_CASE("the simulation source split in order is generate_trajectory_dataset, bit for bit") {
  for (const char* system_name : {"spring_mass", "pendulum", "duffing"}) {
    for (const bool test_first : {false, true}) {
      CAPTURE(system_name);
      CAPTURE(test_first);
      const auto system = plugins().system(system_name);
      const auto integrator = plugins().integrator("rk45", {{"rtol", 1e-10}, {"atol", 1e-6}});
      const BundledPlugins::Overrides settings = {
          {"trajectories", std::int64_t{7}}, {"points", std::int64_t{13}}, {"noise_std", 0.1}};
      const auto source = plugins().registry().create_data_source(
          "simulation", plugins().options(hnn::PluginKind::kDataSource, "simulation", settings));
      CHECK(source->needs_system());

      hnn::NumpyLegacyRandom random(1390);
      hnn::DataSourceContext context;
      context.system = system.get();
      context.integrator = integrator.get();
      context.random = &random;
      const hnn::TrajectorySet set = source->load(context);
      REQUIRE(set.trajectories.size() == 7);
      CHECK(set.trajectories[0].derivatives.cols() == 13);
      hnn::SplitSettings split;
      split.train_fraction = 0.3;
      split.test_first = test_first;
      const hnn::TrajectoryDataset through_source = hnn::split_trajectories(set, split, nullptr);

      hnn::NumpyLegacyRandom same(1390);
      hnn::TrajectoryDatasetOptions options;
      options.trajectories = 7;
      options.points = 13;
      options.noise_std = 0.1;
      options.train_fraction = 0.3;
      options.test_first = test_first;
      const hnn::TrajectoryDataset direct =
          hnn::generate_trajectory_dataset(*system, *integrator, same, options);
      check_equal(through_source.train, direct.train);
      check_equal(through_source.test, direct.test);
      CHECK(through_source.coordinate_names == direct.coordinate_names);
    }
  }
}

TEST_CASE("the simulation source's derivatives of a driven damped system: the true field at t") {
  const auto system = plugins().system("duffing");
  const auto integrator = plugins().integrator("rk45", {{"rtol", 1e-10}, {"atol", 1e-6}});
  const BundledPlugins::Overrides settings = {{"trajectories", std::int64_t{3}},
                                              {"points", std::int64_t{11}},
                                              {"time_span", std::vector<double>{4.0, 9.0}},
                                              {"noise_std", 0.0}};
  const auto source = plugins().registry().create_data_source(
      "simulation", plugins().options(hnn::PluginKind::kDataSource, "simulation", settings));
  hnn::NumpyLegacyRandom random(2);
  hnn::DataSourceContext context;
  context.system = system.get();
  context.integrator = integrator.get();
  context.random = &random;
  const hnn::TrajectorySet set = source->load(context);
  REQUIRE(set.trajectories.size() == 3);
  Eigen::VectorXd field(2);
  for (const auto& trajectory : set.trajectories) {
    REQUIRE(trajectory.times.size() == 11);
    CHECK(trajectory.times.front() == 4.0);
    CHECK(trajectory.times.back() == 9.0);
    for (std::size_t i = 0; i < trajectory.times.size(); ++i) {
      hnn::true_field(*system, trajectory.times[i], trajectory.states.col(Eigen::Index(i)), field);
      CHECK(trajectory.derivatives.col(Eigen::Index(i)) == field);  // exactly
    }
  }
}

TEST_CASE("the simulation source needs the system") {
  const auto source = plugins().registry().create_data_source(
      "simulation", plugins().options(hnn::PluginKind::kDataSource, "simulation", {}));
  CHECK_THROWS_WITH_AS(source->load(hnn::DataSourceContext{}),
                       doctest::Contains("the simulation source needs the pipeline's system"),
                       hnn::Error);
}
