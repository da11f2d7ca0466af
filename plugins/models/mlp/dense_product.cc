#include "dense_product.h"

#include <cstdlib>

#include "dense_product_kernel.h"

namespace hnn::mlp {
namespace {

using ProductFunction = DenseProductFunction;

bool has_avx2_and_fma() {
#if defined(__GNUC__) && defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0;
#else
  return false;
#endif
}

// Chosen once, on first use (thread-safe initialisation of a local static).
ProductFunction product_function() {
  static const ProductFunction function =
      has_avx2_and_fma() ? internal::multiply_dense_avx2 : internal::multiply_dense_sse2;
  return function;
}

}  // namespace

namespace internal {
void multiply_dense_sse2(double* c, std::ptrdiff_t c_stride, std::ptrdiff_t rows,
                         std::ptrdiff_t columns, std::ptrdiff_t depth, const DenseOperand& a,
                         const DenseOperand& b, bool accumulate) {
  multiply_dense_kernel(c, c_stride, rows, columns, depth, a, b, accumulate);
}
}  // namespace internal

void multiply_dense(double* c, std::ptrdiff_t c_stride, std::ptrdiff_t rows, std::ptrdiff_t columns,
                    std::ptrdiff_t depth, const DenseOperand& a, const DenseOperand& b,
                    bool accumulate) {
  product_function()(c, c_stride, rows, columns, depth, a, b, accumulate);
}

const char* dense_product_kernel() {
  return product_function() == internal::multiply_dense_avx2 ? "avx2+fma" : "sse2";
}

bool simd_dense_product_available() {
  static const bool available = has_avx2_and_fma();
  return available;
}

bool dense_product_kernel_from_environment(DenseProductKernel* kernel, std::string* error) {
  const char* value = std::getenv("HNN_PRODUCT_KERNEL");
  const std::string text = value == nullptr ? "" : value;
  if (text.empty() || text == "auto") {
    *kernel =
        simd_dense_product_available() ? DenseProductKernel::kSimd : DenseProductKernel::kPortable;
    return true;
  }
  if (text == "portable") {
    *kernel = DenseProductKernel::kPortable;
    return true;
  }
  if (text == "simd") {
    if (!simd_dense_product_available()) {
      *error =
          "HNN_PRODUCT_KERNEL is \"simd\", but this processor has no AVX2 and FMA: "
          "unset it or use \"portable\" or \"auto\"";
      return false;
    }
    *kernel = DenseProductKernel::kSimd;
    return true;
  }
  *error = "HNN_PRODUCT_KERNEL is \"" + text +
           "\": expected \"portable\", \"simd\" or \"auto\" (or unset, which is \"auto\")";
  return false;
}

DenseProductFunction dense_product_function(DenseProductKernel kernel) {
  return kernel == DenseProductKernel::kSimd ? internal::multiply_dense_avx2
                                             : internal::multiply_dense_sse2;
}

const char* dense_product_kernel_name(DenseProductKernel kernel) {
  return kernel == DenseProductKernel::kSimd ? "avx2+fma" : "sse2";
}

}  // namespace hnn::mlp
