// summary.yaml of a run folder: per model, what was trained and how well it did.
#ifndef HNN_REPORT_RUN_SUMMARY_H_
#define HNN_REPORT_RUN_SUMMARY_H_

#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace hnn::report {

inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

// Mean, maximum and final value of an error along a rollout (trajectory_mse).
struct ErrorStatistics {
  double mean = kMissing;
  double max = kMissing;
  double final = kMissing;
};

// A formula recovered by symbolic regression for one output of a model
// (models.<m>.symbolic.formulas). `latex` and `text_full` may be empty.
struct SymbolicFormula {
  std::string output;     // the output's name, e.g. "F2"
  std::string text;       // rounded, e.g. "1.00*q^2 + 1.00*p^2 + 1.08"
  std::string latex;      // the same in LaTeX
  std::string text_full;  // full precision
};

// How a recovered Hamiltonian compares with the system's (models.<m>.symbolic.verification
// and hamiltonian_output): the largest difference of the fields J grad H over the data,
// relative to the largest true field, and whether it is within the tolerance.
struct SymbolicVerification {
  std::string hamiltonian_output;  // e.g. "F2"
  double field_relative_error = kMissing;
  double before_refinement = kMissing;  // kMissing when the summary has no such entry
  double tolerance = kMissing;
  bool exact = false;
};

// One model of summary.yaml. Numbers the summary does not have are kMissing (NaN), texts
// are empty: an untrained model has no termination, an unevaluated one no trajectory_mse.
struct ModelSummary {
  std::string name;  // the model's key in the pipeline
  std::string plugin;
  std::string description;
  std::string objective;
  long parameters = -1;  // -1: not given
  bool trained = false;
  long epochs = 0;
  long total_epochs = 0;
  std::string termination;
  std::string optimizer;
  std::string optimizer_message;
  double final_train_loss = kMissing;
  double final_test_loss = kMissing;
  double final_penalty = kMissing;
  double training_seconds = kMissing;
  std::optional<ErrorStatistics> trajectory_mse;
  double energy_drift_max = kMissing;  // max |E(t) - E(0)| of the true H along the rollout
  std::string rollout_error;           // why the rollout failed, when it did
  std::vector<SymbolicFormula> formulas;
  std::optional<SymbolicVerification> verification;
};

// The whole summary.yaml. `models` keeps the order of the file (the pipeline's order).
struct RunSummary {
  std::string pipeline;  // the pipeline's name
  std::string system;    // the system plugin
  std::string exact_hamiltonian;
  long train_samples = -1;
  long test_samples = -1;
  bool evaluated = false;  // the summary has a `truth:` entry
  double truth_energy_drift_max = kMissing;
  std::vector<ModelSummary> models;

  // The model named `name`, or null.
  const ModelSummary* find(const std::string& name) const;
  std::vector<std::string> model_names() const;
};

// Reads summary.yaml. Unknown keys are ignored, so newer summaries still read. Throws
// RunFolderError naming the file, line and key when the file cannot be read, is not YAML,
// has no `models:` map, or a known key has a value of the wrong type.
RunSummary read_run_summary(const std::filesystem::path& file);

}  // namespace hnn::report

#endif  // HNN_REPORT_RUN_SUMMARY_H_
