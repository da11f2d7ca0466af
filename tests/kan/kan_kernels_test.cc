// The kan plugin's header-only kernels apart from the model (transpose.h, edge_kernels.h):
// the changes of layout copy every entry, and the reverse kernel that forms phi'' itself
// gives the same bits as the one that reads the phi'' edge_forward stored.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <cmath>
#include <cstring>
#include <vector>

#include "edge_kernels.h"
#include "transpose.h"

namespace {

bool same_bits(const double* a, const double* b, Eigen::Index n) {
  return std::memcmp(a, b, sizeof(double) * static_cast<std::size_t>(n)) == 0;
}

}  // namespace

TEST_CASE("transpose_into: 2 x N <-> N x 2 (odd N), strided blocks, other row counts") {
  for (const Eigen::Index rows : {1, 2, 3}) {
    for (const Eigen::Index n : {1, 2, 7, 750}) {
      CAPTURE(rows);
      CAPTURE(n);
      const Eigen::MatrixXd wide = Eigen::MatrixXd::Random(rows, n);
      Eigen::MatrixXd tall(n, rows);
      hnn::kan::internal::transpose_into(wide, tall);
      CHECK(tall == wide.transpose());
      Eigen::MatrixXd back(rows, n);
      hnn::kan::internal::transpose_into(tall, back);
      CHECK(back == wide);
      // A block of a taller matrix: the outer stride is not the row count.
      Eigen::MatrixXd storage = Eigen::MatrixXd::Zero(rows + 2, n);
      hnn::kan::internal::transpose_into(tall, storage.topRows(rows));
      CHECK(storage.topRows(rows) == wide);
      CHECK(storage.bottomRows(2).isZero(0.0));
    }
  }
}

TEST_CASE("edge_reverse forming phi'' inline equals reading edge_forward's phi'', bit for bit") {
  // One cubic edge on pieces 0 .. 5 of widths 1/w, random coefficients, samples with odd n
  // (the SSE2 pairs and the scalar tail).
  constexpr int k = 3, pieces = 6, width = k + 1;
  const Eigen::Index n = 301;
  std::vector<double> polynomial(pieces * width), inverse_width(pieces);
  for (int p = 0; p < pieces; ++p) {
    inverse_width[p] = p == 0 || p == pieces - 1 ? 0.0 : 1.5 + 0.25 * p;
    for (int q = 0; q < width; ++q) {
      polynomial[p * width + q] = p == 0 || p == pieces - 1 ? 0.0 : std::sin(1.3 * p + 0.7 * q);
    }
  }
  std::vector<int> piece(n);
  Eigen::VectorXd local(n), b0(n), b1(n), b2(n), r(n), upstream(n), tangent(n);
  for (Eigen::Index s = 0; s < n; ++s) {
    piece[s] = static_cast<int>((s * 7) % pieces);
    local[s] = piece[s] == 0 || piece[s] == pieces - 1 ? 0.0 : std::fmod(0.37 * s, 1.0);
    b0[s] = std::cos(0.1 * s);
    b1[s] = std::sin(0.2 * s);
    b2[s] = std::cos(0.3 * s + 1.0);
    r[s] = std::sin(0.05 * s + 0.5);
    upstream[s] = 1.0 + 0.01 * s;
    tangent[s] = std::cos(0.07 * s);
  }
  const double sb = 0.8, sp = 1.3;
  Eigen::VectorXd phi1(n), phi2(n);
  hnn::kan::internal::edge_forward<3, false, true, true>(
      k, n, piece.data(), local.data(), inverse_width.data(), polynomial.data(), b0.data(),
      b1.data(), b2.data(), sb, sp, nullptr, phi1.data(), phi2.data());
  const std::size_t bank = pieces * width;
  auto reverse = [&](auto kernel, hnn::kan::internal::SecondDerivative second,
                     std::vector<double>& gradient, Eigen::VectorXd& adjoint, double& sum) {
    gradient.assign(2 * bank, 0.0);
    adjoint = Eigen::VectorXd::Constant(n, 0.25);
    sum = 0.0;
    kernel(k, n, piece.data(), local.data(), inverse_width.data(), r.data(), upstream.data(),
           tangent.data(), b0.data(), b1.data(), phi1.data(), second, gradient.data(), bank,
           adjoint.data(), &sum);
  };
  hnn::kan::internal::SecondDerivative stored;
  stored.phi2 = phi2.data();
  hnn::kan::internal::SecondDerivative formed;
  formed.polynomial = polynomial.data();
  formed.b2 = b2.data();
  formed.sb = sb;
  formed.sp = sp;
  std::vector<double> g_stored, g_formed;
  Eigen::VectorXd a_stored, a_formed;
  double sum_stored = 0.0, sum_formed = 0.0;
  reverse(hnn::kan::internal::edge_reverse<3, true, true, true, false>, stored, g_stored, a_stored,
          sum_stored);
  reverse(hnn::kan::internal::edge_reverse<3, true, true, true, true>, formed, g_formed, a_formed,
          sum_formed);
  CHECK(same_bits(a_stored.data(), a_formed.data(), n));
  CHECK(same_bits(g_stored.data(), g_formed.data(), static_cast<Eigen::Index>(g_stored.size())));
  CHECK(sum_stored == sum_formed);
  // The run-time k path forms it by Horner, with the same result.
  reverse(hnn::kan::internal::edge_reverse<0, true, true, true, true>, formed, g_formed, a_formed,
          sum_formed);
  reverse(hnn::kan::internal::edge_reverse<0, true, true, true, false>, stored, g_stored, a_stored,
          sum_stored);
  CHECK(same_bits(a_stored.data(), a_formed.data(), n));
}
