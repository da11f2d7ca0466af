#include "model_evaluation.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "energy_flow.h"
#include "hnn/error.h"
#include "hnn/hamiltonian_objective.h"
#include "hnn/random.h"
#include "learned_field.h"
#include "run_tables.h"

namespace hnn::internal {
namespace fs = std::filesystem;
namespace {

std::vector<double> linspace(double start, double end, long points) {
  std::vector<double> values(static_cast<std::size_t>(points));
  const double step = (end - start) / double(points - 1);
  for (long i = 0; i < points; ++i) values[std::size_t(i)] = start + double(i) * step;
  values.back() = end;
  return values;
}

TrajectoryErrors compare(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  TrajectoryErrors errors;
  const Eigen::RowVectorXd mse = (a - b).array().square().colwise().mean();
  errors.mean = mse.mean();
  errors.max = mse.maxCoeff();
  errors.final = mse(mse.size() - 1);
  return errors;
}

std::vector<double> energies(const System& system, const Eigen::MatrixXd& states) {
  std::vector<double> values(std::size_t(states.cols()));
  for (Eigen::Index i = 0; i < states.cols(); ++i) {
    values[std::size_t(i)] = system.hamiltonian(states.col(i));
  }
  return values;
}

double max_drift(const std::vector<double>& energy) {
  double drift = 0;
  for (double e : energy) drift = std::max(drift, std::abs(e - energy.front()));
  return drift;
}

// Rolls a trained model out from x0 and compares it with the truth and the reference.
void roll_out(ModelResult& result, const System& system, const Integrator& integrator,
              const Eigen::VectorXd& x0, const std::vector<double>& times,
              const Eigen::MatrixXd& truth, const Eigen::MatrixXd& reference,
              const std::vector<double>& truth_energy, std::ostream& log) {
  const auto started = Clock::now();
  Model& model = *result.model;
  try {
    result.rollout =
        integrator.integrate(learned_field(model, result, system.state_dimension()), x0, times);
    result.energy = energies(system, result.rollout);
    result.versus_truth = compare(result.rollout, truth);
    result.versus_reference = compare(result.rollout, reference);
    result.energy_drift_max = max_drift(result.energy);
    const TrainingSettings& training = result.config->training.settings;
    if (model_field_kind(training) == ObjectiveKind::kHnn) {
      const int h_output = int(training.hamiltonian_output);
      Eigen::MatrixXd outputs(model.output_dimension(), result.rollout.cols());
      model.forward(result.rollout);
      model.outputs(outputs);
      const Eigen::RowVectorXd h = outputs.row(h_output);
      result.learned_hamiltonian.assign(h.data(), h.data() + h.size());
    }
    // Energy flow: the learned dissipation's power, the energy lost against the truth's.
    result.learned_power = learned_power(result, times, result.rollout);
    if (!system.is_conservative()) {
      result.energy_loss_ratio = energy_loss_ratio(times, result.energy, truth_energy);
    }
  } catch (const Error& error) {
    result.rollout_error = error.what();
    log << result.config->name << ": rollout failed: " << error.what() << std::endl;
  }
  result.evaluation_seconds = seconds_since(started);
}

// The HNN paper's energy metric (hnn.md 6.3/6.4, clean protocol: the same times for truth
// and models): per trial, mean over time of (E_true(t) - E_model(t))^2 with E the system's H.
void run_energy_trials(const EvaluationSettings& evaluation, const System& system,
                       const Integrator& integrator, std::vector<ModelResult>& results) {
  const long trials = evaluation.energy_trials;
  const auto& span = evaluation.trial_time_span;
  const std::vector<double> times = linspace(span[0], span[1], long(evaluation.trial_points));
  const auto seed = std::uint32_t(evaluation.trial_seed);
  const bool box = evaluation.trial_initial_states == TrialInitialStates::kBox;
  NumpyLegacyRandom box_random(seed);
  const VectorField true_dynamics = [&](double t, const Eigen::VectorXd& x, Eigen::VectorXd& dxdt) {
    true_field(system, t, x, dxdt);
  };
  Eigen::VectorXd x0(system.state_dimension());
  for (long trial = 0; trial < trials; ++trial) {
    if (box) {
      // x0 = U(-0.8, 0.8) + 0.2 sign(x0), coordinate by coordinate.
      for (Eigen::Index i = 0; i < x0.size(); ++i) {
        const double u = box_random.uniform() * 1.6 - 0.8;
        x0[i] = u + (u > 0 ? 0.2 : (u < 0 ? -0.2 : 0.0));
      }
    } else {
      NumpyLegacyRandom random(seed + std::uint32_t(trial));
      system.sample_initial_state(random, x0);
    }
    const std::vector<double> truth =
        energies(system, integrator.integrate(true_dynamics, x0, times));
    for (auto& result : results) {
      double error = std::nan("");
      try {
        const auto model = energies(
            system,
            integrator.integrate(learned_field(*result.model, result, x0.size()), x0, times));
        error = 0;
        for (std::size_t k = 0; k < times.size(); ++k) {
          error += (truth[k] - model[k]) * (truth[k] - model[k]);
        }
        error /= double(times.size());
      } catch (const Error&) {
      }
      result.trial_energy_errors.push_back(error);
    }
  }
}

}  // namespace

// Mean of the trials and the paper's error bar: the standard deviation of the means of 5
// consecutive groups, over sqrt(5) (hnn.md 6.3).
EnergyTrialsSummary summarize_energy_trials(const std::vector<double>& errors) {
  const std::size_t n = errors.size();
  double mean = 0;
  for (double e : errors) mean += e;
  mean /= double(n);
  constexpr std::size_t kGroups = 5;
  double spread = std::nan("");
  if (n >= kGroups) {
    std::vector<double> group_means(kGroups, 0.0);
    const std::size_t size = n / kGroups;
    for (std::size_t g = 0; g < kGroups; ++g) {
      for (std::size_t i = 0; i < size; ++i) group_means[g] += errors[g * size + i];
      group_means[g] /= double(size);
    }
    double group_mean = 0;
    for (double m : group_means) group_mean += m;
    group_mean /= double(kGroups);
    double variance = 0;
    for (double m : group_means) variance += (m - group_mean) * (m - group_mean);
    spread = std::sqrt(variance / double(kGroups)) / std::sqrt(double(kGroups));
  }
  return {long(n), mean, spread};
}

// Rolls out the truth, the reference and every model, writes trajectories.csv and returns
// the summary's `truth:` part.
TruthSummary evaluate(const PipelineConfig& config, const Registry& registry, const System& system,
                      std::vector<ModelResult>& results, const fs::path& directory,
                      std::ostream& log) {
  // Validation checked that the initial state has the system's dimension.
  const auto& initial = config.evaluation.initial_state;
  const Eigen::VectorXd x0 =
      Eigen::Map<const Eigen::VectorXd>(initial.data(), Eigen::Index(initial.size()));
  const auto& span = config.evaluation.time_span;
  const std::vector<double> times = linspace(span[0], span[1], long(config.evaluation.points));
  const auto integrator = registry.create_integrator(config.evaluation_integrator.plugin,
                                                     config.evaluation_integrator.options);
  const auto reference_integrator = registry.create_integrator(config.reference_integrator.plugin,
                                                               config.reference_integrator.options);
  const VectorField true_dynamics = [&](double t, const Eigen::VectorXd& x, Eigen::VectorXd& dxdt) {
    true_field(system, t, x, dxdt);
  };
  const Eigen::MatrixXd truth = integrator->integrate(true_dynamics, x0, times);
  const Eigen::MatrixXd reference = reference_integrator->integrate(true_dynamics, x0, times);
  const auto truth_energy = energies(system, truth);
  const auto reference_energy = energies(system, reference);
  for (auto& result : results) {
    roll_out(result, system, *integrator, x0, times, truth, reference, truth_energy, log);
  }
  if (config.evaluation.energy_trials > 0) {
    run_energy_trials(config.evaluation, system, *integrator, results);
  }
  TruthSummary summary;
  summary.integrator = config.evaluation_integrator.plugin;
  summary.energy_drift_max = max_drift(truth_energy);
  summary.reference_integrator = config.reference_integrator.plugin;
  summary.reference_energy_drift_max = max_drift(reference_energy);
  summary.truth_vs_reference_mse = compare(truth, reference);
  // The true power balance and energy loss of a system with damping or forcing.
  PowerSeries truth_power;
  if (!system.is_conservative()) {
    truth_power = true_power(system, times, truth);
    summary.power = mean_power({&truth_power});
    summary.energy_loss = energy_quarters(times, truth_energy).loss();
  }
  write_trajectories_csv(directory / "trajectories.csv", system.coordinate_names(), times, truth,
                         truth_energy, truth_power, reference, reference_energy, results);
  return summary;
}

}  // namespace hnn::internal
