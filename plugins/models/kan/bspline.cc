#include "bspline.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "hnn/error.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hnn::kan {

std::vector<double> extend_grid(const std::vector<double>& grid, int k) {
  if (grid.size() < 2 || k < 0) {
    throw Error("kan: extend_grid needs at least 2 grid points and k >= 0, got " +
                std::to_string(grid.size()) + " points and k = " + std::to_string(k));
  }
  const double h = (grid.back() - grid.front()) / static_cast<double>(grid.size() - 1);
  std::vector<double> knots(grid.size() + 2 * static_cast<std::size_t>(k));
  std::copy(grid.begin(), grid.end(), knots.begin() + k);
  for (int i = k - 1; i >= 0; --i) knots[i] = knots[i + 1] - h;
  for (std::size_t i = grid.size() + k; i < knots.size(); ++i) knots[i] = knots[i - 1] + h;
  return knots;
}

std::vector<std::vector<double>> cox_de_boor(const std::vector<double>& knots, int k, double x,
                                             int derivatives) {
  const int intervals = static_cast<int>(knots.size()) - 1;
  if (k < 0 || intervals < k + 1 || derivatives < 0 || derivatives > k) {
    throw Error(
        "kan: cox_de_boor needs k >= 0, at least k + 2 knots and 0 <= derivatives <= k; "
        "got k = " +
        std::to_string(k) + ", " + std::to_string(knots.size()) +
        " knots, derivatives = " + std::to_string(derivatives));
  }
  const double* t = knots.data();
  // d[q][j]: q-th derivative of the order-p bases, updated in place from order p - 1.
  std::vector<std::vector<double>> d(derivatives + 1, std::vector<double>(intervals, 0.0));
  for (int j = 0; j < intervals; ++j) d[0][j] = (t[j] <= x && x < t[j + 1]) ? 1.0 : 0.0;
  for (int p = 1; p <= k; ++p) {
    const int count = intervals - p;
    // Derivatives first (they need the order p - 1 values of lower derivatives).
    for (int q = std::min(derivatives, p); q >= 1; --q) {
      for (int j = 0; j < count; ++j) {
        d[q][j] =
            p * (d[q - 1][j] / (t[j + p] - t[j]) - d[q - 1][j + 1] / (t[j + p + 1] - t[j + 1]));
      }
      d[q][count] = 0.0;
    }
    for (int j = 0; j < count; ++j) {
      d[0][j] = (x - t[j]) / (t[j + p] - t[j]) * d[0][j] +
                (t[j + p + 1] - x) / (t[j + p + 1] - t[j + 1]) * d[0][j + 1];
    }
    d[0][count] = 0.0;
  }
  for (auto& row : d) row.resize(intervals - k);
  return d;
}

BSplineBasis::BSplineBasis(std::vector<double> knots, int k) : knots_(std::move(knots)), k_(k) {
  const int count = static_cast<int>(knots_.size());
  if (k_ < 0 || count < k_ + 2) {
    throw Error("kan: a B-spline basis of order " + std::to_string(k_) + " needs at least " +
                std::to_string(k_ + 2) + " knots, got " + std::to_string(count));
  }
  for (int m = 0; m + 1 < count; ++m) {
    if (!(knots_[m] < knots_[m + 1]) || !std::isfinite(knots_[m + 1] - knots_[m])) {
      throw Error("kan: knots must be finite and strictly increasing; knot " + std::to_string(m) +
                  " = " + std::to_string(knots_[m]) + ", knot " + std::to_string(m + 1) + " = " +
                  std::to_string(knots_[m + 1]));
    }
  }
  const int intervals = count - 1;
  const int width = k_ + 1;
  inverse_width_.assign(piece_count(), 0.0);
  taylor_.assign(static_cast<std::size_t>(piece_count()) * width * width, 0.0);
  const double mean = (knots_.back() - knots_.front()) / intervals;
  uniform_ = true;
  for (int m = 0; m < intervals; ++m) {
    const double w = knots_[m + 1] - knots_[m];
    if (std::abs(w - mean) > 1e-9 * mean) uniform_ = false;
    inverse_width_[m + 1] = 1.0 / w;
    const auto derivatives = cox_de_boor(knots_, k_, knots_[m], k_);
    double* table = taylor_.data() + static_cast<std::size_t>(m + 1) * width * width;
    double scale = 1.0;  // w^p / p!
    for (int p = 0; p <= k_; ++p) {
      if (p > 0) scale *= w / p;
      for (int r = 0; r < width; ++r) {
        const int j = m - k_ + r;
        if (j >= 0 && j < basis_count()) table[p * width + r] = derivatives[p][j] * scale;
      }
    }
  }
  inverse_spacing_ = intervals / (knots_.back() - knots_.front());
}

int BSplineBasis::locate_search(double x) const {
  // t_0 <= x < t_last here: the last knot <= x.
  const auto it = std::upper_bound(knots_.begin(), knots_.end(), x);
  return static_cast<int>(it - knots_.begin()) - 1;
}

void BSplineBasis::locate_all(const double* x, long n, int* piece, double* local) const {
  if (!uniform_) {
    for (long s = 0; s < n; ++s) piece[s] = locate(x[s], &local[s]);
    return;
  }
  const double* t = knots_.data();
  const int last = static_cast<int>(knots_.size()) - 1;
  const double low = t[0], high = t[last];
  // Estimate on the ideal uniform grid, then one correction against the actual knots
  // (the estimate is off by at most one interval on a uniform grid). Corrections are rare:
  // predicted branches keep the knot loads off the critical path.
  auto interval = [&](double v, int estimate) {
    int m = std::min(estimate, last - 1);
    if (v < t[m]) [[unlikely]] {
      --m;  // m > 0 here, as v >= t_0
    } else if (v >= t[m + 1]) [[unlikely]] {
      ++m;  // m + 1 < last here, as v < t_last
    }
    return m;
  };
  auto locate_one = [&](long s) {
    const double v = x[s];
    if (!(v >= low && v < high)) [[unlikely]] {  // also NaN
      piece[s] = v >= high ? last + 1 : 0;
      local[s] = 0.0;
      return;
    }
    const int m = interval(v, static_cast<int>((v - low) * inverse_spacing_));
    piece[s] = m + 1;
    local[s] = (v - t[m]) * inverse_width_[m + 1];
  };
  long s = 0;
#if defined(__SSE2__)
  // Two samples at a time: the same operations, the estimate truncated by one instruction.
  const __m128d lows = _mm_set1_pd(low), highs = _mm_set1_pd(high);
  const __m128d spacing = _mm_set1_pd(inverse_spacing_);
  for (; s + 2 <= n; s += 2) {
    const __m128d v = _mm_loadu_pd(x + s);
    if (_mm_movemask_pd(_mm_and_pd(_mm_cmpge_pd(v, lows), _mm_cmplt_pd(v, highs))) != 3)
        [[unlikely]] {
      locate_one(s);
      locate_one(s + 1);
      continue;
    }
    const __m128i estimate = _mm_cvttpd_epi32(_mm_mul_pd(_mm_sub_pd(v, lows), spacing));
    const int m0 = interval(x[s], _mm_cvtsi128_si32(estimate));
    const int m1 = interval(x[s + 1], _mm_cvtsi128_si32(_mm_shuffle_epi32(estimate, 1)));
    piece[s] = m0 + 1;
    piece[s + 1] = m1 + 1;
    const __m128d knot = _mm_set_pd(t[m1], t[m0]);
    const __m128d width = _mm_set_pd(inverse_width_[m1 + 1], inverse_width_[m0 + 1]);
    _mm_storeu_pd(local + s, _mm_mul_pd(_mm_sub_pd(v, knot), width));
  }
#endif
  for (; s < n; ++s) locate_one(s);
}

void BSplineBasis::evaluate(double x, double* values, double* first, double* second) const {
  const int count = basis_count();
  for (int j = 0; j < count; ++j) {
    if (values) values[j] = 0.0;
    if (first) first[j] = 0.0;
    if (second) second[j] = 0.0;
  }
  double f;
  const int piece = locate(x, &f);
  const int width = k_ + 1;
  const double* table = taylor(piece);
  const double iw = inverse_width(piece);
  for (int r = 0; r < width; ++r) {
    const int j = first_basis(piece) + r;
    if (j < 0 || j >= count) continue;
    double s = 0.0, d1 = 0.0, d2 = 0.0;
    for (int p = k_; p >= 0; --p) {
      d2 = d2 * f + d1;
      d1 = d1 * f + s;
      s = s * f + table[p * width + r];
    }
    if (values) values[j] = s;
    if (first) first[j] = d1 * iw;
    if (second) second[j] = 2.0 * d2 * iw * iw;
  }
}

}  // namespace hnn::kan
