#include "dense_product.h"

#include <cstdlib>

#include "dense_product_kernel.h"
#include "hnn/processor_features.h"

namespace hnn::mlp {

bool dense_product_kernel_available(DenseProductKernel kernel) {
  const ProcessorFeatures& has = processor_features();
  const bool avx2 = has.avx2 && has.fma;
  switch (kernel) {
    case DenseProductKernel::kAvx512:
      return avx2 && has.avx512f && has.avx512dq && has.avx512vl;
    case DenseProductKernel::kAvx2:
      return avx2;
    case DenseProductKernel::kPortable:
      break;
  }
  return true;
}

DenseProductKernel widest_dense_product_kernel() {
  if (dense_product_kernel_available(DenseProductKernel::kAvx512)) {
    return DenseProductKernel::kAvx512;
  }
  if (dense_product_kernel_available(DenseProductKernel::kAvx2)) return DenseProductKernel::kAvx2;
  return DenseProductKernel::kPortable;
}

void multiply_dense(double* c, std::ptrdiff_t c_stride, std::ptrdiff_t rows, std::ptrdiff_t columns,
                    std::ptrdiff_t depth, const DenseOperand& a, const DenseOperand& b,
                    bool accumulate) {
  static const DenseProductFunction function =
      dense_product_function(widest_dense_product_kernel());
  function(c, c_stride, rows, columns, depth, a, b, accumulate);
}

const char* dense_product_kernel() {
  return dense_product_kernel_name(widest_dense_product_kernel());
}

bool dense_product_kernel_from_environment(DenseProductKernel* kernel, std::string* error) {
  const char* value = std::getenv("HNN_PRODUCT_KERNEL");
  const std::string text = value == nullptr ? "" : value;
  if (text.empty() || text == "auto") {
    *kernel = widest_dense_product_kernel();
    return true;
  }
  if (text == "portable") {
    *kernel = DenseProductKernel::kPortable;
    return true;
  }
  if (text == "avx2" || text == "simd" || text == "avx512") {
    const bool avx512 = text == "avx512";
    const DenseProductKernel wanted =
        avx512 ? DenseProductKernel::kAvx512 : DenseProductKernel::kAvx2;
    if (!dense_product_kernel_available(wanted)) {
      *error = "HNN_PRODUCT_KERNEL is \"" + text + "\", but this processor has no " +
               (avx512 ? "AVX-512 (F, DQ and VL) and FMA" : "AVX2 and FMA") +
               ": unset it or use \"auto\" or a kernel it has (\"portable\"" +
               (avx512 && dense_product_kernel_available(DenseProductKernel::kAvx2) ? ", \"avx2\")"
                                                                                    : ")");
      return false;
    }
    *kernel = wanted;
    return true;
  }
  *error = "HNN_PRODUCT_KERNEL is \"" + text +
           "\": expected \"portable\", \"avx2\" (or \"simd\"), \"avx512\" or \"auto\" (or "
           "unset, which is \"auto\")";
  return false;
}

DenseProductFunction dense_product_function(DenseProductKernel kernel) {
  switch (kernel) {
    case DenseProductKernel::kAvx512:
      return internal::multiply_dense_avx512;
    case DenseProductKernel::kAvx2:
      return internal::multiply_dense_avx2;
    case DenseProductKernel::kPortable:
      break;
  }
  return internal::multiply_dense_sse2;
}

const char* dense_product_kernel_name(DenseProductKernel kernel) {
  switch (kernel) {
    case DenseProductKernel::kAvx512:
      return "avx512+fma";
    case DenseProductKernel::kAvx2:
      return "avx2+fma";
    case DenseProductKernel::kPortable:
      break;
  }
  return "sse2";
}

}  // namespace hnn::mlp

HNN_DEFINE_DENSE_PRODUCT_BUILD(multiply_dense_sse2)
