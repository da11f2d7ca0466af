// The kan model's change of layout (internal to plugins/models/kan): the interface passes a
// batch as d x N (one sample per column), the workspace keeps it N x d (one node per
// column, so that the per-node loops run over contiguous memory).
//
// Eigen's assignment of a transposed dynamic matrix runs a short inner loop per column of
// d = 1 or 2 rows, with its set-up for vectorisation each time; these loops run per row
// of the destination instead (two rows at once for d = 2, with SSE2 unpacks). They copy
// values, so the result is the same.
#ifndef HNN_PLUGINS_KAN_TRANSPOSE_H_
#define HNN_PLUGINS_KAN_TRANSPOSE_H_

#include <Eigen/Core>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hnn::kan::internal {

// to = from^T; to must already have the transposed shape and may not alias from.
inline void transpose_into(const Eigen::Ref<const Eigen::MatrixXd>& from,
                           Eigen::Ref<Eigen::MatrixXd> to) {
  const Eigen::Index rows = to.rows(), columns = to.cols();
  const Eigen::Index from_stride = from.outerStride(), to_stride = to.outerStride();
  const double* source = from.data();
  double* target = to.data();
  if (rows == 2 && to_stride == 2) {
    // to(0, s) = from(s, 0), to(1, s) = from(s, 1): interleave two columns of `from`.
    const double* first = source;
    const double* second = source + from_stride;
    Eigen::Index s = 0;
#if defined(__SSE2__)
    for (; s + 2 <= columns; s += 2) {
      const __m128d a = _mm_loadu_pd(first + s), b = _mm_loadu_pd(second + s);
      _mm_storeu_pd(target + 2 * s, _mm_unpacklo_pd(a, b));
      _mm_storeu_pd(target + 2 * s + 2, _mm_unpackhi_pd(a, b));
    }
#endif
    for (; s < columns; ++s) {
      target[2 * s] = first[s];
      target[2 * s + 1] = second[s];
    }
    return;
  }
  if (from.rows() == 2 && from_stride == 2) {
    // The reverse: split the interleaved pairs into two columns of `to`.
    double* first = target;
    double* second = target + to_stride;
    Eigen::Index s = 0;
#if defined(__SSE2__)
    for (; s + 2 <= rows; s += 2) {
      const __m128d a = _mm_loadu_pd(source + 2 * s), b = _mm_loadu_pd(source + 2 * s + 2);
      _mm_storeu_pd(first + s, _mm_unpacklo_pd(a, b));
      _mm_storeu_pd(second + s, _mm_unpackhi_pd(a, b));
    }
#endif
    for (; s < rows; ++s) {
      first[s] = source[2 * s];
      second[s] = source[2 * s + 1];
    }
    return;
  }
  for (Eigen::Index i = 0; i < rows; ++i) {
    const double* column = source + i * from_stride;
    for (Eigen::Index s = 0; s < columns; ++s) target[s * to_stride + i] = column[s];
  }
}

}  // namespace hnn::kan::internal

#endif  // HNN_PLUGINS_KAN_TRANSPOSE_H_
