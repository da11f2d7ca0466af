// Loops of the mlp over a batch: products and element-wise loops split over the OpenMP
// threads, and the slices and chunks whose partial sums over samples are added in a fixed
// order, so that the model's results do not depend on the number of threads.
#ifndef HNN_PLUGINS_MLP_BATCH_LOOPS_H_
#define HNN_PLUGINS_MLP_BATCH_LOOPS_H_

#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <type_traits>
#include <utility>

#include "dense_product.h"

namespace hnn::mlp::internal {

using Eigen::Index;

// Element-wise work on fewer entries than this stays on one thread (the fork costs more).
constexpr Index kParallelThreshold = 16384;

// Calls body(k) for k = 0 .. count-1, on all OpenMP threads when work (the number of
// entries touched) is large enough. Small loops stay serial without entering OpenMP at
// all: a parallel region with a false if() clause, or with one thread, still allocates a
// team in libgomp.
template <class Body>
void parallel_for(Index count, Index work, const Body& body) {
  if (work >= kParallelThreshold && count > 1 && omp_get_max_threads() > 1) {
#pragma omp parallel for schedule(static)
    for (Index k = 0; k < count; ++k) body(k);
  } else {
    for (Index k = 0; k < count; ++k) body(k);
  }
}

// Products at least this large (rows x columns x depth) are split over the OpenMP threads
// by multiply(); smaller ones run on the calling thread.
constexpr double kParallelProductWork = 100000.0;

// An Eigen matrix expression with direct access (a matrix, map, block or transpose of
// one) as an operand of a DenseProductFunction.
template <class Expression>
DenseOperand dense_operand(const Expression& m) {
  return {m.data(), m.outerStride(), (Expression::Flags & Eigen::RowMajorBit) != 0};
}

// The rows [begin, begin + count) of a (rows of the product), or the columns of b.
inline DenseOperand operand_rows(const DenseOperand& a, Index begin) {
  return {a.row_major ? a.data + begin * a.stride : a.data + begin, a.stride, a.row_major};
}
inline DenseOperand operand_columns(const DenseOperand& b, Index begin) {
  return {b.row_major ? b.data + begin : b.data + begin * b.stride, b.stride, b.row_major};
}

// Where part `part` of `parts` of [0, size) begins: parts of about equal size whose
// boundaries are multiples of kSplitAlignment (the last part ends at size).
//
// Eigen's GEMM kernel computes an entry of the product by one of several code paths, by
// where its row and column fall in the register blocks (full blocks of mr x nr entries,
// smaller ones at the edges), and these paths need not round alike. A part boundary that is
// a multiple of every block size keeps each entry on the path it takes in the undivided
// product, so that the result does not depend on the number of threads.
constexpr Index kSplitAlignment = 48;  // mr: 24 (AVX-512), 12 (AVX2), 6 (SSE2); nr: 4
inline Index split_point(Index size, Index part, Index parts) {
  if (part >= parts) return size;
  const Index point = size * part / parts;
  return std::min(size, (point + kSplitAlignment / 2) / kSplitAlignment * kSplitAlignment);
}

// destination = left * right (or += when accumulate), the columns (or rows, whichever is
// longer) of the destination split over the OpenMP threads at multiples of kSplitAlignment. Each
// thread's part is a sequential product by `product` (dense_product.h: the model's kernel) whose
// packing buffers live on the stack (see EIGEN_STACK_ALLOCATION_LIMIT in CMakeLists.txt); Eigen's
// own parallel GEMM would allocate them on the heap on every call.
template <class Destination, class Left, class Right>
void multiply(DenseProductFunction product, Destination&& destination, const Left& left,
              const Right& right, bool accumulate) {
  using DestinationType = std::remove_cvref_t<Destination>;
  Index rows = destination.rows();
  Index columns = destination.cols();
  const Index depth = left.cols();
  DenseOperand a = dense_operand(left);
  DenseOperand b = dense_operand(right);
  if ((DestinationType::Flags & Eigen::RowMajorBit) != 0) {
    // A row-major C = A B is the column-major C^T = B^T A^T.
    std::swap(rows, columns);
    const DenseOperand left_transposed{b.data, b.stride, !b.row_major};
    b = DenseOperand{a.data, a.stride, !a.row_major};
    a = left_transposed;
  }
  double* c = destination.data();
  const Index c_stride = destination.outerStride();
  const double work = double(rows) * double(columns) * double(depth);
  if (work < kParallelProductWork || omp_get_max_threads() == 1) {
    product(c, c_stride, rows, columns, depth, a, b, accumulate);
    return;
  }
  const bool split_columns = columns >= rows;
#pragma omp parallel
  {
    const Index parts = omp_get_num_threads();
    const Index part = omp_get_thread_num();
    const Index size = split_columns ? columns : rows;
    const Index begin = split_point(size, part, parts);
    const Index count = split_point(size, part + 1, parts) - begin;
    if (count > 0) {
      if (split_columns) {
        product(c + begin * c_stride, c_stride, rows, count, depth, a, operand_columns(b, begin),
                accumulate);
      } else {
        product(c + begin, c_stride, count, columns, depth, operand_rows(a, begin), b, accumulate);
      }
    }
  }
}

// Samples per chunk of the fused first-layer loops: the unit of their partial sums over
// samples, which are added in chunk order (thread-count independent results).
constexpr Index kChunk = 64;

inline Index chunk_count(Index samples) { return (samples + kChunk - 1) / kChunk; }

// Samples per slice: forward(), input_gradient() and the parameter gradient run every layer
// for one slice of the batch on one thread, the slices handed out dynamically to the OpenMP
// threads (one parallel region per call, no barrier between layers, and when another
// process holds up one thread the others take over its slices). Sums over samples are
// formed per slice (per chunk in the fused first layer) and added in slice order, so the
// results do not depend on the number of threads. kSlice samples, large enough for the
// products of a slice to run near the speed of one big GEMM, unless that makes more than
// kMaxSlices slices (each slice keeps a parameter-sized vector of sums); always a multiple
// of kChunk.
constexpr Index kSlice = 128;
constexpr Index kMaxSlices = 16;
static_assert(kSlice % kChunk == 0, "a slice is made of whole chunks");

inline Index slice_size(Index samples) {
  const Index spread = (samples + kMaxSlices - 1) / kMaxSlices;
  return std::max(kSlice, (spread + kChunk - 1) / kChunk * kChunk);
}

inline Index slice_count(Index samples) {
  const Index size = slice_size(samples);
  return (samples + size - 1) / size;
}

// Calls body(slice, first_sample, sample_count) for every slice of `samples`, on all OpenMP
// threads when work (entries touched per layer) is large enough.
template <class Body>
void parallel_slices(Index samples, Index work, const Body& body) {
  const Index size = slice_size(samples);
  const Index slices = slice_count(samples);
  auto run = [&](Index slice) {
    const Index begin = slice * size;
    body(slice, begin, std::min(size, samples - begin));
  };
  if (work >= kParallelThreshold && slices > 1 && omp_get_max_threads() > 1) {
#pragma omp parallel for schedule(dynamic)
    for (Index slice = 0; slice < slices; ++slice) run(slice);
  } else {
    for (Index slice = 0; slice < slices; ++slice) run(slice);
  }
}

// Calls body(chunk, first_sample, sample_count) for the chunks of [begin, begin + count),
// begin a multiple of kChunk, on the calling thread.
template <class Body>
void for_each_chunk(Index begin, Index count, const Body& body) {
  for (Index first = begin; first < begin + count; first += kChunk) {
    body(first / kChunk, first, std::min(kChunk, begin + count - first));
  }
}

}  // namespace hnn::mlp::internal

#endif  // HNN_PLUGINS_MLP_BATCH_LOOPS_H_
