// Trajectory datasets: samples (state, true time derivative) along trajectories of a
// System, generated as the original HNN and KAN-HNN scripts do (spec/hnn.md section 3).
//
// For each trajectory k = 0 .. trajectories-1, in order:
//   1. x0 = system.sample_initial_state(random)                  (the system's draws)
//   2. states at times = linspace(t0, t1, points) (NumPy's formula: t_i = i (t1-t0)/(points-1)
//      + t0, the last one exactly t1), integrated along the true field true_field() (system.h:
//      (J - R) dH/dx + F(t), the time passed on; J dH/dx for a conservative system)
//   3. targets = true_field(t_i, state) at the integrated states, before any noise
//   4. noise: for each coordinate c = 0 .. 2n-1 in state order, for each time point i in
//      order: state[c, i] += noise_std * random.normal(). The draws happen even when
//      noise_std = 0 (they advance the stream), as in the original spring and pendulum code;
//      for the spring this is its `q += randn(points) * noise_std; p += randn(points) *
//      noise_std`. With draw_zero_noise = false and noise_std = 0 nothing is drawn (the
//      original orbit generators of spec sections 4.4 and 4.5 add no noise at all).
// Samples are concatenated trajectory by trajectory (N = trajectories * points). The training
// set has N_train = floor(N * train_fraction) samples: the first N_train (the default, so
// the first 25 trajectories train), or with test_first = true the last N_train, the first
// N - N_train being the test set (the original orbit datasets: test = the first 20 %, i.e.
// train_fraction = 0.8, test_first = true; there int(N * 0.2) = N - floor(N * 0.8) for the
// sizes used, 50 000 and 100 000).
//
// Usage:
//   hnn::NumpyLegacyRandom random(1390);
//   hnn::TrajectoryDataset data =
//       hnn::generate_trajectory_dataset(spring, rk45, random, hnn::TrajectoryDatasetOptions{});
//   data.train.inputs;   // 2 x 750, one state per column
#ifndef HNN_TRAJECTORY_DATASET_H_
#define HNN_TRAJECTORY_DATASET_H_

#include <Eigen/Core>
#include <array>
#include <string>
#include <vector>

#include "hnn/integrator.h"
#include "hnn/random.h"
#include "hnn/system.h"

namespace hnn {

struct TrajectoryDatasetOptions {
  int trajectories = 50;                      // >= 1
  std::array<double, 2> time_span{0.0, 3.0};  // [t0, t1], finite, t0 < t1
  int points = 30;                            // time points per trajectory, >= 2
  double noise_std = 0.0;                     // standard deviation of the input noise, >= 0
  double train_fraction = 0.5;                // in [0, 1]: the fraction of training samples
  // false: the training samples come first (spec section 3); true: the test samples come
  // first (the orbit tasks, spec sections 4.4, 4.5).
  bool test_first = false;
  // true: the noise draws happen even when noise_std = 0 (spring, pendulum); false: no noise
  // is drawn when noise_std = 0 (orbits). Without effect when noise_std > 0.
  bool draw_zero_noise = true;

  // Returns false and writes the violated constraint, with the value, to *error (may be
  // null).
  bool is_valid(std::string* error) const;
};

// Samples as columns: inputs and targets are 2n x N (state order [q..., p...]);
// trajectory[j] and time[j] say where column j comes from.
struct TrajectorySamples {
  Eigen::MatrixXd inputs;   // noisy states (the model inputs)
  Eigen::MatrixXd targets;  // noise-free true dx/dt (true_field) at the integrated states
  std::vector<int> trajectory;
  std::vector<double> time;

  Eigen::Index size() const { return inputs.cols(); }
};

struct TrajectoryDataset {
  TrajectorySamples train;
  TrajectorySamples test;
  std::vector<std::string> coordinate_names;  // the system's, 2n names
};

// The times of one trajectory: NumPy's linspace(t0, t1, points).
std::vector<double> trajectory_times(const TrajectoryDatasetOptions& options);

// Generates the dataset described above. Draws from `random` in the documented order.
// Throws hnn::Error for invalid options (the message names the option and its value) and
// passes on the integrator's hnn::Error, prefixed with the trajectory index.
TrajectoryDataset generate_trajectory_dataset(const System& system, const Integrator& integrator,
                                              RandomSource& random,
                                              const TrajectoryDatasetOptions& options);

}  // namespace hnn

#endif  // HNN_TRAJECTORY_DATASET_H_
