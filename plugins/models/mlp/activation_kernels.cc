#include "activation_kernels.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "hnn/processor_features.h"

namespace hnn::mlp::internal {
namespace {

using Eigen::Index;

// exp(x) for x in [-708, 708] (callers clamp), within 1 ulp of std::exp in tests: x = n ln2 + r
// with |r| <= ln2 / 2 (Cody-Waite), exp(r) by its Taylor polynomial of degree 13, 2^n
// written into the exponent bits. Plain arithmetic, so that the compiler vectorises the
// loops that inline it (Eigen's packet exp is slower here, and tied to the build's SSE2).
[[gnu::always_inline]] inline double exp_in_range(double x) {
  constexpr double kShift = 0x1.8p52;  // x / ln2 + kShift keeps round(x / ln2) in its low bits
  const double shifted = x * 1.4426950408889634 + kShift;
  const double n = shifted - kShift;
  const double r = (x - n * 6.93147180369123816490e-01) - n * 1.90821492927058770002e-10;
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const std::uint64_t scale = (std::bit_cast<std::uint64_t>(shifted) + 1023) << 52;
  return p * std::bit_cast<double>(scale);
}

[[gnu::always_inline]] inline double clamp_exponent(double x) {
  x = x < -708.0 ? -708.0 : x;
  return x > 708.0 ? 708.0 : x;
}

// The activation functions below add the bias to z (rows x columns, column-major, in
// place), apply sigma and store sigma' and sigma''; they run on the calling thread.
// tanh as 1 - 2 / (exp(2z) + 1) is accurate to ~1e-16 absolute (not relative for
// |z| < 1e-8, which is harmless for values that feed a sum of products).
[[gnu::always_inline]] inline void tanh_columns(double* __restrict z, const double* __restrict bias,
                                                double* __restrict first, double* __restrict second,
                                                Index rows, Index columns) {
  for (Index j = 0; j < columns; ++j) {
    double* __restrict t = z + j * rows;
    double* __restrict d1 = first + j * rows;
    double* __restrict d2 = second + j * rows;
    for (Index i = 0; i < rows; ++i) {
      const double value = 1.0 - 2.0 / (exp_in_range(clamp_exponent(2.0 * (t[i] + bias[i]))) + 1.0);
      const double derivative = 1.0 - value * value;
      t[i] = value;
      d1[i] = derivative;
      d2[i] = -2.0 * value * derivative;
    }
  }
}

[[gnu::always_inline]] inline void sigmoid_columns(double* __restrict z,
                                                   const double* __restrict bias,
                                                   double* __restrict first,
                                                   double* __restrict second, Index rows,
                                                   Index columns) {
  for (Index j = 0; j < columns; ++j) {
    double* __restrict s = z + j * rows;
    double* __restrict d1 = first + j * rows;
    double* __restrict d2 = second + j * rows;
    for (Index i = 0; i < rows; ++i) {
      const double value = 1.0 / (1.0 + exp_in_range(clamp_exponent(-(s[i] + bias[i]))));
      const double derivative = value * (1.0 - value);
      s[i] = value;
      d1[i] = derivative;
      d2[i] = derivative * (1.0 - 2.0 * value);
    }
  }
}

// The same loops compiled for AVX2 and for AVX-512 (4 and 8 doubles a vector instead of
// SSE2's 2), chosen at run time. No FMA: AVX2 has none, and this file is compiled with
// -ffp-contract=off (CMakeLists.txt), so that the AVX-512 build, whose instruction set has
// them, does not fuse a multiply and an add either. Every build rounds every operation
// alike, so results do not depend on the processor. Each wrapper is one build of `kLoop`
// (always_inline): the loop compiled for the wrapper's instruction set.
template <ActivationFunction kLoop>
void sse2_build(double* z, const double* bias, double* first, double* second, Index rows,
                Index columns) {
  kLoop(z, bias, first, second, rows, columns);
}
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define HNN_MLP_SIMD_ACTIVATIONS 1
template <ActivationFunction kLoop>
__attribute__((target("avx2"))) void avx2_build(double* z, const double* bias, double* first,
                                                double* second, Index rows, Index columns) {
  kLoop(z, bias, first, second, rows, columns);
}
template <ActivationFunction kLoop>
__attribute__((target("avx512f"))) void avx512_build(double* z, const double* bias, double* first,
                                                     double* second, Index rows, Index columns) {
  kLoop(z, bias, first, second, rows, columns);
}
#endif

// The widest build this processor runs (asked once).
ActivationBuild widest_activation_build() {
  static const ActivationBuild result = [] {
    if (activation_build_available(ActivationBuild::kAvx512)) return ActivationBuild::kAvx512;
    if (activation_build_available(ActivationBuild::kAvx2)) return ActivationBuild::kAvx2;
    return ActivationBuild::kSse2;
  }();
  return result;
}

// One loop's builds, and the one of `build`.
struct LoopBuilds {
  ActivationFunction sse2, avx2, avx512;
  ActivationFunction of(ActivationBuild build) const {
    switch (build) {
      case ActivationBuild::kAvx512:
        return avx512;
      case ActivationBuild::kAvx2:
        return avx2;
      case ActivationBuild::kSse2:
        break;
    }
    return sse2;
  }
};

// The builds of `kLoop`: the SIMD ones where the compiler can make them.
template <ActivationFunction kLoop>
constexpr LoopBuilds builds_of() {
#ifdef HNN_MLP_SIMD_ACTIVATIONS
  return {sse2_build<kLoop>, avx2_build<kLoop>, avx512_build<kLoop>};
#else
  return {sse2_build<kLoop>, sse2_build<kLoop>, sse2_build<kLoop>};
#endif
}
constexpr LoopBuilds kTanhBuilds = builds_of<tanh_columns>();
constexpr LoopBuilds kSigmoidBuilds = builds_of<sigmoid_columns>();

// sigma, sigma' and sigma'' at z, for each activation.
struct Derivatives {
  double value;
  double first;
  double second;
};

inline Derivatives relu_derivatives(double z) {
  // The second derivative is 0 away from the kink; at z = 0 the subgradient 0 is used.
  return z > 0.0 ? Derivatives{z, 1.0, 0.0} : Derivatives{0.0, 0.0, 0.0};
}

inline double logistic(double z) {
  if (z >= 0.0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

inline Derivatives softplus_derivatives(double z) {
  // log(1 + e^z) without overflow; torch's threshold (z > 20 -> z) is not replicated.
  const double value = std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z)));
  const double s = logistic(z);
  return {value, s, s * (1.0 - s)};
}

inline Derivatives silu_derivatives(double z) {
  const double s = logistic(z);
  const double ds = s * (1.0 - s);
  return {z * s, s + z * ds, ds * (2.0 + z * (1.0 - 2.0 * s))};
}

inline Derivatives elu_derivatives(double z) {
  if (z > 0.0) return {z, 1.0, 0.0};
  const double e = std::exp(z);
  return {std::expm1(z), e, e};
}

inline Derivatives sin_derivatives(double z) {
  const double s = std::sin(z);
  return {s, std::cos(z), -s};
}

template <Derivatives (*kDerivatives)(double)>
void activate_columns(double* z, const double* bias, double* first, double* second, Index rows,
                      Index columns) {
  for (Index j = 0; j < columns; ++j) {
    const Index offset = j * rows;
    for (Index i = 0; i < rows; ++i) {
      const Derivatives d = kDerivatives(z[offset + i] + bias[i]);
      z[offset + i] = d.value;
      first[offset + i] = d.first;
      second[offset + i] = d.second;
    }
  }
}

}  // namespace

bool activation_build_available(ActivationBuild build) {
#ifdef HNN_MLP_SIMD_ACTIVATIONS
  switch (build) {
    case ActivationBuild::kAvx512:
      return processor_features().avx512f;
    case ActivationBuild::kAvx2:
      return processor_features().avx2;
    case ActivationBuild::kSse2:
      break;
  }
  return true;
#else
  return build == ActivationBuild::kSse2;
#endif
}

ActivationFunction activation_function(Activation activation) {
  return activation_function(activation, widest_activation_build());
}

ActivationFunction activation_function(Activation activation, ActivationBuild build) {
  switch (activation) {
    case Activation::kTanh:
      return kTanhBuilds.of(build);
    case Activation::kRelu:
      return activate_columns<relu_derivatives>;
    case Activation::kSigmoid:
      return kSigmoidBuilds.of(build);
    case Activation::kSoftplus:
      return activate_columns<softplus_derivatives>;
    case Activation::kSilu:
      return activate_columns<silu_derivatives>;
    case Activation::kElu:
      return activate_columns<elu_derivatives>;
    case Activation::kSin:
      return activate_columns<sin_derivatives>;
  }
  return kTanhBuilds.of(build);
}

}  // namespace hnn::mlp::internal
