// The objectives a model is trained on: the one the training settings choose (hnn,
// baseline or trajectory), and its minibatch form.
#include <algorithm>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "hnn/baseline_objective.h"
#include "hnn/error.h"
#include "hnn/hamiltonian_objective.h"
#include "hnn/random.h"
#include "pipeline_model.h"

namespace hnn::internal {

// Objective for one model and one split, as the training settings say.
std::unique_ptr<Objective> make_objective(Model& model, const TrainingSettings& settings,
                                          const Eigen::MatrixXd& inputs,
                                          const Eigen::MatrixXd& targets,
                                          const Eigen::VectorXd& times) {
  if (settings.objective == ObjectiveKind::kTrajectory) {
    throw Error("objective trajectory fits windows of trajectories, not single samples");
  }
  if (settings.objective == ObjectiveKind::kBaseline) {
    return std::make_unique<BaselineObjective>(model, inputs, targets, settings.l1,
                                               settings.l1_smoothing);
  }
  HamiltonianObjectiveOptions options;
  options.hamiltonian_output = int(settings.hamiltonian_output);
  options.conservative_output = int(settings.conservative_output);
  options.field_type = settings.field;
  options.l1 = settings.l1;
  options.l1_smoothing = settings.l1_smoothing;
  options.dissipation = settings.dissipation.options();
  return std::make_unique<HamiltonianObjective>(model, inputs, targets, times, options);
}

Eigen::VectorXd sample_times(const TrajectorySamples& samples) {
  if (Eigen::Index(samples.time.size()) != samples.size()) return {};
  return Eigen::Map<const Eigen::VectorXd>(samples.time.data(), samples.size());
}

TrajectoryObjectiveOptions trajectory_objective_options(const TrainingSettings& settings) {
  TrajectoryObjectiveOptions options;
  options.method = settings.trajectory.method;
  options.field = settings.trajectory.field;
  options.field_type = settings.field;
  options.hamiltonian_output = int(settings.hamiltonian_output);
  options.conservative_output = int(settings.conservative_output);
  options.l1 = settings.l1;
  options.l1_smoothing = settings.l1_smoothing;
  options.learn_initial_states = settings.trajectory.learn_initial_states;
  options.dissipation = settings.dissipation.options();
  return options;
}

TrajectoryWindows split_windows(const TrajectorySamples& samples, const TrainingSettings& settings,
                                const std::string& split) {
  if (samples.time.size() != std::size_t(samples.size()) ||
      samples.trajectory.size() != std::size_t(samples.size())) {
    throw Error("objective trajectory: the " + split +
                " samples carry no times or trajectory indices");
  }
  // Every trajectory's samples in this split, in time order.
  std::map<int, std::vector<std::pair<double, Eigen::Index>>> by_trajectory;
  for (Eigen::Index i = 0; i < samples.size(); ++i) {
    by_trajectory[samples.trajectory[std::size_t(i)]].push_back({samples.time[std::size_t(i)], i});
  }
  std::vector<Trajectory> trajectories;
  for (auto& [index, entries] : by_trajectory) {
    std::sort(entries.begin(), entries.end());
    Trajectory trajectory;
    trajectory.label = split + " trajectory " + std::to_string(index);
    trajectory.states.resize(samples.inputs.rows(), Eigen::Index(entries.size()));
    for (std::size_t j = 0; j < entries.size(); ++j) {
      trajectory.times.push_back(entries[j].first);
      trajectory.states.col(Eigen::Index(j)) = samples.inputs.col(entries[j].second);
    }
    trajectories.push_back(std::move(trajectory));
  }
  try {
    return cut_trajectory_windows(trajectories, settings.trajectory.window_options());
  } catch (const Error& error) {
    throw Error("objective trajectory: the " + split + " split: " + error.what());
  }
}

std::unique_ptr<Objective> make_objective(Model& model, const TrainingSettings& settings,
                                          const TrajectorySamples& samples,
                                          const std::string& split) {
  if (settings.objective == ObjectiveKind::kTrajectory) {
    return std::make_unique<TrajectoryObjective>(model, split_windows(samples, settings, split),
                                                 trajectory_objective_options(settings));
  }
  return make_objective(model, settings, samples.inputs, samples.targets, sample_times(samples));
}

std::unique_ptr<Objective> make_test_objective(Model& model, const TrainingSettings& settings,
                                               const TrajectorySamples& samples) {
  TrainingSettings without_initial_states = settings;
  without_initial_states.trajectory.learn_initial_states = false;
  return make_objective(model, without_initial_states, samples, "test");
}

Eigen::VectorXd objective_parameters(const ModelResult& result) {
  Eigen::VectorXd all(result.parameters.size() + result.dissipation.size() +
                      result.initial_states.size());
  all << result.parameters, result.dissipation, result.initial_states;
  return all;
}

void set_objective_parameters(ModelResult& result, const Eigen::VectorXd& all) {
  const Eigen::Index p = result.parameters.size();
  const Eigen::Index s = result.initial_states.size();
  result.parameters = all.head(p);
  result.dissipation = all.segment(p, all.size() - p - s);
  result.initial_states = all.tail(s);
}

namespace {

// The times of the first `batch` samples; empty when the samples carry none.
Eigen::VectorXd first_times(const TrajectorySamples& samples, Eigen::Index batch) {
  const Eigen::VectorXd all = sample_times(samples);
  return all.size() > 0 ? Eigen::VectorXd(all.head(batch)) : all;
}

// A fresh random subset of `batch` of `count` items at every draw: the first `batch`
// entries of a partial Fisher-Yates shuffle of the running order, from its own seeded
// stream. Allocates nothing per draw.
class MinibatchDraws : public Objective {
 public:
  MinibatchDraws(Eigen::Index count, std::uint64_t seed)
      : random_(seed), order_(std::size_t(count)) {
    for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = Eigen::Index(i);
  }
  long drawn() const { return drawn_; }
  void skip(long count) {
    for (long k = 0; k < count; ++k) draw();
  }

 protected:
  // Shuffles the next minibatch into order()[0 .. batch), then copies it (take).
  void draw() {
    ++drawn_;
    const Eigen::Index batch = batch_size();
    for (Eigen::Index i = 0; i < batch; ++i) {
      const auto remaining = double(order_.size() - std::size_t(i));
      const auto j = std::size_t(i) + std::min(std::size_t(random_.uniform() * remaining),
                                               std::size_t(remaining) - 1);
      std::swap(order_[std::size_t(i)], order_[j]);
      take(i, order_[std::size_t(i)]);
    }
  }
  virtual Eigen::Index batch_size() const = 0;
  // Item `item` becomes entry i of the minibatch.
  virtual void take(Eigen::Index i, Eigen::Index item) = 0;

 private:
  Mt19937Random random_;
  std::vector<Eigen::Index> order_;
  long drawn_ = 0;
};

// The objective on a fresh random subset of `batch` samples at every evaluation, as the
// original orbit tasks train (a new torch.randperm(N)[:batch] each step): meant for Adam,
// where one evaluation is one step.
class MinibatchObjective final : public MinibatchDraws {
 public:
  MinibatchObjective(Model& model, const TrainingSettings& settings,
                     const TrajectorySamples& samples, Eigen::Index batch, std::uint64_t seed)
      : MinibatchDraws(samples.size(), seed),
        samples_(samples),
        inputs_(samples.inputs.leftCols(batch)),
        targets_(samples.targets.leftCols(batch)),
        times_(first_times(samples, batch)),
        inner_(make_objective(model, settings, inputs_, targets_, times_)) {}
  int parameter_count() const override { return inner_->parameter_count(); }
  bool evaluate(const double* parameters, double* value, double* gradient) override {
    draw();
    if (auto* hnn = dynamic_cast<HamiltonianObjective*>(inner_.get())) {
      hnn->set_samples(inputs_, targets_, times_);
    } else {
      static_cast<BaselineObjective&>(*inner_).set_samples(inputs_, targets_);
    }
    return inner_->evaluate(parameters, value, gradient);
  }
  LossParts last_parts() const override { return inner_->last_parts(); }

 private:
  Eigen::Index batch_size() const override { return inputs_.cols(); }
  void take(Eigen::Index i, Eigen::Index item) override {
    inputs_.col(i) = samples_.inputs.col(item);
    targets_.col(i) = samples_.targets.col(item);
    if (times_.size() > 0) times_[i] = samples_.time[std::size_t(item)];
  }

  const TrajectorySamples& samples_;
  Eigen::MatrixXd inputs_, targets_;
  Eigen::VectorXd times_;
  std::unique_ptr<Objective> inner_;
};

// The first `batch` of `windows`: the shape of every minibatch.
TrajectoryWindows leading_windows(const TrajectoryWindows& windows, Eigen::Index batch) {
  TrajectoryWindows first;
  first.steps = windows.steps;
  first.initial_states = windows.initial_states.leftCols(batch);
  first.targets.resize(windows.state_dimension(), batch * windows.steps);
  for (int j = 1; j <= windows.steps; ++j) {
    first.targets.middleCols((j - 1) * batch, batch) = windows.step_targets(j).leftCols(batch);
  }
  first.time_steps = windows.time_steps.leftCols(batch);
  first.trajectory.assign(windows.trajectory.begin(), windows.trajectory.begin() + batch);
  first.first_sample.assign(windows.first_sample.begin(), windows.first_sample.begin() + batch);
  if (windows.start_times.size() > 0) first.start_times = windows.start_times.head(batch);
  return first;
}

// Objective trajectory on a fresh random subset of `batch` of the training windows at every
// evaluation (the windows' counterpart of MinibatchObjective): distinct windows, drawn anew
// each time, so there is no last partial batch. The windows are swapped in with
// TrajectoryObjective::set_windows (no allocation); learned initial states are refused
// (validation refuses them with batch_size).
// With learned initial states its parameters are those of the objective on all windows
// (the model's, the dissipation's, every window's state): each evaluation passes the
// minibatch's states to the objective on the minibatch and scatters their gradient back
// (the other windows' states get 0).
class TrajectoryMinibatchObjective final : public MinibatchDraws {
 public:
  TrajectoryMinibatchObjective(Model& model, const TrainingSettings& settings,
                               TrajectoryWindows windows, Eigen::Index batch, std::uint64_t seed)
      : MinibatchDraws(windows.count(), seed),
        all_(std::move(windows)),
        batch_(leading_windows(all_, batch)),
        inner_(model, batch_, trajectory_objective_options(settings)),
        learned_states_(settings.trajectory.learn_initial_states),
        selected_(std::size_t(batch_.count()), 0) {
    if (learned_states_) {
      inner_parameters_.resize(inner_.parameter_count());
      inner_gradient_.resize(inner_.parameter_count());
    }
  }
  int parameter_count() const override {
    if (!learned_states_) return inner_.parameter_count();
    return inner_.initial_state_offset() + int(all_.initial_states.size());
  }
  bool evaluate(const double* parameters, double* value, double* gradient) override {
    draw();
    inner_.set_windows(batch_);
    if (!learned_states_) return inner_.evaluate(parameters, value, gradient);
    const Eigen::Index offset = inner_.initial_state_offset();
    const Eigen::Index d = all_.state_dimension();
    inner_parameters_.head(offset) = Eigen::Map<const Eigen::VectorXd>(parameters, offset);
    for (std::size_t i = 0; i < selected_.size(); ++i) {
      inner_parameters_.segment(offset + Eigen::Index(i) * d, d) =
          Eigen::Map<const Eigen::VectorXd>(parameters + offset + selected_[i] * d, d);
    }
    const bool finite = inner_.evaluate(inner_parameters_.data(), value,
                                        gradient != nullptr ? inner_gradient_.data() : nullptr);
    if (gradient == nullptr) return finite;
    Eigen::Map<Eigen::VectorXd> all_gradient(gradient, parameter_count());
    all_gradient.setZero();
    all_gradient.head(offset) = inner_gradient_.head(offset);
    for (std::size_t i = 0; i < selected_.size(); ++i) {
      all_gradient.segment(offset + selected_[i] * d, d) =
          inner_gradient_.segment(offset + Eigen::Index(i) * d, d);
    }
    return finite;
  }
  LossParts last_parts() const override { return inner_.last_parts(); }

 private:
  Eigen::Index batch_size() const override { return batch_.count(); }
  void take(Eigen::Index i, Eigen::Index item) override {
    const Eigen::Index batch = batch_.count(), count = all_.count();
    selected_[std::size_t(i)] = item;
    batch_.initial_states.col(i) = all_.initial_states.col(item);
    for (Eigen::Index j = 0; j < all_.steps; ++j) {
      batch_.targets.col(j * batch + i) = all_.targets.col(j * count + item);
    }
    batch_.time_steps.col(i) = all_.time_steps.col(item);
    if (batch_.start_times.size() > 0) batch_.start_times[i] = all_.start_times[item];
  }

  TrajectoryWindows all_, batch_;
  TrajectoryObjective inner_;
  bool learned_states_;
  std::vector<Eigen::Index> selected_;  // the minibatch's windows among all_
  Eigen::VectorXd inner_parameters_, inner_gradient_;
};

}  // namespace

std::unique_ptr<Objective> make_minibatch_objective(Model& model, const TrainingSettings& settings,
                                                    const TrajectorySamples& samples,
                                                    Eigen::Index batch, std::uint64_t seed) {
  if (settings.objective == ObjectiveKind::kTrajectory) {
    return std::make_unique<TrajectoryMinibatchObjective>(
        model, settings, split_windows(samples, settings, "training"), batch, seed);
  }
  return std::make_unique<MinibatchObjective>(model, settings, samples, batch, seed);
}

long minibatches_drawn(const Objective& minibatch_objective) {
  return static_cast<const MinibatchDraws&>(minibatch_objective).drawn();
}

void skip_minibatches(Objective& minibatch_objective, long count) {
  static_cast<MinibatchDraws&>(minibatch_objective).skip(count);
}

}  // namespace hnn::internal
