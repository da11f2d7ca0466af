#include "learned_field.h"

#include <utility>

#include "hnn/hamiltonian_objective.h"
#include "hnn/system.h"

namespace hnn::internal {

LearnedField::LearnedField(Model& model, const TrainingSettings& training,
                           Eigen::VectorXd dissipation_parameters, int state_dimension)
    : model_(model),
      hnn_(model_field_kind(training) == ObjectiveKind::kHnn),
      h_output_(int(training.hamiltonian_output)),
      c_output_(int(training.conservative_output)),
      field_type_(training.field),
      state_dimension_(state_dimension),
      dissipation_parameters_(std::move(dissipation_parameters)) {
  // Validation made sure the field has its solenoidal part when there is a dissipation.
  if (hnn_ && training.dissipation.active()) {
    dissipation_ = std::make_unique<const LearnedDissipation>(training.dissipation.options(),
                                                              state_dimension / 2);
  }
}

void LearnedField::evaluate(double t, const Eigen::Ref<const Eigen::MatrixXd>& states,
                            Eigen::Ref<Eigen::MatrixXd> field) {
  const Eigen::Index count = states.cols();
  model_.forward(states);
  if (outputs_.cols() != count) outputs_.resize(model_.output_dimension(), count);
  if (!hnn_) {
    model_.outputs(outputs_);
    field = outputs_.topRows(state_dimension_);
    return;
  }
  if (gradient_.cols() != count) {
    gradient_.resize(state_dimension_, count);
    symplectic_.resize(state_dimension_, count);
  }
  field.setZero();
  if (field_type_ != FieldType::kConservative) {
    model_.input_gradient(h_output_, gradient_);
    apply_symplectic_matrix(gradient_, symplectic_);
    field += symplectic_;
    if (dissipation_) {
      model_.outputs(outputs_);
      for (Eigen::Index j = 0; j < count; ++j) {
        dissipation_->add_to_field(dissipation_parameters_.data(), outputs_.col(j).data(), t,
                                   gradient_.col(j).data(), field.col(j).data());
      }
    }
  }
  if (field_type_ != FieldType::kSolenoidal) {
    model_.input_gradient(c_output_, gradient_);
    field += gradient_;
  }
}

VectorField learned_field(Model& model, const ModelResult& result, int state_dimension) {
  auto field = std::make_shared<LearnedField>(model, result.config->training.settings,
                                              result.dissipation, state_dimension);
  return [field](double t, const Eigen::VectorXd& x, Eigen::VectorXd& dxdt) {
    field->evaluate(t, x, dxdt);
  };
}

}  // namespace hnn::internal
