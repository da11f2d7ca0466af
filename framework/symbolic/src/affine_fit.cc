// pykan's fit_params (kan.md §6.3), see hnn/symbolic/affine_fit.h.
//
// This file must be compiled without floating-point contraction (GCC's default in ISO C++
// mode, -ffp-contract=off): a*x + b and the chunked linspace are rounded like torch's.
#include "hnn/symbolic/affine_fit.h"
#include "hnn/number_format.h"

#include <cmath>
#include <exception>
#include <limits>
#include <sstream>

#include "hnn/error.h"

namespace hnn::symbolic {
namespace {

// numpy.nan_to_num with its defaults.
double nan_to_num(double value) {
  if (std::isnan(value)) return 0.0;
  if (value == std::numeric_limits<double>::infinity()) return std::numeric_limits<double>::max();
  if (value == -std::numeric_limits<double>::infinity()) {
    return std::numeric_limits<double>::lowest();
  }
  return value;
}

// The least-squares (c, d) of y on u with intercept (scikit-learn's LinearRegression).
void least_squares_line(const Eigen::VectorXd& u, const Eigen::VectorXd& y, double* c, double* d) {
  const double n = static_cast<double>(u.size());
  const double u_mean = u.sum() / n;
  const double y_mean = y.sum() / n;
  double cross = 0.0, square = 0.0;
  for (Eigen::Index k = 0; k < u.size(); ++k) {
    cross += (u[k] - u_mean) * (y[k] - y_mean);
    square += (u[k] - u_mean) * (u[k] - u_mean);
  }
  *c = square > 0.0 ? cross / square : 0.0;
  *d = y_mean - *c * u_mean;
}

}  // namespace

bool AffineFitOptions::IsValid(std::string* error) const {
  auto fail = [error](const std::string& message) {
    if (error != nullptr) *error = message;
    return false;
  };
  auto range = [&](const char* name, double lo, double hi) {
    if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi)) {
      return fail(std::string(name) + " must be finite with min < max, found [" +
                  shortest_decimal(lo) + ", " + shortest_decimal(hi) + "]");
    }
    return true;
  };
  if (!range("a_range", a_min, a_max) || !range("b_range", b_min, b_max)) return false;
  if (grid_points < 3) {
    return fail("grid_points must be >= 3, found " + std::to_string(grid_points));
  }
  if (iterations < 1) return fail("iterations must be >= 1, found " + std::to_string(iterations));
  return true;
}

Eigen::VectorXd linspace(double lo, double hi, int n, GridSpacing spacing) {
  if (n < 2) throw Error("linspace needs at least 2 points, found " + std::to_string(n));
  Eigen::VectorXd values(n);
  const double step = (hi - lo) / static_cast<double>(n - 1);
  const int halfway = n / 2;
  auto scalar = [&](int i) {
    return i < halfway ? lo + static_cast<double>(i) * step
                       : hi - static_cast<double>(n - 1 - i) * step;
  };
  int vectorized = 0;
  if (spacing == GridSpacing::kTorch) {
    // torch's vectorized loop: blocks of two 4-wide vectors, each vector one fused start.
    vectorized = 8 * (n / 8);
    for (int start = 0; start < vectorized; start += 4) {
      const double first = start < halfway
                               ? std::fma(step, static_cast<double>(start), lo)
                               : std::fma(-step, static_cast<double>(n - 1 - start), hi);
      values[start] = first;
      for (int j = 1; j < 4; ++j) values[start + j] = first + static_cast<double>(j) * step;
    }
  }
  for (int i = vectorized; i < n; ++i) values[i] = scalar(i);
  return values;
}

Eigen::VectorXd AffineFit::evaluate(const SymbolicFunction& f, const Eigen::VectorXd& x) const {
  Eigen::VectorXd result(x.size());
  for (Eigen::Index k = 0; k < x.size(); ++k) result[k] = c * f.evaluate(a * x[k] + b) + d;
  return result;
}

std::vector<std::string> AffineFit::messages() const {
  std::vector<std::string> lines;
  if (best_at_boundary) lines.push_back("Best value at boundary.");
  lines.push_back("r2 is " + shortest_decimal(r2));
  if (r2 < 0.9) {
    lines.push_back(
        "r2 is not very high, please double check if you are choosing the correct symbolic "
        "function.");
  }
  return lines;
}

AffineFit fit_affine_parameters(const Eigen::VectorXd& x, const Eigen::VectorXd& y,
                                const SymbolicFunction& function, const AffineFitOptions& options) {
  const std::string subject = "fit of symbolic function '" + function.name + "'";
  std::string error;
  if (!options.IsValid(&error)) throw Error(subject + ": invalid options: " + error);
  if (!function.evaluate) throw Error(subject + ": the function has no evaluator");
  if (x.size() != y.size()) {
    throw Error(subject + ": x has " + std::to_string(x.size()) + " samples but y has " +
                std::to_string(y.size()));
  }
  if (x.size() < 2) {
    throw Error(subject + ": needs at least 2 samples, found " + std::to_string(x.size()));
  }
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    if (!std::isfinite(x[k]) || !std::isfinite(y[k])) {
      throw Error(subject + ": sample " + std::to_string(k) + " is not finite (x = " +
                  shortest_decimal(x[k]) + ", y = " + shortest_decimal(y[k]) + ")");
    }
  }

  const Eigen::Index samples = x.size();
  const int n = options.grid_points;
  const double sample_count = static_cast<double>(samples);
  const double y_mean = y.sum() / sample_count;
  const Eigen::VectorXd y_centered = y.array() - y_mean;
  double y_square = 0.0;
  for (Eigen::Index k = 0; k < samples; ++k) y_square += y_centered[k] * y_centered[k];

  AffineFit fit;
  fit.function = function.name;
  double a_min = options.a_min, a_max = options.a_max;
  double b_min = options.b_min, b_max = options.b_max;
  Eigen::MatrixXd scores(n, n);  // scores(ia, ib)
  for (int round = 0; round < options.iterations; ++round) {
    const Eigen::VectorXd a_grid = linspace(a_min, a_max, n, options.spacing);
    const Eigen::VectorXd b_grid = linspace(b_min, b_max, n, options.spacing);
    // Scores row ia of the grid; u is scratch of size N.
    auto score_row = [&](int ia, Eigen::VectorXd& u) {
      for (int ib = 0; ib < n; ++ib) {
        double sum = 0.0;
        for (Eigen::Index k = 0; k < samples; ++k) {
          const double argument = a_grid[ia] * x[k] + b_grid[ib];
          u[k] = function.evaluate(argument);
          sum += u[k];
        }
        const double u_mean = sum / sample_count;
        double cross = 0.0, square = 0.0;
        for (Eigen::Index k = 0; k < samples; ++k) {
          const double centered = u[k] - u_mean;
          cross += centered * y_centered[k];
          square += centered * centered;
        }
        scores(ia, ib) = nan_to_num(cross * cross / (square * y_square + 1e-4));
      }
    };
    // An exception must not leave an OpenMP region: the first one is kept and rethrown.
    std::exception_ptr failure;
#pragma omp parallel
    {
      Eigen::VectorXd u(samples);
#pragma omp for schedule(static)
      for (int ia = 0; ia < n; ++ia) {
        try {
          score_row(ia, u);
        } catch (...) {
#pragma omp critical(hnn_symbolic_fit_failure)
          if (!failure) failure = std::current_exception();
        }
      }
    }
    if (failure) std::rethrow_exception(failure);
    // First maximum in a-major order, like torch.argmax on the flattened (a, b) grid.
    int best_a = 0, best_b = 0;
    double best = scores(0, 0);
    for (int ia = 0; ia < n; ++ia) {
      for (int ib = 0; ib < n; ++ib) {
        if (scores(ia, ib) > best) {
          best = scores(ia, ib);
          best_a = ia;
          best_b = ib;
        }
      }
    }
    AffineFitRound record;
    record.a_min = a_min;
    record.a_max = a_max;
    record.b_min = b_min;
    record.b_max = b_max;
    record.a_index = best_a;
    record.b_index = best_b;
    record.a = a_grid[best_a];
    record.b = b_grid[best_b];
    record.r2 = best;
    const bool a_edge = best_a == 0 || best_a == n - 1;
    const bool b_edge = best_b == 0 || best_b == n - 1;
    record.on_boundary = a_edge || b_edge;
    fit.trace.push_back(record);
    if (round == 0) fit.best_at_boundary = record.on_boundary;

    if (!record.on_boundary) {
      a_min = a_grid[best_a - 1];
      a_max = a_grid[best_a + 1];
      b_min = b_grid[best_b - 1];
      b_max = b_grid[best_b + 1];
    } else if (options.boundary == BoundaryRule::kShrinkToBoundaryCell) {
      // Only the coordinate at the boundary moves, to its boundary cell.
      if (best_a == 0 || best_a == n - 1) {
        const int low = best_a == 0 ? 0 : n - 2;
        a_min = a_grid[low];
        a_max = a_grid[low + 1];
      }
      if (best_b == 0 || best_b == n - 1) {
        const int low = best_b == 0 ? 0 : n - 2;
        b_min = b_grid[low];
        b_max = b_grid[low + 1];
      }
    }
  }
  const AffineFitRound& last = fit.trace.back();
  fit.a = last.a;
  fit.b = last.b;
  fit.r2 = last.r2;
  Eigen::VectorXd u(samples);
  for (Eigen::Index k = 0; k < samples; ++k) {
    u[k] = nan_to_num(function.evaluate(fit.a * x[k] + fit.b));
  }
  least_squares_line(u, y, &fit.c, &fit.d);
  return fit;
}

}  // namespace hnn::symbolic
