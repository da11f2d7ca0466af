// Trajectory windows: the pieces of measured trajectories a TrajectoryObjective
// (hnn/trajectory_objective.h) integrates over, multiple shooting style.
//
// A window is k + 1 consecutive samples x(t_s), ..., x(t_{s+k}) of one trajectory: its first
// state starts a rollout of k steps whose step sizes are the measured ones,
// dt_j = t_{s+j} - t_{s+j-1} (non-uniform allowed), and the other k states are the targets.
// Cutting, trajectory by trajectory in order:
//   1. a step dt > max_step splits the trajectory into segments (a gap in the measurement
//      is not integrated over); a sample is in exactly one segment;
//   2. in every segment of m samples, windows start at its samples 0, stride, 2 stride, ...
//      while the start s satisfies s + k <= m - 1 (a segment shorter than k + 1 samples
//      gives no window).
// With stride = k the windows tile a segment, sharing their end points; with stride = 1
// every sample but the last k of a segment starts one.
//
// Example:
//
//   hnn::TrajectoryWindowOptions options;
//   options.steps = 4;
//   hnn::TrajectoryWindows windows = hnn::cut_trajectory_windows(set.trajectories, options);
//   windows.initial_states;   // 2n x W
#ifndef HNN_TRAJECTORY_WINDOWS_H_
#define HNN_TRAJECTORY_WINDOWS_H_

#include <Eigen/Core>
#include <limits>
#include <string>
#include <vector>

#include "hnn/data_source.h"

namespace hnn {

struct TrajectoryWindowOptions {
  // k, the steps integrated from a window's first state: >= 1.
  int steps = 1;
  // Samples between the starts of consecutive windows of a segment: >= 1.
  int stride = 1;
  // The largest step integrated over: a larger one splits the trajectory. > 0 (infinity:
  // never split).
  double max_step = std::numeric_limits<double>::infinity();

  // True when the values are in range; otherwise false and *error (may be null) names the
  // field, its value and the range.
  bool is_valid(std::string* error) const;
};

// W windows of k steps of states of dimension d, as batches: window w is column w.
struct TrajectoryWindows {
  int steps = 0;                   // k
  Eigen::MatrixXd initial_states;  // d x W: the observed first state of every window
  Eigen::MatrixXd targets;         // d x (k W): step j = 1..k of window w at column (j-1) W + w
  Eigen::MatrixXd time_steps;      // k x W: dt of step j = 1..k of window w in row j - 1
  std::vector<int> trajectory;     // W: the index of the trajectory window w comes from
  std::vector<int> first_sample;   // W: the index of its first sample in that trajectory
  // W: the time of every window's first sample (a learned forcing F(t) needs it); may be
  // empty for an objective without forcing.
  Eigen::RowVectorXd start_times;

  Eigen::Index count() const { return initial_states.cols(); }
  Eigen::Index state_dimension() const { return initial_states.rows(); }
  // The targets of step j (1..k), d x W.
  auto step_targets(int j) const { return targets.middleCols((j - 1) * count(), count()); }
};

// Cuts the windows described in the header comment. Throws hnn::Error for invalid
// options, trajectories of different state dimensions, a trajectory whose times and states
// differ in count or whose times are not strictly increasing and finite (naming its label),
// and when no window results (naming k + 1 and the longest segment).
TrajectoryWindows cut_trajectory_windows(const std::vector<Trajectory>& trajectories,
                                         const TrajectoryWindowOptions& options);

}  // namespace hnn

#endif  // HNN_TRAJECTORY_WINDOWS_H_
