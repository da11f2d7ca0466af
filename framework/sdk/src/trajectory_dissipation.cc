#include "trajectory_dissipation.h"

#include <cmath>

namespace hnn::internal {

TrajectoryDissipation::TrajectoryDissipation(const DissipationOptions& options,
                                             int degrees_of_freedom)
    : dissipation_(options, degrees_of_freedom), n_(degrees_of_freedom) {
  lower_ = Eigen::MatrixXd::Zero(n_, n_);
  transposed_ = Eigen::VectorXd::Zero(n_);
  adjoint_ = Eigen::VectorXd::Zero(n_);
}

void TrajectoryDissipation::set_parameters(const double* parameters) {
  parameters_ = parameters;
  if (dissipation_.options().damping == DampingForm::kConstant) {
    dissipation_.lower_factor(parameters, lower_);
  }
}

const Eigen::MatrixXd& TrajectoryDissipation::lower_at(const Eigen::MatrixXd& outputs,
                                                       Eigen::Index w) {
  if (state_dependent()) {
    dissipation_.lower_factor(outputs.col(w).data() + dissipation_.options().damping_output,
                              lower_);
  }
  return lower_;
}

void TrajectoryDissipation::add_to_field(const Eigen::MatrixXd& g, const Eigen::MatrixXd& outputs,
                                         const Eigen::RowVectorXd& times, Eigen::MatrixXd& field) {
  const int frequencies = dissipation_.frequency_count();
  const double* a = parameters_ + dissipation_.forcing_offset();
  const double* b = a + n_ * frequencies;
  const bool damped = dissipation_.options().damping != DampingForm::kNone;
  for (Eigen::Index w = 0; w < field.cols(); ++w) {
    if (damped) {
      // -D g_p = -L (L^T g_p).
      const Eigen::MatrixXd& lower = lower_at(outputs, w);
      transposed_.noalias() = lower.transpose() * g.col(w).tail(n_);
      field.col(w).tail(n_).noalias() -= lower * transposed_;
    }
    for (int k = 0; k < frequencies; ++k) {
      const double angle = dissipation_.options().forcing_frequencies[std::size_t(k)] * times[w];
      const double c = std::cos(angle), s = std::sin(angle);
      for (int i = 0; i < n_; ++i) field(n_ + i, w) += a[k * n_ + i] * c + b[k * n_ + i] * s;
    }
  }
}

void TrajectoryDissipation::adjoint_weights(const Eigen::MatrixXd& mu,
                                            const Eigen::MatrixXd& outputs,
                                            Eigen::MatrixXd& weights) {
  const bool damped = dissipation_.options().damping != DampingForm::kNone;
  for (Eigen::Index w = 0; w < mu.cols(); ++w) {
    weights.col(w).head(n_) = -mu.col(w).tail(n_);
    weights.col(w).tail(n_) = mu.col(w).head(n_);
    if (!damped) continue;
    // - D mu_p = -L (L^T mu_p).
    const Eigen::MatrixXd& lower = lower_at(outputs, w);
    adjoint_.noalias() = lower.transpose() * mu.col(w).tail(n_);
    weights.col(w).tail(n_).noalias() -= lower * adjoint_;
  }
}

void TrajectoryDissipation::add_stage_gradient(const Eigen::MatrixXd& mu, const Eigen::MatrixXd& g,
                                               const Eigen::MatrixXd& outputs,
                                               const Eigen::RowVectorXd& times, double* gradient,
                                               Eigen::MatrixXd& output_adjoint) {
  const int frequencies = dissipation_.frequency_count();
  double* a = gradient + dissipation_.forcing_offset();
  double* b = a + n_ * frequencies;
  const DampingForm damping = dissipation_.options().damping;
  const int damping_output = dissipation_.options().damping_output;
  for (Eigen::Index w = 0; w < mu.cols(); ++w) {
    if (damping != DampingForm::kNone) {
      const Eigen::MatrixXd& lower = lower_at(outputs, w);
      transposed_.noalias() = lower.transpose() * g.col(w).tail(n_);
      adjoint_.noalias() = lower.transpose() * mu.col(w).tail(n_);
      // dL/dL_ij of -mu_p^T L L^T g_p, lower triangle row by row.
      double* sink = damping == DampingForm::kConstant
                         ? gradient
                         : output_adjoint.col(w).data() + damping_output;
      int entry = 0;
      for (int i = 0; i < n_; ++i) {
        for (int j = 0; j <= i; ++j, ++entry) {
          const double derivative = -(mu(n_ + i, w) * transposed_[j] + g(n_ + i, w) * adjoint_[j]);
          if (damping == DampingForm::kConstant) {
            sink[entry] += derivative;
          } else {
            sink[entry] = derivative;
          }
        }
      }
    }
    for (int k = 0; k < frequencies; ++k) {
      const double angle = dissipation_.options().forcing_frequencies[std::size_t(k)] * times[w];
      const double c = std::cos(angle), s = std::sin(angle);
      for (int i = 0; i < n_; ++i) {
        a[k * n_ + i] += mu(n_ + i, w) * c;
        b[k * n_ + i] += mu(n_ + i, w) * s;
      }
    }
  }
}

}  // namespace hnn::internal
