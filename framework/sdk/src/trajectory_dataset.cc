#include "hnn/trajectory_dataset.h"

#include <cmath>
#include <sstream>

#include "hnn/error.h"

namespace hnn {
namespace {

std::string format_number(double value) {
  std::ostringstream text;
  text.precision(17);
  text << value;
  return text.str();
}

TrajectorySamples allocate_samples(Eigen::Index dimension, Eigen::Index count) {
  TrajectorySamples samples;
  samples.inputs.resize(dimension, count);
  samples.targets.resize(dimension, count);
  samples.trajectory.resize(static_cast<std::size_t>(count));
  samples.time.resize(static_cast<std::size_t>(count));
  return samples;
}

}  // namespace

bool TrajectoryDatasetOptions::is_valid(std::string* error) const {
  std::string message;
  if (trajectories < 1) {
    message = "trajectories = " + std::to_string(trajectories) + " must be >= 1";
  } else if (points < 2) {
    message = "points = " + std::to_string(points) + " must be >= 2";
  } else if (!std::isfinite(time_span[0]) || !std::isfinite(time_span[1]) ||
             !(time_span[0] < time_span[1])) {
    message = "time_span = [" + format_number(time_span[0]) + ", " + format_number(time_span[1]) +
              "] must be finite with t0 < t1";
  } else if (!(noise_std >= 0.0) || !std::isfinite(noise_std)) {
    message = "noise_std = " + format_number(noise_std) + " must be finite and >= 0";
  } else if (!(train_fraction >= 0.0 && train_fraction <= 1.0)) {
    message = "train_fraction = " + format_number(train_fraction) + " must be in [0, 1]";
  }
  if (message.empty()) return true;
  if (error != nullptr) *error = message;
  return false;
}

std::vector<double> trajectory_times(const TrajectoryDatasetOptions& options) {
  // numpy.linspace: step = (stop - start) / (num - 1); t_i = i * step + start; last = stop.
  const int count = options.points;
  const double start = options.time_span[0];
  const double stop = options.time_span[1];
  const double step = (stop - start) / static_cast<double>(count - 1);
  std::vector<double> times(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) times[static_cast<std::size_t>(i)] = i * step + start;
  times.back() = stop;
  return times;
}

TrajectoryDataset generate_trajectory_dataset(const System& system, const Integrator& integrator,
                                              RandomSource& random,
                                              const TrajectoryDatasetOptions& options) {
  std::string error;
  if (!options.is_valid(&error)) throw Error("trajectory dataset: " + error);

  const int dimension = system.state_dimension();
  const std::vector<double> times = trajectory_times(options);
  const Eigen::Index points = options.points;
  const Eigen::Index total = static_cast<Eigen::Index>(options.trajectories) * points;
  // Python's int(N * test_split): truncation toward zero.
  const auto train_count =
      static_cast<Eigen::Index>(static_cast<double>(total) * options.train_fraction);

  Eigen::MatrixXd inputs(dimension, total);
  Eigen::MatrixXd targets(dimension, total);
  const VectorField field = [&system](double t, const Eigen::VectorXd& x, Eigen::VectorXd& dxdt) {
    true_field(system, t, x, dxdt);
  };

  Eigen::VectorXd initial_state(dimension);
  Eigen::VectorXd derivative(dimension);
  for (int k = 0; k < options.trajectories; ++k) {
    system.sample_initial_state(random, initial_state);
    Eigen::MatrixXd states;
    try {
      states = integrator.integrate(field, initial_state, times);
    } catch (const Error& e) {
      throw Error("trajectory dataset: trajectory " + std::to_string(k) + ": " + e.what());
    }
    if (states.rows() != dimension || states.cols() != points) {
      throw Error("trajectory dataset: the integrator returned " + std::to_string(states.rows()) +
                  "x" + std::to_string(states.cols()) + " states, expected " +
                  std::to_string(dimension) + "x" + std::to_string(points));
    }
    const Eigen::Index first = static_cast<Eigen::Index>(k) * points;
    for (Eigen::Index i = 0; i < points; ++i) {
      true_field(system, times[static_cast<std::size_t>(i)], states.col(i), derivative);
      targets.col(first + i) = derivative;
    }
    // Noise, coordinate by coordinate, all time points of one coordinate first.
    if (options.noise_std > 0.0 || options.draw_zero_noise) {
      for (int c = 0; c < dimension; ++c) {
        for (Eigen::Index i = 0; i < points; ++i) {
          states(c, i) += options.noise_std * random.normal();
        }
      }
    }
    inputs.middleCols(first, points) = states;
  }

  TrajectoryDataset dataset;
  dataset.coordinate_names = system.coordinate_names();
  dataset.train = allocate_samples(dimension, train_count);
  dataset.test = allocate_samples(dimension, total - train_count);
  // Samples [0, first_count) go to the first set (train, or test with test_first).
  const Eigen::Index first_count = options.test_first ? total - train_count : train_count;
  for (Eigen::Index j = 0; j < total; ++j) {
    const bool in_first = j < first_count;
    const bool is_train = in_first != options.test_first;
    TrajectorySamples& samples = is_train ? dataset.train : dataset.test;
    const Eigen::Index column = in_first ? j : j - first_count;
    samples.inputs.col(column) = inputs.col(j);
    samples.targets.col(column) = targets.col(j);
    samples.trajectory[static_cast<std::size_t>(column)] = static_cast<int>(j / points);
    samples.time[static_cast<std::size_t>(column)] = times[static_cast<std::size_t>(j % points)];
  }
  return dataset;
}

}  // namespace hnn
