// Objective: a differentiable scalar function of a parameter vector, what an Optimizer
// minimises. The framework's HamiltonianObjective and BaselineObjective implement it.
#ifndef HNN_OBJECTIVE_H_
#define HNN_OBJECTIVE_H_

#include <Eigen/Core>

namespace hnn {

// The parts of the last evaluation, for recording.
struct LossParts {
  double data_loss = 0.0;  // the mean squared error term
  double penalty = 0.0;    // regularisation (L1, model penalty); 0 when there is none
};

class Objective {
 public:
  virtual ~Objective();

  virtual int parameter_count() const = 0;

  // Computes the value at `parameters` and, when `gradient` is not null, the gradient
  // (parameter_count() entries). Returns false on a numerical failure (a non-finite
  // value), like a Ceres cost function; does not throw for it. Not thread-safe.
  virtual bool evaluate(const double* parameters, double* value, double* gradient) = 0;

  // The parts of the last evaluate() call.
  virtual LossParts last_parts() const = 0;
};

}  // namespace hnn

#endif  // HNN_OBJECTIVE_H_
