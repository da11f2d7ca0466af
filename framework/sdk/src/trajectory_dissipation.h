// The learned damping and forcing (hnn/learned_dissipation.h) inside the trajectory
// objective: their part of the field at a stage and of the stage's reverse pass. Internal to
// libhnn (trajectory_objective.cc).
//
// At a stage with states y (d = 2n rows, one window per column), g = dH/dx(y) and the
// stage's times t (one per window):
//   field      f = J g - R g + [0; F(t)],  R = [[0, 0], [0, D]], D = L L^T, L the constant
//              learned factor or, for the state form, L(y) read from the model's outputs at
//              the stage (column w: outputs damping_output .. + n(n+1)/2 - 1, row by row)
//   reverse    with mu = dL/df: the model's weights w = (J - R)^T mu = (-mu_p, mu_q - D mu_p);
//              dL/dL_ij = -(mu_p,i v_j + g_p,i z_j), v = L^T g_p, z = L^T mu_p (i >= j), summed
//              over the windows and stages for the constant L, per window into the model's
//              output adjoint for L(y); dL/da_ik += sum_w mu_p,i cos(w_k t),
//              dL/db_ik += sum_w mu_p,i sin(w_k t).
#ifndef HNN_SRC_TRAJECTORY_DISSIPATION_H_
#define HNN_SRC_TRAJECTORY_DISSIPATION_H_

#include <Eigen/Core>

#include "hnn/learned_dissipation.h"

namespace hnn::internal {

class TrajectoryDissipation {
 public:
  // degrees_of_freedom: n. Throws hnn::Error for invalid options.
  TrajectoryDissipation(const DissipationOptions& options, int degrees_of_freedom);

  bool active() const { return dissipation_.options().active(); }
  bool forced() const { return dissipation_.frequency_count() > 0; }
  // The state form: L(x) from the model's outputs.
  bool state_dependent() const {
    return dissipation_.options().damping == DampingForm::kStateDependent;
  }
  const LearnedDissipation& dissipation() const { return dissipation_; }

  // At the start of an evaluation: the dissipation's parameters (layout of
  // learned_dissipation.h), kept until the next call.
  void set_parameters(const double* parameters);
  // field's momentum rows += -D g_p + F(t). outputs: the model's outputs at the stage's
  // states (state form; ignored otherwise).
  void add_to_field(const Eigen::MatrixXd& g, const Eigen::MatrixXd& outputs,
                    const Eigen::RowVectorXd& times, Eigen::MatrixXd& field);
  // weights = (J - R)^T mu.
  void adjoint_weights(const Eigen::MatrixXd& mu, const Eigen::MatrixXd& outputs,
                       Eigen::MatrixXd& weights);
  // The stage's contribution to the dissipation's gradient: the constant damping's and the
  // forcing's added to `gradient` (the dissipation's parameter_count() entries); for the state
  // form the L(y) entries' adjoints written to their rows of `output_adjoint` (the model's
  // output_dimension() x W; the other rows are left as they are).
  void add_stage_gradient(const Eigen::MatrixXd& mu, const Eigen::MatrixXd& g,
                          const Eigen::MatrixXd& outputs, const Eigen::RowVectorXd& times,
                          double* gradient, Eigen::MatrixXd& output_adjoint);

 private:
  // L at window w: the constant factor or L(y_w) from the outputs' column w.
  const Eigen::MatrixXd& lower_at(const Eigen::MatrixXd& outputs, Eigen::Index w);

  LearnedDissipation dissipation_;
  int n_;
  const double* parameters_ = nullptr;
  Eigen::MatrixXd lower_;                 // n x n: L
  Eigen::VectorXd transposed_, adjoint_;  // n: L^T g_p, L^T mu_p
};

}  // namespace hnn::internal

#endif  // HNN_SRC_TRAJECTORY_DISSIPATION_H_
