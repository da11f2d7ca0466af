// The host's own pipeline sections as plain structs: data, training, evaluation, output
// and a model's symbolic stage. Each struct declares its options once, with
// hnn::OptionBinding: the binding is the source of the section's schema (what
// `hnn-host --describe <section>` prints and what validation checks, cross-field
// constraints included) and of the decoding of validated options into the struct.
//
// Defaults are the member initialisers. Integer members are std::int64_t so that a
// section's ranges are exactly the ones written in its binding.
//
// Example:
//
//   const OptionSchema& schema = DataSettings::binding().schema();   // or
//   const OptionSchema* schema = host_section_schema("data");
//   DataSettings data = DataSettings::binding().decode(validated_options);
#ifndef HNN_HOST_HOST_SETTINGS_H_
#define HNN_HOST_HOST_SETTINGS_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "hnn/hamiltonian_objective.h"
#include "hnn/learned_dissipation.h"
#include "hnn/option_binding.h"
#include "hnn/options.h"
#include "hnn/symbolic/affine_fit.h"
#include "hnn/trajectory_objective.h"

namespace hnn {

// The random stream of the data: NumPy's legacy np.random, or std::mt19937_64.
enum class DataRandomStream { kNumpy, kMt19937_64 };
// How the samples are split (hnn/dataset_split.h): the first rows train (train_first) or
// the last (test_first), whole trajectories (trajectory), contiguous time blocks of every
// trajectory (time_block), or samples at random (random).
enum class DataSplit { kTrainFirst, kTestFirst, kTrajectory, kTimeBlock, kRandom };

// data: where the trajectories come from and how they are split. trajectories, time_span,
// points, noise_std and draw_zero_noise are the options of the `simulation` source (the
// default source); the nested sections `source`, `integrator` and `derivatives` are read
// beside them (PipelineConfig).
struct DataSettings {
  std::int64_t trajectories = 50;
  std::array<double, 2> time_span = {0.0, 3.0};
  std::int64_t points = 30;
  double noise_std = 0.0;
  std::int64_t seed = 0;
  DataRandomStream rng = DataRandomStream::kNumpy;
  double train_fraction = 0.5;
  DataSplit split = DataSplit::kTrainFirst;
  bool draw_zero_noise = true;
  std::int64_t blocks = 5;  // time_block: blocks per trajectory

  static const OptionBinding<DataSettings>& binding();
};

// training.dissipation: the damping and forcing an HNN learns beside H
// (hnn/learned_dissipation.h): dx/dt = (J - R) dH/dx + [0; F(t)], R = [[0, 0], [0, L L^T]].
// A nested block of the training section (and of a model's training overrides); absent or
// damping none with no frequencies: the conservative HNN, as before.
struct DissipationSettings {
  DampingForm damping = DampingForm::kNone;
  double initial_rate = 0.01;
  std::int64_t damping_output = 2;
  std::vector<double> forcing_frequencies;

  static const OptionBinding<DissipationSettings>& binding();
  // The objective's options from these.
  DissipationOptions options() const;
  bool active() const { return options().active(); }
};

// training.trajectory: the windows and the integrator of the trajectory objective
// (hnn/trajectory_objective.h, docs/trajectory_training.md), read when training.objective
// is trajectory. The windows are cut from each split's samples, trajectory by trajectory in
// time order (consecutive samples of one trajectory in the same split).
struct TrajectorySettings {
  std::int64_t steps = 1;
  std::int64_t stride = 1;
  double max_step = 0.0;  // 0: no limit (a trajectory is never split)
  TrajectoryMethod method = TrajectoryMethod::kRungeKutta4;
  TrajectoryField field = TrajectoryField::kSolenoidal;
  bool learn_initial_states = false;

  static const OptionBinding<TrajectorySettings>& binding();
  // The windows' options from these.
  TrajectoryWindowOptions window_options() const;
};

// What a model is fitted to: the Hamiltonian (symplectic) field of one of its outputs,
// dx/dt directly, or the observed states through an integrator of either field
// (training.trajectory.field).
enum class ObjectiveKind { kHnn, kBaseline, kTrajectory };

// training (and models.<m>.training): the objective and how training runs; the optimizer
// stages are read beside it (TrainingConfig).
struct TrainingSettings {
  bool enabled = true;
  ObjectiveKind objective = ObjectiveKind::kHnn;
  FieldType field = FieldType::kSolenoidal;
  std::int64_t hamiltonian_output = 1;
  std::int64_t conservative_output = 0;
  double l1 = 0.0;
  double l1_smoothing = 0.0;
  std::int64_t test_every = 1;
  std::int64_t batch_size = 0;
  std::int64_t batch_seed = 0;
  bool update_grid = false;
  // The nested block `dissipation`, decoded beside the binding's keys (validate_training).
  DissipationSettings dissipation;
  // The nested block `trajectory`, decoded beside the binding's keys (validate_training).
  TrajectorySettings trajectory;

  static const OptionBinding<TrainingSettings>& binding();
};

// "hnn", "baseline" or "trajectory", as written in the pipeline and the summary.
std::string to_string(ObjectiveKind objective);

// The field the model learns, kHnn (the Hamiltonian's) or kBaseline (dx/dt directly): the
// objective itself, or for the trajectory objective the field it integrates. What the
// rollouts, the energy flow and the symbolic stage follow.
ObjectiveKind model_field_kind(const TrainingSettings& settings);

// Where the energy trials start: the paper's box, or the system's own sampler.
enum class TrialInitialStates { kBox, kSystem };

// evaluation: the rollout from one initial state and the optional energy trials.
struct EvaluationSettings {
  bool enabled = true;
  std::vector<double> initial_state = {1.0, 0.0};
  std::array<double, 2> time_span = {0.0, 20.0};
  std::int64_t points = 2000;
  std::int64_t energy_trials = 0;
  TrialInitialStates trial_initial_states = TrialInitialStates::kBox;
  std::array<double, 2> trial_time_span = {0.0, 20.0};
  std::int64_t trial_points = 100;
  std::int64_t trial_seed = 0;

  static const OptionBinding<EvaluationSettings>& binding();
};

// output: the run folder and the progress display.
struct OutputSettings {
  std::string directory;  // "" = runs/<pipeline name>
  double progress_seconds = 10.0;
  // Key `export`: every trained model with the capability as export/<m>.hpp and every
  // recovered formula as export/<m>_formula.{c,hpp,py,tex} (docs/export.md).
  bool export_sources = false;

  static const OptionBinding<OutputSettings>& binding();
};

// The inputs whose edge activations the symbolic stage fits.
enum class SymbolicSamples { kTrain, kTest, kAll };
// What <m>_symbolic rolls out: the network at full precision, or the printed formula.
enum class SymbolicRollout { kNetwork, kRounded };

// models.<m>.symbolic: the options of the symbolic stage (the manual `edges` and the
// `refine` stage are read beside them, SymbolicConfig).
struct SymbolicSettings {
  SymbolicSamples samples = SymbolicSamples::kTest;
  std::vector<std::string> functions;
  bool automatic = true;  // key "auto"
  std::int64_t top_k = 5;
  double tie_tolerance = 1e-6;
  double prune_threshold = 1e-2;
  std::array<double, 2> a_range = {-10.0, 10.0};
  std::array<double, 2> b_range = {-10.0, 10.0};
  std::int64_t grid_points = 101;
  std::int64_t iterations = 3;
  symbolic::BoundaryRule boundary_rule = symbolic::BoundaryRule::kShrinkToBoundaryCell;
  std::int64_t digits = 2;
  double field_tolerance = 1e-2;
  bool evaluate = true;
  SymbolicRollout rollout = SymbolicRollout::kNetwork;

  static const OptionBinding<SymbolicSettings>& binding();
};

// "train", "test" or "all", as written in the pipeline and the summary.
std::string to_string(SymbolicSamples samples);

// The keys of the data section that are the `simulation` source's options.
const std::vector<std::string>& simulation_keys();

// The schema of a host section by name ("data", "derivatives" (data.derivatives),
// "training", "dissipation" (training.dissipation), "evaluation", "output", "symbolic", and
// "sweep", the section of a sweep file: hnn/host/sweep_settings.h), or
// nullptr. The schemas live as long as the
// program.
const OptionSchema* host_section_schema(const std::string& section);

// The names host_section_schema() knows, in the order --describe lists them.
const std::vector<std::string>& host_section_names();

// What --describe prints after a host section's options: its nested sections, or "".
std::string host_section_notes(const std::string& section);

}  // namespace hnn

#endif  // HNN_HOST_HOST_SETTINGS_H_
