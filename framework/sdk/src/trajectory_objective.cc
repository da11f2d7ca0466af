#include "hnn/trajectory_objective.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <utility>

#include "hnn/error.h"
#include "hnn/internal/objective_terms.h"
#include "trajectory_columns.h"
#include "trajectory_dissipation.h"

namespace hnn {

std::string to_string(TrajectoryMethod method) {
  return method == TrajectoryMethod::kLeapfrog ? "leapfrog" : "rk4";
}

std::string to_string(TrajectoryField field) {
  return field == TrajectoryField::kDirect ? "direct" : "solenoidal";
}

bool TrajectoryObjectiveOptions::is_valid(std::string* error) const {
  std::ostringstream message;
  if (hamiltonian_output < 0) {
    message << "hamiltonian_output = " << hamiltonian_output << ", must be >= 0";
  } else if (!std::isfinite(l1) || l1 < 0.0) {
    message << "l1 = " << l1 << ", must be finite and >= 0";
  } else if (!std::isfinite(l1_smoothing) || l1_smoothing < 0.0) {
    message << "l1_smoothing = " << l1_smoothing << ", must be finite and >= 0";
  } else if (method == TrajectoryMethod::kLeapfrog && field != TrajectoryField::kSolenoidal) {
    message << "method leapfrog splits the solenoidal field J dH/dx into its q and p parts; "
               "field "
            << to_string(field) << " needs method rk4";
  } else if (std::string problem; !dissipation.is_valid(&problem)) {
    message << "dissipation: " << problem;
  } else if (dissipation.active() &&
             (method != TrajectoryMethod::kRungeKutta4 || field != TrajectoryField::kSolenoidal)) {
    message << "dissipation (damping, forcing) needs method rk4 and field solenoidal, found "
            << to_string(method) << " and " << to_string(field);
  } else if (dissipation.damping == DampingForm::kStateDependent) {
    message << "dissipation damping 'state' is not supported by the trajectory objective yet "
               "(constant is)";
  } else {
    return true;
  }
  if (error != nullptr) *error = message.str();
  return false;
}

TrajectoryObjective::TrajectoryObjective(Model& model, TrajectoryWindows windows,
                                         TrajectoryObjectiveOptions options)
    : model_(model), windows_(std::move(windows)), options_(std::move(options)) {
  const std::string owner = "TrajectoryObjective(" + model_.name() + ")";
  std::string error;
  if (!options_.is_valid(&error)) throw Error(owner + ": " + error);
  const Eigen::Index d = windows_.state_dimension();
  const Eigen::Index count = windows_.count();
  const int k = windows_.steps;
  if (count == 0 || k < 1) throw Error(owner + ": no windows");
  if (windows_.targets.rows() != d || windows_.targets.cols() != k * count ||
      windows_.time_steps.rows() != k || windows_.time_steps.cols() != count) {
    throw Error(owner + ": the windows' targets or time steps do not match " +
                std::to_string(count) + " windows of " + std::to_string(k) + " steps");
  }
  if (d != model_.input_dimension()) {
    throw Error(owner + ": the states have dimension " + std::to_string(d) + ", the model " +
                std::to_string(model_.input_dimension()) + " inputs");
  }
  if (options_.field == TrajectoryField::kSolenoidal) {
    if (d % 2 != 0) {
      throw Error(owner + ": a solenoidal field needs an even state dimension 2n = [q..., p...], " +
                  "the states have " + std::to_string(d) + " rows");
    }
    if (options_.hamiltonian_output >= model_.output_dimension()) {
      throw Error(owner + ": hamiltonian_output = " + std::to_string(options_.hamiltonian_output) +
                  " but the model has " + std::to_string(model_.output_dimension()) + " outputs");
    }
    if (!model_.has_input_hessian_vector_product()) {
      throw Error(owner + ": training the solenoidal field through an integrator needs the " +
                  "model's input Hessian-vector product, which " + model_.name() + " lacks");
    }
  } else if (model_.output_dimension() != d) {
    throw Error(owner + ": the direct field needs one model output per state entry (" +
                std::to_string(d) + "), the model has " +
                std::to_string(model_.output_dimension()));
  }
  dissipation_ = std::make_unique<internal::TrajectoryDissipation>(options_.dissipation,
                                                                   std::max(1, int(d / 2)));
  if (dissipation_->forced()) {
    if (windows_.start_times.size() != count) {
      throw Error(owner + ": a learned forcing F(t) needs the windows' start times (" +
                  std::to_string(count) + "), found " +
                  std::to_string(windows_.start_times.size()));
    }
    step_times_.resize(k, count);
    stage_times_.resize(count);
    tabulate_step_times();
  }
  // The model's optional capabilities that make the reverse sweep cheaper (the fallbacks
  // recompute every stage's forward pass and make two reverse passes).
  keeps_passes_ = model_.has_pass_slots();
  if (keeps_passes_) model_.reserve_pass_slots(k * stages_per_step());
  fuses_second_derivatives_ = model_.has_parameter_gradient_and_input_hessian_vector_product();
  stage_states_.resize(d, Eigen::Index(k) * stages_per_step() * count);
  predictions_.resize(d, k * count);
  state_.resize(d, count);
  const int values = options_.method == TrajectoryMethod::kRungeKutta4 ? 4 : 1;
  for (int i = 0; i < values; ++i) stage_values_[i].resize(d, count);
  adjoint_.resize(d, count);
  stage_adjoint_.resize(d, count);
  weights_.resize(d, count);
  stage_state_adjoint_.resize(d, count);
  total_adjoint_.resize(d, count);
  model_gradient_.resize(d, count);
  if (model_.has_penalty()) penalty_scratch_.resize(model_.parameter_count());
}

TrajectoryObjective::~TrajectoryObjective() = default;

int TrajectoryObjective::parameter_count() const {
  return initial_state_offset() +
         (options_.learn_initial_states ? int(windows_.initial_states.size()) : 0);
}

int TrajectoryObjective::initial_state_offset() const {
  return model_.parameter_count() + dissipation_->dissipation().parameter_count();
}

Eigen::VectorXd TrajectoryObjective::initial_parameters() const {
  Eigen::VectorXd parameters(parameter_count());
  model_.get_parameters(parameters.head(model_.parameter_count()));
  parameters.segment(model_.parameter_count(), dissipation().parameter_count()) =
      dissipation().initial_parameters();
  if (options_.learn_initial_states) {
    parameters.tail(windows_.initial_states.size()) = windows_.initial_states.reshaped();
  }
  return parameters;
}

double TrajectoryObjective::loss_entries() const {
  return double(windows_.initial_states.size()) *
         double(windows_.steps + (options_.learn_initial_states ? 1 : 0));
}

const LearnedDissipation& TrajectoryObjective::dissipation() const {
  return dissipation_->dissipation();
}

int TrajectoryObjective::stages_per_step() const {
  return options_.method == TrajectoryMethod::kRungeKutta4 ? 4 : 3;
}

bool TrajectoryObjective::evaluate(const double* parameters, double* value, double* gradient) {
  const Eigen::Index p = model_.parameter_count();
  const Eigen::Map<const Eigen::VectorXd> theta(parameters, parameter_count());
  const Eigen::Index offset = initial_state_offset();
  const Eigen::Index d = windows_.state_dimension();
  const Eigen::Index count = windows_.count();
  model_.set_parameters(theta.head(p));
  if (dissipation_->active()) dissipation_->set_parameters(parameters + p);
  if (gradient != nullptr) Eigen::Map<Eigen::VectorXd>(gradient, parameter_count()).setZero();
  model_penalty_ = 0.0;
  if (options_.learn_initial_states) {
    state_ = Eigen::Map<const Eigen::MatrixXd>(parameters + offset, d, count);
  } else {
    state_ = windows_.initial_states;
  }
  if (options_.method == TrajectoryMethod::kRungeKutta4) {
    runge_kutta_forward(gradient);
  } else {
    leapfrog_forward(gradient);
  }
  double sum = 0.0;
  for (Eigen::Index c = 0; c < predictions_.cols(); ++c) {
    sum += (predictions_.col(c) - windows_.targets.col(c)).squaredNorm();
  }
  if (options_.learn_initial_states) {
    sum +=
        (Eigen::Map<const Eigen::MatrixXd>(parameters + offset, d, count) - windows_.initial_states)
            .squaredNorm();
  }
  last_parts_.data_loss = sum / loss_entries();
  // L1 on the model's and the dissipation's parameters, not on learned initial states.
  last_parts_.penalty = model_penalty_ + internal::add_l1_penalty(options_.l1, theta.head(offset),
                                                                  gradient, options_.l1_smoothing);
  *value = last_parts_.data_loss + last_parts_.penalty;
  if (!std::isfinite(*value)) return false;
  if (gradient == nullptr) return true;
  if (options_.method == TrajectoryMethod::kRungeKutta4) {
    runge_kutta_backward(gradient);
  } else {
    leapfrog_backward(Eigen::Map<Eigen::VectorXd>(gradient, p));
  }
  if (dissipation_->active()) dissipation_->finish_gradient(gradient + p);
  if (options_.learn_initial_states) {
    // dL/dxhat_0: the adjoint the sweep carried back, and the fit of the first state.
    const double scale = 2.0 / loss_entries();
    Eigen::Map<Eigen::MatrixXd> initial_gradient(gradient + offset, d, count);
    initial_gradient =
        adjoint_ + scale * (Eigen::Map<const Eigen::MatrixXd>(parameters + offset, d, count) -
                            windows_.initial_states);
  }
  return Eigen::Map<const Eigen::VectorXd>(gradient, parameter_count()).allFinite();
}

void TrajectoryObjective::add_model_penalty(double* gradient) {
  if (!model_.has_penalty()) return;
  if (gradient != nullptr) {
    model_penalty_ +=
        model_.add_penalty(Eigen::Map<Eigen::VectorXd>(gradient, model_.parameter_count()));
  } else {
    model_penalty_ += model_.add_penalty(penalty_scratch_);
  }
}

int TrajectoryObjective::pass_slot(int j, int stage) const {
  if (j == windows_.steps - 1 && stage == stages_per_step() - 1) return kCurrentPass;
  return j * stages_per_step() + stage;
}

void TrajectoryObjective::keep_pass(int j, int stage, const double* gradient) {
  const int slot = pass_slot(j, stage);
  if (keeps_passes_ && gradient != nullptr && slot != kCurrentPass) model_.save_pass(slot);
}

bool TrajectoryObjective::recall_pass(int slot) {
  if (slot == kCurrentPass) return true;
  if (!keeps_passes_) return false;
  model_.restore_pass(slot);
  return true;
}

void TrajectoryObjective::evaluate_hamiltonian_gradient(
    const Eigen::Ref<const Eigen::MatrixXd>& states, Eigen::Ref<Eigen::MatrixXd> gradient) {
  model_.forward(states);
  model_.input_gradient(options_.hamiltonian_output, gradient);
}

void TrajectoryObjective::tabulate_step_times() {
  step_times_.row(0) = windows_.start_times;
  for (int j = 1; j < windows_.steps; ++j) {
    step_times_.row(j) = step_times_.row(j - 1) + windows_.time_steps.row(j - 1);
  }
}

void TrajectoryObjective::set_windows(const TrajectoryWindows& windows) {
  const auto shape = [](const TrajectoryWindows& w) {
    return std::to_string(w.count()) + " windows of " + std::to_string(w.steps) +
           " steps of dimension " + std::to_string(w.state_dimension());
  };
  if (options_.learn_initial_states) {
    throw Error(
        "TrajectoryObjective::set_windows: the initial states of the windows are "
        "learned parameters, the windows cannot change");
  }
  if (windows.steps != windows_.steps || windows.count() != windows_.count() ||
      windows.state_dimension() != windows_.state_dimension() ||
      windows.targets.rows() != windows_.targets.rows() ||
      windows.targets.cols() != windows_.targets.cols() ||
      windows.time_steps.rows() != windows_.time_steps.rows() ||
      windows.time_steps.cols() != windows_.time_steps.cols() ||
      (dissipation_->forced() && windows.start_times.size() != windows_.count())) {
    throw Error("TrajectoryObjective::set_windows: expected " + shape(windows_) +
                (dissipation_->forced() ? " with their start times" : "") + ", got " +
                shape(windows));
  }
  windows_.initial_states = windows.initial_states;
  windows_.targets = windows.targets;
  windows_.time_steps = windows.time_steps;
  if (dissipation_->forced()) {
    windows_.start_times = windows.start_times;
    tabulate_step_times();
  }
}

void TrajectoryObjective::set_stage_times(int step, double fraction) {
  for (Eigen::Index w = 0; w < stage_times_.size(); ++w) {
    stage_times_[w] = step_times_(step, w) + fraction * windows_.time_steps(step, w);
  }
}

void TrajectoryObjective::evaluate_field(const Eigen::Ref<const Eigen::MatrixXd>& states,
                                         Eigen::MatrixXd& field, int step, double fraction) {
  if (options_.field == TrajectoryField::kDirect) {
    model_.forward(states);
    model_.outputs(field);
    return;
  }
  evaluate_hamiltonian_gradient(states, model_gradient_);
  internal::solenoidal_field(model_gradient_, field);
  if (!dissipation_->active()) return;
  if (dissipation_->forced()) set_stage_times(step, fraction);
  dissipation_->add_to_field(model_gradient_, stage_times_, field);
}

void TrajectoryObjective::gradient_backward(const Eigen::Ref<const Eigen::MatrixXd>& states,
                                            const Eigen::MatrixXd& gradient_adjoint, int slot,
                                            Eigen::Ref<Eigen::VectorXd> parameter_gradient,
                                            Eigen::MatrixXd* state_adjoint) {
  const int output = options_.hamiltonian_output;
  if (!recall_pass(slot)) {
    evaluate_hamiltonian_gradient(states, model_gradient_);
  } else if (slot != kCurrentPass && dissipation_->active()) {
    // The dissipation's gradient needs dH/dx of this stage (restored, not recomputed).
    model_.input_gradient(output, model_gradient_);
  }
  if (state_adjoint != nullptr && fuses_second_derivatives_) {
    model_.add_parameter_gradient_and_input_hessian_vector_product(
        output, gradient_adjoint, *state_adjoint, parameter_gradient);
    return;
  }
  model_.add_parameter_gradient_of_input_gradient(output, gradient_adjoint, parameter_gradient);
  if (state_adjoint != nullptr) {
    model_.input_hessian_vector_product(output, gradient_adjoint, *state_adjoint);
  }
}

void TrajectoryObjective::field_backward(const Eigen::Ref<const Eigen::MatrixXd>& states,
                                         const Eigen::MatrixXd& field_adjoint, int step,
                                         double fraction, int slot, double* gradient,
                                         Eigen::MatrixXd* state_adjoint) {
  const Eigen::Index p = model_.parameter_count();
  Eigen::Map<Eigen::VectorXd> parameter_gradient(gradient, p);
  if (options_.field == TrajectoryField::kSolenoidal) {
    if (!dissipation_->active()) {
      // f = J g: dL/dg = J^T dL/df = (-mu_p, mu_q).
      internal::solenoidal_weights(field_adjoint, weights_);
      gradient_backward(states, weights_, slot, parameter_gradient, state_adjoint);
      return;
    }
    // f = (J - R) g + [0; F(t)]: dL/dg = (J - R)^T dL/df; model_gradient_ is g afterwards.
    dissipation_->adjoint_weights(field_adjoint, weights_);
    gradient_backward(states, weights_, slot, parameter_gradient, state_adjoint);
    if (dissipation_->forced()) set_stage_times(step, fraction);
    dissipation_->add_stage_gradient(field_adjoint, model_gradient_, stage_times_, gradient + p);
    return;
  }
  if (!recall_pass(slot)) model_.forward(states);
  model_.add_parameter_gradient_of_outputs(field_adjoint, parameter_gradient);
  if (state_adjoint == nullptr) return;
  state_adjoint->setZero();
  for (int output = 0; output < model_.output_dimension(); ++output) {
    model_.input_gradient(output, model_gradient_);
    for (Eigen::Index w = 0; w < state_adjoint->cols(); ++w) {
      state_adjoint->col(w) += field_adjoint(output, w) * model_gradient_.col(w);
    }
  }
}

void TrajectoryObjective::add_prediction_adjoint(int j) {
  const Eigen::Index count = windows_.count();
  const double scale = 2.0 / loss_entries();
  const Eigen::Index first = Eigen::Index(j - 1) * count;
  adjoint_ +=
      scale * (predictions_.middleCols(first, count) - windows_.targets.middleCols(first, count));
}

}  // namespace hnn
