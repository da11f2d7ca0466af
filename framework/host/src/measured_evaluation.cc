#include "measured_evaluation.h"

#include <Eigen/Core>
#include <sstream>

#include "energy_flow.h"
#include "hnn/atomic_file.h"
#include "hnn/error.h"
#include "model_evaluation.h"

namespace hnn::internal {
namespace fs = std::filesystem;
namespace {

// H_ref at every column of `states`.
std::vector<double> reference_energies(const System& reference, const Eigen::MatrixXd& states) {
  std::vector<double> values(std::size_t(states.cols()));
  for (Eigen::Index i = 0; i < states.cols(); ++i) {
    values[std::size_t(i)] = reference.hamiltonian(states.col(i));
  }
  return values;
}

// One model against all pieces.
void roll_out_pieces(ModelResult& result, const std::vector<Trajectory>& pieces,
                     const Integrator& integrator, const System* reference, std::ostream& log) {
  const auto started = Clock::now();
  try {
    std::vector<double> per_time_mse;
    std::vector<double> energy_errors;
    for (const Trajectory& piece : pieces) {
      const Eigen::VectorXd x0 = piece.states.col(0);
      Eigen::MatrixXd rollout = integrator.integrate(
          learned_field(*result.model, result, int(x0.size())), x0, piece.times);
      const Eigen::RowVectorXd mse = (rollout - piece.states).array().square().colwise().mean();
      per_time_mse.insert(per_time_mse.end(), mse.data(), mse.data() + mse.size());
      if (reference != nullptr) {
        const auto measured = reference_energies(*reference, piece.states);
        const auto rolled = reference_energies(*reference, rollout);
        for (std::size_t k = 0; k < measured.size(); ++k) {
          energy_errors.push_back((measured[k] - rolled[k]) * (measured[k] - rolled[k]));
        }
        result.energy_loss_ratios.push_back(energy_loss_ratio(piece.times, rolled, measured));
        result.measured_energy.push_back(rolled);
      }
      const std::vector<double> hamiltonian = learned_hamiltonian(result, rollout);
      if (!hamiltonian.empty()) result.measured_learned_hamiltonian.push_back(hamiltonian);
      if (has_learned_dissipation(result)) {
        result.measured_power.push_back(learned_power(result, piece.times, rollout));
      }
      result.measured_rollouts.push_back(std::move(rollout));
    }
    TrajectoryErrors errors;
    const Eigen::Map<const Eigen::VectorXd> all(per_time_mse.data(),
                                                Eigen::Index(per_time_mse.size()));
    errors.mean = all.mean();
    errors.max = all.maxCoeff();
    errors.final = per_time_mse.back();
    result.measured_mse = errors;
    if (reference != nullptr) {
      const EnergyTrialsSummary energy = summarize_energy_trials(energy_errors);
      result.reference_energy_mse = ReferenceEnergyError{energy.trials, energy.mean, energy.error};
      double mean_ratio = 0;
      for (double ratio : result.energy_loss_ratios) mean_ratio += ratio;
      result.energy_loss_ratio = mean_ratio / double(result.energy_loss_ratios.size());
    }
  } catch (const Error& error) {
    result.measured_mse.reset();
    result.reference_energy_mse.reset();
    result.measured_rollouts.clear();
    result.measured_energy.clear();
    result.measured_learned_hamiltonian.clear();
    result.measured_power.clear();
    result.energy_loss_ratios.clear();
    result.energy_loss_ratio.reset();
    result.rollout_error = error.what();
    log << result.config->name << ": rollout failed: " << error.what() << std::endl;
  }
  result.evaluation_seconds = seconds_since(started);
}

// measured_trajectories.csv; `measured_energy` per piece (empty without a reference H).
void write_measured_csv(const fs::path& file, const std::vector<Trajectory>& pieces,
                        const std::vector<std::vector<double>>& measured_energy,
                        const std::vector<std::string>& names,
                        const std::vector<ModelResult>& results) {
  std::ostringstream csv;
  csv << "piece,t";
  for (const auto& name : names) csv << ',' << name;
  if (!measured_energy.empty()) csv << ",measured_energy";
  for (const auto& result : results) {
    if (result.measured_rollouts.empty()) continue;
    const std::string& model = result.config->name;
    for (const auto& name : names) csv << ',' << model << '_' << name;
    if (!result.measured_energy.empty()) csv << ',' << model << "_energy";
    if (!result.measured_learned_hamiltonian.empty()) csv << ',' << model << "_H";
    if (!result.measured_power.empty()) {
      csv << ',' << model << "_dissipated_power," << model << "_supplied_power";
    }
  }
  csv << '\n';
  for (std::size_t p = 0; p < pieces.size(); ++p) {
    const Trajectory& piece = pieces[p];
    for (Eigen::Index k = 0; k < piece.states.cols(); ++k) {
      const std::size_t i_k = std::size_t(k);
      csv << p << ',' << real(piece.times[i_k]);
      for (Eigen::Index i = 0; i < piece.states.rows(); ++i) csv << ',' << real(piece.states(i, k));
      if (!measured_energy.empty()) csv << ',' << real(measured_energy[p][i_k]);
      for (const auto& result : results) {
        if (result.measured_rollouts.empty()) continue;
        const Eigen::MatrixXd& rollout = result.measured_rollouts[p];
        for (Eigen::Index i = 0; i < rollout.rows(); ++i) csv << ',' << real(rollout(i, k));
        if (!result.measured_energy.empty()) csv << ',' << real(result.measured_energy[p][i_k]);
        if (!result.measured_learned_hamiltonian.empty()) {
          csv << ',' << real(result.measured_learned_hamiltonian[p][i_k]);
        }
        if (!result.measured_power.empty()) {
          csv << ',' << real(result.measured_power[p].dissipated[i_k]) << ','
              << real(result.measured_power[p].supplied[i_k]);
        }
      }
      csv << '\n';
    }
  }
  write_file_atomically(file, csv.str());
}

}  // namespace

MeasuredSummary evaluate_measurements(const PipelineConfig& config, const Registry& registry,
                                      const std::vector<Trajectory>& pieces,
                                      const std::vector<std::string>& coordinate_names,
                                      std::vector<ModelResult>& results, const fs::path& directory,
                                      std::ostream& log) {
  if (pieces.empty()) {
    throw RunError(
        "evaluation: the split holds out no piece of at least 2 consecutive samples to roll "
        "out from (a random split holds out isolated samples; use ordered, trajectory or "
        "time_block, or evaluation.enabled: false)");
  }
  const auto integrator = registry.create_integrator(config.evaluation_integrator.plugin,
                                                     config.evaluation_integrator.options);
  const System* reference = config.reference_hamiltonian_object.get();
  for (auto& result : results) roll_out_pieces(result, pieces, *integrator, reference, log);
  // H_ref along the measurements, and the energy each piece loses.
  std::vector<std::vector<double>> measured_energy;
  std::vector<double> energy_losses;
  if (reference != nullptr) {
    for (const Trajectory& piece : pieces) {
      measured_energy.push_back(reference_energies(*reference, piece.states));
      energy_losses.push_back(energy_quarters(piece.times, measured_energy.back()).loss());
    }
  }
  write_measured_csv(directory / "measured_trajectories.csv", pieces, measured_energy,
                     coordinate_names, results);
  MeasuredSummary summary;
  summary.integrator = config.evaluation_integrator.plugin;
  summary.pieces = long(pieces.size());
  summary.samples = 0;
  for (const Trajectory& piece : pieces) summary.samples += long(piece.times.size());
  if (reference != nullptr) summary.reference_hamiltonian = reference->exact_hamiltonian();
  summary.energy_losses = energy_losses;
  return summary;
}

}  // namespace hnn::internal
