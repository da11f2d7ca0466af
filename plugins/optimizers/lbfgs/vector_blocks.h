// VectorBlocks: a fixed partition of a parameter-sized vector into blocks, for loops over
// the vector that run on the OpenMP threads and sums that do not depend on their number.
//
// Every block has kBlockSize entries (the last one the rest). A sum over the vector is
// formed per block (Eigen's SIMD sum inside the block) and the blocks' partial sums are
// added in block order on every thread, so the result is the same bits whatever the number
// of threads, and a loop body may fuse an element-wise update of a block with a partial sum
// over the same block while it is in the cache. Vectors of fewer than kParallelSize
// entries stay on the calling thread (forking costs more than it saves).
//
// Example (a dot product):
//
//   VectorBlocks blocks(a.size());
//   const double dot = blocks.sum([&](Eigen::Index begin, Eigen::Index length) {
//     return a.segment(begin, length).dot(b.segment(begin, length));
//   });
#ifndef HNN_PLUGINS_LBFGS_VECTOR_BLOCKS_H_
#define HNN_PLUGINS_LBFGS_VECTOR_BLOCKS_H_

#include <Eigen/Core>
#include <algorithm>

namespace hnn::optimizers {

class VectorBlocks {
 public:
  static constexpr Eigen::Index kBlockSize = 2048;      // 16 KiB of doubles
  static constexpr Eigen::Index kParallelSize = 16384;  // and more: on the threads

  // size >= 0. Allocates the partial sums once; the loops below allocate nothing.
  explicit VectorBlocks(Eigen::Index size);

  Eigen::Index size() const { return size_; }
  int count() const { return count_; }
  Eigen::Index begin(int block) const { return block * kBlockSize; }
  Eigen::Index length(int block) const {
    return block + 1 < count_ ? kBlockSize : size_ - begin(block);
  }
  // Whether the loops run on the OpenMP threads (large vector, more than one thread).
  bool parallel() const { return parallel_; }

  // Calls body(begin, length) once per block, blocks split over the threads.
  template <class Body>
  void for_each(Body&& body) const;

  // The sum over blocks of partial(begin, length), added in block order.
  template <class Partial>
  double sum(Partial&& partial) const;

  // The largest partial(begin, length) over the blocks (0 for an empty vector); partials
  // must not be NaN.
  template <class Partial>
  double max(Partial&& partial) const;

  // partials_[0] + ... + partials_[count() - 1], in that order.
  double sum_of_partials() const;

 private:
  Eigen::Index size_;
  int count_;
  bool parallel_;
  mutable Eigen::VectorXd partials_;  // one per block
};

template <class Body>
void VectorBlocks::for_each(Body&& body) const {
  // Not even a one-thread region when serial: libgomp allocates a team for each one until
  // a multi-threaded region has created its thread pool.
  if (!parallel_) {
    for (int block = 0; block < count_; ++block) body(begin(block), length(block));
    return;
  }
#pragma omp parallel for schedule(static)
  for (int block = 0; block < count_; ++block) body(begin(block), length(block));
}

template <class Partial>
double VectorBlocks::sum(Partial&& partial) const {
  for_each([&](Eigen::Index begin, Eigen::Index length) {
    partials_[begin / kBlockSize] = partial(begin, length);
  });
  return sum_of_partials();
}

template <class Partial>
double VectorBlocks::max(Partial&& partial) const {
  for_each([&](Eigen::Index begin, Eigen::Index length) {
    partials_[begin / kBlockSize] = partial(begin, length);
  });
  double largest = 0.0;
  for (int block = 0; block < count_; ++block) largest = std::max(largest, partials_[block]);
  return largest;
}

}  // namespace hnn::optimizers

#endif  // HNN_PLUGINS_LBFGS_VECTOR_BLOCKS_H_
