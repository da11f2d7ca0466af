// The instruction sets this processor offers to kernels chosen at run time (the mlp's
// products and activations, the kan's SiLU loops): one query, so that every kernel asks the
// same question the same way.
//
// __builtin_cpu_supports also checks that the operating system saves the vector registers
// an instruction set uses (XGETBV), so a set reported here can be used. Off x86-64 (or
// without GCC's builtins) every set reads as absent, and callers take their portable build.
//
// Example:
//
//   if (hnn::processor_features().avx2) { ... the AVX2 build ... }
#ifndef HNN_PROCESSOR_FEATURES_H_
#define HNN_PROCESSOR_FEATURES_H_

namespace hnn {

struct ProcessorFeatures {
  bool avx2 = false;
  bool fma = false;
  bool avx512f = false;
  bool avx512dq = false;
  bool avx512vl = false;
};

// Asked once per library that calls it (thread-safe initialisation of a local static).
inline const ProcessorFeatures& processor_features() {
  static const ProcessorFeatures features = [] {
    ProcessorFeatures result;
#if defined(__GNUC__) && defined(__x86_64__)
    __builtin_cpu_init();
    result.avx2 = __builtin_cpu_supports("avx2") != 0;
    result.fma = __builtin_cpu_supports("fma") != 0;
    result.avx512f = __builtin_cpu_supports("avx512f") != 0;
    result.avx512dq = __builtin_cpu_supports("avx512dq") != 0;
    result.avx512vl = __builtin_cpu_supports("avx512vl") != 0;
#endif
    return result;
  }();
  return features;
}

}  // namespace hnn

#endif  // HNN_PROCESSOR_FEATURES_H_
