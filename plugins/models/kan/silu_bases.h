// The SiLU base function of the kan's edges, b(x) = x sigma(x) with the logistic sigma, and
// its derivatives over a column of samples: the forward pass's one exp per node and sample
// (kan_forward.cc) and b'' for the Hessian-vector products (kan_hessian_vector.cc).
//
// Built for SSE2 and, chosen at run time, AVX2 (4 doubles a vector instead of 2), both
// without FMA, from one source (silu_bases_kernel.h): every build gives, bit for bit, the
// values of the Eigen SSE2 expressions the kan evaluated before, whatever the alignment of
// the buffers (libm's exp on the entries those left to it, Eigen's packet exp, the same in
// SSE2 and AVX2 for every input but NaN, on the others), so KAN results do not depend on
// the processor (tests/kan/kan_silu_builds_test.cc). No AVX-512 build: Eigen's AVX-512
// code requires FMA, which would change the rounding.
#ifndef HNN_PLUGINS_KAN_SILU_BASES_H_
#define HNN_PLUGINS_KAN_SILU_BASES_H_

#include <Eigen/Core>

namespace hnn::kan::internal {

// For the n samples x: base = b(x) = x sigma, base1 = b'(x) = sigma (1 + x (1 - sigma)),
// and `scratch` = sigma, or with `second` b''(x) = sigma (1 - sigma) (2 + x (1 - 2 sigma)).
// No array may alias another.
using SiluBasesFunction = void (*)(const double* x, Eigen::Index n, double* base, double* base1,
                                   double* scratch, bool second);

// b''(x) in place of sigma(x) (as silu_bases left it in `scratch` without `second`).
using SiluSecondFunction = void (*)(const double* x, Eigen::Index n, double* sigma);

struct SiluKernels {
  SiluBasesFunction bases;
  SiluSecondFunction second_from_sigma;
};

enum class SiluBuild { kSse2, kAvx2 };

// Whether this processor runs `build` (kSse2: always).
bool silu_build_available(SiluBuild build);

// The kernels of `build` (only where silu_build_available(build)).
const SiluKernels& silu_kernels(SiluBuild build);

// The kernels of the widest build this processor runs (asked once).
const SiluKernels& silu_kernels();

}  // namespace hnn::kan::internal

#endif  // HNN_PLUGINS_KAN_SILU_BASES_H_
