// Splitting trajectories into training and test samples, for time series.
//
// The samples of a TrajectorySet are its trajectories' columns, concatenated trajectory by
// trajectory (sample j of the concatenation, N samples in all). Every method assigns each
// sample to the training or the test set; within each set the samples keep their
// concatenated order. A sample's input is its state, its target its derivative (the set's
// trajectories must all have derivatives: estimate them first, hnn/derivative_estimation.h).
//
//   kOrdered     generate_trajectory_dataset's split, exactly: N_train = floor(N *
//                train_fraction) (the product in double precision, as Python's int(N * f));
//                train = the first N_train samples, test = the rest, or with test_first the
//                test set is the first N - N_train samples and train the last N_train. The
//                real-pendulum protocol (spec real_data.md section 2) is this with
//                train_fraction 0.8: of 555 samples the first 444 train, the last 111 test.
//   kTrajectory  whole trajectories: K_train = floor(K * train_fraction) of the K
//                trajectories train, the first K_train in order (with test_first the last
//                K_train), the others are held out. Both sets must be non-empty.
//   kTimeBlock   contiguous time blocks within every trajectory: a trajectory of n samples
//                is cut into `blocks` blocks of consecutive samples, block b = samples
//                [floor(b n / blocks), floor((b + 1) n / blocks)); of these the last
//                blocks - B_train are held out (with test_first the first ones), B_train =
//                floor(blocks * train_fraction) (the product in double precision). Every
//                trajectory needs at least `blocks` samples; both B_train and blocks -
//                B_train must be >= 1. On one trajectory with blocks = 5, train_fraction = 0.8 this
//                is the real-pendulum split again (555 samples: the last 111 held out).
//   kRandom      samples drawn at random: for j = 0 .. N-1 in order, u_j = random->uniform();
//                the N_train = floor(N * train_fraction) samples with the smallest u_j train
//                (ties: the lower j), the others test (NumPy: train = sorted(argsort(u,
//                kind="stable")[:N_train])). test_first has no effect.
//
// Evaluation on held-out data (rollouts from the first state of each held-out piece over
// its own measured times) uses held_out_pieces().
//
// Usage:
//   hnn::SplitSettings split;                 // ordered, train_fraction 0.5
//   split.train_fraction = 0.8;
//   hnn::TrajectoryDataset data = hnn::split_trajectories(set, split, &random);
//   std::vector<hnn::Trajectory> pieces = hnn::held_out_pieces(set, data);
#ifndef HNN_DATASET_SPLIT_H_
#define HNN_DATASET_SPLIT_H_

#include <vector>

#include "hnn/data_source.h"
#include "hnn/option_binding.h"
#include "hnn/random.h"
#include "hnn/trajectory_dataset.h"

namespace hnn {

enum class SplitMethod { kOrdered, kTrajectory, kTimeBlock, kRandom };

// The split options (owner "split"; keys method, train_fraction, test_first, blocks). The
// defaults are generate_trajectory_dataset's (ordered, 0.5, training samples first).
struct SplitSettings {
  // Keys: ordered, trajectory, time_block, random.
  SplitMethod method = SplitMethod::kOrdered;
  // In [0, 1]: the fraction of training samples (trajectories, blocks).
  double train_fraction = 0.5;
  // ordered, trajectory, time_block: the held-out samples come first instead of last.
  bool test_first = false;
  // time_block: blocks per trajectory, >= 2.
  int blocks = 5;

  static const OptionBinding<SplitSettings>& binding();
};

// The configuration key of a method ("ordered", ...), for messages.
const char* split_method_name(SplitMethod method);

// The split described in the file comment. `random` is used by kRandom only (N uniforms
// drawn, in sample order) and may be null for the other methods. coordinate_names are the
// set's; trajectory[j] is the index of the sample's trajectory in `set`, time[j] its time.
//
// Throws hnn::Error when the settings are invalid, when the set has no trajectories, when a
// trajectory's states or derivatives are not 2n x times.size() (n the same for all, and
// 2n coordinate names), when `random` is null for kRandom, or when kTrajectory or
// kTimeBlock cannot form non-empty training and test sets (the message says how many
// trajectories or samples there are and what is needed).
TrajectoryDataset split_trajectories(const TrajectorySet& set, const SplitSettings& settings,
                                     RandomSource* random);

// The held-out data as trajectory pieces, for evaluation: every maximal run of consecutive
// columns of one trajectory of `set` whose samples are all in `split.test` (found by
// trajectory index and time), in the order of the test set, with its times, measured states
// and derivatives, labelled "<trajectory label> samples a-b" (a, b the first and last
// column index in the trajectory). Runs shorter than `minimum_length` (>= 1) are left out:
// kRandom mostly holds out isolated samples, from which no rollout can be made.
// kTrajectory gives the held-out trajectories whole, kOrdered and kTimeBlock the held-out
// stretches (consecutive held-out blocks of one trajectory form one piece). `split` must
// come from split_trajectories(set, ...); throws hnn::Error when a test sample is not in
// `set`.
std::vector<Trajectory> held_out_pieces(const TrajectorySet& set, const TrajectoryDataset& split,
                                        int minimum_length = 2);

}  // namespace hnn

#endif  // HNN_DATASET_SPLIT_H_
