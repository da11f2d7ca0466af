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

HNN_DEFINE_DENSE_PRODUCT_BUILD(multiply_dense_avx2)
