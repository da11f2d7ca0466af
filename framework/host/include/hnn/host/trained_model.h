// TrainedModel: a model as a run left it (its checkpoint with the training settings of its
// pipeline), evaluated outside a run: H, its input gradient, the learned vector field and a
// rollout, on batches. What the Python module's hnn.Model wraps (docs/python.md).
//
// It is built with the host's own pieces, so that it computes what the run computed:
//   - from a run folder: the run's pipeline.yaml, validated with `models.<name>.checkpoint`
//     set to the checkpoint file (validate_pipeline reads the checkpoint and checks it
//     against the model's options, its parameter count and the training's dissipation),
//     then the model built as the run builds a model with a checkpoint (build_model);
//   - from a checkpoint file alone: the model's plugin and options as the file has them
//     (validated against the plugin's schema, then load_checkpoint), with the host's
//     default training settings (an HNN whose H is output 1, field solenoidal) and the
//     default evaluation integrator. A checkpoint with dissipation parameters needs its
//     pipeline (their form is a training setting): refused.
// The field is the one the evaluation rolls out (framework/host/src/learned_field.h), and
// rollout() integrates it with the integrator the run's evaluation used (or another).
//
// Shapes: a batch of states is a column-major state_dimension() x N matrix, one state per
// column (the model's convention, hnn/model.h); N = 0 is allowed everywhere.
//
// Not thread-safe: one object evaluates one batch at a time (the model keeps its forward
// pass). Distinct objects may be used from distinct threads.
//
// Example:
//
//   hnn::Registry registry;  // with the run's plugins loaded (hnn/host/plugin_loader.h)
//   auto model = hnn::TrainedModel::from_run_folder("runs/spring", "mlp", registry);
//   Eigen::MatrixXd states = Eigen::MatrixXd::Random(model.state_dimension(), 1000);
//   Eigen::RowVectorXd h(1000);
//   Eigen::MatrixXd gradient(model.state_dimension(), 1000);
//   model.hamiltonian(states, h);
//   model.gradient(states, gradient);
//   Eigen::MatrixXd path = model.rollout(states.col(0), {0.0, 0.1, 0.2});
#ifndef HNN_HOST_TRAINED_MODEL_H_
#define HNN_HOST_TRAINED_MODEL_H_

#include <Eigen/Core>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "hnn/config_tree.h"
#include "hnn/host/pipeline_config.h"
#include "hnn/integrator.h"
#include "hnn/options.h"
#include "hnn/registry.h"

namespace hnn {

class TrainedModel {
 public:
  // The model `name` of the pipeline `root` (parsed from `pipeline_file`, whose folder
  // relative paths are resolved against), loaded from `checkpoint`. The registry must hold
  // the pipeline's plugins and outlive the result. Throws ConfigError with every located
  // problem when the pipeline or the checkpoint is invalid or they do not match, hnn::Error
  // when the pipeline has no model `name` (the message lists its models).
  static TrainedModel from_pipeline(ConfigNode root, const std::filesystem::path& pipeline_file,
                                    const std::string& name,
                                    const std::filesystem::path& checkpoint,
                                    const Registry& registry);
  // from_pipeline with the run folder's pipeline.yaml and checkpoints/<name>.yaml.
  static TrainedModel from_run_folder(const std::filesystem::path& run_folder,
                                      const std::string& name, const Registry& registry);
  // A checkpoint file alone (see the header comment). Throws ConfigError (located) for a
  // missing or malformed file, an unknown plugin, options its schema refuses, or
  // dissipation parameters.
  static TrainedModel from_checkpoint(const std::filesystem::path& checkpoint,
                                      const Registry& registry);

  TrainedModel(TrainedModel&&) noexcept;
  TrainedModel& operator=(TrainedModel&&) noexcept;
  ~TrainedModel();

  const std::string& name() const;    // the model's name in its pipeline
  const std::string& plugin() const;  // its model plugin
  const Options& options() const;     // resolved: the sizes filled in
  long epochs() const;                // trained, over all runs (the checkpoint's)
  int parameter_count() const;
  int state_dimension() const;  // 2n
  // The state's coordinate names (the system's or the file source's); empty for a
  // checkpoint loaded alone.
  const std::vector<std::string>& coordinates() const;
  // "hnn" when the model learns H (model_field_kind kHnn), "baseline" when it learns the
  // field directly.
  std::string kind() const;
  bool learns_hamiltonian() const;
  const Eigen::VectorXd& parameters() const;
  // The learned damping and forcing's parameters; empty without them.
  const Eigen::VectorXd& dissipation_parameters() const;
  // The integrator rollout() uses by default: the pipeline's evaluation.integrator.
  const PluginChoice& evaluation_integrator() const;

  // values(j) = H(states(:, j)), the model's output training.hamiltonian_output.
  // states: state_dimension() x N; values: N. Throws hnn::Error for a baseline (it learns
  // the field, not H) or wrong sizes.
  void hamiltonian(const Eigen::Ref<const Eigen::MatrixXd>& states,
                   Eigen::Ref<Eigen::RowVectorXd> values);
  // gradient(:, j) = dH/dx at states(:, j); both state_dimension() x N. Throws as hamiltonian.
  void gradient(const Eigen::Ref<const Eigen::MatrixXd>& states,
                Eigen::Ref<Eigen::MatrixXd> gradient);
  // field(:, j) = dx/dt at (t, states(:, j)), the field the run rolled out; both
  // state_dimension() x N. Throws hnn::Error for wrong sizes.
  void field(double t, const Eigen::Ref<const Eigen::MatrixXd>& states,
             Eigen::Ref<Eigen::MatrixXd> field);
  // The states at `times` (non-decreasing; times.front() is the time of x0) as columns,
  // state_dimension() x times.size(), integrated by `integrator` (null: one made from
  // evaluation_integrator()). Throws hnn::Error when x0 has the wrong size, or as
  // Integrator::integrate when the integration fails.
  Eigen::MatrixXd rollout(const Eigen::Ref<const Eigen::VectorXd>& x0,
                          const std::vector<double>& times, const Integrator* integrator = nullptr);

  // The integrator of an integrator section {plugin: NAME, <options>} (the plugin defaults
  // to rk45), validated as evaluation.integrator is. Throws ConfigError, located.
  static std::shared_ptr<Integrator> create_integrator(const ConfigNode& section,
                                                       const Registry& registry);

 private:
  struct State;
  explicit TrainedModel(std::unique_ptr<State> state);
  // The model of `config` built with its loaded checkpoint, as the run builds it.
  static std::unique_ptr<State> built(const ModelConfig& config,
                                      std::vector<std::string> coordinates, PluginChoice integrator,
                                      const Registry& registry);
  std::unique_ptr<State> state_;
};

}  // namespace hnn

#endif  // HNN_HOST_TRAINED_MODEL_H_
