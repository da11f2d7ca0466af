// pykan's fit of one KAN edge (fit_params), recomputed in the end-to-end tests from the
// edge's samples in network/<m>.csv, independently of the host's symbolic code.
#ifndef HNN_TESTS_END_TO_END_EDGE_FIT_SUMS_H_
#define HNN_TESTS_END_TO_END_EDGE_FIT_SUMS_H_

#include <cmath>
#include <utility>
#include <vector>

namespace hnn::testing {

using EdgeSamples = std::vector<std::pair<double, double>>;  // (x, y) of one edge

// The centred sums of u = f(a x + b) against y over an edge's samples.
struct EdgeFitSums {
  double u_mean = 0, y_mean = 0;
  double cross = 0;     // Σ (u − ū)(y − ȳ)
  double u_square = 0;  // Σ (u − ū)²
  double y_square = 0;  // Σ (y − ȳ)²

  // pykan's r2: the squared correlation with 1e-4 added to the denominator; 0 where that is
  // not finite (pykan's nan_to_num).
  double r2() const {
    const double value = cross * cross / (u_square * y_square + 1e-4);
    return std::isfinite(value) ? value : 0.0;
  }
  // The least-squares line y = c u + d.
  double c() const { return cross / u_square; }
  double d() const { return y_mean - c() * u_mean; }
};

// The sums for u = f(a x + b); `f` maps a double to a double.
template <class Function>
EdgeFitSums edge_fit_sums(const EdgeSamples& points, const Function& f, double a, double b) {
  EdgeFitSums sums;
  const double count = double(points.size());
  for (const auto& [x, y] : points) {
    sums.u_mean += f(a * x + b) / count;
    sums.y_mean += y / count;
  }
  for (const auto& [x, y] : points) {
    const double u = f(a * x + b) - sums.u_mean;
    sums.cross += u * (y - sums.y_mean);
    sums.u_square += u * u;
    sums.y_square += (y - sums.y_mean) * (y - sums.y_mean);
  }
  return sums;
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_END_TO_END_EDGE_FIT_SUMS_H_
