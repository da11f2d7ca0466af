#include "hnn/pipeline_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <memory>
#include <optional>
#include <sstream>

#include "hnn/atomic_file.h"
#include "hnn/baseline_objective.h"
#include "hnn/checkpoint.h"
#include "hnn/error.h"
#include "hnn/hamiltonian_objective.h"
#include "hnn/internal/objective_terms.h"
#include "hnn/progress.h"
#include "hnn/random.h"
#include "hnn/symbolic/formula.h"
#include "hnn/symbolic/network_file.h"
#include "hnn/symbolic/network_fit.h"
#include "hnn/symbolic/network_model.h"
#include "hnn/trajectory_dataset.h"

namespace hnn {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string real(double value) { return format_option_value(value); }

std::vector<double> linspace(double start, double end, long points) {
  std::vector<double> values(static_cast<std::size_t>(points));
  const double step = (end - start) / double(points - 1);
  for (long i = 0; i < points; ++i) values[std::size_t(i)] = start + double(i) * step;
  values.back() = end;
  return values;
}

struct HistoryRow {
  long epoch;
  long stage;                        // 1-based; 0 for the row before training
  std::optional<double> train_loss;  // absent on epochs not recorded (minibatch training)
  std::optional<double> test_loss;
  double penalty;
  double seconds;
};

struct TrajectoryErrors {
  double mean = 0, max = 0, final = 0;
};

struct StageResult {
  std::string optimizer;
  bool update_grid = false;
  OptimizationSummary summary;
};

struct ModelResult {
  const ModelConfig* config = nullptr;
  Options options;  // the model's resolved options, sizes filled in
  std::shared_ptr<Model> model;
  Eigen::VectorXd parameters;
  std::string objective;
  long epochs_before = 0;   // from the checkpoint
  long epochs_trained = 0;  // in this run, over all stages
  std::vector<StageResult> stages;
  bool trained = false;
  double final_train_loss = 0, final_test_loss = 0, final_penalty = 0;
  double training_seconds = 0, evaluation_seconds = 0;
  std::vector<HistoryRow> history;
  Eigen::MatrixXd rollout;
  std::vector<double> energy;
  std::vector<double> learned_hamiltonian;
  TrajectoryErrors versus_truth, versus_reference;
  double energy_drift_max = 0;
  std::string rollout_error;
  std::vector<double> trial_energy_errors;  // per energy trial; NaN when the rollout failed
  std::string symbolic_summary;             // the `symbolic:` block of summary.yaml, "" when none
};

// Objective for one model and one split, as the training settings say.
std::unique_ptr<Objective> make_objective(Model& model, const Options& settings,
                                          const Eigen::MatrixXd& inputs,
                                          const Eigen::MatrixXd& targets) {
  if (settings.string("objective") == "baseline") {
    return std::make_unique<BaselineObjective>(model, inputs, targets, settings.real("l1"));
  }
  HamiltonianObjectiveOptions options;
  options.hamiltonian_output = int(settings.integer("hamiltonian_output"));
  options.conservative_output = int(settings.integer("conservative_output"));
  options.field_type = field_type_from_string(settings.string("field"));
  options.l1 = settings.real("l1");
  options.l1_smoothing = settings.real("l1_smoothing");
  return std::make_unique<HamiltonianObjective>(model, inputs, targets, options);
}

std::unique_ptr<Objective> make_objective(Model& model, const Options& settings,
                                          const TrajectorySamples& samples) {
  return make_objective(model, settings, samples.inputs, samples.targets);
}

// The objective on a fresh random subset of `batch` samples at every evaluation, as the
// original orbit tasks train (a new torch.randperm(N)[:batch] each step): meant for Adam,
// where one evaluation is one step. Draws from its own seeded stream; allocates nothing per
// evaluation.
class MinibatchObjective final : public Objective {
 public:
  MinibatchObjective(Model& model, const Options& settings, const TrajectorySamples& samples,
                     Eigen::Index batch, std::uint64_t seed)
      : samples_(samples),
        random_(seed),
        order_(std::size_t(samples.size())),
        inputs_(samples.inputs.leftCols(batch)),
        targets_(samples.targets.leftCols(batch)),
        inner_(make_objective(model, settings, inputs_, targets_)) {
    for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = Eigen::Index(i);
  }
  int parameter_count() const override { return inner_->parameter_count(); }
  bool evaluate(const double* parameters, double* value, double* gradient) override {
    // The first `batch` entries of a fresh partial Fisher-Yates shuffle.
    const Eigen::Index batch = inputs_.cols();
    for (Eigen::Index i = 0; i < batch; ++i) {
      const auto remaining = double(order_.size() - std::size_t(i));
      const auto j = std::size_t(i) + std::min(std::size_t(random_.uniform() * remaining),
                                               std::size_t(remaining) - 1);
      std::swap(order_[std::size_t(i)], order_[j]);
      inputs_.col(i) = samples_.inputs.col(order_[std::size_t(i)]);
      targets_.col(i) = samples_.targets.col(order_[std::size_t(i)]);
    }
    if (auto* hnn = dynamic_cast<HamiltonianObjective*>(inner_.get())) {
      hnn->set_samples(inputs_, targets_);
    } else {
      static_cast<BaselineObjective&>(*inner_).set_samples(inputs_, targets_);
    }
    return inner_->evaluate(parameters, value, gradient);
  }
  LossParts last_parts() const override { return inner_->last_parts(); }

 private:
  const TrajectorySamples& samples_;
  Mt19937Random random_;
  std::vector<Eigen::Index> order_;
  Eigen::MatrixXd inputs_, targets_;
  std::unique_ptr<Objective> inner_;
};

// The model's options with the host-filled sizes: `inputs` (0 = the state dimension) and
// `outputs` (0 = what the objective needs).
Options model_options(const ModelConfig& config, const PluginInfo& info, int state_dimension) {
  Options options = config.model.options;
  const Options& training = config.training.settings;
  if (info.schema.find("inputs") && options.integer("inputs") == 0) {
    options.set("inputs", std::int64_t(state_dimension));
  }
  if (info.schema.find("outputs") && options.integer("outputs") == 0) {
    std::int64_t outputs = state_dimension;
    if (training.string("objective") == "hnn") {
      outputs = std::max<std::int64_t>(2, std::max(training.integer("hamiltonian_output"),
                                                   training.integer("conservative_output")) +
                                              1);
    }
    options.set("outputs", outputs);
  }
  return options;
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

std::string yaml_errors(const TrajectoryErrors& errors) {
  return "{mean: " + real(errors.mean) + ", max: " + real(errors.max) +
         ", final: " + real(errors.final) + "}";
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

std::unique_ptr<RandomSource> make_random_source(const Options& data) {
  const auto seed = data.integer("seed");
  if (data.string("rng") == "numpy")
    return std::make_unique<NumpyLegacyRandom>(std::uint32_t(seed));
  return std::make_unique<Mt19937Random>(std::uint64_t(seed));
}

TrajectoryDataset make_dataset(const PipelineConfig& config, const Registry& registry,
                               const System& system) {
  const auto integrator =
      registry.create_integrator(config.data_integrator.plugin, config.data_integrator.options);
  const Options& data = config.data;
  TrajectoryDatasetOptions options;
  options.trajectories = int(data.integer("trajectories"));
  options.time_span = {data.reals("time_span")[0], data.reals("time_span")[1]};
  options.points = int(data.integer("points"));
  options.noise_std = data.real("noise_std");
  options.train_fraction = data.real("train_fraction");
  options.test_first = data.string("split") == "test_first";
  options.draw_zero_noise = data.boolean("draw_zero_noise");
  const auto random = make_random_source(data);
  return generate_trajectory_dataset(system, *integrator, *random, options);
}

// Builds a model (and loads its checkpoint) and checks what the pipeline asks of it.
ModelResult build_model(const ModelConfig& model_config, const PipelineConfig& config,
                        const Registry& registry, int state_dimension, std::ostream& log) {
  ModelResult result;
  result.config = &model_config;
  const PluginInfo* info = registry.find(PluginKind::kModel, model_config.model.plugin);
  if (info == nullptr) throw PluginError("no model plugin '" + model_config.model.plugin + "'");
  result.options = model_options(model_config, *info, state_dimension);
  result.model = registry.create_model(model_config.model.plugin, result.options);
  Model& model = *result.model;
  result.objective = model_config.training.settings.string("objective");
  result.parameters.resize(model.parameter_count());
  model.get_parameters(result.parameters);
  if (!model_config.checkpoint.empty()) {
    const Checkpoint checkpoint =
        load_checkpoint(model_config.checkpoint, model_config.model.plugin, result.options);
    if (checkpoint.parameters.size() != model.parameter_count()) {
      throw ConfigError(model_config.checkpoint + ": error: parameters: expected " +
                        std::to_string(model.parameter_count()) + " values for " + model.name() +
                        ", found " + std::to_string(checkpoint.parameters.size()));
    }
    model.set_auxiliary_state(checkpoint.auxiliary_state);
    result.parameters = checkpoint.parameters;
    model.set_parameters(result.parameters);
    result.epochs_before = checkpoint.epochs;
    log << model_config.name << ": loaded " << model_config.checkpoint << " (" << checkpoint.epochs
        << " epochs)" << std::endl;
  }
  if (model_config.symbolic.enabled && !model.has_edge_activations()) {
    throw ConfigError(config.file.string() + ": error: models." + model_config.name +
                      ".symbolic: expected an edge network whose edges can be fitted with "
                      "formulas (e.g. kan), found " +
                      model.name());
  }
  const auto& stages = model_config.training.stages;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    if (stages[i].update_grid && !model.has_grid_update()) {
      throw ConfigError(config.file.string() + ": error: models." + model_config.name +
                        ".training.stages[" + std::to_string(i) +
                        "].update_grid: expected a model with a grid (e.g. kan), found " +
                        model.name());
    }
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
  const Options& training = model_config.training.settings;
  auto train_objective = make_objective(model, training, dataset.train);
  auto test_objective = make_objective(model, training, dataset.test);
  const double l1 = training.real("l1");
  // What the optimizer minimises: the whole training set, or a fresh minibatch per
  // evaluation. Losses are always recorded on the whole sets.
  const Eigen::Index batch = training.integer("batch_size");
  const bool minibatches = batch > 0 && batch < dataset.train.size();
  std::unique_ptr<Objective> minibatch_objective;
  if (minibatches) {
    minibatch_objective = std::make_unique<MinibatchObjective>(
        model, training, dataset.train, batch, std::uint64_t(training.integer("batch_seed")));
  }
  Objective& optimized = minibatches ? *minibatch_objective : *train_objective;

  const auto training_started = Clock::now();
  if (training.boolean("enabled")) {
    const long test_every = training.integer("test_every");
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
            internal::add_l1_penalty(l1, *state.parameters, nullptr, training.real("l1_smoothing"));
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
  const Options& training = result.config->training.settings;
  const bool hnn = result.objective == "hnn";
  const int h_output = int(training.integer("hamiltonian_output"));
  const int c_output = int(training.integer("conservative_output"));
  const std::string field_type = training.string("field");
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
    if (field_type != "conservative") {
      model.input_gradient(h_output, *gradient);
      apply_symplectic_matrix(*gradient, *field);
      dxdt += field->col(0);
    }
    if (field_type != "solenoidal") {
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
    if (result.objective == "hnn") {
      const int h_output = int(result.config->training.settings.integer("hamiltonian_output"));
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
void run_energy_trials(const Options& evaluation, const System& system,
                       const Integrator& integrator, std::vector<ModelResult>& results) {
  const long trials = evaluation.integer("energy_trials");
  const auto& span = evaluation.reals("trial_time_span");
  const std::vector<double> times =
      linspace(span[0], span[1], long(evaluation.integer("trial_points")));
  const auto seed = std::uint32_t(evaluation.integer("trial_seed"));
  const bool box = evaluation.string("trial_initial_states") == "box";
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
std::string yaml_energy_trials(const std::vector<double>& errors) {
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
  return "{trials: " + std::to_string(n) + ", mean: " + real(mean) + ", error: " + real(spread) +
         "}";
}

// Rolls out the truth, the reference and every model, writes trajectories.csv and returns
// the summary's `truth:` line.
std::string evaluate(const PipelineConfig& config, const Registry& registry, const System& system,
                     std::vector<ModelResult>& results, const fs::path& directory,
                     std::ostream& log) {
  const int d = system.state_dimension();
  const auto& initial = config.evaluation.reals("initial_state");
  if (int(initial.size()) != d) {
    throw ConfigError(config.file.string() + ": error: evaluation.initial_state: expected " +
                      std::to_string(d) + " values for " + config.system.plugin + ", found " +
                      std::to_string(initial.size()));
  }
  const Eigen::VectorXd x0 = Eigen::Map<const Eigen::VectorXd>(initial.data(), d);
  const auto& span = config.evaluation.reals("time_span");
  const std::vector<double> times =
      linspace(span[0], span[1], long(config.evaluation.integer("points")));
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
  if (config.evaluation.integer("energy_trials") > 0) {
    run_energy_trials(config.evaluation, system, *integrator, results);
  }
  write_trajectories_csv(directory / "trajectories.csv", system.coordinate_names(), times, truth,
                         truth_energy, reference, reference_energy, results);
  std::ostringstream line;
  line << "truth: {integrator: " << format_option_value(config.evaluation_integrator.plugin)
       << ", energy_drift_max: " << real(max_drift(truth_energy))
       << ", reference_integrator: " << format_option_value(config.reference_integrator.plugin)
       << ", reference_energy_drift_max: " << real(max_drift(reference_energy))
       << ", truth_vs_reference_mse: " << yaml_errors(compare(truth, reference)) << "}\n";
  return line.str();
}

void write_model_summary(std::ostream& summary, const ModelResult& result, bool evaluated) {
  const ModelConfig& m = *result.config;
  summary << "  " << m.name << ":\n";
  summary << "    plugin: " << format_option_value(m.model.plugin) << "\n";
  summary << "    description: " << format_option_value(result.model->name()) << "\n";
  summary << "    parameters: " << result.model->parameter_count() << "\n";
  summary << "    objective: " << format_option_value(result.objective) << "\n";
  summary << "    trained: " << (result.trained ? "true" : "false") << "\n";
  summary << "    epochs: " << result.epochs_trained << "\n";
  summary << "    total_epochs: " << result.epochs_before + result.epochs_trained << "\n";
  if (result.trained) {
    const OptimizationSummary& last = result.stages.back().summary;
    summary << "    termination: " << format_option_value(to_string(last.termination)) << "\n";
    summary << "    optimizer: " << format_option_value(result.stages.back().optimizer) << "\n";
    summary << "    optimizer_message: " << format_option_value(last.message) << "\n";
    summary << "    stages:\n";
    for (const auto& stage : result.stages) {
      summary << "      - {optimizer: " << format_option_value(stage.optimizer)
              << ", update_grid: " << (stage.update_grid ? "true" : "false")
              << ", epochs: " << stage.summary.epochs
              << ", termination: " << format_option_value(to_string(stage.summary.termination))
              << ", objective_evaluations: " << stage.summary.objective_evaluations
              << ", message: " << format_option_value(stage.summary.message) << "}\n";
    }
  }
  summary << "    final_train_loss: " << real(result.final_train_loss) << "\n";
  summary << "    final_test_loss: " << real(result.final_test_loss) << "\n";
  summary << "    final_penalty: " << real(result.final_penalty) << "\n";
  summary << "    training_seconds: " << real(result.training_seconds) << "\n";
  if (evaluated) {
    if (result.rollout_error.empty()) {
      summary << "    trajectory_mse: " << yaml_errors(result.versus_truth) << "\n";
      summary << "    trajectory_mse_vs_reference: " << yaml_errors(result.versus_reference)
              << "\n";
      summary << "    energy_drift_max: " << real(result.energy_drift_max) << "\n";
      if (!result.trial_energy_errors.empty()) {
        summary << "    energy_trials: " << yaml_energy_trials(result.trial_energy_errors) << "\n";
      }
    } else {
      summary << "    rollout_error: " << format_option_value(result.rollout_error) << "\n";
    }
    summary << "    evaluation_seconds: " << real(result.evaluation_seconds) << "\n";
  }
  summary << "    checkpoint: " << format_option_value("checkpoints/" + m.name + ".yaml") << "\n";
  summary << result.symbolic_summary;
}

// ---------------------------------------------------------------------------------------
// Symbolic stage (kan.md §6): fit formulas to the edges of a trained edge network.

// The inputs whose activations are fitted: the train or test inputs, or both.
Eigen::MatrixXd symbolic_samples(const std::string& which, const TrajectoryDataset& dataset) {
  if (which == "train") return dataset.train.inputs;
  if (which == "test") return dataset.test.inputs;
  Eigen::MatrixXd all(dataset.train.inputs.rows(),
                      dataset.train.inputs.cols() + dataset.test.inputs.cols());
  all << dataset.train.inputs, dataset.test.inputs;
  return all;
}

std::vector<std::string> output_names(int count) {
  std::vector<std::string> names;
  for (int o = 0; o < count; ++o) {
    std::string name = std::to_string(o + 1);
    name.insert(name.begin(), 'F');
    names.push_back(std::move(name));
  }
  return names;
}

// network/<m>.yaml and network/<m>.csv: the edges of an edge network for the report's
// diagram (strength, chosen function, samples of every activation sorted by x).
void write_network_files(const fs::path& directory, const std::string& model_name,
                         const EdgeActivations& activations,
                         const std::vector<std::string>& input_names,
                         const std::vector<symbolic::EdgeFitReport>* reports) {
  std::ostringstream yaml, csv;
  const std::vector<int> width = activations.width();
  yaml << "# The edges of edge network '" << model_name << "' (for the KAN diagram).\n";
  yaml << "model: " << format_option_value(model_name) << "\n";
  yaml << "width: " << format_option_value(std::vector<std::int64_t>(width.begin(), width.end()))
       << "\n";
  yaml << "input_names: " << format_option_value(input_names) << "\n";
  yaml << "output_names: " << format_option_value(output_names(width.back())) << "\n";
  yaml << "edges:\n";
  csv << "layer,input,output,x,y\n";
  std::size_t r = 0;
  for (std::size_t l = 0; l < activations.layers.size(); ++l) {
    const EdgeLayerActivations& layer = activations.layers[l];
    for (int j = 0; j < layer.outputs; ++j) {
      for (int i = 0; i < layer.inputs; ++i) {
        const int e = layer.edge_index(i, j);
        std::string function;
        double r2 = 0;
        bool pruned = false;
        if (reports != nullptr) {
          const symbolic::EdgeFitReport& report = (*reports)[r++];
          pruned = report.choice == symbolic::EdgeFitReport::Choice::kPruned;
          if (!pruned) {
            function = report.fit.function;
            r2 = report.fit.r2;
          }
        }
        yaml << "  - {layer: " << l << ", input: " << i << ", output: " << j
             << ", scale: " << real(layer.scale[e])
             << ", function: " << format_option_value(function) << ", r2: " << real(r2)
             << ", pruned: " << (pruned ? "true" : "false") << "}\n";
        std::vector<std::pair<double, double>> points;
        for (Eigen::Index n = 0; n < layer.node_values.rows(); ++n) {
          points.emplace_back(layer.node_values(n, i), layer.edge_values(n, e));
        }
        std::sort(points.begin(), points.end());
        for (const auto& [x, y] : points) {
          csv << l << ',' << i << ',' << j << ',' << real(x) << ',' << real(y) << '\n';
        }
      }
    }
  }
  fs::create_directories(directory / "network");
  write_file_atomically(directory / "network" / (model_name + ".csv"), csv.str());
  write_file_atomically(directory / "network" / (model_name + ".yaml"), yaml.str());
}

// max_n |f_model(x_n) - f_true(x_n)| / max_n |f_true(x_n)| over the columns of `inputs`,
// with f = J grad(output h) of the model and of the system.
double field_relative_error(Model& model, int hamiltonian_output, const System& system,
                            const Eigen::MatrixXd& inputs) {
  const Eigen::Index n = inputs.cols();
  Eigen::MatrixXd gradient(inputs.rows(), n), field(inputs.rows(), n);
  model.forward(inputs);
  model.input_gradient(hamiltonian_output, gradient);
  apply_symplectic_matrix(gradient, field);
  double largest_difference = 0, largest_true = 0;
  Eigen::VectorXd truth(inputs.rows());
  for (Eigen::Index k = 0; k < n; ++k) {
    hamiltonian_field(system, inputs.col(k), truth);
    largest_true = std::max(largest_true, truth.norm());
    largest_difference = std::max(largest_difference, (field.col(k) - truth).norm());
  }
  return largest_true > 0 ? largest_difference / largest_true : largest_difference;
}

struct SymbolicStage {
  std::deque<ModelConfig>& configs;  // owns the configs of the <m>_symbolic models
  const PipelineConfig& config;
  const TrajectoryDataset& dataset;
  const System& system;
  const Registry& registry;
  const RunSettings& settings;
  ProgressReporter& progress;
  const fs::path& directory;
  std::ostream& log;

  // Fits, composes, verifies and writes the symbolic network of `result`; returns the
  // <m>_symbolic model to evaluate (no model when the section says evaluate: false).
  std::optional<ModelResult> run(ModelResult& result) {
    const ModelConfig& model_config = *result.config;
    const Options& symbolic_settings = model_config.symbolic.settings;
    const Options& training = model_config.training.settings;
    Model& model = *result.model;
    const auto started = Clock::now();
    const std::vector<std::string> names = system.coordinate_names();

    // 1. The activations of one forward pass over the chosen samples.
    model.set_parameters(result.parameters);
    const EdgeActivations activations =
        model.edge_activations(symbolic_samples(symbolic_settings.string("samples"), dataset));

    // 2. Fit every edge.
    symbolic::NetworkFitOptions fit_options;
    for (const auto& edge : model_config.symbolic.edges) {
      fit_options.manual.push_back({edge.layer, edge.input, edge.output, edge.function});
    }
    fit_options.automatic = symbolic_settings.boolean("auto");
    fit_options.candidates = symbolic_settings.strings("functions");
    fit_options.prune_threshold = symbolic_settings.real("prune_threshold");
    fit_options.suggestion.top_k = std::size_t(symbolic_settings.integer("top_k"));
    fit_options.suggestion.tie_tolerance = symbolic_settings.real("tie_tolerance");
    symbolic::AffineFitOptions& affine = fit_options.suggestion.fit;
    affine.a_min = symbolic_settings.reals("a_range")[0];
    affine.a_max = symbolic_settings.reals("a_range")[1];
    affine.b_min = symbolic_settings.reals("b_range")[0];
    affine.b_max = symbolic_settings.reals("b_range")[1];
    affine.grid_points = int(symbolic_settings.integer("grid_points"));
    affine.iterations = int(symbolic_settings.integer("iterations"));
    affine.boundary = symbolic_settings.string("boundary_rule") == "keep"
                          ? symbolic::BoundaryRule::kLegacyKeepRanges
                          : symbolic::BoundaryRule::kShrinkToBoundaryCell;
    const symbolic::SymbolicFunctionLibrary& library = registry.symbolic_functions();
    symbolic::NetworkFit fit;
    try {
      fit = symbolic::fit_symbolic_network(activations, library, fit_options);
    } catch (const Error& error) {
      throw ConfigError(config.file.string() + ": error: models." + model_config.name +
                        ".symbolic: " + error.what());
    }
    write_network_files(directory, model_config.name, activations, names, &fit.edges);

    // 3. The symbolic network as a model: refined when asked, always given its losses.
    configs.push_back(ModelConfig{});
    ModelConfig& symbolic_config = configs.back();
    symbolic_config.name = model_config.name + "_symbolic";
    symbolic_config.model.kind = PluginKind::kModel;
    symbolic_config.model.plugin = "symbolic";
    const fs::path file = directory / "symbolic" / (model_config.name + ".yaml");
    symbolic_config.model.options.set("file", fs::absolute(file).string());
    symbolic_config.model.options.set("digits", std::int64_t(-1));
    symbolic_config.training.settings = training;
    symbolic_config.training.settings.set("l1", 0.0);
    symbolic_config.training.settings.set("batch_size", std::int64_t(0));
    symbolic_config.training.settings.set("update_grid", false);
    symbolic_config.training.settings.set("enabled", !model_config.symbolic.refine.empty());
    symbolic_config.training.stages = model_config.symbolic.refine;
    if (symbolic_config.training.stages.empty()) {
      symbolic_config.training.stages.push_back(model_config.training.stages.front());
    }

    ModelResult symbolic_result;
    symbolic_result.config = &symbolic_config;
    symbolic_result.options = symbolic_config.model.options;
    auto network = std::make_shared<symbolic::SymbolicNetworkModel>(fit.layers, names, library);
    symbolic_result.model = network;
    symbolic_result.objective = result.objective;
    symbolic_result.parameters.resize(network->parameter_count());
    network->get_parameters(symbolic_result.parameters);
    const bool hnn = result.objective == "hnn";
    double loss_before = std::nan("");
    if (hnn) {
      auto objective = make_objective(*network, symbolic_config.training.settings, dataset.train);
      loss_before = loss_at(*objective, symbolic_result.parameters).first;
    }
    const int h = int(training.integer("hamiltonian_output"));
    const bool verified = hnn && training.string("field") != "conservative";
    const Eigen::MatrixXd all = symbolic_samples("all", dataset);
    const double fit_error =
        verified ? field_relative_error(*network, h, system, all) : std::nan("");
    train_model(symbolic_result, dataset, registry, settings, progress);
    const std::vector<symbolic::SymbolicLayer> layers = network->layers();

    // 4. Compose and write symbolic.yaml.
    const int digits = int(symbolic_settings.integer("digits"));
    const symbolic::SymbolicFormula formula(layers, names, library);
    symbolic::SymbolicNetworkFile network_file{
        model_config.name, names,    output_names(model.output_dimension()), layers,
        library,           fit.edges};
    fs::create_directories(directory / "symbolic");
    symbolic::save_symbolic_network(file, network_file, digits);

    // 5. Verify the recovered field against the system's on all the data.
    double error = std::nan(""), rounded_error = std::nan("");
    auto rounded = std::make_shared<symbolic::SymbolicNetworkModel>(layers, names, library, digits);
    if (verified) {
      error = field_relative_error(*network, h, system, all);
      rounded_error = field_relative_error(*rounded, h, system, all);
    }
    const double tolerance = symbolic_settings.real("field_tolerance");

    // 6. The summary block and the log.
    std::ostringstream out;
    out << "    symbolic:\n";
    out << "      samples: " << format_option_value(symbolic_settings.string("samples")) << "\n";
    out << "      file: " << format_option_value("symbolic/" + model_config.name + ".yaml") << "\n";
    out << "      edges:\n";
    int pruned = 0;
    for (const auto& edge : fit.edges) {
      out << "        - {layer: " << edge.layer << ", input: " << edge.input
          << ", output: " << edge.output
          << ", choice: " << format_option_value(symbolic::to_string(edge.choice))
          << ", scale: " << real(edge.scale);
      if (edge.choice == symbolic::EdgeFitReport::Choice::kPruned) {
        ++pruned;
        if (!edge.assigned.empty()) out << ", assigned: " << format_option_value(edge.assigned);
      } else {
        out << ", function: " << format_option_value(edge.fit.function)
            << ", r2: " << real(edge.fit.r2) << ", a: " << real(edge.fit.a)
            << ", b: " << real(edge.fit.b) << ", c: " << real(edge.fit.c)
            << ", d: " << real(edge.fit.d);
        if (edge.fit.best_at_boundary) out << ", best_at_boundary: true";
        if (!edge.suggestions.empty()) {
          out << ", suggestions: [";
          for (std::size_t k = 0; k < edge.suggestions.size(); ++k) {
            out << (k ? ", " : "")
                << "{function: " << format_option_value(edge.suggestions[k].function)
                << ", r2: " << real(edge.suggestions[k].r2) << "}";
          }
          out << "]";
        }
      }
      out << "}\n";
    }
    out << "      pruned_edges: " << pruned << "\n";
    if (symbolic_result.trained) {
      out << "      refinement: {optimizer: "
          << format_option_value(symbolic_result.stages.back().optimizer)
          << ", epochs: " << symbolic_result.epochs_trained << ", termination: "
          << format_option_value(to_string(symbolic_result.stages.back().summary.termination))
          << ", train_loss_before: " << real(loss_before)
          << ", train_loss_after: " << real(symbolic_result.final_train_loss) << "}\n";
    }
    out << "      hamiltonian_output: "
        << format_option_value(output_names(model.output_dimension())[std::size_t(h)]) << "\n";
    out << "      formulas:\n";
    for (std::size_t o = 0; o < formula.output_count(); ++o) {
      out << "        - {output: "
          << format_option_value(output_names(int(formula.output_count()))[o])
          << ", text: " << format_option_value(formula.text(o, digits)) << ", text_full: "
          << format_option_value(formula.text(o, symbolic::SymbolicFormula::kFull))
          << ", latex: " << format_option_value(formula.latex(o, digits)) << "}\n";
    }
    if (verified) {
      out << "      verification: {samples: " << all.cols()
          << ", field_relative_error: " << real(error)
          << ", field_relative_error_before_refinement: " << real(fit_error)
          << ", field_relative_error_rounded: " << real(rounded_error)
          << ", tolerance: " << real(tolerance)
          << ", exact: " << (error <= tolerance ? "true" : "false")
          << ", exact_rounded: " << (rounded_error <= tolerance ? "true" : "false") << "}\n";
    }
    out << "      seconds: " << real(seconds_since(started)) << "\n";
    result.symbolic_summary = out.str();
    log << model_config.name << ": symbolic "
        << output_names(model.output_dimension())[std::size_t(h)] << " = "
        << formula.text(std::size_t(h), digits);
    if (verified) {
      log << " (field error " << format_option_value(error) << " relative, "
          << (error <= tolerance ? "exact" : "not exact") << " to " << real(tolerance) << ")";
    }
    log << std::endl;

    if (!symbolic_settings.boolean("evaluate")) return std::nullopt;
    if (symbolic_settings.string("rollout") == "rounded") {
      symbolic_config.model.options.set("digits", std::int64_t(digits));
      symbolic_result.options = symbolic_config.model.options;
      symbolic_result.model = rounded;
      symbolic_result.parameters.resize(0);
    }
    return symbolic_result;
  }
};

}  // namespace

fs::path run_directory(const PipelineConfig& config, const RunSettings& settings) {
  if (!settings.output_directory.empty()) return settings.output_directory;
  const std::string& configured = config.output.string("directory");
  if (!configured.empty()) return configured;
  return fs::path("runs") / config.name;
}

void run_pipeline(const PipelineConfig& config, const Registry& registry,
                  const RunSettings& settings) {
  std::ostringstream null_stream;
  std::ostream& log = settings.log ? *settings.log : null_stream;
  const fs::path directory = prepare_run_directory(config, settings);
  ProgressReporter progress(log, settings.live_progress, config.output.real("progress_seconds"));

  const auto data_started = Clock::now();
  const auto system = registry.create_system(config.system.plugin, config.system.options);
  const TrajectoryDataset dataset = make_dataset(config, registry, *system);
  write_data_csv(directory / "data.csv", dataset);
  const double data_seconds = seconds_since(data_started);
  log << "data: " << dataset.train.size() << " train and " << dataset.test.size()
      << " test samples of " << config.system.plugin << " (" << format_duration(data_seconds) << ")"
      << std::endl;

  // Every model is built (and its checkpoint loaded) before any training, so that a
  // mismatch is reported before hours of work.
  std::vector<ModelResult> results;
  results.reserve(config.models.size());
  for (const auto& model_config : config.models) {
    results.push_back(build_model(model_config, config, registry, system->state_dimension(), log));
  }
  std::deque<ModelConfig> symbolic_configs;
  SymbolicStage symbolic_stage{symbolic_configs, config,   dataset,   *system, registry,
                               settings,         progress, directory, log};
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

  std::ostringstream summary;
  summary << "# Summary of the run: per model, training and rollout metrics.\n";
  summary << "pipeline: " << format_option_value(config.name) << "\n";
  summary << "system: " << format_option_value(config.system.plugin) << "\n";
  summary << "exact_hamiltonian: " << format_option_value(system->exact_hamiltonian()) << "\n";
  summary << "data: {train_samples: " << dataset.train.size()
          << ", test_samples: " << dataset.test.size() << ", seconds: " << real(data_seconds)
          << "}\n";
  const bool evaluated = config.evaluation.boolean("enabled");
  if (evaluated) summary << evaluate(config, registry, *system, results, directory, log);
  summary << "models:\n";
  for (const auto& result : results) write_model_summary(summary, result, evaluated);
  write_file_atomically(directory / "summary.yaml", summary.str());
  log << "results: " << (directory / "summary.yaml").string() << std::endl;
}

}  // namespace hnn
