#include "hnn/report/run_summary.h"

#include "yaml_reading.h"

namespace hnn::report {

namespace {

using internal::YamlDocument;

std::vector<SymbolicFormula> read_formulas(const YamlDocument& document, const YAML::Node& model,
                                           const std::string& path) {
  std::vector<SymbolicFormula> formulas;
  const YAML::Node symbolic = document.child(model, "symbolic", path + ".symbolic");
  if (!symbolic.IsDefined()) return formulas;
  const std::string list_path = path + ".symbolic.formulas";
  const YAML::Node list = document.child(symbolic, "formulas", list_path);
  if (!list.IsDefined()) return formulas;
  if (!list.IsSequence()) document.fail(list, list_path, "expected a list of formulas");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item = list_path + "[" + std::to_string(i) + "]";
    SymbolicFormula formula;
    formula.output = document.text(list[i], "output", item + ".output", "");
    formula.text = document.text(list[i], "text", item + ".text", "");
    formula.latex = document.text(list[i], "latex", item + ".latex", "");
    formula.text_full = document.text(list[i], "text_full", item + ".text_full", "");
    if (formula.text.empty() && formula.text_full.empty()) {
      document.fail(list[i], item, "a formula needs `text` or `text_full`");
    }
    formulas.push_back(std::move(formula));
  }
  return formulas;
}

std::optional<SymbolicVerification> read_verification(const YamlDocument& document,
                                                      const YAML::Node& model,
                                                      const std::string& path) {
  const YAML::Node symbolic = document.child(model, "symbolic", path + ".symbolic");
  if (!symbolic.IsDefined()) return std::nullopt;
  const std::string verification_path = path + ".symbolic.verification";
  const YAML::Node node = document.child(symbolic, "verification", verification_path);
  if (!node.IsDefined()) return std::nullopt;
  SymbolicVerification verification;
  verification.hamiltonian_output =
      document.text(symbolic, "hamiltonian_output", path + ".symbolic.hamiltonian_output", "");
  verification.field_relative_error = document.real(
      node, "field_relative_error", verification_path + ".field_relative_error", kMissing);
  verification.before_refinement =
      document.real(node, "field_relative_error_before_refinement",
                    verification_path + ".field_relative_error_before_refinement", kMissing);
  verification.tolerance =
      document.real(node, "tolerance", verification_path + ".tolerance", kMissing);
  verification.exact = document.boolean(node, "exact", verification_path + ".exact", false);
  return verification;
}

ModelSummary read_model(const YamlDocument& document, const std::string& name,
                        const YAML::Node& node) {
  const std::string path = "models." + name;
  if (!node.IsMap()) document.fail(node, path, "expected a map of the model's results");
  ModelSummary model;
  model.name = name;
  model.plugin = document.text(node, "plugin", path + ".plugin", "");
  model.description = document.text(node, "description", path + ".description", "");
  model.objective = document.text(node, "objective", path + ".objective", "");
  model.parameters = document.integer(node, "parameters", path + ".parameters", -1);
  model.trained = document.boolean(node, "trained", path + ".trained", false);
  model.epochs = document.integer(node, "epochs", path + ".epochs", 0);
  model.total_epochs = document.integer(node, "total_epochs", path + ".total_epochs", 0);
  model.termination = document.text(node, "termination", path + ".termination", "");
  model.optimizer = document.text(node, "optimizer", path + ".optimizer", "");
  model.optimizer_message =
      document.text(node, "optimizer_message", path + ".optimizer_message", "");
  model.final_train_loss =
      document.real(node, "final_train_loss", path + ".final_train_loss", kMissing);
  model.final_test_loss =
      document.real(node, "final_test_loss", path + ".final_test_loss", kMissing);
  model.final_penalty = document.real(node, "final_penalty", path + ".final_penalty", kMissing);
  model.training_seconds =
      document.real(node, "training_seconds", path + ".training_seconds", kMissing);
  const YAML::Node mse = document.child(node, "trajectory_mse", path + ".trajectory_mse");
  if (mse.IsDefined()) {
    const std::string mse_path = path + ".trajectory_mse";
    model.trajectory_mse =
        ErrorStatistics{document.real(mse, "mean", mse_path + ".mean", kMissing),
                        document.real(mse, "max", mse_path + ".max", kMissing),
                        document.real(mse, "final", mse_path + ".final", kMissing)};
  }
  model.energy_drift_max =
      document.real(node, "energy_drift_max", path + ".energy_drift_max", kMissing);
  model.rollout_error = document.text(node, "rollout_error", path + ".rollout_error", "");
  model.formulas = read_formulas(document, node, path);
  model.verification = read_verification(document, node, path);
  return model;
}

}  // namespace

const ModelSummary* RunSummary::find(const std::string& name) const {
  for (const auto& model : models) {
    if (model.name == name) return &model;
  }
  return nullptr;
}

std::vector<std::string> RunSummary::model_names() const {
  std::vector<std::string> names;
  for (const auto& model : models) names.push_back(model.name);
  return names;
}

RunSummary read_run_summary(const std::filesystem::path& file) {
  const YamlDocument document(file);
  const YAML::Node& root = document.root();
  if (!root.IsMap()) document.fail(root, "summary", "expected a map (pipeline, models, ...)");
  RunSummary summary;
  summary.pipeline = document.text(root, "pipeline", "pipeline", "");
  summary.system = document.text(root, "system", "system", "");
  summary.exact_hamiltonian = document.text(root, "exact_hamiltonian", "exact_hamiltonian", "");
  const YAML::Node data = document.child(root, "data", "data");
  if (data.IsDefined()) {
    summary.train_samples = document.integer(data, "train_samples", "data.train_samples", -1);
    summary.test_samples = document.integer(data, "test_samples", "data.test_samples", -1);
  }
  const YAML::Node truth = document.child(root, "truth", "truth");
  summary.evaluated = truth.IsDefined();
  if (truth.IsDefined()) {
    summary.truth_energy_drift_max =
        document.real(truth, "energy_drift_max", "truth.energy_drift_max", kMissing);
  }
  const YAML::Node models = document.child(root, "models", "models");
  if (!models.IsDefined()) document.fail(root, "models", "missing; expected a map of models");
  if (!models.IsMap()) document.fail(models, "models", "expected a map of models");
  for (const auto& entry : models) {
    if (!entry.first.IsScalar()) document.fail(entry.first, "models", "expected a model name");
    summary.models.push_back(read_model(document, entry.first.Scalar(), entry.second));
  }
  return summary;
}

}  // namespace hnn::report
