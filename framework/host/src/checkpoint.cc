#include "hnn/host/checkpoint.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "hnn/atomic_file.h"
#include "hnn/config_tree.h"
#include "hnn/error.h"

namespace hnn {
namespace {

// A located problem of the checkpoint file.
[[noreturn]] void fail(const SourceLocation& where, std::string path, std::string message) {
  throw ConfigError(
      ConfigProblem{where.file, where.line, where.column, std::move(path), std::move(message)});
}

std::string format_reals(const double* values, std::size_t size) {
  return format_option_value(std::vector<double>(values, values + size));
}

// The flow text of a parsed value, as format_option_value writes it.
std::string flow_text(const ConfigNode& node) {
  switch (node.kind()) {
    case ConfigNode::Kind::kScalar:
      return node.quoted() ? format_option_value(node.text()) : node.text();
    case ConfigNode::Kind::kSequence: {
      std::string text = "[";
      for (std::size_t i = 0; i < node.items().size(); ++i) {
        text += (i ? ", " : "") + flow_text(node.items()[i]);
      }
      return text + "]";
    }
    default:
      return node.describe();
  }
}

std::vector<double> read_reals(const ConfigNode& node, const std::string& where) {
  if (!node.is_sequence()) {
    fail(node.location(), where, "expected a list of reals, found " + node.describe());
  }
  std::vector<double> values;
  values.reserve(node.items().size());
  for (const auto& item : node.items()) {
    char* end = nullptr;
    errno = 0;
    const double value = item.is_scalar() ? std::strtod(item.text().c_str(), &end) : 0.0;
    if (!item.is_scalar() || item.text().empty() ||
        end != item.text().c_str() + item.text().size()) {
      fail(item.location(), where, "expected a real, found " + item.describe());
    }
    // strtod reads "nan", "inf" and 1e999 (as inf); no parameter is ever any of them.
    if (!std::isfinite(value)) {
      fail(item.location(), where, "expected a finite real, found " + item.describe());
    }
    values.push_back(value);
  }
  return values;
}

// The epochs a checkpoint's model was trained: an integer from 0 to 2^53 (a count that an
// epoch counter summed over many runs can never wrap).
long read_epochs(const ConfigNode& node) {
  constexpr long kMaximum = 1L << 53;
  const std::string& text = node.is_scalar() ? node.text() : std::string();
  char* end = nullptr;
  errno = 0;
  const long value = text.empty() ? -1 : std::strtol(text.c_str(), &end, 10);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE || value < 0 ||
      value > kMaximum) {
    fail(node.location(), "epochs",
         "expected an integer in [0, " + std::to_string(kMaximum) + "], found " + node.describe());
  }
  return value;
}

const ConfigNode& require(const ConfigNode& root, const std::string& key) {
  const ConfigNode* node = root.find(key);
  if (node == nullptr) {
    fail(SourceLocation{root.location().file, 0, 0}, key, "missing required key of a checkpoint");
  }
  return *node;
}

// A count of the interrupted_training section: an integer in [0, 2^53].
long read_count(const ConfigNode& section, const std::string& key) {
  const ConfigNode& node = require(section, key);
  const std::string path = "interrupted_training." + key;
  char* end = nullptr;
  errno = 0;
  const long long value = node.is_scalar() ? std::strtoll(node.text().c_str(), &end, 10) : -1;
  if (!node.is_scalar() || node.text().empty() || end != node.text().c_str() + node.text().size() ||
      errno == ERANGE || value < 0 || value > (1LL << 53)) {
    fail(node.location(), path, "expected a count (an integer >= 0), found " + node.describe());
  }
  return long(value);
}

InterruptedTraining read_interrupted_training(const ConfigNode& section) {
  if (!section.is_map()) {
    fail(section.location(), "interrupted_training", "expected a map, found " + section.describe());
  }
  InterruptedTraining interrupted;
  interrupted.stage = read_count(section, "stage");
  interrupted.stage_epochs = read_count(section, "stage_epochs");
  interrupted.optimizer = require(section, "optimizer").text();
  interrupted.minibatches = read_count(section, "minibatches");
  if (const ConfigNode* values = section.find("optimizer_state")) {
    OptimizerState state;
    state.epochs = read_count(section, "optimizer_state_epochs");
    state.values = read_reals(*values, "interrupted_training.optimizer_state");
    interrupted.optimizer_state = std::move(state);
  }
  return interrupted;
}

}  // namespace

void save_checkpoint(const Checkpoint& checkpoint, const std::filesystem::path& file) {
  std::string text =
      "# hnn checkpoint: load it with `checkpoint: <this file>` in a model section.\n";
  text += "format: 1\n";
  text += "model: " + format_option_value(checkpoint.model) + "\n";
  text += "plugin: " + format_option_value(checkpoint.plugin) + "\n";
  text += "options:\n";
  for (const auto& [key, value] : checkpoint.options.values()) {
    text += "  " + key + ": " + format_option_value(value) + "\n";
  }
  text += "epochs: " + std::to_string(checkpoint.epochs) + "\n";
  text += "parameters: " +
          format_reals(checkpoint.parameters.data(), std::size_t(checkpoint.parameters.size())) +
          "\n";
  text += "auxiliary_state: " +
          format_reals(checkpoint.auxiliary_state.data(), checkpoint.auxiliary_state.size()) + "\n";
  // Only with a learned dissipation: a conservative model's file is unchanged.
  if (checkpoint.dissipation_parameters.size() > 0) {
    text += "dissipation_parameters: " +
            format_reals(checkpoint.dissipation_parameters.data(),
                         std::size_t(checkpoint.dissipation_parameters.size())) +
            "\n";
  }
  if (checkpoint.learned_initial_states.size() > 0) {
    text += "learned_initial_states: " +
            format_reals(checkpoint.learned_initial_states.data(),
                         std::size_t(checkpoint.learned_initial_states.size())) +
            "\n";
  }
  if (const auto& interrupted = checkpoint.interrupted_training) {
    text += "interrupted_training:\n";
    text += "  stage: " + std::to_string(interrupted->stage) + "\n";
    text += "  stage_epochs: " + std::to_string(interrupted->stage_epochs) + "\n";
    text += "  optimizer: " + format_option_value(interrupted->optimizer) + "\n";
    text += "  minibatches: " + std::to_string(interrupted->minibatches) + "\n";
    if (const auto& state = interrupted->optimizer_state) {
      text += "  optimizer_state_epochs: " + std::to_string(state->epochs) + "\n";
      text +=
          "  optimizer_state: " + format_reals(state->values.data(), state->values.size()) + "\n";
    }
  }
  write_file_atomically(file, text);
}

Checkpoint load_checkpoint(const std::filesystem::path& file, const std::string& expected_plugin,
                           const Options& expected_options) {
  const ConfigNode root = load_config_file(file);
  const std::string name = file.string();
  if (flow_text(require(root, "format")) != "1") {
    fail(SourceLocation{name, 0, 0}, "format",
         "this host reads checkpoint format 1, found " + require(root, "format").describe());
  }
  Checkpoint checkpoint;
  checkpoint.model = require(root, "model").text();
  checkpoint.plugin = require(root, "plugin").text();
  if (checkpoint.plugin != expected_plugin) {
    fail(require(root, "plugin").location(), "plugin",
         "the checkpoint holds a '" + checkpoint.plugin + "' model, the pipeline asks for '" +
             expected_plugin + "'");
  }
  const ConfigNode& options = require(root, "options");
  for (const auto& [key, value] : expected_options.values()) {
    const ConfigNode* saved = options.find(key);
    const std::string wanted = format_option_value(value);
    if (saved == nullptr) {
      fail(options.location(), "options." + key,
           "missing in the checkpoint; the pipeline has " + wanted);
    }
    if (flow_text(*saved) != wanted) {
      fail(saved->location(), "options." + key,
           "the checkpoint was made with " + flow_text(*saved) + ", the pipeline has " + wanted +
               " (make the model's options match the checkpoint)");
    }
    checkpoint.options.set(key, value);
  }
  checkpoint.epochs = read_epochs(require(root, "epochs"));
  const auto parameters = read_reals(require(root, "parameters"), "parameters");
  checkpoint.parameters =
      Eigen::Map<const Eigen::VectorXd>(parameters.data(), Eigen::Index(parameters.size()));
  if (const ConfigNode* state = root.find("auxiliary_state")) {
    checkpoint.auxiliary_state = read_reals(*state, "auxiliary_state");
  }
  if (const ConfigNode* dissipation = root.find("dissipation_parameters")) {
    const auto values = read_reals(*dissipation, "dissipation_parameters");
    checkpoint.dissipation_parameters =
        Eigen::Map<const Eigen::VectorXd>(values.data(), Eigen::Index(values.size()));
  }
  if (const ConfigNode* states = root.find("learned_initial_states")) {
    const auto values = read_reals(*states, "learned_initial_states");
    checkpoint.learned_initial_states =
        Eigen::Map<const Eigen::VectorXd>(values.data(), Eigen::Index(values.size()));
  }
  if (const ConfigNode* interrupted = root.find("interrupted_training")) {
    checkpoint.interrupted_training = read_interrupted_training(*interrupted);
  }
  return checkpoint;
}

}  // namespace hnn
