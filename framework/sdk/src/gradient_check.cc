#include "hnn/gradient_check.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iomanip>
#include <limits>
#include <sstream>

#include "hnn/error.h"

namespace hnn {
namespace {

// Values of a function of one real variable, vector-valued (size fixed per check). Returns
// false when the function could not be evaluated (e.g. an objective returned false).
using ScalarFunction = std::function<bool(double t, Eigen::VectorXd& values)>;

// derivative = d values / dt at t0 by central differences; false when an evaluation failed.
bool central_difference(const ScalarFunction& function, double t0,
                        const GradientCheckOptions& options, Eigen::VectorXd& derivative) {
  const double h = options.step * std::max(1.0, std::abs(t0));
  Eigen::VectorXd plus, minus;
  if (!function(t0 + h, plus) || !function(t0 - h, minus)) return false;
  if (!options.fourth_order) {
    derivative = (plus - minus) / (2.0 * h);
    return true;
  }
  Eigen::VectorXd plus2, minus2;
  if (!function(t0 + 2.0 * h, plus2) || !function(t0 - 2.0 * h, minus2)) return false;
  derivative = (8.0 * (plus - minus) - (plus2 - minus2)) / (12.0 * h);
  return true;
}

void check_options(const GradientCheckOptions& options) {
  if (!(options.step > 0.0) || !std::isfinite(options.step) || !(options.relative_floor >= 0.0) ||
      !(options.absolute_floor >= 0.0)) {
    std::ostringstream message;
    message << "gradient check: invalid options (step = " << options.step
            << " must be finite and > 0; relative_floor = " << options.relative_floor
            << " and absolute_floor = " << options.absolute_floor << " must be >= 0)";
    throw Error(message.str());
  }
}

GradientCheckResult compare(std::string subject, Eigen::VectorXd analytic, Eigen::VectorXd numeric,
                            bool finite, const GradientCheckOptions& options) {
  GradientCheckResult result;
  result.subject = std::move(subject);
  result.entries = analytic.size();
  result.finite = finite && analytic.allFinite() && numeric.allFinite();
  if (result.entries > 0 && result.finite) {
    result.scale = std::max(analytic.cwiseAbs().maxCoeff(), numeric.cwiseAbs().maxCoeff());
    const double floor = std::max(options.relative_floor * result.scale, options.absolute_floor);
    for (Eigen::Index i = 0; i < analytic.size(); ++i) {
      const double denominator = std::max({std::abs(analytic[i]), std::abs(numeric[i]), floor});
      const double error =
          denominator > 0.0 ? std::abs(analytic[i] - numeric[i]) / denominator : 0.0;
      if (result.worst_index < 0 || error > result.max_relative_error) {
        result.max_relative_error = error;
        result.worst_index = i;
      }
    }
    result.analytic_at_worst = analytic[result.worst_index];
    result.numeric_at_worst = numeric[result.worst_index];
  } else if (!result.finite) {
    result.max_relative_error = std::numeric_limits<double>::infinity();
  }
  result.analytic = std::move(analytic);
  result.numeric = std::move(numeric);
  return result;
}

}  // namespace

bool GradientCheckResult::passed(double tolerance) const {
  return finite && max_relative_error <= tolerance;
}

std::string GradientCheckResult::report() const {
  std::ostringstream text;
  text.precision(6);
  text << subject << ": ";
  if (!finite) {
    text << "a value or derivative is not finite";
  } else if (worst_index < 0) {
    text << "nothing to compare";
  } else {
    text << "max relative error " << max_relative_error << " at entry " << worst_index
         << " (analytic " << std::setprecision(17) << analytic_at_worst << ", finite difference "
         << numeric_at_worst << std::setprecision(6) << "), scale " << scale;
  }
  text << ", " << entries << " entries";
  return text.str();
}

void require_gradient_accuracy(const GradientCheckResult& result, double tolerance) {
  if (!result.passed(tolerance)) {
    std::ostringstream message;
    message << result.report() << "; tolerance " << tolerance;
    throw Error(message.str());
  }
}

GradientCheckResult check_objective_gradient(Objective& objective,
                                             const Eigen::VectorXd& parameters,
                                             const GradientCheckOptions& options) {
  check_options(options);
  const Eigen::Index p = objective.parameter_count();
  if (parameters.size() != p) {
    throw Error("check_objective_gradient: " + std::to_string(parameters.size()) +
                " parameters given, the objective has " + std::to_string(p));
  }
  Eigen::VectorXd analytic(p);
  double value = 0.0;
  bool finite = objective.evaluate(parameters.data(), &value, analytic.data());
  Eigen::VectorXd numeric = Eigen::VectorXd::Zero(p);
  Eigen::VectorXd probe = parameters;
  Eigen::VectorXd derivative;
  for (Eigen::Index i = 0; i < p && finite; ++i) {
    ScalarFunction function = [&](double t, Eigen::VectorXd& values) {
      probe[i] = t;
      values.resize(1);
      return objective.evaluate(probe.data(), values.data(), nullptr);
    };
    finite = central_difference(function, parameters[i], options, derivative);
    probe[i] = parameters[i];
    if (finite) numeric[i] = derivative[0];
  }
  // Leave the objective (and its model) at the checked parameters.
  objective.evaluate(parameters.data(), &value, nullptr);
  return compare("objective gradient (" + std::to_string(p) + " parameters)", std::move(analytic),
                 std::move(numeric), finite, options);
}

GradientCheckResult check_model_input_gradient(Model& model, const Eigen::MatrixXd& inputs,
                                               int output, const GradientCheckOptions& options) {
  check_options(options);
  const Eigen::Index d = inputs.rows();
  const Eigen::Index n = inputs.cols();
  model.forward(inputs);
  Eigen::MatrixXd analytic(d, n);
  model.input_gradient(output, analytic);
  Eigen::MatrixXd numeric(d, n);
  Eigen::MatrixXd probe = inputs;
  Eigen::MatrixXd outputs(model.output_dimension(), n);
  Eigen::VectorXd derivative;
  bool finite = true;
  for (Eigen::Index row = 0; row < d; ++row) {
    // Every sample's output depends on its own input only: perturb one coordinate of all
    // samples together. The step is taken per sample, relative to that sample's value.
    Eigen::VectorXd steps(n);
    for (Eigen::Index j = 0; j < n; ++j) steps[j] = std::max(1.0, std::abs(inputs(row, j)));
    ScalarFunction function = [&](double t, Eigen::VectorXd& values) {
      probe.row(row) = inputs.row(row) + t * steps.transpose();
      model.forward(probe);
      model.outputs(outputs);
      values = outputs.row(output).transpose();
      return true;
    };
    finite = central_difference(function, 0.0, options, derivative) && finite;
    numeric.row(row) = (derivative.array() / steps.array()).transpose();
    probe.row(row) = inputs.row(row);
  }
  model.forward(inputs);
  return compare(model.name() + ": input gradient of output " + std::to_string(output),
                 Eigen::Map<const Eigen::VectorXd>(analytic.data(), analytic.size()),
                 Eigen::Map<const Eigen::VectorXd>(numeric.data(), numeric.size()), finite,
                 options);
}

namespace {

// Finite differences over the parameters of a scalar function of the model.
template <class Value>
Eigen::VectorXd parameter_differences(Model& model, const Eigen::VectorXd& parameters,
                                      const GradientCheckOptions& options, Value value,
                                      bool& finite) {
  const Eigen::Index p = parameters.size();
  Eigen::VectorXd numeric = Eigen::VectorXd::Zero(p);
  Eigen::VectorXd probe = parameters;
  Eigen::VectorXd derivative;
  for (Eigen::Index i = 0; i < p; ++i) {
    ScalarFunction function = [&](double t, Eigen::VectorXd& values) {
      probe[i] = t;
      model.set_parameters(probe);
      values.resize(1);
      values[0] = value();
      return std::isfinite(values[0]);
    };
    if (!central_difference(function, parameters[i], options, derivative))
      finite = false;
    else
      numeric[i] = derivative[0];
    probe[i] = parameters[i];
  }
  model.set_parameters(parameters);
  return numeric;
}

}  // namespace

GradientCheckResult check_model_mixed_gradient(Model& model, const Eigen::MatrixXd& inputs,
                                               int output, const Eigen::MatrixXd& weights,
                                               const GradientCheckOptions& options) {
  check_options(options);
  Eigen::VectorXd parameters(model.parameter_count());
  model.get_parameters(parameters);
  Eigen::MatrixXd gradient(inputs.rows(), inputs.cols());
  model.forward(inputs);
  model.input_gradient(output, gradient);
  Eigen::VectorXd analytic = Eigen::VectorXd::Zero(parameters.size());
  model.add_parameter_gradient_of_input_gradient(output, weights, analytic);
  bool finite = true;
  Eigen::VectorXd numeric = parameter_differences(
      model, parameters, options,
      [&] {
        model.forward(inputs);
        model.input_gradient(output, gradient);
        return weights.cwiseProduct(gradient).sum();
      },
      finite);
  model.forward(inputs);
  return compare(model.name() + ": parameter gradient of the input gradient of output " +
                     std::to_string(output),
                 std::move(analytic), std::move(numeric), finite, options);
}

GradientCheckResult check_model_input_hessian_vector_product(Model& model,
                                                             const Eigen::MatrixXd& inputs,
                                                             int output,
                                                             const Eigen::MatrixXd& directions,
                                                             const GradientCheckOptions& options) {
  check_options(options);
  const Eigen::Index d = inputs.rows();
  const Eigen::Index n = inputs.cols();
  Eigen::MatrixXd gradient(d, n);
  model.forward(inputs);
  model.input_gradient(output, gradient);
  Eigen::MatrixXd analytic(d, n);
  model.input_hessian_vector_product(output, directions, analytic);
  Eigen::MatrixXd probe(d, n);
  ScalarFunction function = [&](double t, Eigen::VectorXd& values) {
    probe = inputs + t * directions;
    model.forward(probe);
    model.input_gradient(output, gradient);
    values = Eigen::Map<const Eigen::VectorXd>(gradient.data(), gradient.size());
    return values.allFinite();
  };
  Eigen::VectorXd numeric;
  const bool finite = central_difference(function, 0.0, options, numeric);
  if (!finite) numeric = Eigen::VectorXd::Zero(d * n);
  model.forward(inputs);
  return compare(
      model.name() + ": input Hessian-vector product of output " + std::to_string(output),
      Eigen::Map<const Eigen::VectorXd>(analytic.data(), analytic.size()), std::move(numeric),
      finite, options);
}

GradientCheckResult check_model_output_gradient(Model& model, const Eigen::MatrixXd& inputs,
                                                const Eigen::MatrixXd& weights,
                                                const GradientCheckOptions& options) {
  check_options(options);
  Eigen::VectorXd parameters(model.parameter_count());
  model.get_parameters(parameters);
  Eigen::MatrixXd outputs(model.output_dimension(), inputs.cols());
  model.forward(inputs);
  Eigen::VectorXd analytic = Eigen::VectorXd::Zero(parameters.size());
  model.add_parameter_gradient_of_outputs(weights, analytic);
  bool finite = true;
  Eigen::VectorXd numeric = parameter_differences(
      model, parameters, options,
      [&] {
        model.forward(inputs);
        model.outputs(outputs);
        return weights.cwiseProduct(outputs).sum();
      },
      finite);
  model.forward(inputs);
  return compare(model.name() + ": parameter gradient of the outputs", std::move(analytic),
                 std::move(numeric), finite, options);
}

GradientCheckResult check_system_gradient(const System& system, const Eigen::VectorXd& x,
                                          const GradientCheckOptions& options) {
  check_options(options);
  const Eigen::Index d = system.state_dimension();
  if (x.size() != d) {
    throw Error("check_system_gradient: the state has " + std::to_string(x.size()) +
                " entries, the system's state dimension is " + std::to_string(d));
  }
  Eigen::VectorXd analytic(d);
  system.gradient(x, analytic);
  Eigen::VectorXd numeric = Eigen::VectorXd::Zero(d);
  Eigen::VectorXd probe = x;
  Eigen::VectorXd derivative;
  bool finite = true;
  for (Eigen::Index i = 0; i < d; ++i) {
    ScalarFunction function = [&](double t, Eigen::VectorXd& values) {
      probe[i] = t;
      values.resize(1);
      values[0] = system.hamiltonian(probe);
      return std::isfinite(values[0]);
    };
    if (!central_difference(function, x[i], options, derivative))
      finite = false;
    else
      numeric[i] = derivative[0];
    probe[i] = x[i];
  }
  return compare("system gradient (" + std::to_string(d) + " coordinates)", std::move(analytic),
                 std::move(numeric), finite, options);
}

}  // namespace hnn
