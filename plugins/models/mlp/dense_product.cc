#include "dense_product.h"

#include "dense_product_kernel.h"

namespace hnn::mlp {
namespace {

using ProductFunction = void (*)(double*, std::ptrdiff_t, std::ptrdiff_t, std::ptrdiff_t,
                                 std::ptrdiff_t, const DenseOperand&, const DenseOperand&, bool);

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

}  // namespace hnn::mlp
