// Dense matrix products of the mlp plugin, C = op(A) op(B) (or C += op(A) op(B)), on one
// thread, with the widest instruction set the processor has.
//
// The plugin is built for any x86-64 (SSE2), and Eigen picks its GEMM kernel at compile
// time, so an ordinary Eigen product never uses AVX2 or FMA even where the processor has
// them: for the 200-wide layers of the HNN that is half to a quarter of the speed of the
// machine. dense_product_avx2.cc compiles the same Eigen product with -mavx2 -mfma (in a
// renamed copy of the Eigen namespace, so that none of its code can be linked into the
// portable part), and multiply_dense() calls it when the processor supports both.
//
// The two builds are the kernels DenseProductKernel::kSimd (AVX2+FMA) and kPortable (SSE2).
// A model chooses one when it is built, from the environment variable HNN_PRODUCT_KERNEL
// (dense_product_kernel_from_environment(); docs/testing.md), so that a test can run both on
// a machine that has AVX2: unset, empty or `auto` is the default, the widest one.
//
// Results: the AVX2+FMA kernel rounds differently from the SSE2 one (a fused multiply-add
// rounds once), so products agree to round-off between processors, not bit for bit. On
// one processor they are deterministic and do not depend on the number of threads.
//
// Thread safety: multiply_dense() may run on several threads at once on disjoint outputs.
// It never allocates on the heap (Eigen's packing buffers are on the stack, see
// CMakeLists.txt) and never starts threads.
#ifndef HNN_PLUGINS_MLP_DENSE_PRODUCT_H_
#define HNN_PLUGINS_MLP_DENSE_PRODUCT_H_

#include <cstddef>
#include <string>

namespace hnn::mlp {

// A matrix operand of multiply_dense(), rows x columns as it enters the product.
// Column-major: entry (i, j) at data[i + j * stride]. Row-major (the transpose of a
// column-major matrix, e.g. a weight matrix W_l seen as is, or a batch seen transposed):
// entry (i, j) at data[i * stride + j].
struct DenseOperand {
  const double* data = nullptr;
  std::ptrdiff_t stride = 0;
  bool row_major = false;
};

// C (rows x columns, column-major with column stride c_stride) = A B, or += A B when
// accumulate; A is rows x depth, B depth x columns. C must not overlap A or B.
void multiply_dense(double* c, std::ptrdiff_t c_stride, std::ptrdiff_t rows, std::ptrdiff_t columns,
                    std::ptrdiff_t depth, const DenseOperand& a, const DenseOperand& b,
                    bool accumulate);

// The name of the kernel multiply_dense() uses on this processor: "avx2+fma" or "sse2".
const char* dense_product_kernel();

// The two builds of the product.
enum class DenseProductKernel {
  kPortable,  // SSE2, any x86-64 (and the only one on other processors)
  kSimd,      // AVX2 and FMA
};

// One build of the product; the same contract as multiply_dense().
using DenseProductFunction = void (*)(double* c, std::ptrdiff_t c_stride, std::ptrdiff_t rows,
                                      std::ptrdiff_t columns, std::ptrdiff_t depth,
                                      const DenseOperand& a, const DenseOperand& b,
                                      bool accumulate);

// Whether this processor can run DenseProductKernel::kSimd (x86-64 with AVX2 and FMA).
bool simd_dense_product_available();

// The kernel the environment variable HNN_PRODUCT_KERNEL asks for, read at each call:
// unset, empty or "auto": kSimd where simd_dense_product_available(), else kPortable (what
// multiply_dense() uses); "portable": kPortable; "simd": kSimd. Returns false and sets
// *error (which names the variable, its value and the accepted values) for any other value
// and for "simd" on a processor without AVX2 and FMA: a forced kernel is never replaced
// silently by the other one. Neither pointer may be null. Thread-safe as far as getenv is.
bool dense_product_kernel_from_environment(DenseProductKernel* kernel, std::string* error);

// The build of `kernel`; for kSimd only where simd_dense_product_available().
DenseProductFunction dense_product_function(DenseProductKernel kernel);

// "avx2+fma" for kSimd, "sse2" for kPortable (the names dense_product_kernel() returns).
const char* dense_product_kernel_name(DenseProductKernel kernel);

namespace internal {
// The two builds of the product (dense_product.cc, dense_product_avx2.cc); same contract.
void multiply_dense_sse2(double* c, std::ptrdiff_t c_stride, std::ptrdiff_t rows,
                         std::ptrdiff_t columns, std::ptrdiff_t depth, const DenseOperand& a,
                         const DenseOperand& b, bool accumulate);
void multiply_dense_avx2(double* c, std::ptrdiff_t c_stride, std::ptrdiff_t rows,
                         std::ptrdiff_t columns, std::ptrdiff_t depth, const DenseOperand& a,
                         const DenseOperand& b, bool accumulate);
}  // namespace internal

}  // namespace hnn::mlp

#endif  // HNN_PLUGINS_MLP_DENSE_PRODUCT_H_
