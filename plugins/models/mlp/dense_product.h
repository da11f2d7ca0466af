// Dense matrix products of the mlp plugin, C = op(A) op(B) (or C += op(A) op(B)), on one
// thread, with the widest instruction set the processor has.
//
// The plugin is built for any x86-64 (SSE2), and Eigen picks its GEMM kernel at compile
// time, so an ordinary Eigen product never uses AVX2, AVX-512 or FMA even where the processor
// has them: for the 200-wide layers of the HNN that is a quarter to an eighth of the speed of
// a machine with AVX-512. dense_product_avx2.cc and dense_product_avx512.cc compile the same
// Eigen product with -mavx2 -mfma and with -mavx512f -mavx512dq -mavx512vl -mfma (each in a
// renamed copy of the Eigen namespace, so that none of its code can be linked into another
// build), and multiply_dense() calls the widest one the processor supports.
//
// The three builds are the kernels DenseProductKernel::kAvx512, kAvx2 and kPortable (SSE2).
// A model chooses one when it is built, from the environment variable HNN_PRODUCT_KERNEL
// (dense_product_kernel_from_environment(); docs/testing.md), so that a test can run each on
// a machine that has it: unset, empty or `auto` is the default, the widest one.
//
// Results: the SIMD kernels use fused multiply-adds (which round once) and group their sums
// by their vector width, so the three agree to round-off, not bit for bit, and a run's MLP
// results depend on the kernel its processor picks. On one processor with one kernel they
// are deterministic and do not depend on the number of threads.
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

// The name of the kernel multiply_dense() uses on this processor: "avx512+fma", "avx2+fma"
// or "sse2".
const char* dense_product_kernel();

// The builds of the product.
enum class DenseProductKernel {
  kPortable,  // SSE2, any x86-64 (and the only one on other processors)
  kAvx2,      // AVX2 and FMA
  kAvx512,    // AVX-512 F, DQ and VL, and FMA
};

// One build of the product; the same contract as multiply_dense().
using DenseProductFunction = void (*)(double* c, std::ptrdiff_t c_stride, std::ptrdiff_t rows,
                                      std::ptrdiff_t columns, std::ptrdiff_t depth,
                                      const DenseOperand& a, const DenseOperand& b,
                                      bool accumulate);

// Whether this processor (and its operating system) can run `kernel`.
bool dense_product_kernel_available(DenseProductKernel kernel);

// The widest kernel this processor can run: what multiply_dense() uses.
DenseProductKernel widest_dense_product_kernel();

// The kernel the environment variable HNN_PRODUCT_KERNEL asks for, read at each call:
// unset, empty or "auto": widest_dense_product_kernel(); "portable": kPortable; "avx2" (or
// its older name "simd"): kAvx2; "avx512": kAvx512. Returns false and sets *error (which
// names the variable, its value and the accepted values) for any other value and for a
// kernel this processor cannot run: a forced kernel is never replaced silently by another
// one. Neither pointer may be null. Thread-safe as far as getenv is.
bool dense_product_kernel_from_environment(DenseProductKernel* kernel, std::string* error);

// The build of `kernel`; only where dense_product_kernel_available(kernel).
DenseProductFunction dense_product_function(DenseProductKernel kernel);

// "avx512+fma", "avx2+fma" or "sse2" (the names dense_product_kernel() returns).
const char* dense_product_kernel_name(DenseProductKernel kernel);

namespace internal {
// The builds of the product (dense_product.cc, dense_product_avx2.cc,
// dense_product_avx512.cc); same contract.
void multiply_dense_sse2(double* c, std::ptrdiff_t c_stride, std::ptrdiff_t rows,
                         std::ptrdiff_t columns, std::ptrdiff_t depth, const DenseOperand& a,
                         const DenseOperand& b, bool accumulate);
void multiply_dense_avx2(double* c, std::ptrdiff_t c_stride, std::ptrdiff_t rows,
                         std::ptrdiff_t columns, std::ptrdiff_t depth, const DenseOperand& a,
                         const DenseOperand& b, bool accumulate);
void multiply_dense_avx512(double* c, std::ptrdiff_t c_stride, std::ptrdiff_t rows,
                           std::ptrdiff_t columns, std::ptrdiff_t depth, const DenseOperand& a,
                           const DenseOperand& b, bool accumulate);
}  // namespace internal

}  // namespace hnn::mlp

#endif  // HNN_PLUGINS_MLP_DENSE_PRODUCT_H_
