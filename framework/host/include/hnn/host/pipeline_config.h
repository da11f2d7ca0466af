// PipelineConfig: a pipeline file validated against the host's sections and the
// registered plugins' schemas, with every default filled in.
//
// Layout of a pipeline file (every key but system.plugin and models is optional; system too
// when the data come from a file source):
//
//   name: spring_mlp              # run name; default: the file name without extension
//   description: "..."
//   plugins: [../my_plugins]      # extra plugin files or folders, relative to this file
//   system:     {plugin: spring_mass, <system options>}
//   data:       {<data options>, integrator: {plugin: rk45, <integrator options>},
//                source: {plugin: simulation|table|..., <source options>},
//                derivatives: {method: savitzky_golay, window: 15, degree: 4}}
//   training:   {<training options>, optimizer: {plugin: lbfgs, <optimizer options>}}
//               or, in stages run one after the other on the same parameters:
//               {<training options>, stages: [{optimizer: {plugin: adam, ...}},
//                                             {update_grid: true, optimizer: {...}}]}
//   models:
//     <model name>: {plugin: mlp, <model options>, checkpoint: <file>,
//                    training: {<overrides of the training section>},
//                    symbolic: {<symbolic options>, edges: [{layer: 0, input: 0, output: 0,
//                               function: "x^2"}, ...], refine: {optimizer: {...}}}}
//   evaluation: {<evaluation options>, integrator: {...}, reference_integrator: {...},
//                reference_hamiltonian: {plugin: expression, hamiltonian: "...", ...}}
//   (system is optional with a file source: evaluation then compares rollouts with the
//    held-out measurements; docs/data.md)
//   output:     {directory: runs/spring_mlp}
//
// `hnn-host --describe data` (training, evaluation, output, symbolic) prints the host
// sections' options (hnn/host/host_settings.h); `--describe NAME` a plugin's.
//
// A PipelineConfig is made by validate_pipeline (hnn/host/pipeline_validation.h), which
// checks everything the pipeline determines and keeps what it built for that (the system,
// each model's resolved options and loaded checkpoint, the <m>_symbolic model's config),
// so that the run neither re-derives nor re-checks them.
#ifndef HNN_HOST_PIPELINE_CONFIG_H_
#define HNN_HOST_PIPELINE_CONFIG_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "hnn/derivative_estimation.h"
#include "hnn/host/checkpoint.h"
#include "hnn/host/host_settings.h"
#include "hnn/options.h"
#include "hnn/registry.h"
#include "hnn/system.h"

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
  TrainingSettings settings;
  std::vector<TrainingStage> stages;  // at least one
};

// A function assigned by hand to one edge of an edge network (models.<m>.symbolic.edges).
struct SymbolicEdgeChoice {
  int layer = 0;
  int input = 0;
  int output = 0;
  std::string function;
};

struct ModelConfig;

// The symbolic stage of an edge-network model (models.<m>.symbolic): after training, fit
// formulas to its edges, compose, verify and roll out the result (kan.md §6).
struct SymbolicConfig {
  bool enabled = false;  // the model has a `symbolic` section
  SymbolicSettings settings;
  std::vector<SymbolicEdgeChoice> edges;  // manual assignments
  std::vector<TrainingStage> refine;      // optional training of the affine parameters
  // The model <m>_symbolic the stage trains (refine) and rolls out, made by validation
  // when enabled: plugin "symbolic", option `file` relative to the run folder
  // ("symbolic/<m>.yaml"), `digits` -1 (network) or the printed digits (rollout: rounded);
  // its training is the model's with l1 0, full batches, no grid update, enabled only with
  // a refine stage.
  std::shared_ptr<const ModelConfig> model;
};

struct ModelConfig {
  std::string name;  // the key under `models:`
  PluginChoice model;
  TrainingConfig training;
  std::string checkpoint;  // "" when none, else a path resolved against the pipeline's folder
  SymbolicConfig symbolic;
  // Set by validation: model.options with the host-filled sizes (`inputs`: the state
  // dimension; `outputs`: what the objective needs), the options the model is built with.
  Options resolved_options;
  // Set by validation when `checkpoint` is given: the file as read, checked against the
  // resolved options and the model's parameter count.
  std::shared_ptr<const Checkpoint> loaded_checkpoint;
};

struct PipelineConfig {
  std::filesystem::path file;
  std::string name;
  std::string description;
  std::vector<std::string> plugin_paths;  // resolved against the pipeline's folder
  PluginChoice system;
  DataSettings data;
  PluginChoice data_integrator;
  // data.source (default: simulation, with the data section's simulation keys as options).
  PluginChoice data_source;
  // data.derivatives: for trajectories whose source gives no derivatives.
  DerivativeSettings derivatives;
  TrainingConfig training_defaults;  // the top-level training section, resolved
  std::vector<ModelConfig> models;
  EvaluationSettings evaluation;
  PluginChoice evaluation_integrator;
  PluginChoice reference_integrator;
  OutputSettings output;
  // The system as validation built it from `system` (null when validation failed or the
  // pipeline has none). Its methods are const; the run uses it instead of building another.
  std::shared_ptr<const System> system_object;
  // Set by validation: whether the data source needs `system:` (the simulation does; a file
  // source does not, and then `system:` is optional), and the state's coordinate names (the
  // system's, else the file source's), whose count sizes the models.
  bool data_needs_system = true;
  std::vector<std::string> coordinate_names;
  // Set by validation for a file source: how many held-out pieces the evaluation without a
  // system can roll out from (hnn::held_out_pieces); -1 when not loaded.
  long held_out_pieces = -1;
  // evaluation.reference_hamiltonian (a system plugin, e.g. expression; plugin "" when not
  // given): the H of the energy metric against measurements, built by validation.
  PluginChoice reference_hamiltonian;
  std::shared_ptr<const System> reference_hamiltonian_object;
};

}  // namespace hnn

#endif  // HNN_HOST_PIPELINE_CONFIG_H_
