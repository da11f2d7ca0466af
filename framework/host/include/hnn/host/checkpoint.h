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
//
// Reals are written so that they read back bit for bit: a reloaded model has exactly the
// saved parameters and gives the identical loss.
#ifndef HNN_HOST_CHECKPOINT_H_
#define HNN_HOST_CHECKPOINT_H_

#include <Eigen/Core>
#include <filesystem>
#include <string>
#include <vector>

#include "hnn/options.h"

namespace hnn {

struct Checkpoint {
  std::string model;
  std::string plugin;
  Options options;
  long epochs = 0;
  Eigen::VectorXd parameters;
  std::vector<double> auxiliary_state;
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
