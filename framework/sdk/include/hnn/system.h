// System: a physical system with a known Hamiltonian, the source of training data.
//
// Required methods:
//   degrees_of_freedom()        n; a state has 2n entries in canonical order [q..., p...]
//   coordinate_names()          2n names in state order, e.g. {"q", "p"}
//   hamiltonian(x)              H(x)
//   gradient(x, g)              g = dH/dx (2n entries)
//   sample_initial_state(r, x)  draws an initial state for data generation from r
// Optional:
//   exact_hamiltonian()         H as a formula in the coordinate names ("q^2 + p^2"), used to
//                               compare a recovered Hamiltonian; "" when there is none
//
// The vector field of the true dynamics is dx/dt = J dH/dx with J = [[0, I], [-I, 0]]:
// see hamiltonian_field(). Most systems derive from HamiltonianSystem (hamiltonian_system.h),
// which needs only H written once as a template on the scalar type.
//
// A system is immutable after construction; its const methods may be called from several
// threads at once.
#ifndef HNN_SYSTEM_H_
#define HNN_SYSTEM_H_

#include <Eigen/Core>
#include <string>
#include <vector>

#include "hnn/random.h"

namespace hnn {

class System {
 public:
  virtual ~System();

  virtual int degrees_of_freedom() const = 0;
  int state_dimension() const { return 2 * degrees_of_freedom(); }
  virtual std::vector<std::string> coordinate_names() const = 0;

  // x.size() == state_dimension().
  virtual double hamiltonian(const Eigen::Ref<const Eigen::VectorXd>& x) const = 0;
  // gradient.size() == state_dimension().
  virtual void gradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                        Eigen::Ref<Eigen::VectorXd> gradient) const = 0;
  // x.size() == state_dimension(). The order and number of draws from `random` is part of
  // the contract (it decides which dataset a seed gives) and must be documented.
  virtual void sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const = 0;

  virtual std::string exact_hamiltonian() const { return {}; }
};

// dx/dt = J dH/dx: (dH/dp, -dH/dq). field.size() == x.size() == system.state_dimension().
void hamiltonian_field(const System& system, const Eigen::Ref<const Eigen::VectorXd>& x,
                       Eigen::Ref<Eigen::VectorXd> field);

// Applies J = [[0, I], [-I, 0]] to a gradient: (g_p, -g_q). Works column-wise on a batch.
void apply_symplectic_matrix(const Eigen::Ref<const Eigen::MatrixXd>& gradient,
                             Eigen::Ref<Eigen::MatrixXd> field);

}  // namespace hnn

#endif  // HNN_SYSTEM_H_
