#include "silu_bases.h"

#include "hnn/processor_features.h"
#include "silu_bases_kernel.h"

// The SSE2 build (the plugin's own instruction set).
HNN_DEFINE_SILU_BUILD(silu_bases_sse2, silu_second_from_sigma_sse2, Packet2d)

namespace hnn::kan::internal {

// silu_bases_avx2.cc.
void silu_bases_avx2(const double* x, std::ptrdiff_t n, double* base, double* base1,
                     double* scratch, bool second);
void silu_second_from_sigma_avx2(const double* x, std::ptrdiff_t n, double* sigma);

bool silu_build_available(SiluBuild build) {
  switch (build) {
    case SiluBuild::kAvx2:
      return processor_features().avx2;
    case SiluBuild::kSse2:
      break;
  }
  return true;
}

const SiluKernels& silu_kernels(SiluBuild build) {
  static const SiluKernels kSse2{silu_bases_sse2, silu_second_from_sigma_sse2};
  static const SiluKernels kAvx2{silu_bases_avx2, silu_second_from_sigma_avx2};
  return build == SiluBuild::kAvx2 ? kAvx2 : kSse2;
}

const SiluKernels& silu_kernels() {
  static const SiluKernels& widest =
      silu_kernels(silu_build_available(SiluBuild::kAvx2) ? SiluBuild::kAvx2 : SiluBuild::kSse2);
  return widest;
}

}  // namespace hnn::kan::internal
