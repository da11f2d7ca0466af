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

HNN_DEFINE_DENSE_PRODUCT_BUILD(multiply_dense_avx512)
