// Affine fit of one library function to samples of an edge activation: pykan's fit_params
// (kan.md §6.3).
//
// Given samples (x_n, y_n), n = 0..N-1, and a function f, find (a, b, c, d) such that
// y ~ c f(a x + b) + d:
//
//   1. for `iterations` rounds: evaluate on every pair of a `grid_points` x `grid_points`
//      grid over a_range x b_range
//
//        r2(a, b) = [sum_n (u_n - mean u)(y_n - mean y)]^2
//                   / (sum_n (u_n - mean u)^2 * sum_n (y_n - mean y)^2 + 1e-4),   u = f(a x + b)
//
//      (squared Pearson correlation with 1e-4 in the denominator; NaN -> 0, +-inf -> +-largest
//      double, so a pair where f is undefined or infinite at some sample scores 0);
//      take the first maximum in a-major order (a index * grid_points + b index);
//      if it is inside the grid, zoom: the next ranges are [grid[i-1], grid[i+1]] for both
//      coordinates (x50 finer per round with 101 points);
//      if it is on the boundary of either grid: see BoundaryRule;
//   2. (a, b) = the best grid point of the last round and r2 its grid value;
//   3. (c, d) = ordinary least squares of y on u* = nan_to_num(f(a x + b)) with intercept:
//      c = sum (u* - mean u*)(y - mean y) / sum (u* - mean u*)^2, d = mean y - c mean u*
//      (c = 0, d = mean y when u* is constant, as scikit-learn's minimum-norm solution).
//
// Grids are torch.linspace in float64 by default (GridSpacing::kTorch, bit for bit: see
// torch_linspace below), which is what makes the results agree with pykan run in float64
// (tests/golden/symbolic_fit_cases.yaml); kTextbook is the symmetric formula.
//
// Cost: iterations * grid_points^2 * N evaluations of f; the 101 x 101 grid rows are spread
// over the OpenMP threads (the result does not depend on the thread count: every pair's sums
// run in sample order and the arg-max is taken serially).
//
// Example:
//
//   const auto library = hnn::symbolic::SymbolicFunctionLibrary::pykan();
//   hnn::symbolic::AffineFit fit =
//       hnn::symbolic::fit_affine_parameters(x, y, library.at("x^2"));
//   // fit.a, fit.b, fit.c, fit.d, fit.r2, fit.best_at_boundary, fit.trace
#ifndef HNN_SYMBOLIC_AFFINE_FIT_H_
#define HNN_SYMBOLIC_AFFINE_FIT_H_

#include <Eigen/Core>
#include <string>
#include <vector>

#include "hnn/symbolic/function_library.h"

namespace hnn::symbolic {

enum class GridSpacing {
  // torch.linspace(lo, hi, n) in float64 as computed by torch's CPU kernel (the golden file's
  // model): step = (hi - lo)/(n - 1); the first 8*floor(n/8) values come in chunks of 4 whose
  // first value is fma(step, i, lo) for i < n/2 and fma(-step, n-1-i, hi) otherwise, the
  // others chunk start + j*step (j = 1..3); the remaining values are lo + i*step (i < n/2) or
  // hi - (n-1-i)*step.
  kTorch,
  // lo + i*step for i < n/2, else hi - (n-1-i)*step (exactly symmetric about the middle).
  kTextbook,
};

enum class BoundaryRule {
  // pykan HEAD (the fix of 0.0.5's typo): a coordinate whose best index is 0 or n-1 shrinks
  // to that boundary cell, [grid[0], grid[1]] or [grid[n-2], grid[n-1]]; a coordinate whose
  // best index is inside keeps its current range (it does not zoom in that round).
  kShrinkToBoundaryCell,
  // pykan 0.0.5 as released: the typo assigns to misspelt variables, so neither range
  // changes and every later round repeats the same grid.
  kLegacyKeepRanges,
};

struct AffineFitOptions {
  double a_min = -10.0, a_max = 10.0;  // a_range; a_min < a_max, finite
  double b_min = -10.0, b_max = 10.0;  // b_range; b_min < b_max, finite
  int grid_points = 101;               // per coordinate, >= 3
  int iterations = 3;                  // >= 1
  GridSpacing spacing = GridSpacing::kTorch;
  BoundaryRule boundary = BoundaryRule::kShrinkToBoundaryCell;

  // True when every field is in range; otherwise false and, when `error` is not null, a
  // message naming the field, its value and the constraint.
  bool IsValid(std::string* error) const;
};

// One grid round.
struct AffineFitRound {
  double a_min = 0.0, a_max = 0.0, b_min = 0.0, b_max = 0.0;  // the ranges of this round
  int a_index = 0, b_index = 0;                               // of the best pair
  double a = 0.0, b = 0.0, r2 = 0.0;                          // its grid values and score
  bool on_boundary = false;                                   // either index is 0 or n-1
};

struct AffineFit {
  std::string function;  // the library name
  double a = 0.0, b = 0.0, c = 0.0, d = 0.0;
  double r2 = 0.0;  // the grid score of (a, b) in the last round (can exceed 1 by round-off)
  bool best_at_boundary = false;      // the first round's best pair was on the grid boundary
  std::vector<AffineFitRound> trace;  // one entry per round

  // c * f(a x + b) + d at every x (f from `function`, which must be the fitted entry).
  Eigen::VectorXd evaluate(const SymbolicFunction& function, const Eigen::VectorXd& x) const;
  // pykan's verbose lines: "Best value at boundary." (when best_at_boundary), "r2 is <r2>",
  // and the r2 < 0.9 warning.
  std::vector<std::string> messages() const;
};

// Fits `function` to the samples. x and y have the same size N >= 2 and must be finite.
// Throws hnn::Error for invalid options, sizes, or non-finite samples; never for a function
// that is undefined on the samples (such pairs score 0; if every pair scores 0 the result
// is the first grid point with r2 = 0 and the least-squares c, d).
AffineFit fit_affine_parameters(const Eigen::VectorXd& x, const Eigen::VectorXd& y,
                                const SymbolicFunction& function,
                                const AffineFitOptions& options = AffineFitOptions());

// n >= 2 values from lo to hi (both included) with the given spacing rule. Throws
// hnn::Error for n < 2.
Eigen::VectorXd linspace(double lo, double hi, int n, GridSpacing spacing = GridSpacing::kTorch);

}  // namespace hnn::symbolic

#endif  // HNN_SYMBOLIC_AFFINE_FIT_H_
