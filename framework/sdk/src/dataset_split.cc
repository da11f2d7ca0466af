#include "hnn/dataset_split.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "hnn/error.h"

namespace hnn {
namespace {

constexpr const char* kWhere = "dataset split: ";

// Python's int(count * fraction): the product in double precision, truncated.
Eigen::Index truncated_share(Eigen::Index count, double fraction) {
  return static_cast<Eigen::Index>(static_cast<double>(count) * fraction);
}

std::string trajectory_name(const TrajectorySet& set, std::size_t k) {
  const std::string& label = set.trajectories[k].label;
  return "trajectory " + std::to_string(k) + (label.empty() ? "" : " (" + label + ")");
}

// Checks the shapes; returns the state dimension 2n.
Eigen::Index check_set(const TrajectorySet& set) {
  if (set.trajectories.empty()) throw Error(std::string(kWhere) + "the set has no trajectories");
  const Eigen::Index dimension = set.trajectories.front().states.rows();
  if (dimension < 2 || dimension % 2 != 0) {
    throw Error(std::string(kWhere) + trajectory_name(set, 0) + " has states of dimension " +
                std::to_string(dimension) + ", expected 2n with n >= 1");
  }
  if (static_cast<Eigen::Index>(set.coordinate_names.size()) != dimension) {
    throw Error(std::string(kWhere) + "the set has " + std::to_string(set.coordinate_names.size()) +
                " coordinate names for states of " + "dimension " + std::to_string(dimension));
  }
  for (std::size_t k = 0; k < set.trajectories.size(); ++k) {
    const Trajectory& trajectory = set.trajectories[k];
    const auto count = static_cast<Eigen::Index>(trajectory.times.size());
    const auto shape = [](const Eigen::MatrixXd& m) {
      return std::to_string(m.rows()) + "x" + std::to_string(m.cols());
    };
    const std::string expected = std::to_string(dimension) + "x" + std::to_string(count);
    if (trajectory.states.rows() != dimension || trajectory.states.cols() != count) {
      throw Error(std::string(kWhere) + trajectory_name(set, k) + ": states are " +
                  shape(trajectory.states) + ", expected " + expected);
    }
    if (trajectory.derivatives.rows() != dimension || trajectory.derivatives.cols() != count) {
      throw Error(std::string(kWhere) + trajectory_name(set, k) + ": derivatives are " +
                  shape(trajectory.derivatives) + ", expected " + expected +
                  " (estimate missing derivatives before splitting)");
    }
  }
  return dimension;
}

// is_train[j] for every concatenated sample j, as the method says.
std::vector<bool> assign_samples(const TrajectorySet& set, const SplitSettings& settings,
                                 Eigen::Index total, RandomSource* random) {
  std::vector<bool> is_train(static_cast<std::size_t>(total), false);
  const auto trajectory_count = static_cast<Eigen::Index>(set.trajectories.size());
  switch (settings.method) {
    case SplitMethod::kOrdered: {
      const Eigen::Index train_count = truncated_share(total, settings.train_fraction);
      const Eigen::Index first_count = settings.test_first ? total - train_count : train_count;
      for (Eigen::Index j = 0; j < total; ++j) {
        is_train[static_cast<std::size_t>(j)] = (j < first_count) != settings.test_first;
      }
      break;
    }
    case SplitMethod::kTrajectory: {
      const Eigen::Index train_count = truncated_share(trajectory_count, settings.train_fraction);
      if (train_count < 1 || train_count >= trajectory_count) {
        throw Error(
            std::string(kWhere) + "trajectory: " + std::to_string(trajectory_count) +
            " trajectories with train_fraction = " + format_option_value(settings.train_fraction) +
            " give " + std::to_string(train_count) +
            " training trajectories; both sets need at least one trajectory");
      }
      const Eigen::Index first_count =
          settings.test_first ? trajectory_count - train_count : train_count;
      Eigen::Index j = 0;
      for (Eigen::Index k = 0; k < trajectory_count; ++k) {
        const bool train = (k < first_count) != settings.test_first;
        for (std::size_t i = 0; i < set.trajectories[static_cast<std::size_t>(k)].times.size();
             ++i) {
          is_train[static_cast<std::size_t>(j++)] = train;
        }
      }
      break;
    }
    case SplitMethod::kTimeBlock: {
      const int blocks = settings.blocks;
      const auto train_blocks = static_cast<int>(truncated_share(blocks, settings.train_fraction));
      if (train_blocks < 1 || train_blocks >= blocks) {
        throw Error(
            std::string(kWhere) + "time_block: " + std::to_string(blocks) +
            " blocks with train_fraction = " + format_option_value(settings.train_fraction) +
            " give " + std::to_string(train_blocks) +
            " training blocks; both sets need at least one block");
      }
      const int first_blocks = settings.test_first ? blocks - train_blocks : train_blocks;
      Eigen::Index j = 0;
      for (std::size_t k = 0; k < set.trajectories.size(); ++k) {
        const auto n = static_cast<Eigen::Index>(set.trajectories[k].times.size());
        if (n < blocks) {
          throw Error(std::string(kWhere) + "time_block: " + trajectory_name(set, k) + " has " +
                      std::to_string(n) +
                      " samples, fewer than blocks = " + std::to_string(blocks));
        }
        // Sample i is in block b when floor(b n / blocks) <= i < floor((b + 1) n / blocks).
        const Eigen::Index boundary = first_blocks * n / blocks;
        for (Eigen::Index i = 0; i < n; ++i) {
          is_train[static_cast<std::size_t>(j++)] = (i < boundary) != settings.test_first;
        }
      }
      break;
    }
    case SplitMethod::kRandom: {
      if (random == nullptr) {
        throw Error(std::string(kWhere) + "random: the split needs a random source (got null)");
      }
      std::vector<double> draws(static_cast<std::size_t>(total));
      for (double& draw : draws) draw = random->uniform();
      std::vector<Eigen::Index> order(static_cast<std::size_t>(total));
      std::iota(order.begin(), order.end(), Eigen::Index{0});
      std::stable_sort(order.begin(), order.end(), [&draws](Eigen::Index a, Eigen::Index b) {
        return draws[static_cast<std::size_t>(a)] < draws[static_cast<std::size_t>(b)];
      });
      const Eigen::Index train_count = truncated_share(total, settings.train_fraction);
      for (Eigen::Index r = 0; r < train_count; ++r) {
        is_train[static_cast<std::size_t>(order[static_cast<std::size_t>(r)])] = true;
      }
      break;
    }
  }
  return is_train;
}

TrajectorySamples allocate_samples(Eigen::Index dimension, Eigen::Index count) {
  TrajectorySamples samples;
  samples.inputs.resize(dimension, count);
  samples.targets.resize(dimension, count);
  samples.trajectory.reserve(static_cast<std::size_t>(count));
  samples.time.reserve(static_cast<std::size_t>(count));
  return samples;
}

}  // namespace

const OptionBinding<SplitSettings>& SplitSettings::binding() {
  static const OptionBinding<SplitSettings> binding = [] {
    OptionBinding<SplitSettings> b("split");
    b.bind_choice("method", &SplitSettings::method,
                  {{"ordered", SplitMethod::kOrdered},
                   {"trajectory", SplitMethod::kTrajectory},
                   {"time_block", SplitMethod::kTimeBlock},
                   {"random", SplitMethod::kRandom}},
                  "ordered (the concatenated samples cut once, as the simulation and the "
                  "real-pendulum protocol do), trajectory (whole trajectories held out), "
                  "time_block (the last blocks of every trajectory held out), random "
                  "(samples drawn from the data section's random stream)");
    b.bind("train_fraction", &SplitSettings::train_fraction,
           "fraction of the samples (trajectories, blocks) that train, rounded down")
        .at_least(0.0)
        .at_most(1.0);
    b.bind("test_first", &SplitSettings::test_first,
           "ordered, trajectory, time_block: the held-out part comes first instead of last");
    b.bind("blocks", &SplitSettings::blocks,
           "time_block: contiguous blocks of equal sample count per trajectory")
        .at_least(2);
    b.require_finite({"train_fraction"});
    return b;
  }();
  return binding;
}

const char* split_method_name(SplitMethod method) {
  switch (method) {
    case SplitMethod::kOrdered:
      return "ordered";
    case SplitMethod::kTrajectory:
      return "trajectory";
    case SplitMethod::kTimeBlock:
      return "time_block";
    case SplitMethod::kRandom:
      break;
  }
  return "random";
}

TrajectoryDataset split_trajectories(const TrajectorySet& set, const SplitSettings& settings,
                                     RandomSource* random) {
  std::string error;
  if (!SplitSettings::binding().is_valid(settings, &error)) throw Error(kWhere + error);
  const Eigen::Index dimension = check_set(set);
  Eigen::Index total = 0;
  for (const Trajectory& trajectory : set.trajectories) {
    total += static_cast<Eigen::Index>(trajectory.times.size());
  }
  const std::vector<bool> is_train = assign_samples(set, settings, total, random);
  const auto train_count =
      static_cast<Eigen::Index>(std::count(is_train.begin(), is_train.end(), true));

  TrajectoryDataset dataset;
  dataset.coordinate_names = set.coordinate_names;
  dataset.train = allocate_samples(dimension, train_count);
  dataset.test = allocate_samples(dimension, total - train_count);
  Eigen::Index j = 0;
  for (std::size_t k = 0; k < set.trajectories.size(); ++k) {
    const Trajectory& trajectory = set.trajectories[k];
    for (std::size_t i = 0; i < trajectory.times.size(); ++i, ++j) {
      TrajectorySamples& samples =
          is_train[static_cast<std::size_t>(j)] ? dataset.train : dataset.test;
      const auto column = static_cast<Eigen::Index>(samples.time.size());
      const auto source = static_cast<Eigen::Index>(i);
      samples.inputs.col(column) = trajectory.states.col(source);
      samples.targets.col(column) = trajectory.derivatives.col(source);
      samples.trajectory.push_back(static_cast<int>(k));
      samples.time.push_back(trajectory.times[i]);
    }
  }
  return dataset;
}

std::vector<Trajectory> held_out_pieces(const TrajectorySet& set, const TrajectoryDataset& split,
                                        int minimum_length) {
  if (minimum_length < 1) {
    throw Error("held-out pieces: minimum_length = " + std::to_string(minimum_length) +
                " must be >= 1");
  }
  std::vector<Trajectory> pieces;
  const TrajectorySamples& test = split.test;
  std::size_t s = 0;
  // The column of test sample s in its trajectory.
  const auto locate = [&](std::size_t sample) -> Eigen::Index {
    const int k = test.trajectory[sample];
    if (k < 0 || static_cast<std::size_t>(k) >= set.trajectories.size()) {
      throw Error("held-out pieces: test sample " + std::to_string(sample) + " names trajectory " +
                  std::to_string(k) + ", the set has " + std::to_string(set.trajectories.size()));
    }
    const std::vector<double>& times = set.trajectories[static_cast<std::size_t>(k)].times;
    const auto found = std::lower_bound(times.begin(), times.end(), test.time[sample]);
    if (found == times.end() || *found != test.time[sample]) {
      throw Error("held-out pieces: test sample " + std::to_string(sample) + " (time " +
                  format_option_value(test.time[sample]) + ") is not in " +
                  trajectory_name(set, static_cast<std::size_t>(k)));
    }
    return static_cast<Eigen::Index>(found - times.begin());
  };
  while (s < test.trajectory.size()) {
    const int k = test.trajectory[s];
    const Eigen::Index first = locate(s);
    Eigen::Index last = first;
    std::size_t next = s + 1;
    while (next < test.trajectory.size() && test.trajectory[next] == k &&
           locate(next) == last + 1) {
      ++last;
      ++next;
    }
    const Eigen::Index length = last - first + 1;
    if (length >= minimum_length) {
      const Trajectory& source = set.trajectories[static_cast<std::size_t>(k)];
      Trajectory piece;
      piece.label = (source.label.empty() ? "trajectory " + std::to_string(k) : source.label) +
                    " samples " + std::to_string(first) + "-" + std::to_string(last);
      piece.times.assign(source.times.begin() + first, source.times.begin() + last + 1);
      piece.states = source.states.middleCols(first, length);
      if (source.derivatives.cols() == source.states.cols()) {
        piece.derivatives = source.derivatives.middleCols(first, length);
      }
      pieces.push_back(std::move(piece));
    }
    s = next;
  }
  return pieces;
}

}  // namespace hnn
