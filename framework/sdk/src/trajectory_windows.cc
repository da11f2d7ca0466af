#include "hnn/trajectory_windows.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <utility>

#include "hnn/error.h"

namespace hnn {

bool TrajectoryWindowOptions::is_valid(std::string* error) const {
  std::ostringstream message;
  if (steps < 1) {
    message << "steps = " << steps << ", must be >= 1";
  } else if (stride < 1) {
    message << "stride = " << stride << ", must be >= 1";
  } else if (std::isnan(max_step) || max_step <= 0.0) {
    message << "max_step = " << max_step << ", must be > 0";
  } else {
    return true;
  }
  if (error != nullptr) *error = message.str();
  return false;
}

namespace {

void check_trajectory(const Trajectory& trajectory, Eigen::Index dimension) {
  const std::string name = "cut_trajectory_windows: trajectory '" + trajectory.label + "'";
  if (Eigen::Index(trajectory.times.size()) != trajectory.states.cols()) {
    throw Error(name + " has " + std::to_string(trajectory.times.size()) + " times and " +
                std::to_string(trajectory.states.cols()) + " states");
  }
  if (trajectory.states.rows() != dimension) {
    throw Error(name + " has states of dimension " + std::to_string(trajectory.states.rows()) +
                ", the first trajectory " + std::to_string(dimension));
  }
  for (std::size_t i = 0; i < trajectory.times.size(); ++i) {
    const double t = trajectory.times[i];
    if (!std::isfinite(t) || (i > 0 && !(t > trajectory.times[i - 1]))) {
      throw Error(name + ": time " + std::to_string(i) + " (" + std::to_string(t) +
                  ") is not finite or not after the previous one");
    }
  }
}

// The first sample of every window of the trajectory, and the longest segment seen.
void window_starts(const Trajectory& trajectory, const TrajectoryWindowOptions& options,
                   std::vector<int>& starts, int& longest_segment) {
  const int samples = int(trajectory.times.size());
  int segment_start = 0;
  for (int i = 1; i <= samples; ++i) {
    const bool segment_ends =
        i == samples || trajectory.times[i] - trajectory.times[i - 1] > options.max_step;
    if (!segment_ends) continue;
    const int length = i - segment_start;
    longest_segment = std::max(longest_segment, length);
    for (int s = 0; s + options.steps <= length - 1; s += options.stride) {
      starts.push_back(segment_start + s);
    }
    segment_start = i;
  }
}

}  // namespace

TrajectoryWindows cut_trajectory_windows(const std::vector<Trajectory>& trajectories,
                                         const TrajectoryWindowOptions& options) {
  std::string error;
  if (!options.is_valid(&error)) throw Error("cut_trajectory_windows: " + error);
  if (trajectories.empty()) throw Error("cut_trajectory_windows: no trajectories");
  const Eigen::Index d = trajectories.front().states.rows();
  TrajectoryWindows windows;
  windows.steps = options.steps;
  int longest_segment = 0;
  for (std::size_t index = 0; index < trajectories.size(); ++index) {
    check_trajectory(trajectories[index], d);
    std::vector<int> starts;
    window_starts(trajectories[index], options, starts, longest_segment);
    for (const int start : starts) {
      windows.trajectory.push_back(int(index));
      windows.first_sample.push_back(start);
    }
  }
  const Eigen::Index count = Eigen::Index(windows.trajectory.size());
  if (count == 0) {
    throw Error("cut_trajectory_windows: no window of " + std::to_string(options.steps + 1) +
                " samples (steps + 1): the longest segment has " + std::to_string(longest_segment) +
                " samples");
  }
  const int k = options.steps;
  windows.initial_states.resize(d, count);
  windows.targets.resize(d, k * count);
  windows.time_steps.resize(k, count);
  windows.start_times.resize(count);
  for (Eigen::Index w = 0; w < count; ++w) {
    const Trajectory& trajectory = trajectories[std::size_t(windows.trajectory[std::size_t(w)])];
    const int start = windows.first_sample[std::size_t(w)];
    windows.initial_states.col(w) = trajectory.states.col(start);
    windows.start_times[w] = trajectory.times[std::size_t(start)];
    for (int j = 1; j <= k; ++j) {
      windows.targets.col((j - 1) * count + w) = trajectory.states.col(start + j);
      windows.time_steps(j - 1, w) =
          trajectory.times[std::size_t(start + j)] - trajectory.times[std::size_t(start + j - 1)];
    }
  }
  return windows;
}

}  // namespace hnn
