#include "hnn/system.h"

#include "hnn/error.h"

namespace hnn {

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
  const int d = system.state_dimension();
  if (x.size() != d || field.size() != d) {
    throw Error("hamiltonian_field: the system has state dimension " + std::to_string(d) +
                ", got a state of size " + std::to_string(x.size()) + " and a field of size " +
                std::to_string(field.size()));
  }
  system.gradient(x, field);
  const int n = d / 2;
  for (int i = 0; i < n; ++i) {
    const double dh_dq = field[i];
    field[i] = field[n + i];
    field[n + i] = -dh_dq;
  }
}

}  // namespace hnn
