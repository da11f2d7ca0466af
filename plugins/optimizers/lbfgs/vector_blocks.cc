#include "vector_blocks.h"

#include <omp.h>

namespace hnn::optimizers {

VectorBlocks::VectorBlocks(Eigen::Index size)
    : size_(size),
      count_(static_cast<int>((size + kBlockSize - 1) / kBlockSize)),
      parallel_(size >= kParallelSize && omp_get_max_threads() > 1),
      partials_(Eigen::VectorXd::Zero(count_)) {}

double VectorBlocks::sum_of_partials() const {
  double total = 0.0;
  for (int block = 0; block < count_; ++block) total += partials_[block];
  return total;
}

}  // namespace hnn::optimizers
