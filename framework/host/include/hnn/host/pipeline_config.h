// PipelineConfig: a pipeline file validated against the host's sections and the
// registered plugins' schemas, with every default filled in.
//
// Layout of a pipeline file (every key but system.plugin and models is optional):
//
//   name: spring_mlp              # run name; default: the file name without extension
//   description: "..."
//   plugins: [../my_plugins]      # extra plugin files or folders, relative to this file
//   system:     {plugin: spring_mass, <system options>}
//   data:       {<data options>, integrator: {plugin: rk45, <integrator options>}}
//   training:   {<training options>, optimizer: {plugin: lbfgs, <optimizer options>}}
//               or, in stages run one after the other on the same parameters:
//               {<training options>, stages: [{optimizer: {plugin: adam, ...}},
//                                             {update_grid: true, optimizer: {...}}]}
//   models:
//     <model name>: {plugin: mlp, <model options>, checkpoint: <file>,
//                    training: {<overrides of the training section>},
//                    symbolic: {<symbolic options>, edges: [{layer: 0, input: 0, output: 0,
//                               function: "x^2"}, ...], refine: {optimizer: {...}}}}
//   evaluation: {<evaluation options>, integrator: {...}, reference_integrator: {...}}
//   output:     {directory: runs/spring_mlp}
//
// `hnn-host --describe data` (training, evaluation, output) prints the host sections'
// options; `--describe NAME` a plugin's.
#ifndef HNN_HOST_PIPELINE_CONFIG_H_
#define HNN_HOST_PIPELINE_CONFIG_H_

#include <filesystem>
#include <string>
#include <vector>

#include "hnn/config_tree.h"
#include "hnn/host/diagnostics.h"
#include "hnn/options.h"
#include "hnn/registry.h"

namespace hnn {

// A plugin chosen in the pipeline, with its validated options (defaults filled in).
struct PluginChoice {
  PluginKind kind = PluginKind::kSystem;
  std::string plugin;
  Options options;
};

// One stage of training: an optimizer run, optionally preceded by a grid update of the
// model from the training inputs (models with has_grid_update(), e.g. KANs).
struct TrainingStage {
  PluginChoice optimizer;
  bool update_grid = false;
};

struct TrainingConfig {
  Options settings;  // training_schema(): objective, field, outputs, l1, test_every, ...
  std::vector<TrainingStage> stages;  // at least one
};

// A function assigned by hand to one edge of an edge network (models.<m>.symbolic.edges).
struct SymbolicEdgeChoice {
  int layer = 0;
  int input = 0;
  int output = 0;
  std::string function;
};

// The symbolic stage of an edge-network model (models.<m>.symbolic): after training, fit
// formulas to its edges, compose, verify and roll out the result (kan.md §6).
struct SymbolicConfig {
  bool enabled = false;                   // the model has a `symbolic` section
  Options settings;                       // symbolic_schema()
  std::vector<SymbolicEdgeChoice> edges;  // manual assignments
  std::vector<TrainingStage> refine;      // optional training of the affine parameters
};

struct ModelConfig {
  std::string name;  // the key under `models:`
  PluginChoice model;
  TrainingConfig training;
  std::string checkpoint;  // "" when none, else a path resolved against the pipeline's folder
  SymbolicConfig symbolic;
};

struct PipelineConfig {
  std::filesystem::path file;
  std::string name;
  std::string description;
  std::vector<std::string> plugin_paths;  // resolved against the pipeline's folder
  PluginChoice system;
  Options data;  // data_schema()
  PluginChoice data_integrator;
  TrainingConfig training_defaults;  // the top-level training section, resolved
  std::vector<ModelConfig> models;
  Options evaluation;  // evaluation_schema()
  PluginChoice evaluation_integrator;
  PluginChoice reference_integrator;
  Options output;  // output_schema()
};

// The host's own sections.
OptionSchema data_schema();
OptionSchema training_schema();
OptionSchema evaluation_schema();
OptionSchema output_schema();
OptionSchema symbolic_schema();
// The schema of a host section by name ("data", "training", "evaluation", "output",
// "symbolic"), or nullptr.
const OptionSchema* host_section_schema(const std::string& section);

// The `plugins:` list of a parsed pipeline, resolved against the pipeline file's folder,
// read before anything else so that the plugins can be loaded before validation. Problems
// go to `diagnostics`.
std::vector<std::string> read_plugin_paths(const ConfigNode& root,
                                           const std::filesystem::path& pipeline_file,
                                           Diagnostics& diagnostics);

// Applies a command-line override "key.path=value" (value in YAML syntax) to the tree.
// `index` (1-based) numbers the overrides in messages. Throws ConfigError for a malformed
// assignment or a path through a non-map.
void apply_override(ConfigNode& root, const std::string& assignment);

// Validates the whole tree; every problem goes to `diagnostics` (nothing is thrown for
// them). The result is meaningful only when diagnostics is empty.
PipelineConfig validate_pipeline(const ConfigNode& root, const std::filesystem::path& pipeline_file,
                                 const Registry& registry, Diagnostics& diagnostics);

// The resolved pipeline as YAML (every default filled in); it validates back to the same
// configuration.
std::string to_yaml(const PipelineConfig& config);

}  // namespace hnn

#endif  // HNN_HOST_PIPELINE_CONFIG_H_
