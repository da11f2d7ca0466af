#include "hnn/baseline_objective.h"

#include <cmath>
#include <sstream>
#include <utility>

#include "hnn/error.h"
#include "hnn/internal/objective_terms.h"

namespace hnn {

BaselineObjective::BaselineObjective(Model& model, Eigen::MatrixXd inputs, Eigen::MatrixXd targets,
                                     double l1, double l1_smoothing)
    : model_(model),
      inputs_(std::move(inputs)),
      targets_(std::move(targets)),
      l1_(l1),
      l1_smoothing_(l1_smoothing) {
  const std::string owner = "BaselineObjective(" + model_.name() + ")";
  internal::check_l1(owner, l1_);
  if (!std::isfinite(l1_smoothing_) || l1_smoothing_ < 0.0) {
    std::ostringstream message;
    message << owner << ": l1_smoothing = " << l1_smoothing_ << ", must be finite and >= 0";
    throw Error(message.str());
  }
  internal::check_batch_shapes(owner, inputs_, targets_, model_.input_dimension());
  if (model_.output_dimension() != inputs_.rows()) {
    throw Error(owner + ": the model has " + std::to_string(model_.output_dimension()) +
                " outputs, a baseline predicts dx/dt and needs one per state entry (" +
                std::to_string(inputs_.rows()) + ")");
  }
  field_.resize(inputs_.rows(), inputs_.cols());
  residual_.resize(inputs_.rows(), inputs_.cols());
  if (model_.has_penalty()) penalty_scratch_.resize(model_.parameter_count());
}

BaselineObjective::~BaselineObjective() = default;

bool BaselineObjective::evaluate(const double* parameters, double* value, double* gradient) {
  const Eigen::Index p = model_.parameter_count();
  const Eigen::Map<const Eigen::VectorXd> theta(parameters, p);
  model_.set_parameters(theta);
  model_.forward(inputs_);
  model_.outputs(field_);
  residual_ = field_ - targets_;
  const double entries = static_cast<double>(residual_.size());
  last_parts_.data_loss = residual_.squaredNorm() / entries;

  if (gradient != nullptr) Eigen::Map<Eigen::VectorXd>(gradient, p).setZero();
  last_parts_.penalty = internal::add_l1_penalty(l1_, theta, gradient, l1_smoothing_);
  if (model_.has_penalty()) {
    if (gradient != nullptr) {
      last_parts_.penalty += model_.add_penalty(Eigen::Map<Eigen::VectorXd>(gradient, p));
    } else {
      last_parts_.penalty += model_.add_penalty(penalty_scratch_);
    }
  }
  if (gradient != nullptr) {
    Eigen::Map<Eigen::VectorXd> g(gradient, p);
    residual_ *= 2.0 / entries;
    model_.add_parameter_gradient_of_outputs(residual_, g);
    if (!g.allFinite()) return false;
  }
  *value = last_parts_.data_loss + last_parts_.penalty;
  return std::isfinite(*value);
}

void BaselineObjective::set_samples(const Eigen::Ref<const Eigen::MatrixXd>& inputs,
                                    const Eigen::Ref<const Eigen::MatrixXd>& targets) {
  if (inputs.rows() != inputs_.rows() || inputs.cols() != inputs_.cols() ||
      targets.rows() != targets_.rows() || targets.cols() != targets_.cols()) {
    throw Error("BaselineObjective::set_samples: expected inputs and targets of " +
                std::to_string(inputs_.rows()) + "x" + std::to_string(inputs_.cols()) + ", got " +
                std::to_string(inputs.rows()) + "x" + std::to_string(inputs.cols()) + " and " +
                std::to_string(targets.rows()) + "x" + std::to_string(targets.cols()));
  }
  inputs_ = inputs;
  targets_ = targets;
}

}  // namespace hnn
