// The learned constant damping and forcing (hnn/learned_dissipation.h) inside the trajectory
// objective: their part of the field at a stage and of the stage's reverse pass. Internal to
// libhnn (trajectory_objective.cc).
//
// At a stage with states y (d = 2n rows, one window per column), g = dH/dx(y) and the
// stage's times t (one per window):
//   field      f = J g - R g + [0; F(t)],  R = [[0, 0], [0, D]], D = L L^T
//   reverse    with mu = dL/df: the model's weights w = (J - R)^T mu = (-mu_p, mu_q - D mu_p),
//              dL/dD += -sum_w mu_p g_p^T, dL/da_ik += sum_w mu_p,i cos(w_k t),
//              dL/db_ik += sum_w mu_p,i sin(w_k t); after the sweep dL/dL = (M + M^T) L.
#ifndef HNN_SRC_TRAJECTORY_DISSIPATION_H_
#define HNN_SRC_TRAJECTORY_DISSIPATION_H_

#include <Eigen/Core>

#include "hnn/learned_dissipation.h"

namespace hnn::internal {

class TrajectoryDissipation {
 public:
  // degrees_of_freedom: n. Throws hnn::Error for invalid options and for the state form.
  TrajectoryDissipation(const DissipationOptions& options, int degrees_of_freedom);

  bool active() const { return dissipation_.options().active(); }
  bool forced() const { return dissipation_.frequency_count() > 0; }
  const LearnedDissipation& dissipation() const { return dissipation_; }

  // At the start of an evaluation: the dissipation's parameters (layout of
  // learned_dissipation.h), kept until the next call; the damping gradient set to 0.
  void set_parameters(const double* parameters);
  // field's momentum rows += -D g_p + F(t).
  void add_to_field(const Eigen::MatrixXd& g, const Eigen::RowVectorXd& times,
                    Eigen::MatrixXd& field) const;
  // weights = (J - R)^T mu.
  void adjoint_weights(const Eigen::MatrixXd& mu, Eigen::MatrixXd& weights) const;
  // The stage's contribution to the dissipation's gradient (the forcing's into `gradient`,
  // the damping's kept until finish_gradient).
  void add_stage_gradient(const Eigen::MatrixXd& mu, const Eigen::MatrixXd& g,
                          const Eigen::RowVectorXd& times, double* gradient);
  // Adds the damping's gradient, dL/dL = (M + M^T) L, to `gradient`.
  void finish_gradient(double* gradient) const;

 private:
  LearnedDissipation dissipation_;
  int n_;
  const double* parameters_ = nullptr;
  Eigen::MatrixXd lower_, damping_, damping_adjoint_;  // n x n: L, D, M = dL/dD
};

}  // namespace hnn::internal

#endif  // HNN_SRC_TRAJECTORY_DISSIPATION_H_
