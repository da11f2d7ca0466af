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
//   has_damping(), damping(x, R)
//                               a damping matrix R(x), 2n x 2n, symmetric positive
//                               semidefinite; none (R = 0) by default
//   has_forcing(), forcing(t, F)
//                               an external force F(t), 2n entries; none (F = 0) by default
//
// The vector field of the true dynamics is the port-Hamiltonian one
//
//   dx/dt = (J - R(x)) dH/dx + F(t),   J = [[0, I], [-I, 0]]:
//
// see true_field(). A conservative system (the default: no damping, no forcing) has
// dx/dt = J dH/dx, hamiltonian_field(), and its energy H is conserved; otherwise
// dH/dt = -dH/dx^T R dH/dx + dH/dx^T F(t) along a trajectory (power_balance()). Most damping
// acts on the momenta only, R = [[0, 0], [0, D(x)]] (set_momentum_damping), and most forces
// on the momenta only, F = (0, f(t)): with H = p^2/(2m) + V(q) and D = gamma I that is
// m q'' = -V'(q) - gamma q' + f(t). Most systems derive from HamiltonianSystem
// (hamiltonian_system.h), which needs only H written once as a template on the scalar type;
// such a system adds damping or forcing by overriding the optional methods (the bundled
// damped_spring, damped_pendulum and duffing are examples).
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

  // Whether the system dissipates energy: false (the default) promises R(x) = 0 everywhere,
  // and true_field() then never calls damping().
  virtual bool has_damping() const { return false; }
  // Writes R(x) to `damping` (2n x 2n, x.size() == 2n): symmetric positive semidefinite at
  // every state (the conformance suite checks it at sampled states). Called only when
  // has_damping(); the default writes zeros. May throw hnn::Error for a state where R is not
  // defined or not positive semidefinite, naming the system and the state.
  virtual void damping(const Eigen::Ref<const Eigen::VectorXd>& x,
                       Eigen::Ref<Eigen::MatrixXd> damping) const;

  // Whether an external force drives the system: false (the default) promises F(t) = 0, and
  // true_field() then never calls forcing().
  virtual bool has_forcing() const { return false; }
  // Writes F(t) to `force` (2n entries, in state order; a force on the momenta has its
  // first n entries zero). Called only when has_forcing(); the default writes zeros.
  virtual void forcing(double t, Eigen::Ref<Eigen::VectorXd> force) const;

  // !has_damping() && !has_forcing().
  bool is_conservative() const { return !has_damping() && !has_forcing(); }
};

// dx/dt = J dH/dx: (dH/dp, -dH/dq). field.size() == x.size() == system.state_dimension().
// The conservative part of the true field: the whole of it for a conservative system.
void hamiltonian_field(const System& system, const Eigen::Ref<const Eigen::VectorXd>& x,
                       Eigen::Ref<Eigen::VectorXd> field);

// The true field at time t: dx/dt = (J - R(x)) dH/dx + F(t), R and F only where the system
// has them. For a conservative system this is hamiltonian_field(), bit for bit (the same
// operations: data and runs of conservative systems do not change). field.size() ==
// x.size() == system.state_dimension(); throws hnn::Error otherwise, and passes on what
// damping() throws. Allocates a 2n x 2n matrix per call for a system with damping.
void true_field(const System& system, double t, const Eigen::Ref<const Eigen::VectorXd>& x,
                Eigen::Ref<Eigen::VectorXd> field);

// The rate of change of the energy H along the true field at (t, x), split by where it goes:
// dH/dt = dH/dx^T dx/dt = supplied - dissipated (dH/dx^T J dH/dx = 0).
struct PowerBalance {
  double dissipated = 0.0;  // dH/dx^T R(x) dH/dx, >= 0 for R positive semidefinite
  double supplied = 0.0;    // dH/dx^T F(t), either sign
  double rate() const { return supplied - dissipated; }
};
// Zero for a conservative system. x.size() == system.state_dimension().
PowerBalance power_balance(const System& system, double t,
                           const Eigen::Ref<const Eigen::VectorXd>& x);

// Damping on the momenta only: damping = [[0, 0], [0, momentum_damping]] with
// momentum_damping n x n and damping 2n x 2n (throws hnn::Error otherwise). The helper for
// System::damping() of a system whose friction acts on the momenta.
void set_momentum_damping(const Eigen::Ref<const Eigen::MatrixXd>& momentum_damping,
                          Eigen::Ref<Eigen::MatrixXd> damping);
// The same with momentum_damping = coefficient * I (the usual friction, coefficient >= 0).
void set_momentum_damping(double coefficient, Eigen::Ref<Eigen::MatrixXd> damping);

// Applies J = [[0, I], [-I, 0]] to a gradient: (g_p, -g_q). Works column-wise on a batch.
void apply_symplectic_matrix(const Eigen::Ref<const Eigen::MatrixXd>& gradient,
                             Eigen::Ref<Eigen::MatrixXd> field);

}  // namespace hnn

#endif  // HNN_SYSTEM_H_
