// The strong-Wolfe line search of the `lbfgs` optimizer: Ceres 2.1's WolfeLineSearch
// (Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithms 3.5 and 3.6) ported to
// work on samples that name their evaluated point instead of carrying copies of it.
//
// Along the search direction d from the current iterate x, phi(step) = f(x + step d). The
// search looks for a step with
//   phi(step) <= phi(0) + sufficient_decrease * step * phi'(0)        (Armijo)
//   |phi'(step)| <= sufficient_curvature_decrease * |phi'(0)|         (strong Wolfe)
// by first growing the step until an interval brackets such steps (at most
// max_step_expansion times per trial) and then shrinking the interval ("zoom"), each trial
// chosen by minimising a polynomial fitted to the ends of the interval. A trial whose
// objective fails (returns false or is not finite) counts as too long a step. When the
// search runs out of trials or the interval shrinks below min_step_size / max|d| before it
// finds a Wolfe step, it returns the lowest trial that satisfies Armijo (which can be the
// start, step 0): the same artificial-limit rule as Ceres'.
#ifndef HNN_PLUGINS_LBFGS_LINE_SEARCH_H_
#define HNN_PLUGINS_LBFGS_LINE_SEARCH_H_

namespace hnn::optimizers {

enum class LineSearchInterpolation { kCubic, kQuadratic, kBisection };

// phi at one step: Ceres' FunctionSample without the vectors.
struct LineSample {
  double step = 0.0;
  double value = 0.0;
  double slope = 0.0;  // phi'(step) = dᵀ∇f(x + step d)
  bool value_valid = false;
  bool slope_valid = false;
  // Which of the LineFunction's evaluated points holds x + step d and its gradient;
  // kNoPoint for the start sample, whose vectors are the minimiser's own.
  int point = kNoPoint;
  static constexpr int kNoPoint = -1;
};

// phi as the line search sees it.
class LineFunction {
 public:
  virtual ~LineFunction() = default;
  // Evaluates phi (value and slope) at step > 0 into a point other than `keep_a` and
  // `keep_b` (LineSample::point values of samples still in use, or kNoPoint). A failed
  // evaluation gives value_valid = slope_valid = false.
  virtual LineSample evaluate(double step, int keep_a, int keep_b) = 0;
  // max_i |d_i|: step sizes are compared with min_step_size through it.
  virtual double direction_max_norm() const = 0;
};

// Ceres' GradientProblemSolver defaults.
struct WolfeSearchOptions {
  LineSearchInterpolation interpolation = LineSearchInterpolation::kCubic;
  double min_step_size = 1e-9;
  double sufficient_decrease = 1e-4;
  double sufficient_curvature_decrease = 0.9;
  double max_step_expansion = 10.0;
  int max_iterations = 20;
};

struct LineSearchResult {
  bool success = false;  // false: no step with at least the Armijo condition was found
  LineSample optimal;    // when success: the step to take
  int evaluations = 0;   // calls of LineFunction::evaluate
};

// initial_step >= 0 is the first trial; initial_value and initial_slope (< 0) are phi(0)
// and phi'(0).
LineSearchResult wolfe_line_search(LineFunction& function, const WolfeSearchOptions& options,
                                   double initial_step, double initial_value, double initial_slope);

// The step in [min_step, max_step] that minimises the polynomial of `interpolation`'s degree
// through `lower` (value and slope) and `current` (its value, and with kCubic its slope
// when valid), as Ceres' InterpolatingPolynomialMinimizingStepSize. Halves current.step
// (within the bounds) when current has no valid value or when bisection contracts; with
// bisection expanding, max_step.
double interpolating_step(LineSearchInterpolation interpolation, const LineSample& lower,
                          const LineSample& current, double min_step, double max_step);

}  // namespace hnn::optimizers

#endif  // HNN_PLUGINS_LBFGS_LINE_SEARCH_H_
