// The validation of one pipeline section at a time, shared by validate_pipeline
// (pipeline_validation.cc). Every function reports its problems to `diagnostics`, located,
// and returns what it could validate. Internal to the host library.
#ifndef HNN_HOST_SRC_SECTION_VALIDATION_H_
#define HNN_HOST_SRC_SECTION_VALIDATION_H_

#include <string>
#include <vector>

#include "hnn/config_tree.h"
#include "hnn/error.h"
#include "hnn/host/diagnostics.h"
#include "hnn/host/pipeline_config.h"
#include "hnn/registry.h"
#include "resource_check.h"

namespace hnn::internal {

// A plugin section {plugin: NAME, <options>}. `default_plugin` is used when the key is
// absent ("" = required). `extra_keys` are host keys read by the caller. The plugin is ""
// when it could not be chosen.
PluginChoice validate_plugin_section(const ConfigNode& section, PluginKind kind,
                                     const std::string& path, const std::string& default_plugin,
                                     const std::vector<std::string>& extra_keys,
                                     const Registry& registry, Diagnostics& diagnostics);

// section[key], an integrator section (`default_node` when absent).
PluginChoice validate_integrator(const ConfigNode& section, const std::string& key,
                                 const std::string& path, const ConfigNode& default_node,
                                 const Registry& registry, Diagnostics& diagnostics);

// evaluation.integrator's default, the integrator of the rollouts: rk45 with rtol 1e-12 and
// atol 1e-6, located at `where`. (plugin_sections.cc)
ConfigNode default_evaluation_integrator(const SourceLocation& where);

// The data section (data_section.cc): options, integrator, derivatives and source; a source
// that needs no system is loaded and checked; the simulation's data are estimated against
// `budget` (whose `samples` it sets for the models' estimates).
void validate_data(const ConfigNode& root, const Registry& registry, PipelineConfig& config,
                   ResourceBudget& budget, Diagnostics& diagnostics);

// One training stage of `map` ({optimizer: {...}}; lbfgs when absent).
TrainingStage validate_stage(const ConfigNode& map, const std::string& path,
                             const Registry& registry, Diagnostics& diagnostics);

// A training section: its settings and its stages (`optimizer` or `stages`).
TrainingConfig validate_training(const ConfigNode& section, const std::string& path,
                                 const Registry& registry, Diagnostics& diagnostics);

// models.<m>.symbolic: options, manual `edges` and the optional `refine` stage.
SymbolicConfig validate_symbolic(const ConfigNode& section, const std::string& path,
                                 const Registry& registry, Diagnostics& diagnostics);

// The `models` section: each model's plugin, training (the training section merged with
// its overrides), checkpoint and symbolic stage. When `state_dimension` is known (> 0: the
// system, or a file source, was loaded), every model is also built with its resolved sizes
// and checked against what the pipeline asks of it (model_checks.cc).
// `budget`: the memory limit every model's estimate is checked against (resource_check.h).
std::vector<ModelConfig> validate_models(const ConfigNode& root, const ConfigNode& training,
                                         int state_dimension, const Registry& registry,
                                         const ResourceBudget& budget, Diagnostics& diagnostics);

// Builds the model of `model` (from the model's map `section`, at `path`) with its
// resolved sizes, unless its plugin's memory estimate exceeds the budget, and checks it:
// its dimensions against the system and the objective, its training's memory, its
// capabilities for the stages the pipeline asks of it
// (symbolic: an edge network whose manual edges exist; update_grid: a grid) and its
// checkpoint (read, compared with the options and the parameter count). Sets
// model.resolved_options, model.loaded_checkpoint and model.symbolic.model.
void check_model(ModelConfig& model, const ConfigNode& section, const ConfigNode& training,
                 const std::string& path, int state_dimension, const Registry& registry,
                 const ResourceBudget& budget, Diagnostics& diagnostics);

// The struct of a host section from options validated against its schema (defaults when a
// constraint failed: the diagnostics already say so).
template <class Settings>
Settings decode_settings(const Options& options) {
  try {
    return Settings::binding().decode(options);
  } catch (const Error&) {
    return Settings{};
  }
}

}  // namespace hnn::internal

#endif  // HNN_HOST_SRC_SECTION_VALIDATION_H_
