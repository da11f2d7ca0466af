// split_trajectories and held_out_pieces (hnn/dataset_split.h): the ordered split against
// generate_trajectory_dataset bit for bit, the real-pendulum sizes, and every method's sizes
// and membership.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bundled_plugins.h"
#include "hnn/dataset_split.h"
#include "hnn/error.h"
#include "hnn/random.h"
#include "hnn/trajectory_dataset.h"

namespace {

using hnn::SplitMethod;
using hnn::SplitSettings;
using hnn::Trajectory;
using hnn::TrajectorySet;

const hnn::testing::BundledPlugins& plugins() {
  static const hnn::testing::BundledPlugins instance({"spring_mass", "odeint_integrators"});
  return instance;
}

hnn::TrajectoryDataset simulated(const hnn::TrajectoryDatasetOptions& options) {
  hnn::NumpyLegacyRandom random(1390);
  return hnn::generate_trajectory_dataset(*plugins().system("spring_mass"),
                                          *plugins().integrator("rk45"), random, options);
}

// The simulation's samples as trajectories: generated with everything in the training set
// (train_fraction 1), which keeps the concatenated order.
TrajectorySet as_trajectory_set(const hnn::TrajectoryDatasetOptions& options) {
  hnn::TrajectoryDatasetOptions all_train = options;
  all_train.train_fraction = 1.0;
  all_train.test_first = false;
  const hnn::TrajectoryDataset all = simulated(all_train);
  TrajectorySet set;
  set.coordinate_names = all.coordinate_names;
  for (int k = 0; k < options.trajectories; ++k) {
    Trajectory trajectory;
    trajectory.label = "simulated " + std::to_string(k);
    const Eigen::Index first = static_cast<Eigen::Index>(k) * options.points;
    trajectory.states = all.train.inputs.middleCols(first, options.points);
    trajectory.derivatives = all.train.targets.middleCols(first, options.points);
    trajectory.times.assign(all.train.time.begin() + first,
                            all.train.time.begin() + first + options.points);
    set.trajectories.push_back(trajectory);
  }
  return set;
}

void check_identical(const hnn::TrajectorySamples& actual, const hnn::TrajectorySamples& expected) {
  REQUIRE(actual.size() == expected.size());
  CHECK(actual.inputs == expected.inputs);
  CHECK(actual.targets == expected.targets);
  CHECK(actual.trajectory == expected.trajectory);
  CHECK(actual.time == expected.time);
}

// One trajectory per entry of `lengths`, 2 coordinates; state (trajectory, column index),
// derivative the negated state; times 0.1 i.
TrajectorySet numbered_set(const std::vector<int>& lengths) {
  TrajectorySet set;
  set.coordinate_names = {"q", "p"};
  for (std::size_t k = 0; k < lengths.size(); ++k) {
    Trajectory trajectory;
    trajectory.label = "run " + std::to_string(k);
    trajectory.states.resize(2, lengths[k]);
    for (int i = 0; i < lengths[k]; ++i) {
      trajectory.times.push_back(0.1 * i);
      trajectory.states.col(i) << static_cast<double>(k), static_cast<double>(i);
    }
    trajectory.derivatives = -trajectory.states;
    set.trajectories.push_back(trajectory);
  }
  return set;
}

// (trajectory, column) of every sample of a set, from the numbered states.
std::vector<std::pair<int, int>> members(const hnn::TrajectorySamples& samples) {
  std::vector<std::pair<int, int>> result;
  for (Eigen::Index j = 0; j < samples.size(); ++j) {
    result.emplace_back(static_cast<int>(samples.inputs(0, j)),
                        static_cast<int>(samples.inputs(1, j)));
    CHECK(samples.trajectory[static_cast<std::size_t>(j)] == result.back().first);
    CHECK(samples.targets(1, j) == -samples.inputs(1, j));
  }
  return result;
}

SplitSettings split(SplitMethod method, double train_fraction, bool test_first = false) {
  SplitSettings settings;
  settings.method = method;
  settings.train_fraction = train_fraction;
  settings.test_first = test_first;
  return settings;
}

}  // namespace

TEST_CASE("ordered reproduces generate_trajectory_dataset's split bit for bit") {
  for (const double train_fraction : {0.5, 0.8, 0.37}) {
    for (const bool test_first : {false, true}) {
      CAPTURE(train_fraction);
      CAPTURE(test_first);
      hnn::TrajectoryDatasetOptions options;
      options.trajectories = 7;
      options.points = 13;
      options.noise_std = 0.1;
      options.train_fraction = train_fraction;
      options.test_first = test_first;
      const hnn::TrajectoryDataset expected = simulated(options);
      const hnn::TrajectoryDataset actual = hnn::split_trajectories(
          as_trajectory_set(options), split(SplitMethod::kOrdered, train_fraction, test_first),
          nullptr);
      check_identical(actual.train, expected.train);
      check_identical(actual.test, expected.test);
      CHECK(actual.coordinate_names == expected.coordinate_names);
    }
  }
}

TEST_CASE("the real-pendulum protocol: 555 samples, the first 444 train, the last 111 test") {
  CHECK(static_cast<long>(555.0 * 0.8) == 444);  // int(0.8 * 555) in double precision
  const TrajectorySet set = numbered_set({555});
  SplitSettings time_block = split(SplitMethod::kTimeBlock, 0.8);
  time_block.blocks = 5;
  for (const SplitSettings& settings : {split(SplitMethod::kOrdered, 0.8), time_block}) {
    CAPTURE(hnn::split_method_name(settings.method));
    const hnn::TrajectoryDataset data = hnn::split_trajectories(set, settings, nullptr);
    REQUIRE(data.train.size() == 444);
    REQUIRE(data.test.size() == 111);
    CHECK(data.train.inputs(1, 443) == 443.0);
    CHECK(data.test.inputs(1, 0) == 444.0);
    CHECK(data.test.inputs(1, 110) == 554.0);
    const std::vector<Trajectory> pieces = hnn::held_out_pieces(set, data);
    REQUIRE(pieces.size() == 1);
    CHECK(pieces[0].label == "run 0 samples 444-554");
    CHECK(pieces[0].times.size() == 111);
    CHECK(pieces[0].times.front() == set.trajectories[0].times[444]);
    CHECK(pieces[0].states == set.trajectories[0].states.rightCols(111));
    CHECK(pieces[0].derivatives == set.trajectories[0].derivatives.rightCols(111));
  }
}

TEST_CASE("trajectory: whole trajectories, the first K_train train (last with test_first)") {
  const TrajectorySet set = numbered_set({4, 6, 5, 3, 7});
  const hnn::TrajectoryDataset data =
      hnn::split_trajectories(set, split(SplitMethod::kTrajectory, 0.6), nullptr);
  CHECK(data.train.size() == 4 + 6 + 5);
  CHECK(data.test.size() == 3 + 7);
  CHECK(data.test.trajectory.front() == 3);
  CHECK(data.test.time == std::vector<double>{0.0, 0.1, 0.2, 0.0, 0.1, 0.2, 0.30000000000000004,
                                              0.4, 0.5, 0.60000000000000009});
  std::vector<Trajectory> pieces = hnn::held_out_pieces(set, data);
  REQUIRE(pieces.size() == 2);
  CHECK(pieces[0].label == "run 3 samples 0-2");
  CHECK(pieces[1].label == "run 4 samples 0-6");
  CHECK(pieces[1].states == set.trajectories[4].states);

  const hnn::TrajectoryDataset flipped =
      hnn::split_trajectories(set, split(SplitMethod::kTrajectory, 0.6, true), nullptr);
  CHECK(flipped.test.size() == 4 + 6);
  CHECK(flipped.train.trajectory.front() == 2);
  pieces = hnn::held_out_pieces(set, flipped);
  REQUIRE(pieces.size() == 2);
  CHECK(pieces[0].label == "run 0 samples 0-3");

  CHECK_THROWS_WITH_AS(
      hnn::split_trajectories(numbered_set({10}), split(SplitMethod::kTrajectory, 0.8), nullptr),
      "dataset split: trajectory: 1 trajectories with train_fraction = 0.8 give 0 training "
      "trajectories; both sets need at least one trajectory",
      hnn::Error);
}

TEST_CASE("time_block: the last blocks of every trajectory are held out") {
  const TrajectorySet set = numbered_set({10, 7});
  SplitSettings settings = split(SplitMethod::kTimeBlock, 0.6);
  settings.blocks = 5;  // 3 training blocks, 2 held out
  // Trajectory 0: blocks of 2 samples, columns 6..9 held out. Trajectory 1 (7 samples): block
  // b = [floor(7b/5), floor(7(b+1)/5)): the first 3 blocks end at floor(21/5) = 4.
  hnn::TrajectoryDataset data = hnn::split_trajectories(set, settings, nullptr);
  CHECK(members(data.test) ==
        std::vector<std::pair<int, int>>{{0, 6}, {0, 7}, {0, 8}, {0, 9}, {1, 4}, {1, 5}, {1, 6}});
  CHECK(data.train.size() == 6 + 4);
  std::vector<Trajectory> pieces = hnn::held_out_pieces(set, data);
  REQUIRE(pieces.size() == 2);
  CHECK(pieces[0].label == "run 0 samples 6-9");
  CHECK(pieces[1].label == "run 1 samples 4-6");

  settings.test_first = true;
  data = hnn::split_trajectories(set, settings, nullptr);
  // The first 2 blocks: [0, 4) of trajectory 0, [0, floor(14/5)) = [0, 2) of trajectory 1.
  CHECK(members(data.test) ==
        std::vector<std::pair<int, int>>{{0, 0}, {0, 1}, {0, 2}, {0, 3}, {1, 0}, {1, 1}});
  pieces = hnn::held_out_pieces(set, data);
  REQUIRE(pieces.size() == 2);
  CHECK(pieces[1].times == std::vector<double>{0.0, 0.1});

  settings.blocks = 8;
  CHECK_THROWS_WITH_AS(hnn::split_trajectories(set, settings, nullptr),
                       "dataset split: time_block: trajectory 1 (run 1) has 7 samples, fewer "
                       "than blocks = 8",
                       hnn::Error);
  settings.blocks = 2;
  settings.train_fraction = 0.4;
  CHECK_THROWS_WITH_AS(hnn::split_trajectories(set, settings, nullptr),
                       doctest::Contains("2 blocks with train_fraction = 0.4 give 0 training "
                                         "blocks"),
                       hnn::Error);
}

TEST_CASE("random: the N_train samples with the smallest uniforms train") {
  const TrajectorySet set = numbered_set({6, 6});
  hnn::NumpyLegacyRandom random(7);
  const hnn::TrajectoryDataset data =
      hnn::split_trajectories(set, split(SplitMethod::kRandom, 0.5), &random);
  REQUIRE(data.train.size() == 6);
  REQUIRE(data.test.size() == 6);
  // The same draws, ranked by hand.
  hnn::NumpyLegacyRandom replay(7);
  std::vector<std::pair<double, int>> draws;
  for (int j = 0; j < 12; ++j) draws.emplace_back(replay.uniform(), j);
  std::sort(draws.begin(), draws.end());
  std::vector<int> expected_train;
  for (int r = 0; r < 6; ++r) expected_train.push_back(draws[static_cast<std::size_t>(r)].second);
  std::sort(expected_train.begin(), expected_train.end());
  std::vector<int> actual_train;
  for (const auto& [k, i] : members(data.train)) actual_train.push_back(6 * k + i);
  CHECK(actual_train == expected_train);  // in concatenated order
  // The stream moved on by exactly 12 draws.
  CHECK(random.uniform() == replay.uniform());

  // Pieces: runs of at least minimum_length consecutive held-out samples.
  std::size_t held_out_in_pieces = 0;
  for (const Trajectory& piece : hnn::held_out_pieces(set, data, 1)) {
    held_out_in_pieces += piece.times.size();
  }
  CHECK(held_out_in_pieces == 6);

  CHECK_THROWS_WITH_AS(hnn::split_trajectories(set, split(SplitMethod::kRandom, 0.5), nullptr),
                       doctest::Contains("needs a random source"), hnn::Error);
}

TEST_CASE("refusals: missing derivatives, shapes, settings") {
  TrajectorySet set = numbered_set({5});
  set.trajectories[0].derivatives.resize(0, 0);
  CHECK_THROWS_WITH_AS(hnn::split_trajectories(set, SplitSettings{}, nullptr),
                       "dataset split: trajectory 0 (run 0): derivatives are 0x0, expected 2x5 "
                       "(estimate missing derivatives before splitting)",
                       hnn::Error);
  set = numbered_set({5});
  set.coordinate_names = {"q"};
  CHECK_THROWS_WITH_AS(hnn::split_trajectories(set, SplitSettings{}, nullptr),
                       doctest::Contains("1 coordinate names for states of dimension 2"),
                       hnn::Error);
  CHECK_THROWS_WITH_AS(hnn::split_trajectories(TrajectorySet{}, SplitSettings{}, nullptr),
                       "dataset split: the set has no trajectories", hnn::Error);
  CHECK_THROWS_WITH_AS(
      hnn::split_trajectories(numbered_set({5}), split(SplitMethod::kOrdered, 1.5), nullptr),
      doctest::Contains("split: train_fraction = 1.5"), hnn::Error);

  // held_out_pieces needs the set the split came from.
  const hnn::TrajectoryDataset data =
      hnn::split_trajectories(numbered_set({5, 5}), SplitSettings{}, nullptr);
  CHECK_THROWS_WITH_AS(hnn::held_out_pieces(numbered_set({5}), data),
                       "held-out pieces: test sample 0 names trajectory 1, the set has 1",
                       hnn::Error);
  TrajectorySet shifted = numbered_set({5, 5});
  shifted.trajectories[1].times[2] += 0.05;
  CHECK_THROWS_WITH_AS(hnn::held_out_pieces(shifted, data),
                       doctest::Contains("test sample 2 (time 0.2) is not in trajectory 1 (run 1)"),
                       hnn::Error);
  CHECK_THROWS_WITH_AS(hnn::held_out_pieces(numbered_set({5, 5}), data, 0),
                       doctest::Contains("minimum_length = 0 must be >= 1"), hnn::Error);

  const hnn::OptionSchema schema = SplitSettings::binding().schema();
  for (const char* key : {"method", "train_fraction", "test_first", "blocks"}) {
    CHECK(schema.find(key) != nullptr);
  }
  hnn::Options options;
  options.set("method", std::string("time_block"));
  CHECK(SplitSettings::binding().decode(options).method == SplitMethod::kTimeBlock);
}
