#include "hnn/host/pipeline_yaml.h"

#include <algorithm>

namespace hnn {
namespace {

void emit_options(std::string& out, const Options& options, const OptionSchema* schema, int indent,
                  const std::vector<std::string>& skip = {}) {
  const std::string pad(indent, ' ');
  if (schema != nullptr) {
    for (const auto& option : schema->options()) {
      if (!options.contains(option.key())) continue;
      if (std::find(skip.begin(), skip.end(), option.key()) != skip.end()) continue;
      out += pad + option.key() + ": " + format_option_value(options.value(option.key())) + "\n";
    }
    return;
  }
  for (const auto& [key, value] : options.values()) {
    out += pad + key + ": " + format_option_value(value) + "\n";
  }
}

// A host section's settings, in the order of its binding.
template <class Settings>
void emit_settings(std::string& out, const Settings& settings, int indent,
                   const std::vector<std::string>& skip = {}) {
  const OptionBinding<Settings>& binding = Settings::binding();
  const OptionSchema schema = binding.schema();
  emit_options(out, binding.encode(settings), &schema, indent, skip);
}

void emit_plugin(std::string& out, const std::string& key, const PluginChoice& choice, int indent) {
  const std::string pad(indent, ' ');
  out += pad + key + ":\n";
  out += pad + "  plugin: " + format_option_value(choice.plugin) + "\n";
  emit_options(out, choice.options, nullptr, indent + 2);
}

// data.source: the simulation's options that are data section keys are written there, its
// others (exact_derivatives) here.
void emit_data_source(std::string& out, const PluginChoice& choice, int indent) {
  const std::string pad(indent, ' ');
  out += pad + "source:\n";
  out += pad + "  plugin: " + format_option_value(choice.plugin) + "\n";
  const bool simulated = choice.plugin == "simulation";
  for (const auto& [key, value] : choice.options.values()) {
    const auto& data_keys = simulation_keys();
    if (simulated && std::find(data_keys.begin(), data_keys.end(), key) != data_keys.end()) {
      continue;
    }
    out += pad + "  " + key + ": " + format_option_value(value) + "\n";
  }
}

void emit_training(std::string& out, const TrainingConfig& training, int indent) {
  const std::string pad(indent, ' ');
  // The stages carry update_grid; the section-level shorthand is written as false.
  TrainingSettings settings = training.settings;
  settings.update_grid = false;
  emit_settings(out, settings, indent);
  // Only when there is something to learn: a conservative pipeline's file is unchanged.
  if (settings.dissipation.active()) {
    out += pad + "dissipation:\n";
    emit_settings(out, settings.dissipation, indent + 2);
  }
  if (settings.objective == ObjectiveKind::kTrajectory) {
    out += pad + "trajectory:\n";
    emit_settings(out, settings.trajectory, indent + 2);
  }
  out += pad + "stages:\n";
  for (const auto& stage : training.stages) {
    out += pad + "  - update_grid: " + (stage.update_grid ? "true" : "false") + "\n";
    emit_plugin(out, "optimizer", stage.optimizer, indent + 4);
  }
}

void emit_plugin_options(std::string& out, const PluginChoice& choice, int indent) {
  const std::string pad(indent, ' ');
  out += pad + "plugin: " + format_option_value(choice.plugin) + "\n";
  emit_options(out, choice.options, nullptr, indent);
}

}  // namespace

std::string to_yaml(const PipelineConfig& config) {
  std::string out;
  out += "# Resolved pipeline: every option with its value, defaults filled in.\n";
  out += "name: " + format_option_value(config.name) + "\n";
  out += "description: " + format_option_value(config.description) + "\n";
  out += "plugins: " + format_option_value(config.plugin_paths) + "\n";
  if (!config.system.plugin.empty()) {  // optional with a file source
    out += "system:\n";
    emit_plugin_options(out, config.system, 2);
  }
  out += "data:\n";
  // The simulation's keys only for the simulation (another source refuses them).
  const bool simulated = config.data_source.plugin == "simulation";
  emit_settings(out, config.data, 2, simulated ? std::vector<std::string>{} : simulation_keys());
  emit_plugin(out, "integrator", config.data_integrator, 2);
  emit_data_source(out, config.data_source, 2);
  out += "  derivatives:\n";
  emit_settings(out, config.derivatives, 4);
  out += "training:\n";
  emit_training(out, config.training_defaults, 2);
  out += "models:\n";
  for (const auto& model : config.models) {
    out += "  " + model.name + ":\n";
    emit_plugin_options(out, model.model, 4);
    out += "    checkpoint: " + format_option_value(model.checkpoint) + "\n";
    out += "    training:\n";
    emit_training(out, model.training, 6);
    if (model.symbolic.enabled) {
      out += "    symbolic:\n";
      emit_settings(out, model.symbolic.settings, 6);
      out += "      edges:";
      if (model.symbolic.edges.empty()) out += " []";
      out += "\n";
      for (const auto& edge : model.symbolic.edges) {
        out += "        - {layer: " + std::to_string(edge.layer) +
               ", input: " + std::to_string(edge.input) +
               ", output: " + std::to_string(edge.output) +
               ", function: " + format_option_value(edge.function) + "}\n";
      }
      if (!model.symbolic.refine.empty()) {
        out += "      refine:\n";
        emit_plugin(out, "optimizer", model.symbolic.refine.front().optimizer, 8);
      }
    }
  }
  out += "evaluation:\n";
  emit_settings(out, config.evaluation, 2);
  emit_plugin(out, "integrator", config.evaluation_integrator, 2);
  emit_plugin(out, "reference_integrator", config.reference_integrator, 2);
  if (!config.reference_hamiltonian.plugin.empty()) {
    emit_plugin(out, "reference_hamiltonian", config.reference_hamiltonian, 2);
  }
  out += "output:\n";
  emit_settings(out, config.output, 2);
  return out;
}

}  // namespace hnn
