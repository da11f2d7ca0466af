// A model built at validation, with the sizes the host fills in, and checked against what
// the pipeline asks of it: its capabilities for the chosen stages (symbolic needs an edge
// network whose manual edges exist; update_grid needs a grid) and its checkpoint. Models
// are cheap to construct; the run builds its own from the resolved options.
#include <algorithm>
#include <memory>

#include "config_decoding.h"
#include "hnn/host/checkpoint.h"
#include "hnn/model.h"
#include "pipeline_model.h"
#include "resource_check.h"
#include "section_validation.h"

namespace hnn::internal {
namespace {

// The model's options with the host-filled sizes: `inputs` (0 = the state dimension) and
// `outputs` (0 = what the objective needs).
Options resolved_model_options(const ModelConfig& config, const PluginInfo& info,
                               int state_dimension) {
  Options options = config.model.options;
  const TrainingSettings& training = config.training.settings;
  if (info.schema.find("inputs") && options.integer("inputs") == 0) {
    options.set("inputs", std::int64_t(state_dimension));
  }
  if (info.schema.find("outputs") && options.integer("outputs") == 0) {
    std::int64_t outputs = state_dimension;
    if (model_field_kind(training) == ObjectiveKind::kHnn) {
      outputs = std::max<std::int64_t>(
          2, std::max(training.hamiltonian_output, training.conservative_output) + 1);
      // A state-dependent damping reads L(x) from outputs after these.
      if (training.dissipation.damping == DampingForm::kStateDependent) {
        const std::int64_t n = state_dimension / 2;
        outputs = std::max(outputs, training.dissipation.damping_output + n * (n + 1) / 2);
      }
    }
    options.set("outputs", outputs);
  }
  return options;
}

// The node of the first of `candidates` (paths relative to `section`) that exists, else the
// section itself: where a problem is reported.
const ConfigNode& located(const ConfigNode& section, const std::vector<std::string>& candidates) {
  for (const auto& candidate : candidates) {
    if (const ConfigNode* node = find_path(section, candidate)) return *node;
  }
  return section;
}

// The config of <m>_symbolic (see SymbolicConfig::model).
std::shared_ptr<const ModelConfig> symbolic_model_config(const ModelConfig& model) {
  auto config = std::make_shared<ModelConfig>();
  const SymbolicSettings& symbolic = model.symbolic.settings;
  config->name = model.name + "_symbolic";
  config->model.kind = PluginKind::kModel;
  config->model.plugin = "symbolic";
  config->model.options.set("file", "symbolic/" + model.name + ".yaml");
  config->model.options.set(
      "digits", std::int64_t(symbolic.rollout == SymbolicRollout::kRounded ? symbolic.digits : -1));
  config->resolved_options = config->model.options;
  config->training.settings = model.training.settings;
  config->training.settings.l1 = 0.0;
  config->training.settings.batch_size = 0;
  config->training.settings.update_grid = false;
  config->training.settings.enabled = !model.symbolic.refine.empty();
  config->training.stages = model.symbolic.refine;
  if (config->training.stages.empty()) {
    config->training.stages.push_back(model.training.stages.front());
  }
  return config;
}

// The manual edges exist in the network; with the automatic choice off and no pruning,
// every edge has a function.
void check_symbolic_edges(const ModelConfig& model, Model& network, const ConfigNode& section,
                          const std::string& path, Diagnostics& diagnostics) {
  const EdgeActivations activations =
      network.edge_activations(Eigen::MatrixXd::Zero(network.input_dimension(), 1));
  const int layers = int(activations.layers.size());
  const auto& edges = model.symbolic.edges;
  for (std::size_t k = 0; k < edges.size(); ++k) {
    const SymbolicEdgeChoice& edge = edges[k];
    const std::string item = "symbolic.edges[" + std::to_string(k) + "]";
    const ConfigNode& node = located(section, {item, "symbolic"});
    if (edge.layer < 0 || edge.layer >= layers) {
      diagnostics.error(located(section, {item + ".layer", item}).location(),
                        path + "." + item + ".layer",
                        "expected a layer of the network, 0 to " + std::to_string(layers - 1) +
                            ", found " + std::to_string(edge.layer));
      continue;
    }
    const EdgeLayerActivations& layer = activations.layers[std::size_t(edge.layer)];
    if (edge.input < 0 || edge.input >= layer.inputs || edge.output < 0 ||
        edge.output >= layer.outputs) {
      diagnostics.error(node.location(), path + "." + item,
                        "expected an edge of layer " + std::to_string(edge.layer) +
                            ": inputs 0 to " + std::to_string(layer.inputs - 1) +
                            ", outputs 0 to " + std::to_string(layer.outputs - 1));
    }
  }
  const SymbolicSettings& settings = model.symbolic.settings;
  if (settings.automatic || settings.prune_threshold > 0) return;
  for (int l = 0; l < layers; ++l) {
    const EdgeLayerActivations& layer = activations.layers[std::size_t(l)];
    for (int j = 0; j < layer.outputs; ++j) {
      for (int i = 0; i < layer.inputs; ++i) {
        const bool assigned = std::any_of(edges.begin(), edges.end(), [&](const auto& e) {
          return e.layer == l && e.input == i && e.output == j;
        });
        if (assigned) continue;
        diagnostics.error(
            located(section, {"symbolic.auto", "symbolic"}).location(), path + ".symbolic",
            "edge (layer " + std::to_string(l) + ", input " + std::to_string(i) + ", output " +
                std::to_string(j) + ") has no function: assign one in `edges` or set auto: true");
        return;
      }
    }
  }
}

// The checkpoint, read and compared with the model.
void check_checkpoint(ModelConfig& model, const Model& built, const ConfigNode& section,
                      const std::string& path, Diagnostics& diagnostics) {
  const ConfigNode& node = located(section, {"checkpoint"});
  try {
    Checkpoint checkpoint =
        load_checkpoint(model.checkpoint, model.model.plugin, model.resolved_options);
    if (checkpoint.parameters.size() != built.parameter_count()) {
      diagnostics.error(node.location(), path + ".checkpoint",
                        model.checkpoint + ": parameters: expected " +
                            std::to_string(built.parameter_count()) + " values for " +
                            built.name() + ", found " +
                            std::to_string(checkpoint.parameters.size()));
      return;
    }
    // A checkpoint without dissipation parameters starts the pipeline's from their start.
    const Eigen::Index dissipation = checkpoint.dissipation_parameters.size();
    const Eigen::Index expected = initial_dissipation(model.training.settings, built).size();
    if (dissipation > 0 && dissipation != expected) {
      diagnostics.error(
          node.location(), path + ".checkpoint",
          model.checkpoint + ": dissipation_parameters: expected " + std::to_string(expected) +
              " values for the training's dissipation (damping " +
              to_string(model.training.settings.dissipation.damping) + ", " +
              std::to_string(model.training.settings.dissipation.forcing_frequencies.size()) +
              " forcing frequencies), found " + std::to_string(dissipation));
      return;
    }
    model.loaded_checkpoint = std::make_shared<const Checkpoint>(std::move(checkpoint));
  } catch (const ConfigError& error) {
    diagnostics.add(error, node.location(), path + ".checkpoint");
  }
}

// Objective trajectory: what hnn-host does not support yet refused at its key, then the
// objective built on one window at the origin (it checks the field against the model).
bool check_trajectory_objective(Model& built, const TrainingSettings& settings,
                                const ConfigNode& section, const ConfigNode& training,
                                const std::string& path, int d, Diagnostics& diagnostics) {
  auto refuse = [&](const std::vector<std::string>& keys, const std::string& message) {
    const ConfigNode* node = nullptr;
    std::string key_path = path + ".training";
    for (const std::string& key : keys) {
      if (node == nullptr && (node = find_path(training, key)) != nullptr) {
        key_path = path + ".training." + key;
      }
    }
    if (node == nullptr) node = &located(section, {"outputs", "width", "plugin"});
    diagnostics.error(node->location(), key_path, message);
    return false;
  };
  // The HNN's field types (field: conservative, both) are those of trajectory.field
  // solenoidal, integrated with rk4.
  if (settings.field != FieldType::kSolenoidal) {
    if (settings.trajectory.field == TrajectoryField::kDirect) {
      return refuse({"field", "trajectory.field"},
                    "field " + to_string(settings.field) +
                        " is a field of the HNN: expected trajectory.field solenoidal with it, "
                        "found direct");
    }
    if (settings.trajectory.method != TrajectoryMethod::kRungeKutta4) {
      return refuse({"trajectory.method", "field"},
                    "method " + to_string(settings.trajectory.method) +
                        " integrates J dH/dx only: expected method rk4 with field " +
                        to_string(settings.field) + ", found " +
                        to_string(settings.trajectory.method));
    }
  }
  // The learned damping and forcing: rk4 with the solenoidal field.
  if (settings.dissipation.active()) {
    if (settings.trajectory.field == TrajectoryField::kDirect) {
      return refuse({"trajectory.field", "dissipation"},
                    "a learned damping or forcing acts on the Hamiltonian's gradient: expected "
                    "trajectory.field solenoidal, found direct");
    }
    if (settings.trajectory.method != TrajectoryMethod::kRungeKutta4) {
      return refuse({"trajectory.method", "dissipation"},
                    "objective trajectory integrates a learned damping or forcing with rk4 "
                    "only: expected method rk4, found " +
                        to_string(settings.trajectory.method));
    }
  }
  // The learned initial states are parameters of the training windows: the L1 penalty
  // (which an optimizer handling it applies to all parameters) cannot see them apart.
  if (settings.trajectory.learn_initial_states && settings.l1 > 0.0) {
    return refuse({"l1", "trajectory.learn_initial_states"},
                  "objective trajectory: the L1 penalty leaves learned initial states out, "
                  "not supported by hnn-host: expected l1 0 with learn_initial_states true");
  }
  try {
    const int k = int(settings.trajectory.steps);
    TrajectoryWindows windows;
    windows.steps = k;
    windows.initial_states = Eigen::MatrixXd::Zero(d, 1);
    windows.targets = Eigen::MatrixXd::Zero(d, k);
    windows.time_steps = Eigen::MatrixXd::Ones(k, 1);
    windows.trajectory = {0};
    windows.first_sample = {0};
    windows.start_times = Eigen::RowVectorXd::Zero(1);
    TrajectoryObjective objective(built, std::move(windows),
                                  trajectory_objective_options(settings));
  } catch (const Error& error) {
    // At the key the message is about: the dissipation's outputs, an output of the field,
    // else the trajectory block.
    const std::string message = error.what();
    std::vector<std::string> keys = {"trajectory.field", "trajectory.method", "hamiltonian_output",
                                     "objective"};
    if (message.find("conservative_output") != std::string::npos) {
      keys.insert(keys.begin(), {"conservative_output", "field"});
    } else if (message.find("dissipation") != std::string::npos) {
      keys.insert(keys.begin(),
                  {"dissipation.damping_output", "dissipation.damping", "dissipation"});
    }
    return refuse(keys, "the training objective refuses the model: " + message);
  }
  return true;
}

// The model's sizes fit the system and the objective: what the run's objective would refuse
// (inputs other than the state dimension, too few outputs for hamiltonian_output, ...).
// Returns false when they do not.
bool check_dimensions(const ModelConfig& model, Model& built, const ConfigNode& section,
                      const ConfigNode& training, const std::string& path, int d,
                      Diagnostics& diagnostics) {
  if (built.input_dimension() != d) {
    diagnostics.error(located(section, {"inputs", "width", "plugin"}).location(), path,
                      "expected a model with " + std::to_string(d) +
                          " inputs (the dimension of the data's state), found " + built.name() +
                          " with " + std::to_string(built.input_dimension()));
    return false;
  }
  // The run builds the objective of every model, trained or not (its losses are reported).
  const TrainingSettings& settings = model.training.settings;
  if (settings.objective == ObjectiveKind::kBaseline && settings.dissipation.active()) {
    const ConfigNode* node = find_path(training, "dissipation");
    diagnostics.error(node ? node->location() : section.location(), path + ".training.dissipation",
                      "a learned damping or forcing acts on the Hamiltonian's gradient: "
                      "expected objective hnn, found " +
                          to_string(settings.objective));
    return false;
  }
  if (settings.objective == ObjectiveKind::kTrajectory) {
    return check_trajectory_objective(built, settings, section, training, path, d, diagnostics);
  }
  try {
    // One sample at the origin: the objective checks its shapes and outputs on construction.
    const Eigen::MatrixXd origin = Eigen::MatrixXd::Zero(d, 1);
    make_objective(built, settings, origin, origin, Eigen::VectorXd::Zero(1));
  } catch (const Error& error) {
    // At the training key that chooses the output, else at the model's sizes.
    const bool hnn = settings.objective == ObjectiveKind::kHnn;
    std::vector<std::string> keys =
        hnn ? std::vector<std::string>{"hamiltonian_output", "conservative_output", "field"}
            : std::vector<std::string>{"objective"};
    // A message about the dissipation is located at its block (its damping_output when
    // given): the output count it needs, or the field it needs.
    if (hnn && settings.dissipation.active() &&
        std::string(error.what()).find("dissipation") != std::string::npos) {
      keys.insert(keys.begin(),
                  {"dissipation.damping_output", "dissipation.damping", "dissipation"});
      if (std::string(error.what()).find("needs field") != std::string::npos) {
        keys.insert(keys.begin(), "field");
      }
    }
    const ConfigNode* node = nullptr;
    std::string key_path = path;
    for (const std::string& key : keys) {
      if (node == nullptr && (node = find_path(training, key)) != nullptr) {
        key_path = path + ".training." + key;
      }
    }
    if (node == nullptr) node = &located(section, {"outputs", "width", "plugin"});
    diagnostics.error(node->location(), key_path,
                      std::string("the training objective refuses the model: ") + error.what());
    return false;
  }
  return true;
}

}  // namespace

void check_model(ModelConfig& model, const ConfigNode& section, const ConfigNode& training,
                 const std::string& path, int state_dimension, const Registry& registry,
                 const ResourceBudget& budget, Diagnostics& diagnostics) {
  const PluginInfo* info = registry.find(PluginKind::kModel, model.model.plugin);
  if (info == nullptr) return;
  model.resolved_options = resolved_model_options(model, *info, state_dimension);
  // A model too large for the machine is not built (its plugin's estimate, when it has one).
  if (!check_model_estimate(model, section, path, registry, budget, diagnostics)) return;
  std::shared_ptr<Model> built;
  try {
    built = registry.create_model(model.model.plugin, model.resolved_options);
  } catch (const Error& error) {
    diagnostics.error(section.location(), path,
                      "model '" + model.model.plugin + "' rejects its options: " + error.what());
    return;
  }
  // A model that chooses the baseline objective itself does not inherit the training
  // section's dissipation (it applies to the HNN models); one that sets its own, or a
  // section that sets both, is refused (check_dimensions).
  TrainingSettings& settings = model.training.settings;
  if (settings.objective != ObjectiveKind::kHnn && settings.dissipation.active() &&
      find_path(section, "training.objective") && !find_path(section, "training.dissipation")) {
    settings.dissipation = DissipationSettings{};
  }
  if (!check_dimensions(model, *built, section, training, path, state_dimension, diagnostics))
    return;
  if (model.training.settings.enabled) {
    check_training_resources(model, double(built->parameter_count()), section, training, path,
                             registry, budget, diagnostics);
  }
  const auto& stages = model.training.stages;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    if (!stages[i].update_grid || built->has_grid_update()) continue;
    const std::string stage = "stages[" + std::to_string(i) + "]";
    const ConfigNode& node = located(training, {stage + ".update_grid", "update_grid", stage});
    diagnostics.error(node.location(), path + ".training." + stage + ".update_grid",
                      "expected a model with a grid (e.g. kan), found " + built->name());
  }
  if (model.symbolic.enabled) {
    if (!built->has_edge_activations()) {
      diagnostics.error(located(section, {"symbolic"}).location(), path + ".symbolic",
                        "expected an edge network whose edges can be fitted with formulas (e.g. "
                        "kan), found " +
                            built->name());
    } else {
      check_symbolic_edges(model, *built, section, path, diagnostics);
      model.symbolic.model = symbolic_model_config(model);
    }
  }
  if (!model.checkpoint.empty()) check_checkpoint(model, *built, section, path, diagnostics);
}

}  // namespace hnn::internal
