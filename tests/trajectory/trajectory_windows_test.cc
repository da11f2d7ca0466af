// Cutting measured trajectories into the windows the trajectory objective integrates over:
// k + 1 consecutive samples, a start stride, measured (non-uniform) steps, gaps that split.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "hnn/error.h"
#include "hnn/trajectory_windows.h"

namespace {

// Samples at the given times; state = (t, 10 t) so that every column says where it is from.
hnn::Trajectory trajectory(const std::string& label, const std::vector<double>& times) {
  hnn::Trajectory result;
  result.label = label;
  result.times = times;
  result.states.resize(2, Eigen::Index(times.size()));
  for (std::size_t i = 0; i < times.size(); ++i) {
    result.states.col(Eigen::Index(i)) << times[i], 10.0 * times[i];
  }
  return result;
}

}  // namespace

TEST_CASE("windows of k steps start every stride samples and carry the measured steps") {
  hnn::TrajectoryWindowOptions options;
  options.steps = 2;
  options.stride = 2;
  const auto windows = hnn::cut_trajectory_windows(
      {trajectory("a", {0.0, 0.1, 0.3, 0.6, 1.0, 1.5}), trajectory("b", {2.0, 2.5, 2.6})}, options);
  // a: starts 0, 2 (4 + 2 > 5); b: start 0.
  REQUIRE(windows.count() == 3);
  CHECK(windows.steps == 2);
  CHECK(windows.trajectory == std::vector<int>{0, 0, 1});
  CHECK(windows.first_sample == std::vector<int>{0, 2, 0});
  CHECK(windows.initial_states(0, 1) == 0.3);
  CHECK(windows.initial_states(1, 2) == 20.0);
  // Step 2 of window 1 (samples 2 -> 4) is column W + 1.
  CHECK(windows.step_targets(2)(0, 1) == 1.0);
  CHECK(windows.step_targets(1)(0, 2) == 2.5);
  CHECK(windows.time_steps(0, 0) == doctest::Approx(0.1));
  CHECK(windows.time_steps(1, 0) == doctest::Approx(0.2));
  CHECK(windows.time_steps(1, 1) == doctest::Approx(0.4));
  CHECK(windows.time_steps(1, 2) == doctest::Approx(0.1));
}

TEST_CASE("a step above max_step splits a trajectory: no window spans the gap") {
  hnn::TrajectoryWindowOptions options;
  options.steps = 2;
  options.max_step = 0.5;
  // Segments {0, 0.1, 0.2} and {1.2, 1.3, 1.4, 1.5}: 1 + 2 windows of stride 1.
  const auto windows = hnn::cut_trajectory_windows(
      {trajectory("gap", {0.0, 0.1, 0.2, 1.2, 1.3, 1.4, 1.5})}, options);
  REQUIRE(windows.count() == 3);
  CHECK(windows.first_sample == std::vector<int>{0, 3, 4});
  CHECK(windows.time_steps.maxCoeff() == doctest::Approx(0.1));
  options.max_step = std::numeric_limits<double>::infinity();
  CHECK(
      hnn::cut_trajectory_windows({trajectory("gap", {0.0, 0.1, 0.2, 1.2, 1.3, 1.4, 1.5})}, options)
          .count() == 5);
}

TEST_CASE("cutting refuses bad options, bad trajectories and the absence of any window") {
  hnn::TrajectoryWindowOptions options;
  options.steps = 0;
  CHECK_THROWS_WITH_AS(hnn::cut_trajectory_windows({trajectory("a", {0, 1})}, options),
                       doctest::Contains("steps = 0, must be >= 1"), hnn::Error);
  options.steps = 1;
  options.max_step = 0.0;
  CHECK_THROWS_WITH_AS(hnn::cut_trajectory_windows({trajectory("a", {0, 1})}, options),
                       doctest::Contains("max_step = 0, must be > 0"), hnn::Error);
  options.max_step = 0.5;
  CHECK_THROWS_WITH_AS(hnn::cut_trajectory_windows({trajectory("a", {0, 1, 2})}, options),
                       doctest::Contains("no window of 2 samples (steps + 1): the longest "
                                         "segment has 1 samples"),
                       hnn::Error);
  options.max_step = 10.0;
  CHECK_THROWS_WITH_AS(hnn::cut_trajectory_windows({trajectory("back", {0, 1, 1})}, options),
                       doctest::Contains("trajectory 'back': time 2"), hnn::Error);
  hnn::Trajectory wide = trajectory("wide", {0, 1});
  wide.states.conservativeResize(4, 2);
  CHECK_THROWS_WITH_AS(
      hnn::cut_trajectory_windows({trajectory("a", {0, 1}), wide}, options),
      doctest::Contains("trajectory 'wide' has states of dimension 4, the first trajectory 2"),
      hnn::Error);
}
