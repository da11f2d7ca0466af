// Integrator: integrates dx/dt = f(t, x) and returns the states at requested times.
//
// Required: integrate(field, x0, times). Implementations wrap Boost.Odeint steppers.
// An integrator object holds only its options; integrate() may be called concurrently
// from several threads on the same object unless the implementation says otherwise.
#ifndef HNN_INTEGRATOR_H_
#define HNN_INTEGRATOR_H_

#include <Eigen/Core>
#include <functional>
#include <vector>

namespace hnn {

// dxdt = f(t, x). dxdt has x's size on entry. Must not throw through the integrator for a
// numerical problem: write NaN instead, and the integrator reports failure.
using VectorField = std::function<void(double t, const Eigen::VectorXd& x, Eigen::VectorXd& dxdt)>;

struct IntegrationStatistics {
  long field_evaluations = 0;
  long accepted_steps = 0;
  long rejected_steps = 0;
};

class Integrator {
 public:
  virtual ~Integrator();

  // Returns the states at `times` as columns: x0.size() x times.size(). times is
  // non-decreasing and times.front() is the time of x0 (column 0 equals x0). Throws
  // hnn::Error when the integration fails (non-finite state, step size underflow).
  // `statistics` may be null.
  virtual Eigen::MatrixXd integrate(const VectorField& field, const Eigen::VectorXd& x0,
                                    const std::vector<double>& times,
                                    IntegrationStatistics* statistics = nullptr) const = 0;

  // The method's order of accuracy (for convergence tests), e.g. 4 for rk4.
  virtual int order() const = 0;
  // Whether the method preserves the symplectic structure of Hamiltonian flows.
  virtual bool is_symplectic() const { return false; }
};

}  // namespace hnn

#endif  // HNN_INTEGRATOR_H_
