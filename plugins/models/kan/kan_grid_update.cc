// The grid update of KolmogorovArnoldNetwork (kan.md 4.1, KAN.update_grid_from_samples).
#include <algorithm>

#include "hnn/error.h"
#include "kan_layer.h"
#include "spline_fit.h"

namespace hnn::kan {

using Eigen::Index;

void KolmogorovArnoldNetwork::update_grid(const Eigen::Ref<const Eigen::MatrixXd>& inputs) {
  const int g = options_.grid;
  const int k = options_.k;
  const int coefficients = g + k;
  for (int l = 0; l < layer_count(); ++l) {
    forward(inputs);
    Layer& layer = layers_[l];
    const Eigen::MatrixXd& x = work_[l].x;
    const Index n = x.rows();
    std::vector<std::vector<double>> sorted(layer.inputs);
    for (int i = 0; i < layer.inputs; ++i) {
      sorted[i].assign(x.col(i).data(), x.col(i).data() + n);
      std::sort(sorted[i].begin(), sorted[i].end());
    }
    for (int e = 0; e < layer.edges; ++e) {
      const std::vector<double>& xs = sorted[e % layer.inputs];
      const BSplineBasis& old_basis = layers_[l].bases[layer.slot_of_edge[e]];
      const double* c = layer.coef.data() + e * coefficients;
      std::vector<double> y(xs.size());
      std::vector<double> row(coefficients);
      for (std::size_t s = 0; s < xs.size(); ++s) {
        old_basis.evaluate(xs[s], row.data(), nullptr, nullptr);
        double sum = 0.0;
        for (int m = 0; m < coefficients; ++m) sum += c[m] * row[m];
        y[s] = sum;
      }
      // pykan: ids = [int(N / G * i) for i < G] + [-1]; margin 0.01; numpy linspace(0, 1).
      std::vector<double> adaptive(g + 1), uniform(g + 1), grid(g + 1);
      for (int i = 0; i < g; ++i) {
        adaptive[i] = xs[static_cast<std::size_t>(double(n) / double(g) * double(i))];
      }
      adaptive[g] = xs.back();
      const double low = adaptive[0] - 0.01;
      const double span = adaptive[g] - adaptive[0] + 2.0 * 0.01;
      const double step = 1.0 / g;
      for (int i = 0; i <= g; ++i) {
        const double fraction = i == g ? 1.0 : i * step;
        uniform[i] = low + span * fraction;
        grid[i] = options_.grid_eps * uniform[i] + (1.0 - options_.grid_eps) * adaptive[i];
      }
      BSplineBasis new_basis = [&] {
        try {
          return BSplineBasis(extend_grid(grid, k), k);
        } catch (const Error& failure) {
          throw Error(name() + ": update_grid: layer " + std::to_string(l) + ", edge " +
                      std::to_string(e) + ": " + failure.what() +
                      " (too few distinct samples for a percentile grid?)");
        }
      }();
      const std::vector<double> refit = fit_coefficients(new_basis, xs, y);
      std::copy(refit.begin(), refit.end(), layer.coef.begin() + e * coefficients);
      std::copy(grid.begin(), grid.end(), layer.grid.begin() + e * (g + 1));
    }
    rebuild_bases(l);
  }
  has_forward_ = false;
}

}  // namespace hnn::kan
