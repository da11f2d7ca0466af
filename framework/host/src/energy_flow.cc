#include "energy_flow.h"

#include <cmath>

#include "hnn/learned_dissipation.h"

namespace hnn::internal {

EnergyQuarters energy_quarters(const std::vector<double>& times,
                               const std::vector<double>& energy) {
  const double nan = std::nan("");
  if (times.size() < 2 || times.size() != energy.size()) return {nan, nan};
  const double quarter = (times.back() - times.front()) / 4.0;
  if (!(quarter > 0)) return {nan, nan};
  double start = 0, end = 0;
  long start_count = 0, end_count = 0;
  for (std::size_t k = 0; k < times.size(); ++k) {
    if (times[k] <= times.front() + quarter) {
      start += energy[k];
      ++start_count;
    }
    if (times[k] >= times.back() - quarter) {
      end += energy[k];
      ++end_count;
    }
  }
  return {start / double(start_count), end / double(end_count)};
}

double energy_loss_ratio(const std::vector<double>& times, const std::vector<double>& model_energy,
                         const std::vector<double>& truth_energy) {
  const double truth_loss = energy_quarters(times, truth_energy).loss();
  if (!(truth_loss != 0)) return std::nan("");
  return energy_quarters(times, model_energy).loss() / truth_loss;
}

PowerSeries true_power(const System& system, const std::vector<double>& times,
                       const Eigen::MatrixXd& states) {
  PowerSeries power;
  for (Eigen::Index k = 0; k < states.cols(); ++k) {
    const PowerBalance balance = power_balance(system, times[std::size_t(k)], states.col(k));
    power.dissipated.push_back(balance.dissipated);
    power.supplied.push_back(balance.supplied);
  }
  return power;
}

bool has_learned_dissipation(const ModelResult& result) {
  const TrainingSettings& training = result.config->training.settings;
  return model_field_kind(training) == ObjectiveKind::kHnn &&
         (training.dissipation.active() || training.field == FieldType::kBoth);
}

PowerSeries learned_power(const ModelResult& result, const std::vector<double>& times,
                          const Eigen::MatrixXd& states) {
  PowerSeries power;
  if (!has_learned_dissipation(result) || states.cols() == 0) return power;
  const TrainingSettings& training = result.config->training.settings;
  const int n = int(states.rows()) / 2;
  Model& model = *result.model;
  Eigen::MatrixXd gradients(states.rows(), states.cols());
  Eigen::MatrixXd outputs(model.output_dimension(), states.cols());
  model.forward(states);
  model.input_gradient(int(training.hamiltonian_output), gradients);
  model.outputs(outputs);
  power.dissipated.assign(std::size_t(states.cols()), 0.0);
  power.supplied.assign(std::size_t(states.cols()), 0.0);
  if (training.dissipation.active()) {
    const LearnedDissipation dissipation(training.dissipation.options(), n);
    const double* parameters = result.dissipation.data();
    const bool forced = dissipation.frequency_count() > 0;
    for (Eigen::Index k = 0; k < states.cols(); ++k) {
      const Eigen::VectorXd momentum_gradient = gradients.col(k).tail(n);
      const Eigen::MatrixXd damping = dissipation.damping_matrix(parameters, outputs.col(k).data());
      power.dissipated[std::size_t(k)] = momentum_gradient.dot(damping * momentum_gradient);
      if (forced) {
        power.supplied[std::size_t(k)] =
            momentum_gradient.dot(dissipation.forcing(parameters, times[std::size_t(k)]));
      }
    }
  }
  if (training.field == FieldType::kBoth) {
    // The D-HNN's gradient part dF_C/dx changes F_H at the rate dF_H/dx . dF_C/dx.
    Eigen::MatrixXd conservative_gradients(states.rows(), states.cols());
    model.input_gradient(int(training.conservative_output), conservative_gradients);
    for (Eigen::Index k = 0; k < states.cols(); ++k) {
      power.dissipated[std::size_t(k)] -= gradients.col(k).dot(conservative_gradients.col(k));
    }
  }
  return power;
}

std::vector<double> learned_hamiltonian(const ModelResult& result, const Eigen::MatrixXd& states) {
  const TrainingSettings& training = result.config->training.settings;
  if (model_field_kind(training) != ObjectiveKind::kHnn) return {};
  Model& model = *result.model;
  Eigen::MatrixXd outputs(model.output_dimension(), states.cols());
  model.forward(states);
  model.outputs(outputs);
  const Eigen::RowVectorXd h = outputs.row(Eigen::Index(training.hamiltonian_output));
  return {h.data(), h.data() + h.size()};
}

PowerSummary mean_power(const std::vector<const PowerSeries*>& series) {
  double dissipated = 0, supplied = 0;
  std::size_t count = 0;
  for (const PowerSeries* one : series) {
    for (std::size_t k = 0; k < one->dissipated.size(); ++k) {
      dissipated += one->dissipated[k];
      supplied += one->supplied[k];
      ++count;
    }
  }
  if (count == 0) return {};
  return {dissipated / double(count), supplied / double(count)};
}

}  // namespace hnn::internal
