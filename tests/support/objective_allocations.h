// The allocation checks every model's test makes: after a warm-up call, evaluating the HNN
// objective (solenoidal and, with L1, both fields; with and without gradient; with learned
// constant damping and forcing, and state-dependent damping from output 0) and the
// baseline objective allocates nothing, nor do the model's derivative calls with the input
// Hessian-vector product. Needs the hnn_allocation_counter object library.
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

// The derivative calls a trajectory objective makes, model by model: after a warm-up at
// this batch size, forward() (of two batches of states, alternately), input_gradient(),
// input_hessian_vector_product() and
// add_parameter_gradient_of_input_gradient() for every output (the Hessian-vector product
// also for an output other than the last input gradient's) allocate nothing.
inline void check_model_derivatives_do_not_allocate(Model& model, const Eigen::MatrixXd& x) {
  REQUIRE(model.has_input_hessian_vector_product());
  const Eigen::MatrixXd directions =
      x.reverse() + Eigen::MatrixXd::Constant(x.rows(), x.cols(), 0.5);
  Eigen::MatrixXd gradient(x.rows(), x.cols()), products(x.rows(), x.cols());
  Eigen::VectorXd parameter_gradient = Eigen::VectorXd::Zero(model.parameter_count());
  const Eigen::MatrixXd moved = 0.9 * x;  // new states, as along a trajectory
  const int outputs = model.output_dimension();
  auto derivatives = [&] {
    for (const Eigen::MatrixXd* states : {&x, &moved}) {
      model.forward(*states);
      for (int output = 0; output < outputs; ++output) {
        model.input_gradient(output, gradient);
        model.input_hessian_vector_product(output, directions, products);
        model.add_parameter_gradient_of_input_gradient(output, directions, parameter_gradient);
        model.input_hessian_vector_product((output + 1) % outputs, directions, products);
      }
    }
  };
  derivatives();
  allocations = 0;
  counting = true;
  for (int i = 0; i < 3; ++i) derivatives();
  counting = false;
  CHECK(allocations.load() == 0);
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_SUPPORT_OBJECTIVE_ALLOCATIONS_H_
