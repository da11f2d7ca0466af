// multiply_dense() compiled with -mavx2 -mfma (see plugins/models/mlp/CMakeLists.txt), called only
// on processors that have both (dense_product.cc).
//
// Eigen is a header library: every template this file instantiates would otherwise be a
// weak symbol shared with the SSE2 files of the plugin, and the linker keeps one copy of
// each, which could put AVX2 code on the path of a processor without it (or the SSE2 code
// in here). Renaming the namespace makes this file's Eigen a separate set of symbols. This
// file must include nothing else that instantiates templates out of line.
// On other processors than x86-64 it is compiled like dense_product.cc and never called.
#if defined(__x86_64__) && (!defined(__AVX2__) || !defined(__FMA__))
#error "dense_product_avx2.cc must be compiled with -mavx2 -mfma"
#endif

#define Eigen hnn_mlp_avx2_eigen
#include "dense_product_kernel.h"

namespace hnn::mlp::internal {

void multiply_dense_avx2(double* c, std::ptrdiff_t c_stride, std::ptrdiff_t rows,
                         std::ptrdiff_t columns, std::ptrdiff_t depth, const DenseOperand& a,
                         const DenseOperand& b, bool accumulate) {
  multiply_dense_kernel(c, c_stride, rows, columns, depth, a, b, accumulate);
}

}  // namespace hnn::mlp::internal
