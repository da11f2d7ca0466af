#include "hnn/trajectory_objective.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <utility>

#include "hnn/error.h"
#include "hnn/internal/objective_terms.h"
#include "trajectory_columns.h"
#include "trajectory_dissipation.h"

namespace hnn {

std::string to_string(TrajectoryMethod method) {
  switch (method) {
    case TrajectoryMethod::kLeapfrog:
      return "leapfrog";
    case TrajectoryMethod::kImplicitMidpoint:
      return "implicit_midpoint";
    case TrajectoryMethod::kRungeKutta4:
      break;
  }
  return "rk4";
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
  } else if (conservative_output < 0) {
    message << "conservative_output = " << conservative_output << ", must be >= 0";
  } else if (method == TrajectoryMethod::kLeapfrog && field != TrajectoryField::kSolenoidal) {
    message << "method leapfrog splits the solenoidal field J dH/dx into its q and p parts; "
               "field "
            << to_string(field) << " needs method rk4";
  } else if (method == TrajectoryMethod::kLeapfrog && field_type != FieldType::kSolenoidal) {
    message << "method leapfrog splits the solenoidal field J dH/dx into its q and p parts; "
               "field type "
            << to_string(field_type) << " needs method rk4";
  } else if (method == TrajectoryMethod::kImplicitMidpoint &&
             (field != TrajectoryField::kSolenoidal || field_type != FieldType::kSolenoidal)) {
    message << "method implicit_midpoint solves for J dH/dx at the midpoint; field "
            << to_string(field) << " with field type " << to_string(field_type)
            << " needs method rk4";
  } else if (std::string problem; !dissipation.is_valid(&problem)) {
    message << "dissipation: " << problem;
  } else if (dissipation.active() &&
             (method != TrajectoryMethod::kRungeKutta4 || field != TrajectoryField::kSolenoidal ||
              field_type == FieldType::kConservative)) {
    message << "dissipation (damping, forcing) acts on dH/dx: it needs method rk4 and field "
               "solenoidal with field type solenoidal or both, found "
            << to_string(method) << ", " << to_string(field) << " and " << to_string(field_type);
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
    const auto check_output = [&](const char* name, int output) {
      internal::check_model_output(owner, name, output, model_.output_dimension(),
                                   to_string(options_.field_type));
    };
    if (has_solenoidal_part()) check_output("hamiltonian_output", options_.hamiltonian_output);
    if (has_conservative_part()) check_output("conservative_output", options_.conservative_output);
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
  if (dissipation_->state_dependent()) {
    const int needed = dissipation_->dissipation().outputs_needed();
    if (needed > model_.output_dimension()) {
      throw Error(owner + ": dissipation damping 'state' reads L(x)'s " +
                  std::to_string(dissipation_->dissipation().triangle_size()) +
                  " entries from outputs " + std::to_string(options_.dissipation.damping_output) +
                  " to " + std::to_string(needed - 1) +
                  " (damping_output = " + std::to_string(options_.dissipation.damping_output) +
                  "): the model needs at least " + std::to_string(needed) + " outputs, it has " +
                  std::to_string(model_.output_dimension()));
    }
    outputs_.resize(model_.output_dimension(), count);
    output_adjoint_ = Eigen::MatrixXd::Zero(model_.output_dimension(), count);
    output_gradient_.resize(d, count);
  }
  if (has_conservative_part()) {
    conservative_gradient_.resize(d, count);
    products_.resize(d, count);
  }
  // The model's optional capabilities that make the reverse sweep cheaper (the fallbacks
  // recompute every stage's forward pass and make two reverse passes).
  keeps_passes_ = model_.has_pass_slots();
  if (keeps_passes_) model_.reserve_pass_slots(k * stages_per_step());
  fuses_second_derivatives_ = model_.has_parameter_gradient_and_input_hessian_vector_product();
  stage_states_.resize(d, Eigen::Index(k) * stages_per_step() * count);
  stage_input_.resize(d, count);
  predictions_.resize(d, k * count);
  state_.resize(d, count);
  const int values = options_.method == TrajectoryMethod::kRungeKutta4 ? 4 : 1;
  for (int i = 0; i < values; ++i) stage_values_[i].resize(d, count);
  if (options_.method == TrajectoryMethod::kImplicitMidpoint) {
    hessians_.resize(d, d * k * count);
    newton_matrix_.resize(d, d);
    newton_solver_ = Eigen::PartialPivLU<Eigen::MatrixXd>(d);
    newton_vector_.resize(d);
    directions_.resize(d, count);
    products_of_directions_.resize(d, count);
  }
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
  switch (options_.method) {
    case TrajectoryMethod::kLeapfrog:
      return 3;
    case TrajectoryMethod::kImplicitMidpoint:
      return 1;
    case TrajectoryMethod::kRungeKutta4:
      break;
  }
  return 4;
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
  switch (options_.method) {
    case TrajectoryMethod::kRungeKutta4:
      runge_kutta_forward(gradient);
      break;
    case TrajectoryMethod::kLeapfrog:
      leapfrog_forward(gradient);
      break;
    case TrajectoryMethod::kImplicitMidpoint:
      if (!implicit_midpoint_forward(gradient)) {
        *value = std::numeric_limits<double>::infinity();
        return false;
      }
      break;
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
  switch (options_.method) {
    case TrajectoryMethod::kRungeKutta4:
      runge_kutta_backward(gradient);
      break;
    case TrajectoryMethod::kLeapfrog:
      leapfrog_backward(Eigen::Map<Eigen::VectorXd>(gradient, p));
      break;
    case TrajectoryMethod::kImplicitMidpoint:
      implicit_midpoint_backward(Eigen::Map<Eigen::VectorXd>(gradient, p));
      break;
  }
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
  model_.forward(states);
  if (has_solenoidal_part()) {
    model_.input_gradient(options_.hamiltonian_output, model_gradient_);
    internal::solenoidal_field(model_gradient_, field);
  } else {
    field.setZero();
  }
  // Last (last_forward_output()): the pass keeps this input gradient's backward pass.
  if (has_conservative_part()) {
    model_.input_gradient(options_.conservative_output, conservative_gradient_);
    field += conservative_gradient_;
  }
  if (!dissipation_->active()) return;
  if (dissipation_->state_dependent()) model_.outputs(outputs_);
  if (dissipation_->forced()) set_stage_times(step, fraction);
  dissipation_->add_to_field(model_gradient_, outputs_, stage_times_, field);
}

void TrajectoryObjective::gradient_backward(const Eigen::Ref<const Eigen::MatrixXd>& states,
                                            const Eigen::MatrixXd& gradient_adjoint, int slot,
                                            Eigen::Ref<Eigen::VectorXd> parameter_gradient,
                                            Eigen::MatrixXd* state_adjoint) {
  if (!recall_pass(slot)) evaluate_hamiltonian_gradient(states, model_gradient_);
  add_second_derivatives(options_.hamiltonian_output, gradient_adjoint, parameter_gradient,
                         state_adjoint);
}

void TrajectoryObjective::add_second_derivatives(int output, const Eigen::MatrixXd& weights,
                                                 Eigen::Ref<Eigen::VectorXd> parameter_gradient,
                                                 Eigen::MatrixXd* products) {
  if (products != nullptr && fuses_second_derivatives_) {
    model_.add_parameter_gradient_and_input_hessian_vector_product(output, weights, *products,
                                                                   parameter_gradient);
    return;
  }
  model_.add_parameter_gradient_of_input_gradient(output, weights, parameter_gradient);
  if (products != nullptr) model_.input_hessian_vector_product(output, weights, *products);
}

void TrajectoryObjective::hamiltonian_field_backward(const Eigen::MatrixXd& field_adjoint, int step,
                                                     double fraction, int slot, int current_output,
                                                     double* gradient,
                                                     Eigen::MatrixXd* state_adjoint) {
  Eigen::Map<Eigen::VectorXd> parameter_gradient(gradient, model_.parameter_count());
  const bool dissipative = dissipation_->active();
  if (dissipation_->state_dependent()) model_.outputs(outputs_);
  // The conservative part first: the pass holds its input gradient (last_forward_output()).
  if (has_conservative_part()) {
    const int output = options_.conservative_output;
    if (current_output != output) model_.input_gradient(output, conservative_gradient_);
    add_second_derivatives(output, field_adjoint, parameter_gradient, state_adjoint);
    current_output = output;
  }
  if (has_solenoidal_part()) {
    // f = (J - R) g [+ dF_C/dx] + [0; F(t)]: dL/dg = (J - R)^T dL/df.
    if (dissipative) {
      dissipation_->adjoint_weights(field_adjoint, outputs_, weights_);
    } else {
      internal::solenoidal_weights(field_adjoint, weights_);
    }
    const int output = options_.hamiltonian_output;
    // The dissipation's gradient needs g = dH/dx of this stage: model_gradient_ holds it for
    // the last stage of the forward sweep only.
    if (current_output != output || (dissipative && slot != kCurrentPass)) {
      model_.input_gradient(output, model_gradient_);
    }
    Eigen::MatrixXd* products = state_adjoint;
    if (has_conservative_part() && state_adjoint != nullptr) products = &products_;
    add_second_derivatives(output, weights_, parameter_gradient, products);
    if (products == &products_) *state_adjoint += products_;
  }
  if (!dissipative) return;
  if (dissipation_->forced()) set_stage_times(step, fraction);
  dissipation_->add_stage_gradient(field_adjoint, model_gradient_, outputs_, stage_times_,
                                   gradient + model_.parameter_count(), output_adjoint_);
  if (!dissipation_->state_dependent()) return;
  // L(x) is a model output: its parameter gradient, and its input gradients in the state
  // adjoint. Last: an ordinary backward pass may reuse the workspaces of the mixed ones.
  model_.add_parameter_gradient_of_outputs(output_adjoint_, parameter_gradient);
  if (state_adjoint == nullptr) return;
  const int first = options_.dissipation.damping_output;
  const int last = dissipation_->dissipation().outputs_needed();
  for (int output = first; output < last; ++output) {
    model_.input_gradient(output, output_gradient_);
    for (Eigen::Index w = 0; w < state_adjoint->cols(); ++w) {
      state_adjoint->col(w) += output_adjoint_(output, w) * output_gradient_.col(w);
    }
  }
}

void TrajectoryObjective::field_backward(const Eigen::Ref<const Eigen::MatrixXd>& states,
                                         const Eigen::MatrixXd& field_adjoint, int step,
                                         double fraction, int slot, double* gradient,
                                         Eigen::MatrixXd* state_adjoint) {
  const Eigen::Index p = model_.parameter_count();
  Eigen::Map<Eigen::VectorXd> parameter_gradient(gradient, p);
  if (options_.field == TrajectoryField::kSolenoidal) {
    int current_output = last_forward_output();
    if (!recall_pass(slot)) {
      model_.forward(states);
      current_output = -1;
    }
    hamiltonian_field_backward(field_adjoint, step, fraction, slot, current_output, gradient,
                               state_adjoint);
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
