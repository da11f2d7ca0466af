#include "hnn/host/pipeline_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <sstream>

#include "hnn/atomic_file.h"
#include "hnn/baseline_objective.h"
#include "hnn/error.h"
#include "hnn/hamiltonian_objective.h"
#include "hnn/host/checkpoint.h"
#include "hnn/host/pipeline_yaml.h"
#include "hnn/host/progress.h"
#include "hnn/host/run_summary_writer.h"
#include "hnn/internal/objective_terms.h"
#include "hnn/random.h"
#include "hnn/trajectory_dataset.h"
#include "pipeline_model.h"
#include "pipeline_symbolic_stage.h"

namespace hnn {
namespace fs = std::filesystem;

namespace internal {

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

std::string csv_header_states(const std::string& prefix, const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += "," + prefix + name;
  return text;
}

void write_data_csv(const fs::path& file, const TrajectoryDataset& dataset) {
  std::ostringstream out;
  out << "split,trajectory,t" << csv_header_states("", dataset.coordinate_names);
  for (const auto& name : dataset.coordinate_names) out << ",d" << name << "_dt";
  out << "\n";
  auto rows = [&](const char* split, const TrajectorySamples& samples) {
    for (Eigen::Index i = 0; i < samples.size(); ++i) {
      out << split << ',' << samples.trajectory[std::size_t(i)] << ','
          << real(samples.time[std::size_t(i)]);
      for (Eigen::Index r = 0; r < samples.inputs.rows(); ++r)
        out << ',' << real(samples.inputs(r, i));
      for (Eigen::Index r = 0; r < samples.targets.rows(); ++r)
        out << ',' << real(samples.targets(r, i));
      out << '\n';
    }
  };
  rows("train", dataset.train);
  rows("test", dataset.test);
  write_file_atomically(file, out.str());
}

void write_history_csv(const fs::path& file, const std::vector<ModelResult>& results) {
  std::ostringstream out;
  out << "epoch,model,stage,train_loss,test_loss,penalty,seconds\n";
  for (const auto& result : results) {
    for (const auto& row : result.history) {
      out << row.epoch << ',' << result.config->name << ',' << row.stage << ','
          << (row.train_loss ? real(*row.train_loss) : "") << ','
          << (row.test_loss ? real(*row.test_loss) : "") << ',' << real(row.penalty) << ','
          << real(row.seconds) << '\n';
    }
  }
  write_file_atomically(file, out.str());
}

// Refuses a non-empty run folder without --force, creates it, writes the resolved pipeline.
fs::path prepare_run_directory(const PipelineConfig& config, const RunSettings& settings) {
  const fs::path directory = run_directory(config, settings);
  std::error_code error_code;
  if (fs::exists(directory, error_code) && !fs::is_empty(directory, error_code) &&
      !settings.force) {
    throw ConfigError(directory.string() +
                      ": error: the run folder exists and is not empty; choose another with "
                      "--output DIR or replace its files with --force");
  }
  fs::create_directories(directory, error_code);
  if (error_code) {
    throw Error("cannot create the run folder " + directory.string() + ": " + error_code.message());
  }
  write_file_atomically(directory / "pipeline.yaml", to_yaml(config));
  return directory;
}

std::unique_ptr<RandomSource> make_random_source(const DataSettings& data) {
  const auto seed = data.seed;
  if (data.rng == DataRandomStream::kNumpy)
    return std::make_unique<NumpyLegacyRandom>(std::uint32_t(seed));
  return std::make_unique<Mt19937Random>(std::uint64_t(seed));
}

TrajectoryDataset make_dataset(const PipelineConfig& config, const Registry& registry,
                               const System& system) {
  const auto integrator =
      registry.create_integrator(config.data_integrator.plugin, config.data_integrator.options);
  const DataSettings& data = config.data;
  TrajectoryDatasetOptions options;
  options.trajectories = int(data.trajectories);
  options.time_span = {data.time_span[0], data.time_span[1]};
  options.points = int(data.points);
  options.noise_std = data.noise_std;
  options.train_fraction = data.train_fraction;
  options.test_first = data.split == DataSplit::kTestFirst;
  options.draw_zero_noise = data.draw_zero_noise;
  const auto random = make_random_source(data);
  return generate_trajectory_dataset(system, *integrator, *random, options);
}

// Builds a model from the options validation resolved and gives it the checkpoint
// validation read (validation checked both against the pipeline).
ModelResult build_model(const ModelConfig& model_config, const Registry& registry,
                        std::ostream& log) {
  ModelResult result;
  result.config = &model_config;
  result.options = model_config.resolved_options;
  result.model = registry.create_model(model_config.model.plugin, result.options);
  Model& model = *result.model;
  result.objective = to_string(model_config.training.settings.objective);
  result.parameters.resize(model.parameter_count());
  model.get_parameters(result.parameters);
  if (const Checkpoint* checkpoint = model_config.loaded_checkpoint.get()) {
    model.set_auxiliary_state(checkpoint->auxiliary_state);
    result.parameters = checkpoint->parameters;
    model.set_parameters(result.parameters);
    result.epochs_before = checkpoint->epochs;
    log << model_config.name << ": loaded " << model_config.checkpoint << " (" << checkpoint->epochs
        << " epochs)" << std::endl;
  }
  return result;
}

// The data loss and the penalty at `at` (value only); NaN when the evaluation fails.
std::pair<double, double> loss_at(Objective& objective, const Eigen::VectorXd& at) {
  double value = 0;
  if (!objective.evaluate(at.data(), &value, nullptr)) return {std::nan(""), std::nan("")};
  const LossParts parts = objective.last_parts();
  return {parts.data_loss, parts.penalty};
}

// Trains a model through its stages, recording every epoch, then its final losses.
void train_model(ModelResult& result, const TrajectoryDataset& dataset, const Registry& registry,
                 const RunSettings& settings, ProgressReporter& progress) {
  const ModelConfig& model_config = *result.config;
  Model& model = *result.model;
  Eigen::VectorXd& parameters = result.parameters;
  const TrainingSettings& training = model_config.training.settings;
  auto train_objective = make_objective(model, training, dataset.train);
  auto test_objective = make_objective(model, training, dataset.test);
  const double l1 = training.l1;
  // What the optimizer minimises: the whole training set, or a fresh minibatch per
  // evaluation. Losses are always recorded on the whole sets.
  const Eigen::Index batch = training.batch_size;
  const bool minibatches = batch > 0 && batch < dataset.train.size();
  std::unique_ptr<Objective> minibatch_objective;
  if (minibatches) {
    minibatch_objective = make_minibatch_objective(model, training, dataset.train, batch,
                                                   std::uint64_t(training.batch_seed));
  }
  Objective& optimized = minibatches ? *minibatch_objective : *train_objective;

  const auto training_started = Clock::now();
  if (training.enabled) {
    const long test_every = training.test_every;
    long total_epochs = 0;
    for (const auto& stage : model_config.training.stages) {
      if (stage.optimizer.options.contains("epochs")) {
        total_epochs += long(stage.optimizer.options.integer("epochs"));
      }
    }
    {
      const auto [train_loss, penalty] = loss_at(*train_objective, parameters);
      const auto test_loss = loss_at(*test_objective, parameters).first;
      result.history.push_back({result.epochs_before, 0, train_loss, test_loss, penalty, 0.0});
    }
    progress.start(model_config.name + " (" + model.name() + ")", total_epochs);
    const bool penalty_from_model = model.has_penalty();
    bool interrupted = false;
    for (std::size_t s = 0; s < model_config.training.stages.size() && !interrupted; ++s) {
      const TrainingStage& stage = model_config.training.stages[s];
      if (stage.update_grid) {
        model.set_parameters(parameters);
        model.update_grid(dataset.train.inputs);
        model.get_parameters(parameters);
      }
      const auto optimizer =
          registry.create_optimizer(stage.optimizer.plugin, stage.optimizer.options);
      const long epochs_before_stage = result.epochs_before + result.epochs_trained;
      EpochCallback on_epoch = [&](const EpochState& state) {
        const long epoch = epochs_before_stage + state.epoch;
        const bool record_test = state.epoch % test_every == 0;
        std::optional<double> train_loss;
        double penalty =
            internal::add_l1_penalty(l1, *state.parameters, nullptr, training.l1_smoothing);
        if (minibatches) {
          // The whole training set only when the test loss is recorded too.
          if (record_test) {
            std::tie(train_loss, penalty) = loss_at(*train_objective, *state.parameters);
          }
        } else if (penalty_from_model || !state.value_at_parameters) {
          // Loss and penalty at the reported parameters, not at the start of the epoch.
          std::tie(train_loss, penalty) = loss_at(*train_objective, *state.parameters);
        } else {
          train_loss = state.objective_value - penalty;
        }
        std::optional<double> test_loss;
        if (record_test) test_loss = loss_at(*test_objective, *state.parameters).first;
        result.history.push_back(
            {epoch, long(s + 1), train_loss, test_loss, penalty, seconds_since(training_started)});
        progress.update(epoch - result.epochs_before, train_loss, test_loss);
        interrupted = settings.interrupt && settings.interrupt->load();
        return !interrupted;
      };
      StageResult stage_result{stage.optimizer.plugin, stage.update_grid,
                               optimizer->minimize(optimized, parameters, on_epoch)};
      result.epochs_trained += stage_result.summary.epochs;
      result.stages.push_back(std::move(stage_result));
    }
    result.trained = true;
  }
  result.training_seconds = seconds_since(training_started);
  model.set_parameters(parameters);
  std::tie(result.final_train_loss, result.final_penalty) = loss_at(*train_objective, parameters);
  result.final_test_loss = loss_at(*test_objective, parameters).first;
  model.set_parameters(parameters);
  if (result.trained) {
    progress.finish(model_config.name + ": " + std::to_string(result.epochs_trained) + " epochs (" +
                    to_string(result.stages.back().summary.termination) + "), train " +
                    real(result.final_train_loss) + ", test " + real(result.final_test_loss) +
                    ", " + format_duration(result.training_seconds));
  }
}

void save_model_checkpoint(const ModelResult& result, const fs::path& directory) {
  const ModelConfig& model_config = *result.config;
  const Checkpoint checkpoint{model_config.name, model_config.model.plugin,
                              result.options,    result.epochs_before + result.epochs_trained,
                              result.parameters, result.model->auxiliary_state()};
  save_checkpoint(checkpoint, directory / "checkpoints" / (model_config.name + ".yaml"));
}

// The vector field a trained model defines: J dF_H/dx (+ dF_C/dx) for an HNN, F(x) for a
// baseline. The model must outlive the field.
VectorField learned_field(Model& model, const ModelResult& result, int state_dimension) {
  const TrainingSettings& training = result.config->training.settings;
  const bool hnn = training.objective == ObjectiveKind::kHnn;
  const int h_output = int(training.hamiltonian_output);
  const int c_output = int(training.conservative_output);
  const FieldType field_type = training.field;
  // Workspaces shared by the calls of the returned field.
  auto gradient = std::make_shared<Eigen::MatrixXd>(state_dimension, 1);
  auto field = std::make_shared<Eigen::MatrixXd>(state_dimension, 1);
  auto outputs = std::make_shared<Eigen::MatrixXd>(model.output_dimension(), 1);
  return [=, &model](double, const Eigen::VectorXd& x, Eigen::VectorXd& dxdt) {
    model.forward(x);
    if (!hnn) {
      model.outputs(*outputs);
      dxdt = outputs->col(0).head(state_dimension);
      return;
    }
    dxdt.setZero();
    if (field_type != FieldType::kConservative) {
      model.input_gradient(h_output, *gradient);
      apply_symplectic_matrix(*gradient, *field);
      dxdt += field->col(0);
    }
    if (field_type != FieldType::kSolenoidal) {
      model.input_gradient(c_output, *gradient);
      dxdt += gradient->col(0);
    }
  };
}

// Rolls a trained model out from x0 and compares it with the truth and the reference.
void roll_out(ModelResult& result, const System& system, const Integrator& integrator,
              const Eigen::VectorXd& x0, const std::vector<double>& times,
              const Eigen::MatrixXd& truth, const Eigen::MatrixXd& reference, std::ostream& log) {
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
    if (training.objective == ObjectiveKind::kHnn) {
      const int h_output = int(training.hamiltonian_output);
      Eigen::MatrixXd outputs(model.output_dimension(), result.rollout.cols());
      model.forward(result.rollout);
      model.outputs(outputs);
      const Eigen::RowVectorXd h = outputs.row(h_output);
      result.learned_hamiltonian.assign(h.data(), h.data() + h.size());
    }
  } catch (const Error& error) {
    result.rollout_error = error.what();
    log << result.config->name << ": rollout failed: " << error.what() << std::endl;
  }
  result.evaluation_seconds = seconds_since(started);
}

void write_trajectories_csv(const fs::path& file, const std::vector<std::string>& names,
                            const std::vector<double>& times, const Eigen::MatrixXd& truth,
                            const std::vector<double>& truth_energy,
                            const Eigen::MatrixXd& reference,
                            const std::vector<double>& reference_energy,
                            const std::vector<ModelResult>& results) {
  const Eigen::Index d = truth.rows();
  std::ostringstream csv;
  csv << "t" << csv_header_states("truth_", names) << ",truth_energy"
      << csv_header_states("reference_", names) << ",reference_energy";
  for (const auto& result : results) {
    if (!result.rollout_error.empty()) continue;
    csv << csv_header_states(result.config->name + "_", names) << "," << result.config->name
        << "_energy";
    if (!result.learned_hamiltonian.empty()) csv << "," << result.config->name << "_H";
  }
  csv << "\n";
  for (std::size_t k = 0; k < times.size(); ++k) {
    const Eigen::Index c = Eigen::Index(k);
    csv << real(times[k]);
    for (Eigen::Index r = 0; r < d; ++r) csv << ',' << real(truth(r, c));
    csv << ',' << real(truth_energy[k]);
    for (Eigen::Index r = 0; r < d; ++r) csv << ',' << real(reference(r, c));
    csv << ',' << real(reference_energy[k]);
    for (const auto& result : results) {
      if (!result.rollout_error.empty()) continue;
      for (Eigen::Index r = 0; r < d; ++r) csv << ',' << real(result.rollout(r, c));
      csv << ',' << real(result.energy[k]);
      if (!result.learned_hamiltonian.empty()) csv << ',' << real(result.learned_hamiltonian[k]);
    }
    csv << '\n';
  }
  write_file_atomically(file, csv.str());
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
  const VectorField true_field = [&](double, const Eigen::VectorXd& x, Eigen::VectorXd& dxdt) {
    hamiltonian_field(system, x, dxdt);
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
    const std::vector<double> truth = energies(system, integrator.integrate(true_field, x0, times));
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
  const VectorField true_field = [&](double, const Eigen::VectorXd& x, Eigen::VectorXd& dxdt) {
    hamiltonian_field(system, x, dxdt);
  };
  const Eigen::MatrixXd truth = integrator->integrate(true_field, x0, times);
  const Eigen::MatrixXd reference = reference_integrator->integrate(true_field, x0, times);
  const auto truth_energy = energies(system, truth);
  const auto reference_energy = energies(system, reference);
  for (auto& result : results) {
    roll_out(result, system, *integrator, x0, times, truth, reference, log);
  }
  if (config.evaluation.energy_trials > 0) {
    run_energy_trials(config.evaluation, system, *integrator, results);
  }
  write_trajectories_csv(directory / "trajectories.csv", system.coordinate_names(), times, truth,
                         truth_energy, reference, reference_energy, results);
  return {config.evaluation_integrator.plugin, max_drift(truth_energy),
          config.reference_integrator.plugin, max_drift(reference_energy),
          compare(truth, reference)};
}

// The summary of one model: what it is, how it was trained and, when `evaluated`, how its
// rollout compares.
ModelSummary model_summary(const ModelResult& result, bool evaluated) {
  const ModelConfig& m = *result.config;
  ModelSummary summary;
  summary.name = m.name;
  summary.plugin = m.model.plugin;
  summary.description = result.model->name();
  summary.parameters = result.model->parameter_count();
  summary.objective = result.objective;
  summary.trained = result.trained;
  summary.epochs = result.epochs_trained;
  summary.total_epochs = result.epochs_before + result.epochs_trained;
  if (result.trained) {
    const OptimizationSummary& last = result.stages.back().summary;
    summary.termination = to_string(last.termination);
    summary.optimizer = result.stages.back().optimizer;
    summary.optimizer_message = last.message;
    for (const auto& stage : result.stages) {
      summary.stages.push_back({stage.optimizer, stage.update_grid, long(stage.summary.epochs),
                                to_string(stage.summary.termination),
                                long(stage.summary.objective_evaluations), stage.summary.message});
    }
  }
  summary.final_train_loss = result.final_train_loss;
  summary.final_test_loss = result.final_test_loss;
  summary.final_penalty = result.final_penalty;
  summary.training_seconds = result.training_seconds;
  if (evaluated) {
    if (result.rollout_error.empty()) {
      summary.trajectory_mse = result.versus_truth;
      summary.trajectory_mse_vs_reference = result.versus_reference;
      summary.energy_drift_max = result.energy_drift_max;
      if (!result.trial_energy_errors.empty()) {
        summary.energy_trials = summarize_energy_trials(result.trial_energy_errors);
      }
    } else {
      summary.rollout_error = result.rollout_error;
    }
    summary.evaluation_seconds = result.evaluation_seconds;
  }
  summary.checkpoint = "checkpoints/" + m.name + ".yaml";
  summary.symbolic = result.symbolic;
  return summary;
}

}  // namespace internal

fs::path run_directory(const PipelineConfig& config, const RunSettings& settings) {
  if (!settings.output_directory.empty()) return settings.output_directory;
  const std::string& configured = config.output.directory;
  if (!configured.empty()) return configured;
  return fs::path("runs") / config.name;
}

void run_pipeline(const PipelineConfig& config, const Registry& registry,
                  const RunSettings& settings) {
  using namespace internal;
  std::ostringstream null_stream;
  std::ostream& log = settings.log ? *settings.log : null_stream;
  const fs::path directory = prepare_run_directory(config, settings);
  ProgressReporter progress(log, settings.live_progress, config.output.progress_seconds);

  const auto data_started = Clock::now();
  if (config.system_object == nullptr) {
    throw Error("run_pipeline: the pipeline was not validated (no system was built)");
  }
  const System* system = config.system_object.get();
  const TrajectoryDataset dataset = make_dataset(config, registry, *system);
  write_data_csv(directory / "data.csv", dataset);
  const double data_seconds = seconds_since(data_started);
  log << "data: " << dataset.train.size() << " train and " << dataset.test.size()
      << " test samples of " << config.system.plugin << " (" << format_duration(data_seconds) << ")"
      << std::endl;

  // Every model is built (with the checkpoint validation read) before any training.
  std::vector<ModelResult> results;
  results.reserve(config.models.size());
  for (const auto& model_config : config.models) {
    results.push_back(build_model(model_config, registry, log));
  }
  SymbolicStage symbolic_stage{config,   dataset,  *system,   registry,
                               settings, progress, directory, log};
  std::vector<ModelResult> symbolic_results;
  for (auto& result : results) {
    train_model(result, dataset, registry, settings, progress);
    save_model_checkpoint(result, directory);
    if (result.config->symbolic.enabled) {
      if (auto symbolic_result = symbolic_stage.run(result)) {
        save_model_checkpoint(*symbolic_result, directory);
        symbolic_results.push_back(std::move(*symbolic_result));
      }
    } else if (result.model->has_edge_activations()) {
      write_network_files(directory, result.config->name,
                          result.model->edge_activations(dataset.test.inputs),
                          system->coordinate_names(), nullptr);
    }
  }
  for (auto& symbolic_result : symbolic_results) results.push_back(std::move(symbolic_result));
  write_history_csv(directory / "history.csv", results);

  RunSummary summary;
  summary.pipeline = config.name;
  summary.system = config.system.plugin;
  summary.exact_hamiltonian = system->exact_hamiltonian();
  summary.data = {long(dataset.train.size()), long(dataset.test.size()), data_seconds};
  const bool evaluated = config.evaluation.enabled;
  if (evaluated) summary.truth = evaluate(config, registry, *system, results, directory, log);
  for (const auto& result : results) summary.models.push_back(model_summary(result, evaluated));
  write_run_summary(summary, directory / "summary.yaml");
  log << "results: " << (directory / "summary.yaml").string() << std::endl;
}

}  // namespace hnn
