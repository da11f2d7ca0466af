#include "hnn/derivative_estimation.h"

#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "hnn/error.h"

namespace hnn {
namespace {

std::string format_number(double value) {
  std::ostringstream text;
  text.precision(17);
  text << value;
  return text.str();
}

std::string describe(const Trajectory& trajectory) {
  return trajectory.label.empty() ? std::string("derivative estimation: ")
                                  : "derivative estimation: " + trajectory.label + ": ";
}

// Throws for every invalid input the file comment of the header lists.
void check_trajectory(const Trajectory& measured, const DerivativeSettings& settings) {
  const std::string where = describe(measured);
  std::string error;
  if (!DerivativeSettings::binding().is_valid(settings, &error)) throw Error(where + error);
  const auto count = static_cast<Eigen::Index>(measured.times.size());
  if (measured.states.rows() < 2 || measured.states.rows() % 2 != 0 ||
      measured.states.cols() != count) {
    throw Error(where + "the states are " + std::to_string(measured.states.rows()) + "x" +
                std::to_string(measured.states.cols()) + ", expected 2n x " +
                std::to_string(count) + " (n >= 1, one column per time)");
  }
  const int needed = minimum_points(settings);
  if (count < needed) {
    throw Error(where + "the trajectory has " + std::to_string(count) + " points, " +
                derivative_method_name(settings.method) + " needs at least " +
                std::to_string(needed));
  }
  for (Eigen::Index i = 0; i < count; ++i) {
    const double t = measured.times[static_cast<std::size_t>(i)];
    if (!std::isfinite(t)) {
      throw Error(where + "time " + std::to_string(i) + " = " + format_number(t) +
                  " is not finite");
    }
    if (i > 0 && !(measured.times[static_cast<std::size_t>(i - 1)] < t)) {
      throw Error(where + "the times are not strictly increasing: time " + std::to_string(i - 1) +
                  " = " + format_number(measured.times[static_cast<std::size_t>(i - 1)]) +
                  ", time " + std::to_string(i) + " = " + format_number(t));
    }
    for (Eigen::Index c = 0; c < measured.states.rows(); ++c) {
      if (!std::isfinite(measured.states(c, i))) {
        throw Error(where + "state coordinate " + std::to_string(c) + " at time " +
                    std::to_string(i) + " = " + format_number(measured.states(c, i)) +
                    " is not finite");
      }
    }
  }
}

Trajectory forward_difference(const Trajectory& measured) {
  const Eigen::Index kept = measured.states.cols() - 1;
  Trajectory result;
  result.label = measured.label;
  result.times.assign(measured.times.begin(), measured.times.end() - 1);
  result.states = measured.states.leftCols(kept);
  result.derivatives.resize(measured.states.rows(), kept);
  for (Eigen::Index i = 0; i < kept; ++i) {
    const double step = measured.times[static_cast<std::size_t>(i + 1)] -
                        measured.times[static_cast<std::size_t>(i)];
    result.derivatives.col(i) = (measured.states.col(i + 1) - measured.states.col(i)) / step;
  }
  return result;
}

// numpy.gradient(states, times, axis=1, edge_order=2), formula for formula.
Eigen::MatrixXd central_difference(const std::vector<double>& t, const Eigen::MatrixXd& x) {
  const Eigen::Index n = x.cols();
  Eigen::MatrixXd d(x.rows(), n);
  const auto at = [&t](Eigen::Index i) { return t[static_cast<std::size_t>(i)]; };
  for (Eigen::Index i = 1; i + 1 < n; ++i) {
    const double h_before = at(i) - at(i - 1);
    const double h_after = at(i + 1) - at(i);
    const double a = -h_after / (h_before * (h_before + h_after));
    const double b = (h_after - h_before) / (h_before * h_after);
    const double c = h_before / (h_after * (h_before + h_after));
    d.col(i) = a * x.col(i - 1) + b * x.col(i) + c * x.col(i + 1);
  }
  {
    const double h1 = at(1) - at(0);
    const double h2 = at(2) - at(1);
    const double a = -(2.0 * h1 + h2) / (h1 * (h1 + h2));
    const double b = (h1 + h2) / (h1 * h2);
    const double c = -h1 / (h2 * (h1 + h2));
    d.col(0) = a * x.col(0) + b * x.col(1) + c * x.col(2);
  }
  {
    const double h1 = at(n - 2) - at(n - 3);
    const double h2 = at(n - 1) - at(n - 2);
    const double a = h2 / (h1 * (h1 + h2));
    const double b = -(h2 + h1) / (h1 * h2);
    const double c = (2.0 * h2 + h1) / (h2 * (h1 + h2));
    d.col(n - 1) = a * x.col(n - 3) + b * x.col(n - 2) + c * x.col(n - 1);
  }
  return d;
}

// Local polynomial least squares. The polynomial is written in s = (t - t_i) / scale, with
// scale the largest |t - t_i| in the window, so that the Vandermonde matrix stays well
// conditioned whatever the time unit; its linear coefficient divided by scale is dx/dt.
Eigen::MatrixXd savitzky_golay(const std::vector<double>& t, const Eigen::MatrixXd& x, int window,
                               int degree) {
  const Eigen::Index n = x.cols();
  const Eigen::Index half = window / 2;
  Eigen::MatrixXd d(x.rows(), n);
  Eigen::MatrixXd vandermonde(window, degree + 1);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::Index first = std::clamp<Eigen::Index>(i - half, 0, n - window);
    const double centre = t[static_cast<std::size_t>(i)];
    double scale = 0.0;
    for (Eigen::Index k = 0; k < window; ++k) {
      scale = std::max(scale, std::abs(t[static_cast<std::size_t>(first + k)] - centre));
    }
    for (Eigen::Index k = 0; k < window; ++k) {
      const double s = (t[static_cast<std::size_t>(first + k)] - centre) / scale;
      double power = 1.0;
      for (int p = 0; p <= degree; ++p) {
        vandermonde(k, p) = power;
        power *= s;
      }
    }
    const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> fit(vandermonde);
    const Eigen::MatrixXd coefficients =
        fit.solve(x.middleCols(first, window).transpose());  // (degree + 1) x 2n
    d.col(i) = coefficients.row(1).transpose() / scale;
  }
  return d;
}

}  // namespace

const OptionBinding<DerivativeSettings>& DerivativeSettings::binding() {
  static const OptionBinding<DerivativeSettings> binding = [] {
    OptionBinding<DerivativeSettings> b("derivatives");
    b.bind_choice("method", &DerivativeSettings::method,
                  {{"forward_difference", DerivativeMethod::kForwardDifference},
                   {"central_difference", DerivativeMethod::kCentralDifference},
                   {"savitzky_golay", DerivativeMethod::kSavitzkyGolay}},
                  "how dx/dt is estimated from the states: forward_difference (the original HNN "
                  "code's, drops each trajectory's last point), central_difference "
                  "(numpy.gradient, second order), savitzky_golay (local polynomial least "
                  "squares, noise-robust)");
    b.bind("window", &DerivativeSettings::window,
           "savitzky_golay: points per local polynomial fit (odd)")
        .at_least(3);
    b.bind("degree", &DerivativeSettings::degree,
           "savitzky_golay: degree of the local polynomial (< window)")
        .at_least(1);
    b.require([](const DerivativeSettings& s) -> std::string {
      if (s.window % 2 == 0) return "window = " + std::to_string(s.window) + " must be odd";
      if (s.degree >= s.window) {
        return "degree = " + std::to_string(s.degree) +
               " must be < window = " + std::to_string(s.window);
      }
      return "";
    });
    return b;
  }();
  return binding;
}

const char* derivative_method_name(DerivativeMethod method) {
  switch (method) {
    case DerivativeMethod::kForwardDifference:
      return "forward_difference";
    case DerivativeMethod::kCentralDifference:
      return "central_difference";
    case DerivativeMethod::kSavitzkyGolay:
      break;
  }
  return "savitzky_golay";
}

int minimum_points(const DerivativeSettings& settings) {
  switch (settings.method) {
    case DerivativeMethod::kForwardDifference:
      return 2;
    case DerivativeMethod::kCentralDifference:
      return 3;
    case DerivativeMethod::kSavitzkyGolay:
      break;
  }
  return settings.window;
}

Trajectory estimate_derivatives(const Trajectory& measured, const DerivativeSettings& settings) {
  check_trajectory(measured, settings);
  if (settings.method == DerivativeMethod::kForwardDifference) return forward_difference(measured);
  Trajectory result;
  result.label = measured.label;
  result.times = measured.times;
  result.states = measured.states;
  result.derivatives =
      settings.method == DerivativeMethod::kCentralDifference
          ? central_difference(measured.times, measured.states)
          : savitzky_golay(measured.times, measured.states, settings.window, settings.degree);
  return result;
}

}  // namespace hnn
