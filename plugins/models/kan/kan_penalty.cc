// pykan's activation regulariser on KolmogorovArnoldNetwork (kan.md 5.1) and its exact
// gradient.
#include <cmath>
#include <numbers>

#include "edge_kernels.h"
#include "hnn/error.h"
#include "kan_layer.h"

namespace hnn::kan {

using Eigen::Index;
using internal::edge_output;

double KolmogorovArnoldNetwork::add_penalty(Eigen::Ref<Eigen::VectorXd> gradient) {
  if (!has_penalty()) {
    throw NotImplementedError("model '" + name() + "' has no penalty (reg_lambda = 0)");
  }
  require_forward("add_penalty");
  check_gradient_size("add_penalty", gradient.size());
  const double lambda = options_.reg_lambda;
  const Index n = samples_;
  const int k = options_.k;
  const int coefficients = options_.grid + k;
  constexpr double kEpsilon = 1e-4;
  double reg = 0.0;
  for (int l = 0; l < layer_count(); ++l) {
    Layer& layer = layers_[l];
    Workspace& w = work_[l];
    const int points = options_.grid + 1;
    // v_e = mean |phi_e| / (grid range + 1e-4), and the divisor of d v_e / d|phi_e(x_n)|.
    double total = 0.0;
    std::vector<double>& scale = layer.penalty_scale;  // holds v_e, then the adjoint scale
    for (int e = 0; e < layer.edges; ++e) {
      const double range = layer.grid[(e + 1) * points - 1] - layer.grid[e * points] + kEpsilon;
      double v = 0.0;
      if (layer.mask[e] != 0.0) {
        const int i = e % layer.inputs;
        const int s = layer.slot_of_edge[e];
        const double sb = layer.mask[e] * layer.scale_base[e];
        const double sp = layer.mask[e] * layer.scale_spline[e];
        const double* polynomial = layer.polynomial.data() + static_cast<std::size_t>(e) *
                                                                 (options_.grid + 2 * k + 2) *
                                                                 (k + 1);
        auto run = [&](auto kernel) {
          kernel(k, n, w.piece.col(s).data(), w.local.col(s).data(), polynomial,
                 w.base.col(i).data(), sb, sp, w.r.data());
        };
        k == 3 ? run(edge_output<3>) : run(edge_output<0>);
        v = w.r.array().abs().sum() / (double(n) * range);
      }
      scale[e] = v;
      total += v;
    }
    // d reg / d v_e = reg_l1 + reg_entropy * d entropy / d v_e.
    double entropy = 0.0, weighted = 0.0;
    for (int e = 0; e < layer.edges; ++e) {
      const double p = scale[e] / total;
      entropy -= p * std::log2(p + kEpsilon);
      const double q = -(std::log2(p + kEpsilon) + p / ((p + kEpsilon) * std::numbers::ln2));
      weighted += q * p;
    }
    for (int e = 0; e < layer.edges; ++e) {
      const double p = scale[e] / total;
      const double q = -(std::log2(p + kEpsilon) + p / ((p + kEpsilon) * std::numbers::ln2));
      const double range = layer.grid[(e + 1) * points - 1] - layer.grid[e * points] + kEpsilon;
      const double derivative = options_.reg_l1 + options_.reg_entropy * (q - weighted) / total;
      scale[e] = layer.mask[e] != 0.0 ? lambda * derivative / (double(n) * range) : 0.0;
    }
    reg += options_.reg_l1 * total + options_.reg_entropy * entropy;
    // Coefficient terms.
    if (options_.reg_coef > 0.0 || options_.reg_coefdiff > 0.0) {
      for (int e = 0; e < layer.edges; ++e) {
        const double* c = layer.coef.data() + e * coefficients;
        double* g = gradient.data() + layer.coef_offset + e * coefficients;
        auto sign = [](double v) { return double((v > 0.0) - (v < 0.0)); };
        if (options_.reg_coef > 0.0) {
          double sum = 0.0;
          for (int m = 0; m < coefficients; ++m) {
            sum += std::abs(c[m]);
            g[m] += lambda * options_.reg_coef * sign(c[m]) / coefficients;
          }
          reg += options_.reg_coef * sum / coefficients;
        }
        if (options_.reg_coefdiff > 0.0 && coefficients > 1) {
          const int differences = coefficients - 1;
          double sum = 0.0;
          for (int m = 0; m < differences; ++m) {
            const double d = c[m + 1] - c[m];
            sum += std::abs(d);
            const double step = lambda * options_.reg_coefdiff * sign(d) / differences;
            g[m + 1] += step;
            g[m] -= step;
          }
          reg += options_.reg_coefdiff * sum / differences;
        }
      }
    }
  }
  reverse_sweep(nullptr, false, true, -1, gradient.data());
  return lambda * reg;
}

}  // namespace hnn::kan
