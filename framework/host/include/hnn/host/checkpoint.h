// Checkpoint: a trained model saved to a YAML file that a later pipeline loads with
// `checkpoint: <file>` in the model's section, to evaluate it or continue its training
// without retraining.
//
// Format (version 1):
//
//   format: 1
//   model: mlp                # the model's name in the pipeline that saved it
//   plugin: mlp
//   options: {activation: "tanh", hidden: [200, 200], ...}   # resolved, one key a line
//   epochs: 20000             # epochs trained so far, over all runs
//   parameters: [...]         # parameter_count() reals, shortest round-trip form
//   auxiliary_state: [...]    # Model::auxiliary_state(), e.g. KAN grids
//   dissipation_parameters: [...]  # only with a learned damping or forcing
//                             # (hnn/learned_dissipation.h): its parameters, which follow
//                             # the model's in the HNN objective
//   learned_initial_states: [...]  # only with objective trajectory's learned initial
//                             # states: the training windows' first states, for --resume
//   interrupted_training:     # only when a signal stopped the model's training:
//     stage: 2                #   the stage that was stopped (1-based)
//     stage_epochs: 30        #   its epochs completed
//     optimizer: adam         #   its optimizer plugin
//     minibatches: 0          #   minibatches drawn so far (minibatch training)
//     optimizer_state_epochs: 30  # OptimizerState::epochs  } absent when the optimizer
//     optimizer_state: [...]      # OptimizerState::values  } keeps no state
//
// `interrupted_training` is read by `hnn-host --resume` only; a pipeline that loads the
// checkpoint with `checkpoint:` starts from its parameters and ignores it. A file without it
// (every checkpoint of an uninterrupted run, and older ones) reads as not interrupted.
//
// Reals are written so that they read back bit for bit: a reloaded model has exactly the
// saved parameters and gives the identical loss.
#ifndef HNN_HOST_CHECKPOINT_H_
#define HNN_HOST_CHECKPOINT_H_

#include <Eigen/Core>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "hnn/optimizer.h"
#include "hnn/options.h"

namespace hnn {

// Where a signal stopped a model's training: what --resume continues from.
struct InterruptedTraining {
  long stage = 1;                                 // the stopped stage, 1-based
  long stage_epochs = 0;                          // epochs of that stage completed
  std::string optimizer;                          // that stage's optimizer plugin
  long minibatches = 0;                           // minibatches drawn from the training set so far
  std::optional<OptimizerState> optimizer_state;  // absent: the optimizer has no state
};

struct Checkpoint {
  std::string model;
  std::string plugin;
  Options options;
  long epochs = 0;
  Eigen::VectorXd parameters;
  std::vector<double> auxiliary_state;
  std::optional<InterruptedTraining> interrupted_training = std::nullopt;
  // The learned dissipation's parameters; empty when the model has none (and in files
  // without the key).
  Eigen::VectorXd dissipation_parameters = Eigen::VectorXd();
  // Objective trajectory with learn_initial_states: the training windows' learned first
  // states (d x W, column-major), for --resume; empty otherwise (and in files without the
  // key). Not model parameters: a pipeline loading the file with `checkpoint:` ignores them.
  Eigen::VectorXd learned_initial_states = Eigen::VectorXd();
};

// Writes atomically. Throws hnn::Error naming the file.
void save_checkpoint(const Checkpoint& checkpoint, const std::filesystem::path& file);

// Reads a checkpoint; `options` keep their YAML text form checked against `expected` (the
// resolved options of the model that loads it): a differing plugin, key or value, or a
// malformed file, throws ConfigError naming the file and the difference.
Checkpoint load_checkpoint(const std::filesystem::path& file, const std::string& expected_plugin,
                           const Options& expected_options);

}  // namespace hnn

#endif  // HNN_HOST_CHECKPOINT_H_
