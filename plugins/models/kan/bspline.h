// B-spline bases of pykan 0.0.5 (spec kan.md section 2): the extended knot vector, the
// Cox-de Boor recursion exactly as pykan's B_batch, and the piecewise-polynomial form the
// kan model evaluates.
//
// On an extended knot vector t_0 < t_1 < ... < t_T (T = G + 2k) there are G + k bases
// B_0 .. B_{G+k-1} of order k. On each knot interval [t_m, t_{m+1}) at most k + 1 of them
// are non-zero (B_{m-k} .. B_m) and each is a polynomial of degree k. BSplineBasis stores,
// per interval, the Taylor coefficients of those k + 1 polynomials in the local coordinate
// f = (x - t_m) / (t_{m+1} - t_m), so that a spline S = sum_j c_j B_j and its first two
// derivatives cost one Horner pass over k + 1 numbers, for any grid (uniform or not).
// The coefficients are computed once per grid from the recursion itself (right-sided
// derivatives at t_m), so the piecewise form equals the recursion up to round-off.
//
// "Pieces" number the real line: piece 0 is x < t_0, piece m + 1 is [t_m, t_{m+1}), piece
// T + 1 is x >= t_T (half-open intervals as in pykan; outside [t_0, t_T) every basis and
// derivative is 0). Outside pieces have all-zero coefficients and f = 0.
//
// Example:
//
//   const std::vector<double> knots = hnn::kan::extend_grid({-1, -1. / 3, 1. / 3, 1}, 3);
//   hnn::kan::BSplineBasis basis(knots, 3);
//   double f;
//   const int piece = basis.locate(0.3, &f);
//   // B_{first_basis(piece) + r}(0.3) = sum_p basis.taylor(piece)[p * 4 + r] * f^p
//
// Thread safety: const methods may be called concurrently.
#ifndef HNN_PLUGINS_KAN_BSPLINE_H_
#define HNN_PLUGINS_KAN_BSPLINE_H_

#include <vector>

namespace hnn::kan {

// pykan 0.0.5 extend_grid: with h = (g_G - g_0) / G (from the end points, also for a
// non-uniform grid), prepends g_0 - h k times and appends g_G + h k times, each new point
// computed from the previous one (repeated subtraction, as pykan, so the float64 knots are
// bit-identical to pykan's). grid: G + 1 >= 2 increasing points. Returns G + 2k + 1 knots.
std::vector<double> extend_grid(const std::vector<double>& grid, int k);

// The bases of order k on `knots` at x by the global Cox-de Boor recursion of kan.md 2.2,
// and their derivatives up to order `derivatives` (0 .. k) by the closed form of kan.md
// 2.4 applied recursively (right-sided at knots, as torch autograd through pykan).
// Returns (derivatives + 1) x (knots.size() - k - 1) values, row q = the q-th derivative.
// The reference implementation (cost O(k^2 T) per point); the model uses BSplineBasis.
std::vector<std::vector<double>> cox_de_boor(const std::vector<double>& knots, int k, double x,
                                             int derivatives);

class BSplineBasis {
 public:
  // knots: strictly increasing, at least k + 2 of them; k >= 0. Throws hnn::Error otherwise.
  BSplineBasis(std::vector<double> knots, int k);

  int order() const { return k_; }
  int basis_count() const { return static_cast<int>(knots_.size()) - k_ - 1; }
  int piece_count() const { return static_cast<int>(knots_.size()) + 1; }
  const std::vector<double>& knots() const { return knots_; }

  // The piece of x (see the header comment) and, through `local`, f in [0, 1) on an inner
  // piece (0 on the outer ones). NaN is put in piece 0.
  int locate(double x, double* local) const {
    const double* t = knots_.data();
    const int last = static_cast<int>(knots_.size()) - 1;
    if (!(x >= t[0])) {
      *local = 0.0;
      return 0;
    }
    if (x >= t[last]) {
      *local = 0.0;
      return last + 1;
    }
    int m;
    if (uniform_) {
      m = static_cast<int>((x - t[0]) * inverse_spacing_);
      if (m > last - 1) m = last - 1;
      while (m > 0 && x < t[m]) --m;
      while (m < last - 1 && x >= t[m + 1]) ++m;
    } else {
      m = locate_search(x);
    }
    *local = (x - t[m]) * inverse_width_[m + 1];
    return m + 1;
  }

  // locate() for n points at once (x, piece and local: n entries each). Same results; on a
  // uniform grid an estimate from the spacing, corrected by rarely taken branches.
  void locate_all(const double* x, long n, int* piece, double* local) const;

  // Index of the basis that column r = 0 of taylor(piece) belongs to: piece - 1 - k (may be
  // negative, or the columns may run past basis_count(); such columns are all 0).
  int first_basis(int piece) const { return piece - 1 - k_; }
  // (k + 1) x (k + 1), row-major: entry [p * (k + 1) + r] is the coefficient of f^p of
  // B_{first_basis(piece) + r} on the piece. All 0 on the outer pieces.
  const double* taylor(int piece) const { return taylor_.data() + piece * (k_ + 1) * (k_ + 1); }
  // 1 / (t_{m+1} - t_m) on piece m + 1; 0 on the outer pieces. d/dx = inverse_width * d/df.
  double inverse_width(int piece) const { return inverse_width_[piece]; }
  const double* inverse_widths() const { return inverse_width_.data(); }

  // All basis_count() bases and their first and second derivatives at x from the
  // piecewise form (any pointer may be null). What the model computes, for tests.
  void evaluate(double x, double* values, double* first, double* second) const;

 private:
  int locate_search(double x) const;

  std::vector<double> knots_;
  int k_;
  bool uniform_ = false;
  double inverse_spacing_ = 0.0;
  std::vector<double> inverse_width_;  // per piece
  std::vector<double> taylor_;         // per piece, (k + 1)^2
};

}  // namespace hnn::kan

#endif  // HNN_PLUGINS_KAN_BSPLINE_H_
