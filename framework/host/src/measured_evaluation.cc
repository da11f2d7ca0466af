#include "measured_evaluation.h"

#include <Eigen/Core>
#include <sstream>

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
    }
  } catch (const Error& error) {
    result.measured_mse.reset();
    result.reference_energy_mse.reset();
    result.measured_rollouts.clear();
    result.rollout_error = error.what();
    log << result.config->name << ": rollout failed: " << error.what() << std::endl;
  }
  result.evaluation_seconds = seconds_since(started);
}

void write_measured_csv(const fs::path& file, const std::vector<Trajectory>& pieces,
                        const std::vector<std::string>& names,
                        const std::vector<ModelResult>& results) {
  std::ostringstream csv;
  csv << "piece,t";
  for (const auto& name : names) csv << ',' << name;
  for (const auto& result : results) {
    if (result.measured_rollouts.empty()) continue;
    for (const auto& name : names) csv << ',' << result.config->name << '_' << name;
  }
  csv << '\n';
  for (std::size_t p = 0; p < pieces.size(); ++p) {
    const Trajectory& piece = pieces[p];
    for (Eigen::Index k = 0; k < piece.states.cols(); ++k) {
      csv << p << ',' << real(piece.times[std::size_t(k)]);
      for (Eigen::Index i = 0; i < piece.states.rows(); ++i) csv << ',' << real(piece.states(i, k));
      for (const auto& result : results) {
        if (result.measured_rollouts.empty()) continue;
        const Eigen::MatrixXd& rollout = result.measured_rollouts[p];
        for (Eigen::Index i = 0; i < rollout.rows(); ++i) csv << ',' << real(rollout(i, k));
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
  write_measured_csv(directory / "measured_trajectories.csv", pieces, coordinate_names, results);
  MeasuredSummary summary;
  summary.integrator = config.evaluation_integrator.plugin;
  summary.pieces = long(pieces.size());
  summary.samples = 0;
  for (const Trajectory& piece : pieces) summary.samples += long(piece.times.size());
  if (reference != nullptr) summary.reference_hamiltonian = reference->exact_hamiltonian();
  return summary;
}

}  // namespace hnn::internal
