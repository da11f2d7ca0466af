// RunSummary: the typed record of one run, the content of a run folder's summary.yaml.
//
// The run fills it (run_pipeline), write_run_summary (run_summary_writer.h) serialises it,
// read_run_summary (run_summary_reader.h) reads it back into the same record; the report
// and any other tool use it instead of reading the YAML themselves. docs/run_folder.md
// describes every field of the file with its type, meaning and when it is present.
//
//   hnn::RunSummary summary = hnn::read_run_summary("runs/spring/summary.yaml");
//   for (const hnn::ModelSummary& model : summary.models) {
//     if (model.trajectory_mse) std::cout << model.name << " " << model.trajectory_mse->final;
//   }
//
// Conventions: a part the file has only sometimes is a std::optional (or an empty vector);
// a real the file should have but does not (a summary written by hand or by an older
// version) is kMissing (NaN), a text is empty and a count is -1. The structs compare with
// ==, field by field (a NaN is never equal to itself, as for doubles).
#ifndef HNN_HOST_RUN_SUMMARY_H_
#define HNN_HOST_RUN_SUMMARY_H_

#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace hnn {

// The version of summary.yaml's schema that this record and its writer describe, written as
// `schema_version:`. Raised when a field changes meaning or disappears (not when one is
// added: readers ignore keys they do not know).
inline constexpr long kRunSummarySchemaVersion = 1;

// A real the summary does not have.
inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

// The mean squared difference of two trajectories at each time, summarised over time:
// its mean, its largest value and its value at the last time (`{mean, max, final}`).
struct TrajectoryErrors {
  double mean = kMissing;
  double max = kMissing;
  double final = kMissing;
  bool operator==(const TrajectoryErrors&) const = default;
};

// `data:` the generated dataset.
struct DataSummary {
  long train_samples = -1;
  long test_samples = -1;
  double seconds = kMissing;  // generating the dataset and writing data.csv
  bool operator==(const DataSummary&) const = default;
};

// The mean power along a rollout (issue 14): dH/dt = supplied - dissipated, each averaged
// over the rollout's times.
struct PowerSummary {
  double dissipated = kMissing;  // mean of dH/dx^T R dH/dx (>= 0)
  double supplied = kMissing;    // mean of dH/dx^T F(t)
  bool operator==(const PowerSummary&) const = default;
};

// `truth:` the true system rolled out from the evaluation's initial state, with the
// evaluation integrator and with the reference integrator.
struct TruthSummary {
  std::string integrator;              // the evaluation integrator plugin
  double energy_drift_max = kMissing;  // max_t |H(x(t)) - H(x(0))| along the truth
  std::string reference_integrator;
  double reference_energy_drift_max = kMissing;
  TrajectoryErrors truth_vs_reference_mse;
  // A system with damping or forcing only: the true power balance along the truth, and the
  // energy it loses, E(start) - E(end), means of H over the first and last quarter of the
  // evaluation's time span (the denominator of every model's energy_loss_ratio).
  std::optional<PowerSummary> power;
  std::optional<double> energy_loss;
  bool operator==(const TruthSummary&) const = default;
};

// `measured:` the evaluation of a pipeline without a system: every model rolled out from
// the first state of every held-out piece of the data over its measured times
// (hnn::held_out_pieces), compared with the measurements.
struct MeasuredSummary {
  std::string integrator;             // the evaluation integrator plugin
  long pieces = -1;                   // held-out pieces rolled out
  long samples = -1;                  // measured states compared, over all pieces
  std::string reference_hamiltonian;  // the reference H (its formula), "" when none
  // With a reference H: per piece, the energy the measurements lose over it, E(start) -
  // E(end), means of H_ref over the first and last quarter of the piece's time span.
  std::vector<double> energy_losses;
  bool operator==(const MeasuredSummary&) const = default;
};

// `reference_energy_mse:` the HNN paper's energy error against measurements: the mean over
// the measured times of (H_ref(measured) - H_ref(rollout))^2, with the paper's error bar
// (the standard deviation of the means of 5 consecutive equal groups of times, / sqrt(5)).
struct ReferenceEnergyError {
  long samples = -1;
  double mean = kMissing;
  double error = kMissing;  // NaN with fewer than 5 samples
  bool operator==(const ReferenceEnergyError&) const = default;
};

// One optimizer stage of a model's training (`stages:` items).
struct StageSummary {
  std::string optimizer;  // the optimizer plugin
  bool update_grid = false;
  long epochs = 0;
  std::string termination;  // "converged", "epochs", "failed", "interrupted", ...
  long objective_evaluations = 0;
  std::string message;  // the optimizer's own message
  bool operator==(const StageSummary&) const = default;
};

// `energy_trials:` the HNN paper's energy metric over evaluation.energy_trials rollouts.
struct EnergyTrialsSummary {
  long trials = 0;
  double mean = kMissing;   // mean over the trials of mean_t (E_true - E_model)^2
  double error = kMissing;  // the paper's error bar; NaN with fewer than 5 trials
  bool operator==(const EnergyTrialsSummary&) const = default;
};

// `dissipation:` what an HNN learned beside H (hnn/learned_dissipation.h): present only
// for a model trained with training.dissipation.
struct DissipationSummary {
  std::string damping;                      // "none", "constant" or "state"
  long degrees_of_freedom = 0;              // n
  std::vector<double> damping_matrix;       // D, n x n row by row: the learned one (constant) or
                                            // its mean over the training inputs (state)
  double damping_rate = kMissing;           // trace(D) / n: for one degree of freedom, gamma in
                                            // dp/dt = ... - gamma dH/dp
  std::vector<double> forcing_frequencies;  // w_k
  std::vector<double> forcing_cosine;       // a(i, k) at k n + i: F_i(t) = sum_k a_ik cos(w_k t)
  std::vector<double> forcing_sine;         // b(i, k) at k n + i:           + b_ik sin(w_k t)
  bool operator==(const DissipationSummary&) const = default;
};

// `trajectory_objective:` how a model trained with objective trajectory was fitted
// (docs/trajectory_training.md): the integrator, the field and the windows of each split.
struct TrajectoryObjectiveSummary {
  std::string method;      // "rk4" or "leapfrog"
  std::string field;       // "solenoidal" or "direct"
  long steps = 0;          // k
  long train_windows = 0;  // windows of the training split
  long test_windows = 0;   // windows of the test split
  bool operator==(const TrajectoryObjectiveSummary&) const = default;
};

// One of the best-fitting functions of an edge (`suggestions:` items).
struct SymbolicSuggestion {
  std::string function;
  double r2 = kMissing;
  bool operator==(const SymbolicSuggestion&) const = default;
};

// The formula fitted to an edge that was not pruned: c * f(a x + b) + d.
struct SymbolicEdgeFit {
  std::string function;
  double r2 = kMissing;
  double a = kMissing, b = kMissing, c = kMissing, d = kMissing;
  bool best_at_boundary = false;  // the best (a, b) lay on the boundary of the search range
  std::vector<SymbolicSuggestion> suggestions;  // automatic choice only
  bool operator==(const SymbolicEdgeFit&) const = default;
};

// One edge of the fitted network (`symbolic.edges:` items).
struct SymbolicEdgeSummary {
  long layer = 0, input = 0, output = 0;
  std::string choice;                   // "pruned", "manual" or "automatic"
  double scale = kMissing;              // the edge's strength in the trained network
  std::optional<std::string> assigned;  // a pruned edge: the function assigned to it, if any
  std::optional<SymbolicEdgeFit> fit;   // absent for a pruned edge
  bool operator==(const SymbolicEdgeSummary&) const = default;
};

// `symbolic.refinement:` training the symbolic network's constants.
struct SymbolicRefinement {
  std::string optimizer;
  long epochs = 0;
  std::string termination;
  double train_loss_before = kMissing;
  double train_loss_after = kMissing;
  bool operator==(const SymbolicRefinement&) const = default;
};

// The composed formula of one output of the network (`symbolic.formulas:` items).
struct OutputFormula {
  std::string output;     // the output's name, e.g. "F2"
  std::string text;       // rounded to symbolic.digits, e.g. "1.00*q^2 + 1.00*p^2 + 1.08"
  std::string text_full;  // full precision
  std::string latex;      // the rounded formula in LaTeX
  bool operator==(const OutputFormula&) const = default;
};

// `symbolic.verification:` the recovered field J grad H against the system's on all the
// data: max_n |f_model - f_true| / max_n |f_true|.
struct SymbolicVerification {
  long samples = 0;
  double field_relative_error = kMissing;
  double field_relative_error_before_refinement = kMissing;
  double field_relative_error_rounded = kMissing;  // of the printed (rounded) formula
  double tolerance = kMissing;
  bool exact = false;          // field_relative_error <= tolerance
  bool exact_rounded = false;  // field_relative_error_rounded <= tolerance
  bool operator==(const SymbolicVerification&) const = default;
};

// `symbolic:` the symbolic stage of a model with a `symbolic` section.
struct SymbolicSummary {
  std::string samples;  // which inputs were fitted: "train", "test" or "all"
  std::string file;     // symbolic/<m>.yaml, relative to the run folder
  std::vector<SymbolicEdgeSummary> edges;
  long pruned_edges = 0;
  std::optional<SymbolicRefinement> refinement;  // when symbolic.refine has stages
  std::string hamiltonian_output;                // e.g. "F2"
  std::vector<OutputFormula> formulas;
  std::optional<SymbolicVerification> verification;  // an HNN whose field is not conservative
  double seconds = kMissing;
  bool operator==(const SymbolicSummary&) const = default;
};

// One model of the run (`models.<name>:`), in the pipeline's order; a model's symbolic
// formula follows as <name>_symbolic when its symbolic section evaluates it.
struct ModelSummary {
  std::string name;         // the model's key in the pipeline
  std::string plugin;       // the model plugin
  std::string description;  // Model::name(), e.g. "kan 2-1-2 G=3 k=3 silu"
  long parameters = -1;
  std::string objective;  // "hnn", "baseline" or "trajectory"
  bool trained = false;   // training ran (training.enabled)
  long epochs = 0;        // in this run
  long total_epochs = 0;  // with the epochs of the loaded checkpoint
  // Of the last stage; present when trained.
  std::optional<std::string> termination;
  std::optional<std::string> optimizer;
  std::optional<std::string> optimizer_message;
  std::vector<StageSummary> stages;  // empty when not trained
  // A signal stopped its training (the run is `interrupted`); its checkpoint holds the
  // optimizer's state for --resume. Written only when true.
  bool interrupted = false;
  // A resumed run continued its interrupted stage with an optimizer that cannot restore its
  // state (Ceres' L-BFGS): that stage restarted its memory from the saved parameters, so the
  // result differs from an uninterrupted run's. Written only when true.
  bool resumed_without_optimizer_state = false;
  double final_train_loss = kMissing;
  double final_test_loss = kMissing;
  double final_penalty = kMissing;
  // final_train_loss + l1 * sum |theta|, the exact objective an optimizer that handles the
  // L1 penalty itself (e.g. owlqn) minimised; present when the last stage's optimizer did.
  std::optional<double> l1_objective;
  double training_seconds = kMissing;
  std::optional<DissipationSummary> dissipation;  // with a learned damping or forcing
  std::optional<TrajectoryObjectiveSummary> trajectory_objective;  // objective trajectory
  // When the run was evaluated and the rollout succeeded.
  std::optional<TrajectoryErrors> trajectory_mse;
  std::optional<TrajectoryErrors> trajectory_mse_vs_reference;
  std::optional<double> energy_drift_max;            // max_t |H(x(t)) - H(x(0))| of the true H
  std::optional<EnergyTrialsSummary> energy_trials;  // when evaluation.energy_trials > 0
  // Without a system, when the run was evaluated and the rollouts succeeded: the mean
  // squared difference from the measurements at each measured time (all pieces, in order),
  // and the energy error when the pipeline gives a reference Hamiltonian.
  std::optional<TrajectoryErrors> measured_mse;
  std::optional<ReferenceEnergyError> reference_energy_mse;
  // Energy flow (issue 14), when the rollouts succeeded. The energy-loss ratio
  // (E_model(start) - E_model(end)) / (E_true(start) - E_true(end)), E the system's H (or the
  // reference H) on the model's rollout and on the truth (or the measurements), start and
  // end the means over the first and last quarter of the span: with a system with damping
  // or forcing, against the truth; without a system, with a reference H, the mean over the
  // held-out pieces of their ratios (energy_loss_ratios, in piece order).
  std::optional<double> energy_loss_ratio;
  std::vector<double> energy_loss_ratios;
  // With a learned damping or forcing: its power along the model's rollout(s), with the
  // model's own H (dissipated (dH/dp)^T D dH/dp, supplied (dH/dp)^T F(t)).
  std::optional<PowerSummary> learned_power;
  // When the run was evaluated and the rollout failed: why.
  std::optional<std::string> rollout_error;
  std::optional<double> evaluation_seconds;  // when the run was evaluated
  std::string checkpoint;                    // checkpoints/<name>.yaml
  // output.export: the files written for the model, relative to the run folder
  // (export/<name>.hpp, export/<name>_formula.{c,hpp,py,tex}); empty without.
  std::vector<std::string> exports;
  std::optional<SymbolicSummary> symbolic;
  bool operator==(const ModelSummary&) const = default;
};

// The whole summary.yaml.
struct RunSummary {
  long schema_version = kRunSummarySchemaVersion;  // 0 when the file has none (older runs)
  std::string pipeline;                            // the pipeline's name
  std::string system;                              // the system plugin
  std::string exact_hamiltonian;                   // System::exact_hamiltonian(), may be ""
  DataSummary data;
  // A signal (SIGINT, SIGTERM) stopped the run: models in `not_started` were not trained,
  // nothing was evaluated; `hnn-host --resume <run folder>` continues it. Written only when
  // true (a file without it: false).
  bool interrupted = false;
  std::vector<std::string> not_started;  // when interrupted: models not trained, in order
  bool resumed = false;  // continued an interrupted run (--resume); written only when true
  std::optional<TruthSummary> truth;        // when the run was evaluated (with a system)
  std::optional<MeasuredSummary> measured;  // when the run was evaluated (without a system)
  std::vector<ModelSummary> models;         // in the order of the file
  // The models whose training diverged (termination "diverged"), in the order of the file.
  // When there are any the file says `status: "failed"` and lists them as `diverged_models`
  // (hnn-host then exits with status 1); otherwise both keys are absent.
  std::vector<std::string> diverged_models;

  bool evaluated() const { return truth.has_value() || measured.has_value(); }
  // The model named `name`, or null.
  const ModelSummary* find(const std::string& name) const;
  std::vector<std::string> model_names() const;
  bool operator==(const RunSummary&) const = default;
};

}  // namespace hnn

#endif  // HNN_HOST_RUN_SUMMARY_H_
