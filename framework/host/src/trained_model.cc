#include "hnn/host/trained_model.h"

#include <ostream>
#include <utility>

#include "config_decoding.h"
#include "hnn/error.h"
#include "hnn/host/checkpoint.h"
#include "hnn/host/diagnostics.h"
#include "hnn/host/host_settings.h"
#include "hnn/host/pipeline_validation.h"
#include "learned_field.h"
#include "pipeline_model.h"
#include "section_validation.h"

namespace hnn {
namespace fs = std::filesystem;

struct TrainedModel::State {
  std::shared_ptr<const ModelConfig> config;  // result.config points to it
  internal::ModelResult result;
  std::vector<std::string> coordinates;
  int state_dimension = 0;
  PluginChoice integrator;
  const Registry* registry = nullptr;
  std::shared_ptr<Integrator> default_integrator;  // made from `integrator` when first needed
  std::unique_ptr<internal::LearnedField> field;
  Eigen::MatrixXd outputs;  // workspace of hamiltonian()
};

namespace {

// A stream that discards what build_model logs.
std::ostream& discarded() {
  static std::ostream stream(nullptr);
  return stream;
}

// Throws hnn::Error unless states is state_dimension x N and the result result_rows x N.
void check_sizes(const TrainedModel& model, const char* what, Eigen::Index rows,
                 Eigen::Index columns, Eigen::Index result_rows_expected, Eigen::Index result_rows,
                 Eigen::Index result_columns) {
  if (rows == model.state_dimension() && result_rows == result_rows_expected &&
      result_columns == columns) {
    return;
  }
  throw Error(model.name() + ": " + what + ": the states are " + std::to_string(rows) + " x " +
              std::to_string(columns) + " (expected " + std::to_string(model.state_dimension()) +
              " x N), the result " + std::to_string(result_rows) + " x " +
              std::to_string(result_columns) + " (expected " +
              std::to_string(result_rows_expected) + " x N)");
}

}  // namespace

std::unique_ptr<TrainedModel::State> TrainedModel::built(const ModelConfig& config,
                                                         std::vector<std::string> coordinates,
                                                         PluginChoice integrator,
                                                         const Registry& registry) {
  auto state = std::make_unique<TrainedModel::State>();
  state->config = std::make_shared<const ModelConfig>(config);
  state->result = internal::build_model(*state->config, registry, discarded());
  state->coordinates = std::move(coordinates);
  state->state_dimension = state->result.model->input_dimension();
  state->integrator = std::move(integrator);
  state->registry = &registry;
  state->field = std::make_unique<internal::LearnedField>(
      *state->result.model, state->config->training.settings, state->result.dissipation,
      state->state_dimension);
  return state;
}

TrainedModel::TrainedModel(std::unique_ptr<State> state) : state_(std::move(state)) {}
TrainedModel::TrainedModel(TrainedModel&&) noexcept = default;
TrainedModel& TrainedModel::operator=(TrainedModel&&) noexcept = default;
TrainedModel::~TrainedModel() = default;

TrainedModel TrainedModel::from_pipeline(ConfigNode root, const fs::path& pipeline_file,
                                         const std::string& name, const fs::path& checkpoint,
                                         const Registry& registry) {
  ConfigNode* models = root.is_map() ? root.find("models") : nullptr;
  ConfigNode* section = models && models->is_map() ? models->find(name) : nullptr;
  if (section == nullptr || !section->is_map()) {
    std::string names;
    if (models && models->is_map()) {
      for (const auto& entry : models->entries()) names += (names.empty() ? "" : ", ") + entry.key;
    }
    throw Error(pipeline_file.string() + ": no model '" + name +
                "' (its models: " + (names.empty() ? "none" : names) + ")");
  }
  // The other models are left out: their checkpoints (paths relative to where the pipeline
  // was written) and their building are no concern of this one.
  std::vector<std::string> others;
  for (const auto& entry : models->entries()) {
    if (entry.key != name) others.push_back(entry.key);
  }
  for (const auto& other : others) models->erase(other);
  section = models->find(name);
  // Validation reads the checkpoint and compares it with the model, as for a pipeline that
  // loads it with `checkpoint:`.
  const SourceLocation where = section->location();
  section->set("checkpoint", where,
               ConfigNode::scalar(fs::absolute(checkpoint).string(), true, where));
  Diagnostics diagnostics;
  const PipelineConfig config = validate_pipeline(root, pipeline_file, registry, diagnostics);
  diagnostics.throw_if_any();
  for (const ModelConfig& model : config.models) {
    if (model.name == name) {
      return TrainedModel(
          built(model, config.coordinate_names, config.evaluation_integrator, registry));
    }
  }
  throw Error(pipeline_file.string() + ": no model '" + name + "'");
}

TrainedModel TrainedModel::from_run_folder(const fs::path& run_folder, const std::string& name,
                                           const Registry& registry) {
  const fs::path pipeline = run_folder / "pipeline.yaml";
  return from_pipeline(load_config_file(pipeline), pipeline, name,
                       run_folder / "checkpoints" / (name + ".yaml"), registry);
}

TrainedModel TrainedModel::from_checkpoint(const fs::path& checkpoint, const Registry& registry) {
  const ConfigNode root = load_config_file(checkpoint);
  const ConfigNode* plugin = root.is_map() ? root.find("plugin") : nullptr;
  if (plugin == nullptr) {
    throw ConfigError(
        ConfigProblem{checkpoint.string(), 0, 0, "plugin", "missing required key of a checkpoint"});
  }
  // The model section the checkpoint's options describe, validated as a pipeline's would be.
  const ConfigNode* saved_options = root.find("options");
  ConfigNode section =
      saved_options && saved_options->is_map()
          ? *saved_options
          : ConfigNode::map(saved_options ? saved_options->location() : root.location());
  section.set("plugin", plugin->location(), *plugin);
  Diagnostics diagnostics;
  ModelConfig config;
  config.model = internal::validate_plugin_section(section, PluginKind::kModel, "options", "", {},
                                                   registry, diagnostics);
  config.training.settings = internal::decode_settings<TrainingSettings>(
      internal::validate_options(ConfigNode::map(root.location()), *host_section_schema("training"),
                                 "training", "the training section", {}, diagnostics));
  const PluginChoice integrator = internal::validate_integrator(
      ConfigNode::map(root.location()), "integrator", "evaluation",
      internal::default_evaluation_integrator(root.location()), registry, diagnostics);
  diagnostics.throw_if_any();

  auto loaded = std::make_shared<Checkpoint>(
      load_checkpoint(checkpoint, config.model.plugin, config.model.options));
  if (loaded->dissipation_parameters.size() > 0) {
    throw ConfigError(ConfigProblem{
        checkpoint.string(), 0, 0, "dissipation_parameters",
        "the model has a learned damping or forcing, whose form its pipeline's training "
        "section gives: load it from its run folder (or with its pipeline)"});
  }
  config.name = loaded->model;
  config.resolved_options = config.model.options;
  config.checkpoint = checkpoint.string();
  const auto model = registry.create_model(config.model.plugin, config.resolved_options);
  if (loaded->parameters.size() != model->parameter_count()) {
    throw ConfigError(ConfigProblem{checkpoint.string(), 0, 0, "parameters",
                                    "expected " + std::to_string(model->parameter_count()) +
                                        " values for " + model->name() + ", found " +
                                        std::to_string(loaded->parameters.size())});
  }
  config.loaded_checkpoint = loaded;
  return TrainedModel(built(config, {}, integrator, registry));
}

const std::string& TrainedModel::name() const { return state_->config->name; }
const std::string& TrainedModel::plugin() const { return state_->config->model.plugin; }
const Options& TrainedModel::options() const { return state_->result.options; }
long TrainedModel::epochs() const { return state_->result.epochs_before; }
int TrainedModel::parameter_count() const { return state_->result.model->parameter_count(); }
int TrainedModel::state_dimension() const { return state_->state_dimension; }
const std::vector<std::string>& TrainedModel::coordinates() const { return state_->coordinates; }
bool TrainedModel::learns_hamiltonian() const { return state_->field->learns_hamiltonian(); }
std::string TrainedModel::kind() const { return learns_hamiltonian() ? "hnn" : "baseline"; }
const Eigen::VectorXd& TrainedModel::parameters() const { return state_->result.parameters; }
const Eigen::VectorXd& TrainedModel::dissipation_parameters() const {
  return state_->result.dissipation;
}
const PluginChoice& TrainedModel::evaluation_integrator() const { return state_->integrator; }

void TrainedModel::hamiltonian(const Eigen::Ref<const Eigen::MatrixXd>& states,
                               Eigen::Ref<Eigen::RowVectorXd> values) {
  check_sizes(*this, "H", states.rows(), states.cols(), 1, 1, values.cols());
  if (!learns_hamiltonian()) {
    throw Error(name() + ": a baseline model learns the field dx/dt, not H: use field()");
  }
  if (states.cols() == 0) return;
  Model& model = *state_->result.model;
  model.forward(states);
  if (state_->outputs.cols() != states.cols()) {
    state_->outputs.resize(model.output_dimension(), states.cols());
  }
  model.outputs(state_->outputs);
  values = state_->outputs.row(Eigen::Index(state_->config->training.settings.hamiltonian_output));
}

void TrainedModel::gradient(const Eigen::Ref<const Eigen::MatrixXd>& states,
                            Eigen::Ref<Eigen::MatrixXd> gradient) {
  check_sizes(*this, "dH/dx", states.rows(), states.cols(), state_dimension(), gradient.rows(),
              gradient.cols());
  if (!learns_hamiltonian()) {
    throw Error(name() + ": a baseline model learns the field dx/dt, not H: use field()");
  }
  if (states.cols() == 0) return;
  Model& model = *state_->result.model;
  model.forward(states);
  model.input_gradient(int(state_->config->training.settings.hamiltonian_output), gradient);
}

void TrainedModel::field(double t, const Eigen::Ref<const Eigen::MatrixXd>& states,
                         Eigen::Ref<Eigen::MatrixXd> field) {
  check_sizes(*this, "field", states.rows(), states.cols(), state_dimension(), field.rows(),
              field.cols());
  if (states.cols() == 0) return;
  state_->field->evaluate(t, states, field);
}

Eigen::MatrixXd TrainedModel::rollout(const Eigen::Ref<const Eigen::VectorXd>& x0,
                                      const std::vector<double>& times,
                                      const Integrator* integrator) {
  if (x0.size() != state_dimension()) {
    throw Error(name() + ": rollout: the initial state has " + std::to_string(x0.size()) +
                " coordinates, expected " + std::to_string(state_dimension()));
  }
  if (times.empty()) return Eigen::MatrixXd(state_dimension(), 0);
  if (integrator == nullptr) {
    if (!state_->default_integrator) {
      state_->default_integrator = state_->registry->create_integrator(state_->integrator.plugin,
                                                                       state_->integrator.options);
    }
    integrator = state_->default_integrator.get();
  }
  // The host's field of the evaluation's rollouts, as the run integrated it.
  const VectorField field =
      internal::learned_field(*state_->result.model, state_->result, state_dimension());
  return integrator->integrate(field, Eigen::VectorXd(x0), times);
}

std::shared_ptr<Integrator> TrainedModel::create_integrator(const ConfigNode& section,
                                                            const Registry& registry) {
  ConfigNode root = ConfigNode::map(section.location());
  root.set("integrator", section.location(), section);
  Diagnostics diagnostics;
  const PluginChoice choice = internal::validate_integrator(
      root, "integrator", "rollout", internal::default_evaluation_integrator(section.location()),
      registry, diagnostics);
  diagnostics.throw_if_any();
  return registry.create_integrator(choice.plugin, choice.options);
}

}  // namespace hnn
