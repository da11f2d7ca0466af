// Grids and least-squares spline fits as pykan forms them: the initial grid
// (torch.linspace) and the coefficients of a spline through given samples (curve2coef),
// used by the initialisation and by the grid update.
#ifndef HNN_PLUGINS_KAN_SPLINE_FIT_H_
#define HNN_PLUGINS_KAN_SPLINE_FIT_H_

#include <vector>

#include "bspline.h"

namespace hnn::kan {

// torch.linspace in float64 (symmetric: the second half is computed from the end point).
// Precondition: steps >= 2.
std::vector<double> torch_linspace(double start, double end, int steps);

// Minimum-norm least-squares coefficients (basis.basis_count() of them) of the spline on
// `basis` through (x_n, y_n) (torch.linalg.lstsq / pykan curve2coef). Precondition:
// x.size() == y.size().
std::vector<double> fit_coefficients(const BSplineBasis& basis, const std::vector<double>& x,
                                     const std::vector<double>& y);

}  // namespace hnn::kan

#endif  // HNN_PLUGINS_KAN_SPLINE_FIT_H_
