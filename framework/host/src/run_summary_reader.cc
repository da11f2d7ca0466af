#include "hnn/host/run_summary_reader.h"

#include <optional>

#include "hnn/host/run_folder_reading.h"

namespace hnn {

namespace {

// The decoding of one summary.yaml: YamlDocument's typed look-ups with the key paths.
class SummaryReader {
 public:
  explicit SummaryReader(const std::filesystem::path& file) : document_(file) {}

  RunSummary read() const {
    const YAML::Node& root = document_.root();
    if (!root.IsMap()) document_.fail(root, "summary", "expected a map (pipeline, models, ...)");
    RunSummary summary;
    summary.schema_version = integer(root, "", "schema_version", 0);
    summary.pipeline = text(root, "", "pipeline");
    summary.system = text(root, "", "system");
    summary.exact_hamiltonian = text(root, "", "exact_hamiltonian");
    if (const YAML::Node diverged = child(root, "", "diverged_models"); diverged.IsDefined()) {
      if (!diverged.IsSequence()) document_.fail(diverged, "diverged_models", "expected a list");
      for (std::size_t i = 0; i < diverged.size(); ++i) {
        if (!diverged[i].IsScalar()) {
          document_.fail(diverged[i], "diverged_models", "expected a model name");
        }
        summary.diverged_models.push_back(diverged[i].Scalar());
      }
    }
    if (const YAML::Node data = child(root, "", "data"); data.IsDefined()) {
      summary.data.train_samples = integer(data, "data", "train_samples", -1);
      summary.data.test_samples = integer(data, "data", "test_samples", -1);
      summary.data.seconds = real(data, "data", "seconds");
    }
    // Optional fields (files without them: false / none).
    summary.interrupted = boolean(root, "", "interrupted");
    if (child(root, "", "not_started").IsDefined()) {
      summary.not_started = document_.texts(root, "not_started", "not_started");
    }
    summary.resumed = boolean(root, "", "resumed");
    if (const YAML::Node truth = child(root, "", "truth"); truth.IsDefined()) {
      summary.truth = read_truth(truth);
    }
    if (const YAML::Node measured = child(root, "", "measured"); measured.IsDefined()) {
      MeasuredSummary& measured_summary = summary.measured.emplace();
      measured_summary.integrator = text(measured, "measured", "integrator");
      measured_summary.pieces = integer(measured, "measured", "pieces", -1);
      measured_summary.samples = integer(measured, "measured", "samples", -1);
      measured_summary.reference_hamiltonian = text(measured, "measured", "reference_hamiltonian");
      if (child(measured, "measured", "energy_losses").IsDefined()) {
        measured_summary.energy_losses =
            document_.reals(measured, "energy_losses", join("measured", "energy_losses"));
      }
    }
    const YAML::Node models = child(root, "", "models");
    if (!models.IsDefined()) document_.fail(root, "models", "missing; expected a map of models");
    if (!models.IsMap()) document_.fail(models, "models", "expected a map of models");
    for (const auto& entry : models) {
      if (!entry.first.IsScalar()) document_.fail(entry.first, "models", "expected a model name");
      summary.models.push_back(read_model(entry.first.Scalar(), entry.second));
    }
    return summary;
  }

 private:
  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }
  YAML::Node child(const YAML::Node& map, const std::string& path, const std::string& key) const {
    return document_.child(map, key, join(path, key));
  }
  double real(const YAML::Node& map, const std::string& path, const std::string& key) const {
    return document_.real(map, key, join(path, key), kMissing);
  }
  long integer(const YAML::Node& map, const std::string& path, const std::string& key,
               long fallback) const {
    return document_.integer(map, key, join(path, key), fallback);
  }
  bool boolean(const YAML::Node& map, const std::string& path, const std::string& key) const {
    return document_.boolean(map, key, join(path, key), false);
  }
  std::string text(const YAML::Node& map, const std::string& path, const std::string& key) const {
    return document_.text(map, key, join(path, key), "");
  }
  std::optional<std::string> optional_text(const YAML::Node& map, const std::string& path,
                                           const std::string& key) const {
    if (!child(map, path, key).IsDefined()) return std::nullopt;
    return text(map, path, key);
  }
  std::optional<double> optional_real(const YAML::Node& map, const std::string& path,
                                      const std::string& key) const {
    if (!child(map, path, key).IsDefined()) return std::nullopt;
    return real(map, path, key);
  }
  // The items of the list `map[key]` (none when missing or null), with their paths.
  template <typename Read>
  void each_item(const YAML::Node& map, const std::string& path, const std::string& key,
                 const char* expected, Read read) const {
    const std::string list_path = join(path, key);
    const YAML::Node list = child(map, path, key);
    if (!list.IsDefined()) return;
    if (!list.IsSequence()) document_.fail(list, list_path, expected);
    for (std::size_t i = 0; i < list.size(); ++i) {
      read(list[i], list_path + "[" + std::to_string(i) + "]");
    }
  }

  TrajectoryErrors read_errors(const YAML::Node& node, const std::string& path) const {
    return {real(node, path, "mean"), real(node, path, "max"), real(node, path, "final")};
  }
  std::optional<TrajectoryErrors> optional_errors(const YAML::Node& map, const std::string& path,
                                                  const std::string& key) const {
    const YAML::Node node = child(map, path, key);
    if (!node.IsDefined()) return std::nullopt;
    return read_errors(node, join(path, key));
  }

  std::optional<PowerSummary> optional_power(const YAML::Node& map, const std::string& path,
                                             const std::string& key) const {
    const YAML::Node node = child(map, path, key);
    if (!node.IsDefined()) return std::nullopt;
    const std::string power_path = join(path, key);
    return PowerSummary{real(node, power_path, "dissipated"), real(node, power_path, "supplied")};
  }

  TruthSummary read_truth(const YAML::Node& node) const {
    TruthSummary truth;
    truth.integrator = text(node, "truth", "integrator");
    truth.energy_drift_max = real(node, "truth", "energy_drift_max");
    truth.reference_integrator = text(node, "truth", "reference_integrator");
    truth.reference_energy_drift_max = real(node, "truth", "reference_energy_drift_max");
    truth.truth_vs_reference_mse =
        optional_errors(node, "truth", "truth_vs_reference_mse").value_or(TrajectoryErrors{});
    truth.power = optional_power(node, "truth", "power");
    truth.energy_loss = optional_real(node, "truth", "energy_loss");
    return truth;
  }

  StageSummary read_stage(const YAML::Node& node, const std::string& path) const {
    StageSummary stage;
    stage.optimizer = text(node, path, "optimizer");
    stage.update_grid = boolean(node, path, "update_grid");
    stage.epochs = integer(node, path, "epochs", 0);
    stage.termination = text(node, path, "termination");
    stage.objective_evaluations = integer(node, path, "objective_evaluations", 0);
    stage.message = text(node, path, "message");
    return stage;
  }

  SymbolicEdgeSummary read_edge(const YAML::Node& node, const std::string& path) const {
    SymbolicEdgeSummary edge;
    edge.layer = integer(node, path, "layer", 0);
    edge.input = integer(node, path, "input", 0);
    edge.output = integer(node, path, "output", 0);
    edge.choice = text(node, path, "choice");
    edge.scale = real(node, path, "scale");
    edge.assigned = optional_text(node, path, "assigned");
    if (child(node, path, "function").IsDefined()) {
      SymbolicEdgeFit fit;
      fit.function = text(node, path, "function");
      fit.r2 = real(node, path, "r2");
      fit.a = real(node, path, "a");
      fit.b = real(node, path, "b");
      fit.c = real(node, path, "c");
      fit.d = real(node, path, "d");
      fit.best_at_boundary = boolean(node, path, "best_at_boundary");
      each_item(node, path, "suggestions", "expected a list of suggestions",
                [&](const YAML::Node& item, const std::string& item_path) {
                  fit.suggestions.push_back(
                      {text(item, item_path, "function"), real(item, item_path, "r2")});
                });
      edge.fit = std::move(fit);
    }
    return edge;
  }

  OutputFormula read_formula(const YAML::Node& node, const std::string& path) const {
    OutputFormula formula;
    formula.output = text(node, path, "output");
    formula.text = text(node, path, "text");
    formula.text_full = text(node, path, "text_full");
    formula.latex = text(node, path, "latex");
    if (formula.text.empty() && formula.text_full.empty()) {
      document_.fail(node, path, "a formula needs `text` or `text_full`");
    }
    return formula;
  }

  SymbolicSummary read_symbolic(const YAML::Node& node, const std::string& path) const {
    SymbolicSummary symbolic;
    symbolic.samples = text(node, path, "samples");
    symbolic.file = text(node, path, "file");
    each_item(node, path, "edges", "expected a list of edges",
              [&](const YAML::Node& item, const std::string& item_path) {
                symbolic.edges.push_back(read_edge(item, item_path));
              });
    symbolic.pruned_edges = integer(node, path, "pruned_edges", 0);
    if (const YAML::Node r = child(node, path, "refinement"); r.IsDefined()) {
      const std::string r_path = join(path, "refinement");
      symbolic.refinement =
          SymbolicRefinement{text(r, r_path, "optimizer"), integer(r, r_path, "epochs", 0),
                             text(r, r_path, "termination"), real(r, r_path, "train_loss_before"),
                             real(r, r_path, "train_loss_after")};
    }
    symbolic.hamiltonian_output = text(node, path, "hamiltonian_output");
    each_item(node, path, "formulas", "expected a list of formulas",
              [&](const YAML::Node& item, const std::string& item_path) {
                symbolic.formulas.push_back(read_formula(item, item_path));
              });
    if (const YAML::Node v = child(node, path, "verification"); v.IsDefined()) {
      const std::string v_path = join(path, "verification");
      SymbolicVerification verification;
      verification.samples = integer(v, v_path, "samples", 0);
      verification.field_relative_error = real(v, v_path, "field_relative_error");
      verification.field_relative_error_before_refinement =
          real(v, v_path, "field_relative_error_before_refinement");
      verification.field_relative_error_rounded = real(v, v_path, "field_relative_error_rounded");
      verification.tolerance = real(v, v_path, "tolerance");
      verification.exact = boolean(v, v_path, "exact");
      verification.exact_rounded = boolean(v, v_path, "exact_rounded");
      symbolic.verification = verification;
    }
    symbolic.seconds = real(node, path, "seconds");
    return symbolic;
  }

  ModelSummary read_model(const std::string& name, const YAML::Node& node) const {
    const std::string path = "models." + name;
    if (!node.IsMap()) document_.fail(node, path, "expected a map of the model's results");
    ModelSummary model;
    model.name = name;
    model.plugin = text(node, path, "plugin");
    model.description = text(node, path, "description");
    model.parameters = integer(node, path, "parameters", -1);
    model.objective = text(node, path, "objective");
    model.trained = boolean(node, path, "trained");
    model.epochs = integer(node, path, "epochs", 0);
    model.total_epochs = integer(node, path, "total_epochs", 0);
    model.termination = optional_text(node, path, "termination");
    model.optimizer = optional_text(node, path, "optimizer");
    model.optimizer_message = optional_text(node, path, "optimizer_message");
    each_item(node, path, "stages", "expected a list of stages",
              [&](const YAML::Node& item, const std::string& item_path) {
                model.stages.push_back(read_stage(item, item_path));
              });
    model.interrupted = boolean(node, path, "interrupted");
    model.resumed_without_optimizer_state = boolean(node, path, "resumed_without_optimizer_state");
    model.final_train_loss = real(node, path, "final_train_loss");
    model.final_test_loss = real(node, path, "final_test_loss");
    model.final_penalty = real(node, path, "final_penalty");
    model.l1_objective = optional_real(node, path, "l1_objective");
    model.training_seconds = real(node, path, "training_seconds");
    if (const YAML::Node d = child(node, path, "dissipation"); d.IsDefined()) {
      const std::string d_path = join(path, "dissipation");
      DissipationSummary& dissipation = model.dissipation.emplace();
      dissipation.damping = text(d, d_path, "damping");
      dissipation.degrees_of_freedom = integer(d, d_path, "degrees_of_freedom", 0);
      dissipation.damping_matrix =
          document_.reals(d, "damping_matrix", join(d_path, "damping_matrix"));
      dissipation.damping_rate = real(d, d_path, "damping_rate");
      dissipation.forcing_frequencies =
          document_.reals(d, "forcing_frequencies", join(d_path, "forcing_frequencies"));
      dissipation.forcing_cosine =
          document_.reals(d, "forcing_cosine", join(d_path, "forcing_cosine"));
      dissipation.forcing_sine = document_.reals(d, "forcing_sine", join(d_path, "forcing_sine"));
    }
    if (const YAML::Node t = child(node, path, "trajectory_objective"); t.IsDefined()) {
      const std::string t_path = join(path, "trajectory_objective");
      model.trajectory_objective = TrajectoryObjectiveSummary{
          text(t, t_path, "method"), text(t, t_path, "field"), integer(t, t_path, "steps", 1),
          integer(t, t_path, "train_windows", 1), integer(t, t_path, "test_windows", 1)};
    }
    model.trajectory_mse = optional_errors(node, path, "trajectory_mse");
    model.trajectory_mse_vs_reference = optional_errors(node, path, "trajectory_mse_vs_reference");
    model.energy_drift_max = optional_real(node, path, "energy_drift_max");
    if (const YAML::Node trials = child(node, path, "energy_trials"); trials.IsDefined()) {
      const std::string trials_path = join(path, "energy_trials");
      model.energy_trials = EnergyTrialsSummary{integer(trials, trials_path, "trials", 0),
                                                real(trials, trials_path, "mean"),
                                                real(trials, trials_path, "error")};
    }
    model.measured_mse = optional_errors(node, path, "measured_mse");
    if (const YAML::Node energy = child(node, path, "reference_energy_mse"); energy.IsDefined()) {
      const std::string energy_path = join(path, "reference_energy_mse");
      model.reference_energy_mse = ReferenceEnergyError{integer(energy, energy_path, "samples", -1),
                                                        real(energy, energy_path, "mean"),
                                                        real(energy, energy_path, "error")};
    }
    model.energy_loss_ratio = optional_real(node, path, "energy_loss_ratio");
    if (child(node, path, "energy_loss_ratios").IsDefined()) {
      model.energy_loss_ratios =
          document_.reals(node, "energy_loss_ratios", join(path, "energy_loss_ratios"));
    }
    model.learned_power = optional_power(node, path, "learned_power");
    model.rollout_error = optional_text(node, path, "rollout_error");
    model.evaluation_seconds = optional_real(node, path, "evaluation_seconds");
    model.checkpoint = text(node, path, "checkpoint");
    if (child(node, path, "exports").IsDefined()) {
      model.exports = document_.texts(node, "exports", join(path, "exports"));
    }
    if (const YAML::Node symbolic = child(node, path, "symbolic"); symbolic.IsDefined()) {
      model.symbolic = read_symbolic(symbolic, join(path, "symbolic"));
    }
    return model;
  }

  YamlDocument document_;
};

}  // namespace

RunSummary read_run_summary(const std::filesystem::path& file) {
  return SummaryReader(file).read();
}

}  // namespace hnn
