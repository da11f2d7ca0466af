#include "hnn/system.h"

#include "hnn/error.h"

namespace hnn {
namespace {

void check_sizes(const char* function, const System& system, Eigen::Index state,
                 Eigen::Index field) {
  const int d = system.state_dimension();
  if (state != d || field != d) {
    throw Error(std::string(function) + ": the system has state dimension " + std::to_string(d) +
                ", got a state of size " + std::to_string(state) + " and a field of size " +
                std::to_string(field));
  }
}

// R(x) of a system with damping; the matrix it writes to starts at zero.
Eigen::MatrixXd damping_matrix(const System& system, const Eigen::Ref<const Eigen::VectorXd>& x) {
  const int d = system.state_dimension();
  Eigen::MatrixXd damping = Eigen::MatrixXd::Zero(d, d);
  system.damping(x, damping);
  return damping;
}

// F(t) of a system with forcing; the vector it writes to starts at zero.
Eigen::VectorXd external_force(const System& system, double t) {
  Eigen::VectorXd force = Eigen::VectorXd::Zero(system.state_dimension());
  system.forcing(t, force);
  return force;
}

}  // namespace

void System::damping(const Eigen::Ref<const Eigen::VectorXd>& /*x*/,
                     Eigen::Ref<Eigen::MatrixXd> damping) const {
  damping.setZero();
}

void System::forcing(double /*t*/, Eigen::Ref<Eigen::VectorXd> force) const { force.setZero(); }

void apply_symplectic_matrix(const Eigen::Ref<const Eigen::MatrixXd>& gradient,
                             Eigen::Ref<Eigen::MatrixXd> field) {
  const Eigen::Index n = gradient.rows() / 2;
  if (gradient.rows() != 2 * n || field.rows() != gradient.rows() ||
      field.cols() != gradient.cols()) {
    throw Error("apply_symplectic_matrix: gradient is " + std::to_string(gradient.rows()) + "x" +
                std::to_string(gradient.cols()) + ", field is " + std::to_string(field.rows()) +
                "x" + std::to_string(field.cols()) +
                "; expected equal shapes with an even row count");
  }
  field.topRows(n) = gradient.bottomRows(n);
  field.bottomRows(n) = -gradient.topRows(n);
}

void hamiltonian_field(const System& system, const Eigen::Ref<const Eigen::VectorXd>& x,
                       Eigen::Ref<Eigen::VectorXd> field) {
  check_sizes("hamiltonian_field", system, x.size(), field.size());
  system.gradient(x, field);
  const int n = system.degrees_of_freedom();
  for (int i = 0; i < n; ++i) {
    const double dh_dq = field[i];
    field[i] = field[n + i];
    field[n + i] = -dh_dq;
  }
}

void true_field(const System& system, double t, const Eigen::Ref<const Eigen::VectorXd>& x,
                Eigen::Ref<Eigen::VectorXd> field) {
  check_sizes("true_field", system, x.size(), field.size());
  if (system.is_conservative()) {
    hamiltonian_field(system, x, field);
    return;
  }
  Eigen::VectorXd gradient(system.state_dimension());
  system.gradient(x, gradient);
  const int n = system.degrees_of_freedom();
  field.head(n) = gradient.tail(n);
  field.tail(n) = -gradient.head(n);
  if (system.has_damping()) field.noalias() -= damping_matrix(system, x) * gradient;
  if (system.has_forcing()) field += external_force(system, t);
}

PowerBalance power_balance(const System& system, double t,
                           const Eigen::Ref<const Eigen::VectorXd>& x) {
  check_sizes("power_balance", system, x.size(), x.size());
  PowerBalance balance;
  if (system.is_conservative()) return balance;
  Eigen::VectorXd gradient(system.state_dimension());
  system.gradient(x, gradient);
  if (system.has_damping()) balance.dissipated = gradient.dot(damping_matrix(system, x) * gradient);
  if (system.has_forcing()) balance.supplied = gradient.dot(external_force(system, t));
  return balance;
}

void set_momentum_damping(const Eigen::Ref<const Eigen::MatrixXd>& momentum_damping,
                          Eigen::Ref<Eigen::MatrixXd> damping) {
  const Eigen::Index n = momentum_damping.rows();
  if (momentum_damping.cols() != n || damping.rows() != 2 * n || damping.cols() != 2 * n) {
    throw Error("set_momentum_damping: the momentum damping is " +
                std::to_string(momentum_damping.rows()) + "x" +
                std::to_string(momentum_damping.cols()) + ", the damping matrix " +
                std::to_string(damping.rows()) + "x" + std::to_string(damping.cols()) +
                "; expected n x n and 2n x 2n");
  }
  damping.setZero();
  damping.bottomRightCorner(n, n) = momentum_damping;
}

void set_momentum_damping(double coefficient, Eigen::Ref<Eigen::MatrixXd> damping) {
  const Eigen::Index n = damping.rows() / 2;
  if (damping.rows() != 2 * n || damping.cols() != damping.rows()) {
    throw Error("set_momentum_damping: the damping matrix is " + std::to_string(damping.rows()) +
                "x" + std::to_string(damping.cols()) + "; expected 2n x 2n");
  }
  damping.setZero();
  damping.bottomRightCorner(n, n).diagonal().setConstant(coefficient);
}

}  // namespace hnn
