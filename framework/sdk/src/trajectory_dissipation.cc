#include "trajectory_dissipation.h"

#include <cmath>

#include "hnn/error.h"

namespace hnn::internal {

TrajectoryDissipation::TrajectoryDissipation(const DissipationOptions& options,
                                             int degrees_of_freedom)
    : dissipation_(options, degrees_of_freedom), n_(degrees_of_freedom) {
  if (options.damping == DampingForm::kStateDependent) {
    throw Error(
        "the trajectory objective has no state-dependent damping yet (damping 'state'); "
        "use 'constant'");
  }
  lower_ = Eigen::MatrixXd::Zero(n_, n_);
  damping_ = Eigen::MatrixXd::Zero(n_, n_);
  damping_adjoint_ = Eigen::MatrixXd::Zero(n_, n_);
}

void TrajectoryDissipation::set_parameters(const double* parameters) {
  parameters_ = parameters;
  if (dissipation_.options().damping == DampingForm::kConstant) {
    dissipation_.lower_factor(parameters, lower_);
    damping_.noalias() = lower_ * lower_.transpose();
  }
  damping_adjoint_.setZero();
}

void TrajectoryDissipation::add_to_field(const Eigen::MatrixXd& g, const Eigen::RowVectorXd& times,
                                         Eigen::MatrixXd& field) const {
  const int frequencies = dissipation_.frequency_count();
  const double* a = parameters_ + dissipation_.forcing_offset();
  const double* b = a + n_ * frequencies;
  for (Eigen::Index w = 0; w < field.cols(); ++w) {
    for (int i = 0; i < n_; ++i) {
      double momentum = 0.0;
      for (int j = 0; j < n_; ++j) momentum -= damping_(i, j) * g(n_ + j, w);
      field(n_ + i, w) += momentum;
    }
    for (int k = 0; k < frequencies; ++k) {
      const double angle = dissipation_.options().forcing_frequencies[std::size_t(k)] * times[w];
      const double c = std::cos(angle), s = std::sin(angle);
      for (int i = 0; i < n_; ++i) field(n_ + i, w) += a[k * n_ + i] * c + b[k * n_ + i] * s;
    }
  }
}

void TrajectoryDissipation::adjoint_weights(const Eigen::MatrixXd& mu,
                                            Eigen::MatrixXd& weights) const {
  for (Eigen::Index w = 0; w < mu.cols(); ++w) {
    for (int i = 0; i < n_; ++i) {
      double damped = 0.0;
      for (int j = 0; j < n_; ++j) damped += damping_(i, j) * mu(n_ + j, w);
      weights(i, w) = -mu(n_ + i, w);
      weights(n_ + i, w) = mu(i, w) - damped;
    }
  }
}

void TrajectoryDissipation::add_stage_gradient(const Eigen::MatrixXd& mu, const Eigen::MatrixXd& g,
                                               const Eigen::RowVectorXd& times, double* gradient) {
  const int frequencies = dissipation_.frequency_count();
  double* a = gradient + dissipation_.forcing_offset();
  double* b = a + n_ * frequencies;
  const bool damped = dissipation_.options().damping == DampingForm::kConstant;
  for (Eigen::Index w = 0; w < mu.cols(); ++w) {
    if (damped) {
      for (int j = 0; j < n_; ++j)
        for (int i = 0; i < n_; ++i) damping_adjoint_(i, j) -= mu(n_ + i, w) * g(n_ + j, w);
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

void TrajectoryDissipation::finish_gradient(double* gradient) const {
  if (dissipation_.options().damping != DampingForm::kConstant) return;
  // (M + M^T) L, lower triangle row by row.
  int entry = 0;
  for (int i = 0; i < n_; ++i) {
    for (int j = 0; j <= i; ++j) {
      double sum = 0.0;
      for (int m = 0; m < n_; ++m)
        sum += (damping_adjoint_(i, m) + damping_adjoint_(m, i)) * lower_(m, j);
      gradient[entry++] += sum;
    }
  }
}

}  // namespace hnn::internal
