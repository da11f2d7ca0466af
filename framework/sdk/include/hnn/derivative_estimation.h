// Derivative estimation: dx/dt of measured trajectories that come without derivatives.
//
// Every method works on the real times of the trajectory: steps need not be uniform, and
// gaps (missing frames) are simply longer steps. Columns are states [q..., p...] at
// strictly increasing times (hnn::Trajectory, hnn/data_source.h).
//
//   kForwardDifference  the original HNN code's (spec real_data.md section 2):
//                       dx_i = (x_{i+1} - x_i) / (t_{i+1} - t_i), i = 0 .. N-2. The result
//                       keeps columns 0 .. N-2 (the last column has no successor): N-1
//                       columns. First order; for replication.
//   kCentralDifference  numpy.gradient(x, t, edge_order=2): at interior points the
//                       derivative of the parabola through x_{i-1}, x_i, x_{i+1} (second
//                       order also for non-uniform steps), at the two endpoints the
//                       one-sided second-order three-point formulas. Keeps all N columns.
//   kSavitzkyGolay      local polynomial least squares: at each point i, the polynomial of
//                       `degree` fitted (unweighted) to the `window` points nearest in
//                       index, centred on i (at the ends the first or last `window`
//                       points, scipy's savgol_filter mode="interp"), differentiated at
//                       t_i. On uniform steps this is the Savitzky-Golay derivative filter;
//                       on non-uniform steps the fit uses the real times. Keeps all N
//                       columns. Noise-robust: on the spring H = q^2 + p^2 sampled at
//                       dt = 0.1 with noise sigma = 0.01 the defaults (window 15, degree 4)
//                       have 1/5.9 of the forward difference's RMS error on orbits of 50
//                       points, 1/6.9 on 100 points, 1/4.4 on 30 points (the ends, where
//                       the point sits at the edge of its window, weigh more on short
//                       orbits); tests/data/derivative_estimation_test.cc prints them.
//                       The window should span well under half a period of the motion
//                       (15 points: 0.45 of the spring's period at dt = 0.1, 0.4 of the
//                       real pendulum's at dt = 1/6 s).
//
// The estimated trajectory keeps the measured states of the kept columns unchanged (no
// smoothing of the states): only `derivatives` is new.
//
// Usage:
//   hnn::DerivativeSettings settings;                     // Savitzky-Golay, 15 points, degree 4
//   settings.method = hnn::DerivativeMethod::kForwardDifference;
//   if (measured.times.size() < hnn::minimum_points(settings)) ...   // refuse, naming the number
//   hnn::Trajectory with_derivatives = hnn::estimate_derivatives(measured, settings);
#ifndef HNN_DERIVATIVE_ESTIMATION_H_
#define HNN_DERIVATIVE_ESTIMATION_H_

#include "hnn/data_source.h"
#include "hnn/option_binding.h"

namespace hnn {

enum class DerivativeMethod { kForwardDifference, kCentralDifference, kSavitzkyGolay };

// The `data.derivatives` section: how missing derivatives are estimated. The defaults are
// the noise-robust estimator, tuned on the spring (see the file comment).
struct DerivativeSettings {
  // Keys: forward_difference, central_difference, savitzky_golay.
  DerivativeMethod method = DerivativeMethod::kSavitzkyGolay;
  // Savitzky-Golay only: points per local fit, odd, >= 3, > degree.
  int window = 15;
  // Savitzky-Golay only: degree of the local polynomial, >= 1, < window.
  int degree = 4;

  // Keys, ranges and meanings (owner "derivatives"); binding().is_valid(settings, &error)
  // checks a struct built in C++.
  static const OptionBinding<DerivativeSettings>& binding();
};

// The configuration key of a method ("forward_difference", ...), for messages.
const char* derivative_method_name(DerivativeMethod method);

// The fewest points a trajectory must have for `settings`: 2 for the forward difference, 3
// for central differences, `window` for Savitzky-Golay. A caller refuses a shorter
// trajectory with this number in its message (estimate_derivatives throws for it too).
int minimum_points(const DerivativeSettings& settings);

// The trajectory with `derivatives` estimated from its states as `settings` says (see the
// file comment for the columns each method keeps). `measured.derivatives` is ignored. The
// label is kept.
//
// Throws hnn::Error, naming the trajectory's label, when the settings are invalid, when
// states is not 2n x times.size() with n >= 1, when a time or state is not finite, when
// the times are not strictly increasing (naming the index and both times), or when the
// trajectory has fewer than minimum_points(settings) points.
Trajectory estimate_derivatives(const Trajectory& measured, const DerivativeSettings& settings);

}  // namespace hnn

#endif  // HNN_DERIVATIVE_ESTIMATION_H_
