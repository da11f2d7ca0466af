// The vector field of a trained model, the one the host rolls out (the evaluation's
// trajectories.csv, the energy trials, the measured evaluation) and the Python module
// evaluates (hnn/host/trained_model.h). Internal to the host library.
//
//   HNN (the field kind of model_field_kind is kHnn):
//     dx/dt = J dF_H/dx (+ dF_C/dx)                               (training.field)
//     dx/dt = (J - R(x)) dF_H/dx + [0; F(t)]                      with a learned damping
//                                                                 or forcing (dissipation)
//   baseline: dx/dt = F(x), the first state_dimension outputs of the model.
//
// with F_H = the model's output training.hamiltonian_output, F_C = conservative_output.
#ifndef HNN_HOST_SRC_LEARNED_FIELD_H_
#define HNN_HOST_SRC_LEARNED_FIELD_H_

#include <Eigen/Core>
#include <memory>

#include "hnn/host/host_settings.h"
#include "hnn/integrator.h"
#include "hnn/learned_dissipation.h"
#include "hnn/model.h"
#include "pipeline_model.h"

namespace hnn::internal {

// The field of `model` as `training` says, on batches. Holds a reference to the model
// (which must outlive it) and workspaces: not thread-safe, like the model.
class LearnedField {
 public:
  // dissipation_parameters: the learned damping and forcing's parameters
  // (ModelResult::dissipation; LearnedDissipation::parameter_count() of them when
  // training.dissipation is active for an HNN, ignored otherwise). state_dimension: 2n.
  LearnedField(Model& model, const TrainingSettings& training,
               Eigen::VectorXd dissipation_parameters, int state_dimension);

  // field(:, j) = dx/dt at (t, states(:, j)). states and field: state_dimension x N, N >= 1.
  // Runs model.forward(states) (the model's last pass is this one afterwards). Column j
  // is computed with the same operations whatever N is, in the same order as for N = 1,
  // except for what the model's own batched products do.
  void evaluate(double t, const Eigen::Ref<const Eigen::MatrixXd>& states,
                Eigen::Ref<Eigen::MatrixXd> field);

  // True for an HNN (the model learns H), false for a baseline (it learns the field).
  bool learns_hamiltonian() const { return hnn_; }

 private:
  Model& model_;
  bool hnn_;
  int h_output_;
  int c_output_;
  FieldType field_type_;
  int state_dimension_;
  std::unique_ptr<const LearnedDissipation> dissipation_;  // null without one
  Eigen::VectorXd dissipation_parameters_;
  Eigen::MatrixXd gradient_, symplectic_, outputs_;  // workspaces, resized per batch size
};

// The field a trained model defines, as LearnedField says, at one state: what an
// integrator rolls out. The model must outlive the field; calls of the returned field share
// one LearnedField (not thread-safe).
VectorField learned_field(Model& model, const ModelResult& result, int state_dimension);

}  // namespace hnn::internal

#endif  // HNN_HOST_SRC_LEARNED_FIELD_H_
