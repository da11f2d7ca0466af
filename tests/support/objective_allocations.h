// The allocation checks every model's test makes: after a warm-up call, evaluating the HNN
// objective (solenoidal and, with L1, both fields; with and without gradient) and the
// baseline objective allocates nothing. Needs the hnn_allocation_counter object library.
#ifndef HNN_TESTS_SUPPORT_OBJECTIVE_ALLOCATIONS_H_
#define HNN_TESTS_SUPPORT_OBJECTIVE_ALLOCATIONS_H_

#include <doctest/doctest.h>

#include <Eigen/Core>

#include "allocation_counter.h"
#include "hnn/baseline_objective.h"
#include "hnn/hamiltonian_objective.h"
#include "hnn/model.h"

namespace hnn::testing {

// x, dxdt: d x N states and targets; the model is evaluated at its current parameters.
inline void check_objectives_do_not_allocate(Model& model, const Eigen::MatrixXd& x,
                                             const Eigen::MatrixXd& dxdt) {
  Eigen::VectorXd theta(model.parameter_count());
  model.get_parameters(theta);
  HamiltonianObjectiveOptions options;
  options.l1 = 1e-5;
  options.field_type = FieldType::kBoth;
  HamiltonianObjective both(model, x, dxdt, options);
  CHECK(allocations_per_evaluations(both, theta, true) == 0);
  HamiltonianObjective hnn_objective(model, x, dxdt);
  CHECK(allocations_per_evaluations(hnn_objective, theta, true) == 0);
  CHECK(allocations_per_evaluations(hnn_objective, theta, false) == 0);
  BaselineObjective baseline(model, x, dxdt, 1e-5);
  CHECK(allocations_per_evaluations(baseline, theta, true) == 0);
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_SUPPORT_OBJECTIVE_ALLOCATIONS_H_
