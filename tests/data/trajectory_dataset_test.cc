// generate_trajectory_dataset with the spring_mass system and the rk45 integrator against the
// golden spring datasets (spec/hnn.md sections 3, 4.1, 4.3).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "bundled_plugins.h"
#include "golden_csv.h"
#include "hnn/error.h"
#include "hnn/hamiltonian_system.h"
#include "hnn/random.h"
#include "hnn/trajectory_dataset.h"

namespace {

using hnn::testing::BundledPlugins;
using hnn::testing::GoldenCsv;

const BundledPlugins& plugins() {
  static const BundledPlugins instance({"spring_mass", "odeint_integrators"});
  return instance;
}

// The largest |difference| between a golden dataset and ours, over q, p, dqdt, dpdt; also
// checks the bookkeeping columns exactly.
double max_deviation(const GoldenCsv& golden, const hnn::TrajectoryDataset& data) {
  const auto q = golden.numbers("q"), p = golden.numbers("p");
  const auto dqdt = golden.numbers("dqdt"), dpdt = golden.numbers("dpdt");
  const auto t = golden.numbers("t"), trajectory = golden.numbers("trajectory");
  const auto split = golden.strings("split");
  REQUIRE(data.train.size() + data.test.size() == static_cast<Eigen::Index>(q.size()));
  double deviation = 0.0;
  for (std::size_t row = 0; row < q.size(); ++row) {
    const bool is_train = static_cast<Eigen::Index>(row) < data.train.size();
    const hnn::TrajectorySamples& samples = is_train ? data.train : data.test;
    const Eigen::Index j = is_train ? static_cast<Eigen::Index>(row)
                                    : static_cast<Eigen::Index>(row) - data.train.size();
    CHECK(split[row] == (is_train ? "train" : "test"));
    CHECK(samples.trajectory[static_cast<std::size_t>(j)] == static_cast<int>(trajectory[row]));
    CHECK(samples.time[static_cast<std::size_t>(j)] == t[row]);
    deviation = std::max({deviation, std::abs(samples.inputs(0, j) - q[row]),
                          std::abs(samples.inputs(1, j) - p[row]),
                          std::abs(samples.targets(0, j) - dqdt[row]),
                          std::abs(samples.targets(1, j) - dpdt[row])});
  }
  return deviation;
}

Eigen::VectorXd column_sums(const Eigen::MatrixXd& samples) { return samples.rowwise().sum(); }
Eigen::VectorXd column_sums_of_squares(const Eigen::MatrixXd& samples) {
  return samples.array().square().rowwise().sum();
}

void check_close(double actual, double expected, double tolerance) {
  CAPTURE(actual);
  CAPTURE(expected);
  CHECK(std::abs(actual - expected) <= tolerance);
}

hnn::TrajectoryDataset spring_dataset(std::uint32_t seed, double noise_std) {
  const auto spring = plugins().system("spring_mass");
  const auto rk45 = plugins().integrator("rk45");  // rtol 1e-10, atol 1e-6: the generators'
  hnn::NumpyLegacyRandom random(seed);
  hnn::TrajectoryDatasetOptions options;
  options.noise_std = noise_std;
  return hnn::generate_trajectory_dataset(*spring, *rk45, random, options);
}

// Requested tolerance of the comparison with the Python data; the deviation actually reached
// is much smaller (printed, and bounded by kReplayTolerance).
constexpr double kTolerance = 5e-6;
constexpr double kReplayTolerance = 1e-13;

}  // namespace

TEST_CASE("trajectory_times is numpy.linspace") {
  hnn::TrajectoryDatasetOptions options;
  const std::vector<double> times = hnn::trajectory_times(options);
  REQUIRE(times.size() == 30);
  CHECK(times.front() == 0.0);
  CHECK(times[1] == 0.10344827586206896);
  CHECK(times[2] == 0.20689655172413793);
  CHECK(times[3] == 0.3103448275862069);
  CHECK(times.back() == 3.0);
}

TEST_CASE("the spring dataset of seed 1390 reproduces the KAN-HNN data (spec 4.3)") {
  const hnn::TrajectoryDataset data = spring_dataset(1390, 0.0);
  CHECK(data.coordinate_names == std::vector<std::string>{"q", "p"});
  REQUIRE(data.train.size() == 750);
  REQUIRE(data.test.size() == 750);

  const double deviation =
      max_deviation(hnn::testing::read_golden_csv("spring_seed1390.csv"), data);
  MESSAGE("seed 1390: max |C++ - golden| over q, p, dq/dt, dp/dt = " << deviation);
  CHECK(deviation <= kTolerance);
  CHECK(deviation <= kReplayTolerance);

  // Section 4.3 checksums.
  const Eigen::VectorXd train_x_sums = column_sums(data.train.inputs);
  const Eigen::VectorXd train_x_squares = column_sums_of_squares(data.train.inputs);
  const Eigen::VectorXd train_dx_sums = column_sums(data.train.targets);
  const Eigen::VectorXd train_dx_squares = column_sums_of_squares(data.train.targets);
  const Eigen::VectorXd test_x_sums = column_sums(data.test.inputs);
  const Eigen::VectorXd test_x_squares = column_sums_of_squares(data.test.inputs);
  const Eigen::VectorXd test_dx_sums = column_sums(data.test.targets);
  const Eigen::VectorXd test_dx_squares = column_sums_of_squares(data.test.targets);
  check_close(train_x_sums[0], 0.10349434801419521, kTolerance);
  check_close(train_x_sums[1], 0.015198142020317447, kTolerance);
  check_close(train_x_squares[0], 143.6030378049166, kTolerance);
  check_close(train_x_squares[1], 144.3667181318073, kTolerance);
  check_close(train_dx_sums[0], 0.030396284040634894, kTolerance);
  check_close(train_dx_sums[1], -0.20698869602839043, kTolerance);
  check_close(train_dx_squares[0], 577.4668725272292, kTolerance);
  check_close(train_dx_squares[1], 574.4121512196664, kTolerance);
  check_close(test_x_sums[0], 1.8324225842166715, kTolerance);
  check_close(test_x_sums[1], -1.0780264264758137, kTolerance);
  check_close(test_x_squares[0], 97.82480752540245, kTolerance);
  check_close(test_x_squares[1], 97.57707353369292, kTolerance);
  check_close(test_dx_sums[0], -2.1560528529516274, kTolerance);
  check_close(test_dx_sums[1], -3.664845168433343, kTolerance);
  check_close(test_dx_squares[0], 390.3082941347717, kTolerance);
  check_close(test_dx_squares[1], 391.2992301016098, kTolerance);
  MESSAGE("seed 1390: |train x sum - spec| = "
          << std::abs(train_x_sums[0] - 0.10349434801419521) << ", "
          << std::abs(train_x_sums[1] - 0.015198142020317447)
          << "; |test dx sum of squares - spec| = "
          << std::abs(test_dx_squares[0] - 390.3082941347717) << ", "
          << std::abs(test_dx_squares[1] - 391.2992301016098));

  // Rows quoted in the spec.
  check_close(data.train.inputs(0, 0), -0.731357258605026, kReplayTolerance);
  check_close(data.train.inputs(1, 0), 0.6681547090527568, kReplayTolerance);
  check_close(data.train.inputs(0, 2), -0.4009769876280014, kReplayTolerance);
  check_close(data.train.inputs(1, 2), 0.9058320768553919, kReplayTolerance);
  check_close(data.train.inputs(0, 30), -0.2600777985965528, kReplayTolerance);
  check_close(data.train.inputs(1, 30), 0.47458608136098557, kReplayTolerance);
  check_close(data.test.inputs(0, 0), -0.44514042295172457, kReplayTolerance);
  check_close(data.test.inputs(1, 0), 0.4004317392906398, kReplayTolerance);
}

TEST_CASE("the spring dataset of seed 0 with noise 0.1 reproduces the original HNN data (4.1)") {
  const hnn::TrajectoryDataset data = spring_dataset(0, 0.1);
  const double deviation =
      max_deviation(hnn::testing::read_golden_csv("spring_original_seed0.csv"), data);
  MESSAGE("seed 0, noise 0.1: max |C++ - golden| over q, p, dq/dt, dp/dt = " << deviation);
  CHECK(deviation <= kTolerance);
  CHECK(deviation <= kReplayTolerance);

  const Eigen::VectorXd train_x_sums = column_sums(data.train.inputs);
  const Eigen::VectorXd train_dx_sums = column_sums(data.train.targets);
  check_close(train_x_sums[0], -2.27580151408528, kTolerance);
  check_close(train_x_sums[1], -2.44637282366732, kTolerance);
  check_close(data.train.inputs.array().square().sum(), 308.343666111838, kTolerance);
  check_close(train_dx_sums[0], -0.777002731612058, kTolerance);
  check_close(train_dx_sums[1], 2.38653304495827, kTolerance);
  check_close(data.train.inputs(0, 0), -0.084702105930239, kReplayTolerance);
  check_close(data.train.inputs(1, 0), 0.8053171994059353, kReplayTolerance);
  check_close(data.train.targets(0, 0), 1.25313758969927, kReplayTolerance);
  check_close(data.train.targets(1, 0), -0.2842614283755968, kReplayTolerance);
}

namespace {

// Two free particles, H = (p1^2 + p2^2) / 2, with a sampler that draws nothing: the only
// draws are the noise, so their order is visible.
class FreeParticles final : public hnn::HamiltonianSystem<FreeParticles, 2> {
 public:
  template <typename T>
  T energy(const T* /*q*/, const T* p) const {
    return 0.5 * (p[0] * p[0] + p[1] * p[1]);
  }
  std::vector<std::string> coordinate_names() const override { return {"x", "y", "px", "py"}; }
  void sample_initial_state(hnn::RandomSource&, Eigen::Ref<Eigen::VectorXd> x) const override {
    x << 0.0, 1.0, 2.0, -1.0;
  }
};

}  // namespace

TEST_CASE("noise is drawn per coordinate, all time points of one coordinate first") {
  FreeParticles system;
  const auto rk4 = plugins().integrator("rk4");
  hnn::TrajectoryDatasetOptions options;
  options.trajectories = 2;
  options.points = 5;
  options.time_span = {0.0, 1.0};
  options.train_fraction = 0.3;  // int(10 * 0.3) = 3 training samples
  options.noise_std = 0.5;
  hnn::NumpyLegacyRandom random(11);
  const hnn::TrajectoryDataset noisy =
      hnn::generate_trajectory_dataset(system, *rk4, random, options);
  options.noise_std = 0.0;
  hnn::NumpyLegacyRandom unused(11);
  const hnn::TrajectoryDataset clean =
      hnn::generate_trajectory_dataset(system, *rk4, unused, options);
  REQUIRE(noisy.train.size() == 3);
  REQUIRE(noisy.test.size() == 7);

  Eigen::MatrixXd noise(4, 10);
  noise << noisy.train.inputs - clean.train.inputs, noisy.test.inputs - clean.test.inputs;
  Eigen::MatrixXd targets_difference(4, 10);
  targets_difference << noisy.train.targets - clean.train.targets,
      noisy.test.targets - clean.test.targets;
  CHECK(targets_difference.isZero(0.0));  // targets are computed before the noise

  hnn::NumpyLegacyRandom reference(11);
  for (int trajectory = 0; trajectory < 2; ++trajectory) {
    for (int c = 0; c < 4; ++c) {
      for (int i = 0; i < 5; ++i) {
        const double expected = 0.5 * reference.normal();
        CHECK(noise(c, trajectory * 5 + i) == doctest::Approx(expected).epsilon(1e-12));
      }
    }
  }
  CHECK(noisy.test.trajectory.front() == 0);  // sample 3 is trajectory 0, time point 3
  CHECK(noisy.test.time.front() == 0.75);
  CHECK(noisy.test.trajectory.back() == 1);
}

TEST_CASE("invalid dataset options are reported with the value and the constraint") {
  const auto spring = plugins().system("spring_mass");
  const auto rk4 = plugins().integrator("rk4");
  hnn::NumpyLegacyRandom random(1);
  hnn::TrajectoryDatasetOptions options;
  options.points = 1;
  CHECK_THROWS_WITH_AS(hnn::generate_trajectory_dataset(*spring, *rk4, random, options),
                       doctest::Contains("points = 1 must be >= 2"), hnn::Error);
  options = {};
  options.time_span = {1.0, 1.0};
  CHECK_THROWS_WITH_AS(hnn::generate_trajectory_dataset(*spring, *rk4, random, options),
                       doctest::Contains("time_span = [1, 1]"), hnn::Error);
  options = {};
  options.train_fraction = 1.5;
  std::string error;
  CHECK_FALSE(options.is_valid(&error));
  CHECK(error == "train_fraction = 1.5 must be in [0, 1]");
  options = {};
  options.noise_std = -0.1;
  CHECK_FALSE(options.is_valid(nullptr));
}
