#include "spline_fit.h"

#include <Eigen/Core>
#include <Eigen/QR>

namespace hnn::kan {

using Eigen::Index;

std::vector<double> torch_linspace(double start, double end, int steps) {
  std::vector<double> values(steps);
  const double step = (end - start) / (steps - 1);
  const int halfway = steps / 2;
  for (int i = 0; i < steps; ++i) {
    values[i] = i < halfway ? start + step * i : end - step * (steps - i - 1);
  }
  return values;
}

std::vector<double> fit_coefficients(const BSplineBasis& basis, const std::vector<double>& x,
                                     const std::vector<double>& y) {
  const int count = basis.basis_count();
  Eigen::MatrixXd collocation(static_cast<Index>(x.size()), count);
  std::vector<double> row(count);
  for (std::size_t n = 0; n < x.size(); ++n) {
    basis.evaluate(x[n], row.data(), nullptr, nullptr);
    for (int m = 0; m < count; ++m) collocation(static_cast<Index>(n), m) = row[m];
  }
  const Eigen::Map<const Eigen::VectorXd> rhs(y.data(), static_cast<Index>(y.size()));
  const Eigen::VectorXd c = collocation.completeOrthogonalDecomposition().solve(rhs);
  return {c.data(), c.data() + c.size()};
}

}  // namespace hnn::kan
