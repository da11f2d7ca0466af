// The allocation checks every model's test makes: after a warm-up call, evaluating the HNN
// objective (solenoidal and, with L1, both fields; with and without gradient; with learned
// constant damping and forcing, and state-dependent damping from output 0) and the
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
  Eigen::VectorXd times(x.cols());
  for (Eigen::Index s = 0; s < times.size(); ++s) times[s] = 0.1 * double(s);
  HamiltonianObjectiveOptions dissipative;
  dissipative.l1 = 1e-5;
  dissipative.dissipation.damping = DampingForm::kConstant;
  dissipative.dissipation.forcing_frequencies = {1.0, 2.0};
  HamiltonianObjective damped(model, x, dxdt, times, dissipative);
  Eigen::VectorXd damped_theta(damped.parameter_count());
  damped_theta.head(theta.size()) = theta;
  damped_theta.tail(damped.dissipation().parameter_count()) =
      damped.dissipation().initial_parameters();
  CHECK(allocations_per_evaluations(damped, damped_theta, true) == 0);
  CHECK(allocations_per_evaluations(damped, damped_theta, false) == 0);
  // State-dependent damping from output 0 (the field's H is output 1), when the model has
  // the outputs for L(x).
  dissipative.dissipation.damping = DampingForm::kStateDependent;
  dissipative.dissipation.damping_output = 0;
  const LearnedDissipation state_form(dissipative.dissipation, int(x.rows() / 2));
  if (state_form.outputs_needed() <= model.output_dimension()) {
    HamiltonianObjective state(model, x, dxdt, times, dissipative);
    Eigen::VectorXd state_theta(state.parameter_count());
    state_theta.head(theta.size()) = theta;
    state_theta.tail(state.dissipation().parameter_count()).setZero();
    CHECK(allocations_per_evaluations(state, state_theta, true) == 0);
  }
  BaselineObjective baseline(model, x, dxdt, 1e-5);
  CHECK(allocations_per_evaluations(baseline, theta, true) == 0);
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_SUPPORT_OBJECTIVE_ALLOCATIONS_H_
