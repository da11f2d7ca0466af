// The initial values of KolmogorovArnoldNetwork (kan.md 3: from the seed or a parameter
// file) and what follows from the grids and coefficients: the bases of every layer and the
// piecewise polynomials of every edge.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "hnn/error.h"
#include "hnn/random.h"
#include "kan_layer.h"
#include "parameter_file.h"
#include "spline_fit.h"

namespace hnn::kan {

void KolmogorovArnoldNetwork::initialize_from_seed() {
  Mt19937Random random(static_cast<std::uint64_t>(options_.seed));
  const int g = options_.grid;
  for (Layer& layer : layers_) {
    for (int e = 0; e < layer.edges; ++e) {
      layer.scale_base[e] = 1.0 / std::sqrt(static_cast<double>(layer.inputs)) +
                            (random.normal() * 2.0 - 1.0) * options_.noise_scale_base;
    }
    for (int e = 0; e < layer.edges; ++e) {
      std::vector<double> noise(g + 1);
      for (double& value : noise) value = (random.uniform() - 0.5) * options_.noise_scale / g;
      const std::vector<double> grid(layer.grid.begin() + e * (g + 1),
                                     layer.grid.begin() + (e + 1) * (g + 1));
      const std::vector<double> c =
          fit_coefficients(layer.bases[layer.slot_of_edge[e]], grid, noise);
      std::copy(c.begin(), c.end(), layer.coef.begin() + e * (g + options_.k));
    }
  }
  polynomials_current_ = false;
}

void KolmogorovArnoldNetwork::load_parameter_file() {
  const auto values =
      read_parameter_file(options_.initial_parameters, options_.width, options_.grid, options_.k,
                          options_.base_function == BaseFunction::kSilu ? "silu" : "none");
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    Layer& layer = layers_[l];
    layer.bias = values[l].bias;
    layer.grid = values[l].grid;
    layer.coef = values[l].coef;
    layer.scale_base = values[l].scale_base;
    layer.scale_spline = values[l].scale_spline;
    layer.mask = values[l].mask;
  }
  polynomials_current_ = false;
}

void KolmogorovArnoldNetwork::rebuild_bases(int l) {
  Layer& layer = layers_[l];
  const int points = options_.grid + 1;
  layer.bases.clear();
  layer.input_of_slot.clear();
  layer.slot_of_edge.assign(layer.edges, -1);
  layer.active_edges.clear();
  std::vector<int> first_edge_of_slot;
  for (int e = 0; e < layer.edges; ++e) {
    const int i = e % layer.inputs;
    const double* grid = layer.grid.data() + e * points;
    for (std::size_t s = 0; s < layer.bases.size(); ++s) {
      if (layer.input_of_slot[s] != i) continue;
      const double* other = layer.grid.data() + first_edge_of_slot[s] * points;
      if (std::equal(grid, grid + points, other)) {
        layer.slot_of_edge[e] = static_cast<int>(s);
        break;
      }
    }
    if (layer.slot_of_edge[e] < 0) {
      std::vector<double> values(grid, grid + points);
      try {
        layer.bases.emplace_back(extend_grid(values, options_.k), options_.k);
      } catch (const Error& failure) {
        throw Error(name() + ": layer " + std::to_string(l) + ", edge " + std::to_string(e) + ": " +
                    failure.what());
      }
      layer.slot_of_edge[e] = static_cast<int>(layer.bases.size()) - 1;
      layer.input_of_slot.push_back(i);
      first_edge_of_slot.push_back(e);
    }
    if (layer.mask[e] != 0.0) layer.active_edges.push_back(e);
  }
  polynomials_current_ = false;
  has_forward_ = false;
  samples_ = 0;  // slot counts may have changed: resize the workspace on the next forward
  input_state_current_ = false;
  ++parameter_version_;
  ++layout_version_;
}

void KolmogorovArnoldNetwork::update_spline_polynomials() {
  const int k = options_.k;
  const int width = k + 1;
  const int coefficients = options_.grid + k;
  const int pieces = options_.grid + 2 * k + 2;
  for (Layer& layer : layers_) {
    for (int e = 0; e < layer.edges; ++e) {
      internal::spline_polynomials(
          layer.bases[layer.slot_of_edge[e]], layer.coef.data() + e * coefficients, coefficients,
          layer.polynomial.data() + static_cast<std::size_t>(e) * pieces * width);
    }
  }
  polynomials_current_ = true;
}

namespace internal {

void spline_polynomials(const BSplineBasis& basis, const double* c, int coefficients,
                        double* alpha) {
  const int width = basis.order() + 1;
  const int pieces = basis.piece_count();
  for (int piece = 1; piece + 1 < pieces; ++piece) {
    const double* table = basis.taylor(piece);
    const int first = basis.first_basis(piece);
    for (int q = 0; q < width; ++q) {
      double sum = 0.0;
      for (int r = 0; r < width; ++r) {
        const int j = first + r;
        if (j >= 0 && j < coefficients) sum += table[q * width + r] * c[j];
      }
      alpha[piece * width + q] = sum;
    }
  }
}

}  // namespace internal

}  // namespace hnn::kan
