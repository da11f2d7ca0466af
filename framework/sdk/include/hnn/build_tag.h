// The build tag: everything besides the ABI version that must match between hnn-host and
// a plugin for C++ objects to cross the library boundary safely.
//
// The tag is computed from the preprocessor state of the translation unit that includes
// this header, so a plugin's descriptor records how the plugin was compiled and the host
// compares it with how the host was compiled. It covers the compiler family and major
// version, the C++ standard library and its ABI flavour, the language standard, and Eigen's
// version, alignment and vectorization settings (Eigen objects cross the boundary, and a
// mismatch there corrupts memory silently).
#ifndef HNN_BUILD_TAG_H_
#define HNN_BUILD_TAG_H_

#include <Eigen/Core>
#include <version>

#define HNN_STRINGIFY_DETAIL(x) #x
#define HNN_STRINGIFY(x) HNN_STRINGIFY_DETAIL(x)

#if defined(__clang__)
#define HNN_BUILD_TAG_COMPILER "clang-" HNN_STRINGIFY(__clang_major__)
#elif defined(__GNUC__)
#define HNN_BUILD_TAG_COMPILER "gcc-" HNN_STRINGIFY(__GNUC__)
#else
#define HNN_BUILD_TAG_COMPILER "unknown-compiler"
#endif

#if defined(_LIBCPP_VERSION)
#define HNN_BUILD_TAG_STDLIB "libc++-" HNN_STRINGIFY(_LIBCPP_VERSION)
#elif defined(__GLIBCXX__)
#define HNN_BUILD_TAG_STDLIB "libstdc++-cxx11abi" HNN_STRINGIFY(_GLIBCXX_USE_CXX11_ABI)
#else
#define HNN_BUILD_TAG_STDLIB "unknown-stdlib"
#endif

#if defined(EIGEN_VECTORIZE_AVX512)
#define HNN_BUILD_TAG_SIMD "avx512"
#elif defined(EIGEN_VECTORIZE_AVX)
#define HNN_BUILD_TAG_SIMD "avx"
#elif defined(EIGEN_VECTORIZE_SSE2)
#define HNN_BUILD_TAG_SIMD "sse2"
#elif defined(EIGEN_VECTORIZE)
#define HNN_BUILD_TAG_SIMD "simd"
#else
#define HNN_BUILD_TAG_SIMD "novec"
#endif

#if defined(EIGEN_DONT_ALIGN) || defined(EIGEN_DONT_ALIGN_STATICALLY)
#define HNN_BUILD_TAG_ALIGN "unaligned"
#else
#define HNN_BUILD_TAG_ALIGN "align" HNN_STRINGIFY(EIGEN_MAX_ALIGN_BYTES)
#endif

// Example: "gcc-12;libstdc++-cxx11abi1;c++202002;eigen-3.4.0;align16;sse2"
#define HNN_BUILD_TAG \
  HNN_BUILD_TAG_COMPILER ";" HNN_BUILD_TAG_STDLIB ";c++" HNN_STRINGIFY(__cplusplus) ";eigen-" \
      HNN_STRINGIFY(EIGEN_WORLD_VERSION) "." HNN_STRINGIFY(EIGEN_MAJOR_VERSION) "." HNN_STRINGIFY( \
          EIGEN_MINOR_VERSION) ";" HNN_BUILD_TAG_ALIGN ";" HNN_BUILD_TAG_SIMD

#endif  // HNN_BUILD_TAG_H_
