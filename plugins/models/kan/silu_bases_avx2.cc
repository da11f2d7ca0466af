// The loops of silu_bases.h compiled with -mavx2 and without FMA (see
// plugins/models/kan/CMakeLists.txt), called only on processors that have AVX2
// (silu_bases.cc).
//
// Eigen is a header library: every template this file instantiates would otherwise be a
// weak symbol shared with the SSE2 files of the plugin, and the linker keeps one copy of
// each, which could put AVX2 code on the path of a processor without it (or the SSE2 code
// in here). Renaming the namespace makes this file's Eigen a separate set of symbols. This
// file must include nothing else that instantiates templates out of line.
// On other processors than x86-64 it is compiled like silu_bases.cc and never called.
#if defined(__x86_64__) && (!defined(__AVX2__) || defined(__FMA__))
#error "silu_bases_avx2.cc must be compiled with -mavx2 and without -mfma"
#endif

#define Eigen hnn_kan_avx2_eigen
#include "silu_bases_kernel.h"

#if defined(__x86_64__)
HNN_DEFINE_SILU_BUILD(silu_bases_avx2, silu_second_from_sigma_avx2, Packet4d)
#else
HNN_DEFINE_SILU_BUILD(silu_bases_avx2, silu_second_from_sigma_avx2, Packet2d)
#endif
