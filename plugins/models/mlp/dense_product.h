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
