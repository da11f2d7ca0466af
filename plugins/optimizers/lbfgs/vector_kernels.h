// The dot products of the `lbfgs` optimizer: eight interleaved partial sums (entry i goes
// to sum i mod 8), added in a fixed tree at the end. The order does not depend on the
// instruction set, and eight independent sums keep four SSE2 adders busy where Eigen's dot
// keeps two. update_then_dot fuses the two-loop recursion's update with the next dot
// product, so each pass streams two history columns once (inverse_hessian.h).
#ifndef HNN_PLUGINS_LBFGS_VECTOR_KERNELS_H_
#define HNN_PLUGINS_LBFGS_VECTOR_KERNELS_H_

#include <Eigen/Core>

namespace hnn::optimizers {

// (s0 + s4) + (s1 + s5) + ((s2 + s6) + (s3 + s7)), as written.
inline double add_partial_sums(const double sums[8]) {
  return ((sums[0] + sums[4]) + (sums[1] + sums[5])) + ((sums[2] + sums[6]) + (sums[3] + sums[7]));
}

// aᵀb over n entries.
inline double dot(const double* __restrict a, const double* __restrict b, Eigen::Index n) {
  double sums[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  Eigen::Index i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) sums[j] = sums[j] + a[i + j] * b[i + j];
  }
  for (int j = 0; i < n; ++i, ++j) sums[j] = sums[j] + a[i] * b[i];
  return add_partial_sums(sums);
}

// q -= alpha y entry by entry (q - alpha * y, as Eigen's `q -= alpha * y`), then returns
// sᵀq with the updated q, in one sweep.
inline double update_then_dot(double* __restrict q, const double* __restrict y, double alpha,
                              const double* __restrict s, Eigen::Index n) {
  double sums[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  Eigen::Index i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) {
      q[i + j] = q[i + j] - alpha * y[i + j];
      sums[j] = sums[j] + s[i + j] * q[i + j];
    }
  }
  for (int j = 0; i < n; ++i, ++j) {
    q[i] = q[i] - alpha * y[i];
    sums[j] = sums[j] + s[i] * q[i];
  }
  return add_partial_sums(sums);
}

}  // namespace hnn::optimizers

#endif  // HNN_PLUGINS_LBFGS_VECTOR_KERNELS_H_
