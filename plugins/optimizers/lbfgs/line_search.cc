#include "line_search.h"

#include <Eigen/Core>
#include <Eigen/LU>
#include <algorithm>
#include <cmath>

namespace hnn::optimizers {
namespace {

// A polynomial of degree <= 3, highest power first (Ceres' convention).
using Polynomial = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, 4, 1>;
using SmallMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, 4, 4>;

double evaluate_polynomial(const Polynomial& polynomial, double x) {
  double v = 0.0;
  for (Eigen::Index i = 0; i < polynomial.size(); ++i) v = v * x + polynomial(i);
  return v;
}

// The polynomial through the samples' valid values and slopes (Ceres'
// FindInterpolatingPolynomial, including its full-pivoting LU with threshold 0).
Polynomial interpolating_polynomial(const LineSample* samples, int count) {
  int constraints = 0;
  for (int i = 0; i < count; ++i)
    constraints += int(samples[i].value_valid) + int(samples[i].slope_valid);
  const int degree = constraints - 1;
  SmallMatrix lhs = SmallMatrix::Zero(constraints, constraints);
  Polynomial rhs = Polynomial::Zero(constraints);
  int row = 0;
  for (int i = 0; i < count; ++i) {
    const LineSample& sample = samples[i];
    if (sample.value_valid) {
      for (int j = 0; j <= degree; ++j) lhs(row, j) = std::pow(sample.step, degree - j);
      rhs(row) = sample.value;
      ++row;
    }
    if (sample.slope_valid) {
      for (int j = 0; j < degree; ++j) {
        lhs(row, j) = (degree - j) * std::pow(sample.step, degree - j - 1);
      }
      rhs(row) = sample.slope;
      ++row;
    }
  }
  Eigen::FullPivLU<SmallMatrix> lu(lhs);
  return lu.setThreshold(0.0).solve(rhs);
}

// The real parts of the roots of a polynomial of degree <= 2 (Ceres' FindPolynomialRoots
// after its leading zeros are removed; a constant has none). Returns their number.
int real_parts_of_roots(const Polynomial& polynomial_in, double roots[2]) {
  Eigen::Index first = 0;
  while (first < polynomial_in.size() - 1 && polynomial_in(first) == 0.0) ++first;
  const Polynomial polynomial = polynomial_in.tail(polynomial_in.size() - first);
  const Eigen::Index degree = polynomial.size() - 1;
  if (degree == 1) {
    roots[0] = -polynomial(1) / polynomial(0);
    return 1;
  }
  if (degree == 2) {
    const double a = polynomial(0), b = polynomial(1), c = polynomial(2);
    const double discriminant = b * b - 4 * a * c;
    const double sqrt_discriminant = std::sqrt(std::fabs(discriminant));
    if (discriminant >= 0) {
      // Stable roots (B. K. P. Horn), as Ceres.
      if (b >= 0) {
        roots[0] = (-b - sqrt_discriminant) / (2.0 * a);
        roots[1] = (2.0 * c) / (-b - sqrt_discriminant);
      } else {
        roots[0] = (2.0 * c) / (-b + sqrt_discriminant);
        roots[1] = (-b + sqrt_discriminant) / (2.0 * a);
      }
    } else {
      roots[0] = roots[1] = -b / (2.0 * a);
    }
    return 2;
  }
  return 0;
}

// Ceres' MinimizePolynomial on [x_min, x_max]: the midpoint, the ends and the critical
// points inside.
void minimize_polynomial(const Polynomial& polynomial, double x_min, double x_max,
                         double* optimal_x, double* optimal_value) {
  *optimal_x = (x_min + x_max) / 2.0;
  *optimal_value = evaluate_polynomial(polynomial, *optimal_x);
  const double x_min_value = evaluate_polynomial(polynomial, x_min);
  if (x_min_value < *optimal_value) {
    *optimal_value = x_min_value;
    *optimal_x = x_min;
  }
  const double x_max_value = evaluate_polynomial(polynomial, x_max);
  if (x_max_value < *optimal_value) {
    *optimal_value = x_max_value;
    *optimal_x = x_max;
  }
  if (polynomial.size() <= 2) return;

  const Eigen::Index degree = polynomial.size() - 1;
  Polynomial derivative(degree);
  for (Eigen::Index i = 0; i < degree; ++i) derivative(i) = double(degree - i) * polynomial(i);
  double roots[2];
  const int root_count = real_parts_of_roots(derivative, roots);
  for (int i = 0; i < root_count; ++i) {
    const double root = roots[i];
    if (root < x_min || root > x_max) continue;
    const double value = evaluate_polynomial(polynomial, root);
    if (value < *optimal_value) {
      *optimal_value = value;
      *optimal_x = root;
    }
  }
}

bool satisfies_armijo(const WolfeSearchOptions& options, const LineSample& start,
                      const LineSample& sample) {
  return sample.value <= start.value + options.sufficient_decrease * start.slope * sample.step;
}

bool satisfies_curvature(const WolfeSearchOptions& options, const LineSample& start,
                         const LineSample& sample) {
  return std::fabs(sample.slope) <= -options.sufficient_curvature_decrease * start.slope;
}

// Ceres' WolfeLineSearch::BracketingPhase. Returns false when no step above the minimum
// satisfying at least Armijo was found; otherwise bracket_low is the step to take when
// *zoom is false, and [bracket_low, bracket_high] the interval to zoom into when it is true.
bool bracketing_phase(LineFunction& function, const WolfeSearchOptions& options,
                      const LineSample& start, double initial_step, LineSample* bracket_low,
                      LineSample* bracket_high, bool* zoom, int* iterations, int* evaluations) {
  LineSample previous = start;
  const double direction_max_norm = function.direction_max_norm();
  *zoom = false;
  *bracket_low = start;

  ++*evaluations;
  LineSample current = function.evaluate(initial_step, LineSample::kNoPoint, LineSample::kNoPoint);
  while (true) {
    ++*iterations;
    if (current.value_valid && (!satisfies_armijo(options, start, current) ||
                                (previous.value_valid && current.value > previous.value))) {
      // Past the Armijo line or uphill from the previous trial: the interval brackets.
      *zoom = true;
      *bracket_low = previous;
      *bracket_high = current;
      break;
    }
    if (current.value_valid && satisfies_curvature(options, start, current)) {
      *bracket_low = current;  // a strong Wolfe step
      *bracket_high = current;
      break;
    } else if (current.value_valid && current.slope >= 0) {
      // Armijo holds but phi rises again: bracketed, the ends in reverse order.
      *zoom = true;
      *bracket_low = current;
      *bracket_high = previous;
      break;
    } else if (current.value_valid && std::fabs(current.step - previous.step) * direction_max_norm <
                                          options.min_step_size) {
      *bracket_low = current;  // the steps no longer move: take the Armijo step
      break;
    } else if (*iterations >= options.max_iterations) {
      if (current.value_valid && current.value < bracket_low->value) *bracket_low = current;
      break;
    }
    // Grow the step while phi is valid; shrink it (never below the previous valid trial)
    // when it is not.
    const double min_step = current.value_valid ? current.step : previous.step;
    const double max_step =
        current.value_valid ? current.step * options.max_step_expansion : current.step;
    const double step =
        interpolating_step(options.interpolation, previous, current, min_step, max_step);
    if (step * direction_max_norm < options.min_step_size) return false;
    if (current.value_valid) previous = current;
    ++*evaluations;
    current = function.evaluate(step, previous.point, LineSample::kNoPoint);
  }
  if (*zoom && std::fabs(bracket_high->step - bracket_low->step) * direction_max_norm <
                   options.min_step_size) {
    *zoom = false;
  }
  return true;
}

// Ceres' WolfeLineSearch::ZoomPhase. Returns true when *solution satisfies the strong
// Wolfe conditions; otherwise *solution is the lowest Armijo step seen (value_valid false
// when the bracket was not a valid one).
bool zoom_phase(LineFunction& function, const WolfeSearchOptions& options, const LineSample& start,
                LineSample bracket_low, LineSample bracket_high, LineSample* solution,
                int* iterations, int* evaluations) {
  if (bracket_low.slope * (bracket_high.step - bracket_low.step) >= 0) {
    // Not a bracket: the objective's values and gradients disagree.
    solution->value_valid = false;
    return false;
  }
  const double direction_max_norm = function.direction_max_norm();
  while (true) {
    *solution = bracket_low;
    if (*iterations >= options.max_iterations) return false;
    if (std::fabs(bracket_high.step - bracket_low.step) * direction_max_norm <
        options.min_step_size) {
      return false;
    }
    ++*iterations;
    const LineSample& lower = bracket_low.step < bracket_high.step ? bracket_low : bracket_high;
    const LineSample& upper = bracket_low.step < bracket_high.step ? bracket_high : bracket_low;
    const double step =
        interpolating_step(options.interpolation, lower, upper, lower.step, upper.step);
    ++*evaluations;
    *solution = function.evaluate(step, bracket_low.point, bracket_high.point);
    if (!solution->value_valid || !solution->slope_valid) return false;
    if (!satisfies_armijo(options, start, *solution) || solution->value >= bracket_low.value) {
      bracket_high = *solution;
      continue;
    }
    if (satisfies_curvature(options, start, *solution)) break;
    if (solution->slope * (bracket_high.step - bracket_low.step) >= 0) bracket_high = bracket_low;
    bracket_low = *solution;
  }
  return true;
}

}  // namespace

double interpolating_step(LineSearchInterpolation interpolation, const LineSample& lower,
                          const LineSample& current, double min_step, double max_step) {
  if (!current.value_valid ||
      (interpolation == LineSearchInterpolation::kBisection && max_step <= current.step)) {
    return std::min(std::max(current.step * 0.5, min_step), max_step);
  }
  if (interpolation == LineSearchInterpolation::kBisection) return max_step;

  LineSample samples[2] = {lower, current};
  if (interpolation == LineSearchInterpolation::kQuadratic) samples[1].slope_valid = false;
  const Polynomial polynomial = interpolating_polynomial(samples, 2);
  double step = 0.0, value = 0.0;
  minimize_polynomial(polynomial, min_step, max_step, &step, &value);
  for (const LineSample& sample : samples) {
    if (sample.step < min_step || sample.step > max_step) continue;
    const double sample_value = evaluate_polynomial(polynomial, sample.step);
    if (sample_value < value) {
      step = sample.step;
      value = sample_value;
    }
  }
  return step;
}

LineSearchResult wolfe_line_search(LineFunction& function, const WolfeSearchOptions& options,
                                   double initial_step, double initial_value,
                                   double initial_slope) {
  LineSearchResult result;
  LineSample start;
  start.value = initial_value;
  start.slope = initial_slope;
  start.value_valid = start.slope_valid = true;

  LineSample bracket_low, bracket_high, solution;
  bool zoom = false;
  int iterations = 0;
  if (!bracketing_phase(function, options, start, initial_step, &bracket_low, &bracket_high, &zoom,
                        &iterations, &result.evaluations)) {
    return result;
  }
  if (!zoom) {
    result.optimal = bracket_low;
    result.success = true;
    return result;
  }
  if (!zoom_phase(function, options, start, bracket_low, bracket_high, &solution, &iterations,
                  &result.evaluations) &&
      !solution.value_valid) {
    return result;
  }
  result.optimal =
      !solution.value_valid || solution.value > bracket_low.value ? bracket_low : solution;
  result.success = true;
  return result;
}

}  // namespace hnn::optimizers
