// Gradient checks: analytic derivatives against finite differences, for the conformance
// tests every Objective, Model and System runs (and a model's optional input
// Hessian-vector product).
//
// The numerical derivative is a central difference; by default the fourth-order one,
//
//   f'(t) ~ (f(t - 2h) - 8 f(t - h) + 8 f(t + h) - f(t + 2h)) / (12 h),
//
// with h = step * max(1, |t|), whose truncation error (~h^4) and round-off (~eps |f| / h)
// are both near 1e-12 for smooth functions of moderate size at the default step 1e-3.
//
// The error of entry i is |analytic_i - numeric_i| / max(|analytic_i|, |numeric_i|, floor)
// with floor = max(relative_floor * scale, absolute_floor) and scale the largest magnitude
// among all analytic and numeric entries. The floor keeps entries that are zero or tiny
// next to the others (an unused output bias, a sign-cancelled sum) from turning round-off
// into huge relative errors, while entries of ordinary size are held to a relative error.
// Round-off of the differences is about eps |f| / h ~ 1e-13 |f| at the default step, so with
// the default relative_floor = 1e-2 a tolerance of 1e-6 holds every entry to an absolute
// error of 1e-8 * scale, and entries above 1% of the scale to a relative error of 1e-6.
//
// Example (a model test):
//
//   hnn::HamiltonianObjective objective(model, x, dxdt);
//   Eigen::VectorXd theta(model.parameter_count());
//   model.get_parameters(theta);
//   hnn::GradientCheckResult result = hnn::check_objective_gradient(objective, theta);
//   CHECK_MESSAGE(result.max_relative_error <= 1e-6, result.report());
//   // or: hnn::require_gradient_accuracy(result, 1e-6);   // throws hnn::Error
//
// The checks restore the state they perturb (parameters, inputs) before returning; a model
// is left with its parameters at `parameters` and a forward pass at the unperturbed inputs.
#ifndef HNN_GRADIENT_CHECK_H_
#define HNN_GRADIENT_CHECK_H_

#include <Eigen/Core>
#include <string>

#include "hnn/model.h"
#include "hnn/objective.h"
#include "hnn/system.h"

namespace hnn {

struct GradientCheckOptions {
  // Base step h (scaled by max(1, |t|) for the entry t being perturbed), > 0.
  double step = 1e-3;
  // true: the fourth-order 4-point central difference; false: the second-order
  // (f(t + h) - f(t - h)) / (2h), cheaper and less accurate (use step ~ 1e-6 with it).
  bool fourth_order = true;
  // See the header comment: floor = max(relative_floor * scale, absolute_floor).
  double relative_floor = 1e-2;
  double absolute_floor = 1e-12;
};

// What a check found. Gradients are flattened column-major for matrices (entry
// i + rows * j is row i, column j).
struct GradientCheckResult {
  std::string subject;              // what was checked, e.g. "objective gradient of mlp ..."
  double max_relative_error = 0.0;  // over all entries, the metric of the header comment
  Eigen::Index worst_index = -1;    // the entry where it is reached, -1 when there is none
  double analytic_at_worst = 0.0;
  double numeric_at_worst = 0.0;
  double scale = 0.0;        // the largest |analytic| or |numeric| entry
  Eigen::Index entries = 0;  // number of entries compared
  bool finite = true;        // false when a value or a derivative was not finite
  Eigen::VectorXd analytic;  // all analytic entries
  Eigen::VectorXd numeric;   // all finite-difference entries

  // finite && max_relative_error <= tolerance.
  bool passed(double tolerance) const;
  // One line: subject, max relative error, worst entry with both values, entry count.
  std::string report() const;
};

// Throws hnn::Error with result.report() and the tolerance unless result.passed(tolerance).
void require_gradient_accuracy(const GradientCheckResult& result, double tolerance);

// The gradient of objective.evaluate() at `parameters` (size objective.parameter_count())
// against finite differences of its value: 1 + 4P evaluations (1 + 2P at second order).
// An evaluate() that returns false marks the result not finite. Throws hnn::Error when the
// size is wrong.
GradientCheckResult check_objective_gradient(Objective& objective,
                                             const Eigen::VectorXd& parameters,
                                             const GradientCheckOptions& options = {});

// model.input_gradient(output) at the batch `inputs` (input_dimension x N) against finite
// differences of model.outputs() row `output`. Samples are independent, so one input
// coordinate is perturbed in every column at once: 4d forward passes. Throws hnn::Error
// for a wrong shape or output index (from the model).
GradientCheckResult check_model_input_gradient(Model& model, const Eigen::MatrixXd& inputs,
                                               int output,
                                               const GradientCheckOptions& options = {});

// model.add_parameter_gradient_of_input_gradient(output, weights) against finite
// differences over the parameters of sum_n weights(:, n) . dF_output/dx(x_n) (computed with
// model.input_gradient): a direct check of the mixed second derivative, independent of any
// objective. 4P + 1 forward passes. weights: input_dimension x N like inputs.
GradientCheckResult check_model_mixed_gradient(Model& model, const Eigen::MatrixXd& inputs,
                                               int output, const Eigen::MatrixXd& weights,
                                               const GradientCheckOptions& options = {});

// model.input_hessian_vector_product(output, directions) at the batch `inputs` against
// finite differences of model.input_gradient(output) along the directions: the derivative
// of dF_output/dx(x_n + t directions(:, n)) at t = 0, every sample at once (4 forward
// passes; the step is options.step, so directions should have entries of order 1).
// directions: input_dimension x N like inputs. Throws what the model throws (e.g.
// NotImplementedError without the capability).
GradientCheckResult check_model_input_hessian_vector_product(
    Model& model, const Eigen::MatrixXd& inputs, int output, const Eigen::MatrixXd& directions,
    const GradientCheckOptions& options = {});

// model.add_parameter_gradient_of_outputs(weights) against finite differences over the
// parameters of sum_n weights(:, n) . F(x_n). weights: output_dimension x N.
GradientCheckResult check_model_output_gradient(Model& model, const Eigen::MatrixXd& inputs,
                                                const Eigen::MatrixXd& weights,
                                                const GradientCheckOptions& options = {});

// system.gradient(x) against finite differences of system.hamiltonian(). x has
// system.state_dimension() entries (hnn::Error otherwise).
GradientCheckResult check_system_gradient(const System& system, const Eigen::VectorXd& x,
                                          const GradientCheckOptions& options = {});

}  // namespace hnn

#endif  // HNN_GRADIENT_CHECK_H_
