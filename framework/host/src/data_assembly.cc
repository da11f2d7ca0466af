#include "data_assembly.h"

#include <algorithm>
#include <cmath>

#include "hnn/derivative_estimation.h"
#include "hnn/error.h"
#include "hnn/options.h"

namespace hnn::internal {
namespace {

bool all_finite(const Eigen::MatrixXd& matrix) { return matrix.allFinite(); }

std::string count_text(Eigen::Index rows, Eigen::Index columns) {
  return std::to_string(rows) + " x " + std::to_string(columns);
}

}  // namespace

std::unique_ptr<RandomSource> make_random_source(const DataSettings& data) {
  const auto seed = data.seed;
  if (data.rng == DataRandomStream::kNumpy)
    return std::make_unique<NumpyLegacyRandom>(std::uint32_t(seed));
  return std::make_unique<Mt19937Random>(std::uint64_t(seed));
}

SplitSettings split_settings(const DataSettings& data) {
  SplitSettings split;
  split.train_fraction = data.train_fraction;
  split.blocks = int(data.blocks);
  switch (data.split) {
    case DataSplit::kTrainFirst:
      split.method = SplitMethod::kOrdered;
      break;
    case DataSplit::kTestFirst:
      split.method = SplitMethod::kOrdered;
      split.test_first = true;
      break;
    case DataSplit::kTrajectory:
      split.method = SplitMethod::kTrajectory;
      break;
    case DataSplit::kTimeBlock:
      split.method = SplitMethod::kTimeBlock;
      break;
    case DataSplit::kRandom:
      split.method = SplitMethod::kRandom;
      break;
  }
  return split;
}

TrajectorySet load_data_source(const PipelineConfig& config, const Registry& registry,
                               const System* system, RandomSource& random) {
  const auto integrator =
      registry.create_integrator(config.data_integrator.plugin, config.data_integrator.options);
  const auto source =
      registry.create_data_source(config.data_source.plugin, config.data_source.options);
  DataSourceContext context;
  context.system = system;
  context.integrator = integrator.get();
  context.random = &random;
  context.base_directory = config.file.parent_path();
  return source->load(context);
}

std::string trajectory_set_problem(const TrajectorySet& set, const System* system,
                                   const DerivativeSettings& derivatives) {
  if (set.trajectories.empty()) return "the source yielded no trajectory";
  const auto dimension = Eigen::Index(set.coordinate_names.size());
  if (dimension < 2 || dimension % 2 != 0) {
    return "the source names " + std::to_string(dimension) +
           " coordinates; expected an even number >= 2 (positions, then momenta)";
  }
  if (system != nullptr && dimension != system->state_dimension()) {
    return "the source's trajectories have " + std::to_string(dimension) +
           " coordinates, the system has " + std::to_string(system->state_dimension());
  }
  const int needed = minimum_points(derivatives);
  for (const Trajectory& t : set.trajectories) {
    const auto points = Eigen::Index(t.times.size());
    const std::string which = "trajectory '" + t.label + "': ";
    if (points == 0) return which + "it has no samples";
    if (t.states.rows() != dimension || t.states.cols() != points) {
      return which + "its states are " + count_text(t.states.rows(), t.states.cols()) +
             ", expected " + count_text(dimension, points);
    }
    for (Eigen::Index i = 0; i < points; ++i) {
      const double time = t.times[std::size_t(i)];
      if (!std::isfinite(time)) return which + "time " + std::to_string(i) + " is not finite";
      if (i > 0 && !(time > t.times[std::size_t(i - 1)])) {
        return which + "the times are not increasing at sample " + std::to_string(i) + " (" +
               format_option_value(t.times[std::size_t(i - 1)]) + " then " +
               format_option_value(time) + ")";
      }
    }
    if (!all_finite(t.states)) return which + "a state is not finite";
    if (t.derivatives.size() == 0) {
      if (points < needed) {
        return which + "it has " + std::to_string(points) + " samples; the derivative estimator " +
               derivative_method_name(derivatives.method) + " needs at least " +
               std::to_string(needed);
      }
    } else if (t.derivatives.rows() != dimension || t.derivatives.cols() != points) {
      return which + "its derivatives are " +
             count_text(t.derivatives.rows(), t.derivatives.cols()) + ", expected " +
             count_text(dimension, points);
    } else if (!all_finite(t.derivatives)) {
      return which + "a derivative is not finite";
    }
  }
  return "";
}

TrajectoryDataset assemble_dataset(const TrajectorySet& set, const PipelineConfig& config,
                                   RandomSource& random) {
  const bool complete = std::all_of(set.trajectories.begin(), set.trajectories.end(),
                                    [](const Trajectory& t) { return t.derivatives.size() > 0; });
  const SplitSettings split = split_settings(config.data);
  if (complete) return split_trajectories(set, split, &random);
  TrajectorySet estimated;
  estimated.coordinate_names = set.coordinate_names;
  for (const Trajectory& t : set.trajectories) {
    estimated.trajectories.push_back(
        t.derivatives.size() > 0 ? t : estimate_derivatives(t, config.derivatives));
  }
  return split_trajectories(estimated, split, &random);
}

}  // namespace hnn::internal
