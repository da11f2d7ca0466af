#include "hnn/host/run_summary_writer.h"

#include <ostream>
#include <sstream>

#include "hnn/atomic_file.h"
#include "hnn/options.h"

namespace hnn {

namespace {

std::string real(double value) { return format_option_value(value); }
std::string text(const std::string& value) { return format_option_value(value); }
std::string boolean(bool value) { return value ? "true" : "false"; }

std::string power(const PowerSummary& power) {
  return "{dissipated: " + real(power.dissipated) + ", supplied: " + real(power.supplied) + "}";
}

std::string errors(const TrajectoryErrors& errors) {
  return "{mean: " + real(errors.mean) + ", max: " + real(errors.max) +
         ", final: " + real(errors.final) + "}";
}

void write_truth(std::ostream& out, const TruthSummary& truth) {
  out << "truth: {integrator: " << text(truth.integrator)
      << ", energy_drift_max: " << real(truth.energy_drift_max)
      << ", reference_integrator: " << text(truth.reference_integrator)
      << ", reference_energy_drift_max: " << real(truth.reference_energy_drift_max)
      << ", truth_vs_reference_mse: " << errors(truth.truth_vs_reference_mse);
  if (truth.power) out << ", power: " << power(*truth.power);
  if (truth.energy_loss) out << ", energy_loss: " << real(*truth.energy_loss);
  out << "}\n";
}

void write_edge(std::ostream& out, const SymbolicEdgeSummary& edge) {
  out << "        - {layer: " << edge.layer << ", input: " << edge.input
      << ", output: " << edge.output << ", choice: " << text(edge.choice)
      << ", scale: " << real(edge.scale);
  if (edge.assigned) out << ", assigned: " << text(*edge.assigned);
  if (edge.fit) {
    const SymbolicEdgeFit& fit = *edge.fit;
    out << ", function: " << text(fit.function) << ", r2: " << real(fit.r2)
        << ", a: " << real(fit.a) << ", b: " << real(fit.b) << ", c: " << real(fit.c)
        << ", d: " << real(fit.d);
    if (fit.best_at_boundary) out << ", best_at_boundary: true";
    if (!fit.suggestions.empty()) {
      out << ", suggestions: [";
      for (std::size_t k = 0; k < fit.suggestions.size(); ++k) {
        out << (k ? ", " : "") << "{function: " << text(fit.suggestions[k].function)
            << ", r2: " << real(fit.suggestions[k].r2) << "}";
      }
      out << "]";
    }
  }
  out << "}\n";
}

void write_symbolic(std::ostream& out, const SymbolicSummary& symbolic) {
  out << "    symbolic:\n";
  out << "      samples: " << text(symbolic.samples) << "\n";
  out << "      file: " << text(symbolic.file) << "\n";
  out << "      edges:\n";
  for (const auto& edge : symbolic.edges) write_edge(out, edge);
  out << "      pruned_edges: " << symbolic.pruned_edges << "\n";
  if (symbolic.refinement) {
    const SymbolicRefinement& refinement = *symbolic.refinement;
    out << "      refinement: {optimizer: " << text(refinement.optimizer)
        << ", epochs: " << refinement.epochs << ", termination: " << text(refinement.termination)
        << ", train_loss_before: " << real(refinement.train_loss_before)
        << ", train_loss_after: " << real(refinement.train_loss_after) << "}\n";
  }
  out << "      hamiltonian_output: " << text(symbolic.hamiltonian_output) << "\n";
  out << "      formulas:\n";
  for (const auto& formula : symbolic.formulas) {
    out << "        - {output: " << text(formula.output) << ", text: " << text(formula.text)
        << ", text_full: " << text(formula.text_full) << ", latex: " << text(formula.latex)
        << "}\n";
  }
  if (symbolic.verification) {
    const SymbolicVerification& v = *symbolic.verification;
    out << "      verification: {samples: " << v.samples
        << ", field_relative_error: " << real(v.field_relative_error)
        << ", field_relative_error_before_refinement: "
        << real(v.field_relative_error_before_refinement)
        << ", field_relative_error_rounded: " << real(v.field_relative_error_rounded)
        << ", tolerance: " << real(v.tolerance) << ", exact: " << boolean(v.exact)
        << ", exact_rounded: " << boolean(v.exact_rounded) << "}\n";
  }
  out << "      seconds: " << real(symbolic.seconds) << "\n";
}

void write_model(std::ostream& out, const ModelSummary& model) {
  out << "  " << model.name << ":\n";
  out << "    plugin: " << text(model.plugin) << "\n";
  out << "    description: " << text(model.description) << "\n";
  out << "    parameters: " << model.parameters << "\n";
  out << "    objective: " << text(model.objective) << "\n";
  out << "    trained: " << boolean(model.trained) << "\n";
  out << "    epochs: " << model.epochs << "\n";
  out << "    total_epochs: " << model.total_epochs << "\n";
  if (model.termination) out << "    termination: " << text(*model.termination) << "\n";
  if (model.optimizer) out << "    optimizer: " << text(*model.optimizer) << "\n";
  if (model.optimizer_message) {
    out << "    optimizer_message: " << text(*model.optimizer_message) << "\n";
  }
  if (!model.stages.empty()) {
    out << "    stages:\n";
    for (const auto& stage : model.stages) {
      out << "      - {optimizer: " << text(stage.optimizer)
          << ", update_grid: " << boolean(stage.update_grid) << ", epochs: " << stage.epochs
          << ", termination: " << text(stage.termination)
          << ", objective_evaluations: " << stage.objective_evaluations
          << ", message: " << text(stage.message) << "}\n";
    }
  }
  if (model.interrupted) out << "    interrupted: true\n";
  if (model.resumed_without_optimizer_state) {
    out << "    resumed_without_optimizer_state: true\n";
  }
  out << "    final_train_loss: " << real(model.final_train_loss) << "\n";
  out << "    final_test_loss: " << real(model.final_test_loss) << "\n";
  out << "    final_penalty: " << real(model.final_penalty) << "\n";
  if (model.l1_objective) out << "    l1_objective: " << real(*model.l1_objective) << "\n";
  out << "    training_seconds: " << real(model.training_seconds) << "\n";
  if (const auto& d = model.dissipation) {
    out << "    dissipation:\n";
    out << "      damping: " << text(d->damping) << "\n";
    out << "      degrees_of_freedom: " << d->degrees_of_freedom << "\n";
    out << "      damping_matrix: " << format_option_value(d->damping_matrix) << "\n";
    out << "      damping_rate: " << real(d->damping_rate) << "\n";
    out << "      forcing_frequencies: " << format_option_value(d->forcing_frequencies) << "\n";
    out << "      forcing_cosine: " << format_option_value(d->forcing_cosine) << "\n";
    out << "      forcing_sine: " << format_option_value(d->forcing_sine) << "\n";
  }
  if (const auto& t = model.trajectory_objective) {
    out << "    trajectory_objective: {method: " << text(t->method) << ", field: " << text(t->field)
        << ", steps: " << t->steps << ", train_windows: " << t->train_windows
        << ", test_windows: " << t->test_windows << "}\n";
  }
  if (model.trajectory_mse) out << "    trajectory_mse: " << errors(*model.trajectory_mse) << "\n";
  if (model.trajectory_mse_vs_reference) {
    out << "    trajectory_mse_vs_reference: " << errors(*model.trajectory_mse_vs_reference)
        << "\n";
  }
  if (model.energy_drift_max) {
    out << "    energy_drift_max: " << real(*model.energy_drift_max) << "\n";
  }
  if (model.energy_trials) {
    out << "    energy_trials: {trials: " << model.energy_trials->trials
        << ", mean: " << real(model.energy_trials->mean)
        << ", error: " << real(model.energy_trials->error) << "}\n";
  }
  if (model.measured_mse) out << "    measured_mse: " << errors(*model.measured_mse) << "\n";
  if (model.reference_energy_mse) {
    out << "    reference_energy_mse: {samples: " << model.reference_energy_mse->samples
        << ", mean: " << real(model.reference_energy_mse->mean)
        << ", error: " << real(model.reference_energy_mse->error) << "}\n";
  }
  if (model.energy_loss_ratio) {
    out << "    energy_loss_ratio: " << real(*model.energy_loss_ratio) << "\n";
  }
  if (!model.energy_loss_ratios.empty()) {
    out << "    energy_loss_ratios: " << format_option_value(model.energy_loss_ratios) << "\n";
  }
  if (model.learned_power) out << "    learned_power: " << power(*model.learned_power) << "\n";
  if (model.rollout_error) out << "    rollout_error: " << text(*model.rollout_error) << "\n";
  if (model.evaluation_seconds) {
    out << "    evaluation_seconds: " << real(*model.evaluation_seconds) << "\n";
  }
  out << "    checkpoint: " << text(model.checkpoint) << "\n";
  if (!model.exports.empty()) out << "    exports: " << format_option_value(model.exports) << "\n";
  if (model.symbolic) write_symbolic(out, *model.symbolic);
}

}  // namespace

std::string format_run_summary(const RunSummary& summary) {
  std::ostringstream out;
  out << "# Summary of the run: per model, training and rollout metrics.\n";
  out << "schema_version: " << summary.schema_version << "\n";
  out << "pipeline: " << text(summary.pipeline) << "\n";
  out << "system: " << text(summary.system) << "\n";
  out << "exact_hamiltonian: " << text(summary.exact_hamiltonian) << "\n";
  if (!summary.diverged_models.empty()) {
    out << "status: \"failed\"\n";
    out << "diverged_models: [";
    for (std::size_t i = 0; i < summary.diverged_models.size(); ++i) {
      out << (i == 0 ? "" : ", ") << text(summary.diverged_models[i]);
    }
    out << "]\n";
  }
  out << "data: {train_samples: " << summary.data.train_samples
      << ", test_samples: " << summary.data.test_samples
      << ", seconds: " << real(summary.data.seconds) << "}\n";
  if (summary.interrupted) {
    out << "interrupted: true\n";
    out << "not_started: " << format_option_value(summary.not_started) << "\n";
  }
  if (summary.resumed) out << "resumed: true\n";
  if (summary.truth) write_truth(out, *summary.truth);
  if (summary.measured) {
    out << "measured: {integrator: " << text(summary.measured->integrator)
        << ", pieces: " << summary.measured->pieces << ", samples: " << summary.measured->samples
        << ", reference_hamiltonian: " << text(summary.measured->reference_hamiltonian);
    if (!summary.measured->energy_losses.empty()) {
      out << ", energy_losses: " << format_option_value(summary.measured->energy_losses);
    }
    out << "}\n";
  }
  out << "models:\n";
  for (const auto& model : summary.models) write_model(out, model);
  return out.str();
}

void write_run_summary(const RunSummary& summary, const std::filesystem::path& file) {
  write_file_atomically(file, format_run_summary(summary));
}

}  // namespace hnn
