// multiply_dense() compiled with -mavx512f -mavx512dq -mavx512vl -mavx2 -mfma (see
// plugins/models/mlp/CMakeLists.txt), called only on processors that have all of them
// (dense_product.cc): Eigen's GEMM with 8-double vectors, which on a processor with full-width
// AVX-512 units does twice the multiply-adds per instruction of the AVX2 build.
//
// The Eigen namespace is renamed as in dense_product_avx2.cc, for the same reason: none of
// this file's instantiations may be shared with the other builds. This file must include
// nothing else that instantiates templates out of line.
// On other processors than x86-64 it is compiled like dense_product.cc and never called.
#if defined(__x86_64__) && (!defined(__AVX512F__) || !defined(__AVX512DQ__) || \
                            !defined(__AVX512VL__) || !defined(__FMA__))
#error "dense_product_avx512.cc must be compiled with -mavx512f -mavx512dq -mavx512vl -mfma"
#endif

#define Eigen hnn_mlp_avx512_eigen
#include "dense_product_kernel.h"

namespace hnn::mlp::internal {

void multiply_dense_avx512(double* c, std::ptrdiff_t c_stride, std::ptrdiff_t rows,
                           std::ptrdiff_t columns, std::ptrdiff_t depth, const DenseOperand& a,
                           const DenseOperand& b, bool accumulate) {
  multiply_dense_kernel(c, c_stride, rows, columns, depth, a, b, accumulate);
}

}  // namespace hnn::mlp::internal
