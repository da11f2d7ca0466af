// The body of multiply_dense() (dense_product.h), included by dense_product.cc and by
// dense_product_avx2.cc, which compile it for different instruction sets. Only for those
// two files: it defines a function in whatever namespace `Eigen` names there.
#ifndef HNN_PLUGINS_MLP_DENSE_PRODUCT_KERNEL_H_
#define HNN_PLUGINS_MLP_DENSE_PRODUCT_KERNEL_H_

#include <Eigen/Core>
#include <cstddef>

#include "dense_product.h"

namespace hnn::mlp::internal {
namespace {

template <bool kRowMajor>
using OperandMap = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic,
                                                  kRowMajor ? Eigen::RowMajor : Eigen::ColMajor>,
                              Eigen::Unaligned, Eigen::OuterStride<>>;

template <bool kRowMajorA, bool kRowMajorB>
void multiply_maps(double* c, std::ptrdiff_t c_stride, std::ptrdiff_t rows, std::ptrdiff_t columns,
                   std::ptrdiff_t depth, const DenseOperand& a, const DenseOperand& b,
                   bool accumulate) {
  Eigen::Map<Eigen::MatrixXd, Eigen::Unaligned, Eigen::OuterStride<>> result(
      c, rows, columns, Eigen::OuterStride<>(c_stride));
  const OperandMap<kRowMajorA> left(a.data, rows, depth, Eigen::OuterStride<>(a.stride));
  const OperandMap<kRowMajorB> right(b.data, depth, columns, Eigen::OuterStride<>(b.stride));
  if (accumulate) {
    result.noalias() += left * right;
  } else {
    result.noalias() = left * right;
  }
}

void multiply_dense_kernel(double* c, std::ptrdiff_t c_stride, std::ptrdiff_t rows,
                           std::ptrdiff_t columns, std::ptrdiff_t depth, const DenseOperand& a,
                           const DenseOperand& b, bool accumulate) {
  if (a.row_major) {
    if (b.row_major)
      return multiply_maps<true, true>(c, c_stride, rows, columns, depth, a, b, accumulate);
    return multiply_maps<true, false>(c, c_stride, rows, columns, depth, a, b, accumulate);
  }
  if (b.row_major) {
    return multiply_maps<false, true>(c, c_stride, rows, columns, depth, a, b, accumulate);
  }
  multiply_maps<false, false>(c, c_stride, rows, columns, depth, a, b, accumulate);
}

}  // namespace
}  // namespace hnn::mlp::internal

// Defines hnn::mlp::internal::NAME, one build of the product (dense_product.h declares
// them): multiply_dense_kernel() compiled with the including file's instruction set.
#define HNN_DEFINE_DENSE_PRODUCT_BUILD(NAME)                                                       \
  namespace hnn::mlp::internal {                                                                   \
  void NAME(double* c, std::ptrdiff_t c_stride, std::ptrdiff_t rows, std::ptrdiff_t columns,       \
            std::ptrdiff_t depth, const DenseOperand& a, const DenseOperand& b, bool accumulate) { \
    multiply_dense_kernel(c, c_stride, rows, columns, depth, a, b, accumulate);                    \
  }                                                                                                \
  }

#endif  // HNN_PLUGINS_MLP_DENSE_PRODUCT_KERNEL_H_
