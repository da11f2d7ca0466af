// LbfgsInverseHessian: the limited-memory BFGS approximation H of the inverse Hessian and
// the search direction -H g, as Ceres 2.1's LowRankInverseHessian and its L-BFGS direction
// (Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithm 7.4), in fused passes over
// the parameters split over the OpenMP threads.
//
// H is kept as the newest `memory` pairs (s_i, y_i) = (x_{i+1} - x_i, g_{i+1} - g_i) that
// satisfy the secant condition s_iᵀy_i > 0 with a margin; a pair that does not is skipped
// (SecantCondition below). The initial matrix H_0 is the identity, or with
// eigenvalue_scaling the newest pair's s'y / y'y times it.
//
// The two-loop recursion alternates a dot product with the update it feeds, so Ceres reads
// the vector once for each, and the new pair once more: 4 x memory + 2 passes. Here each
// pass updates a block with one pair and forms the next pair's partial dot product on the
// block while it is in the cache, and the new pair's pass forms the first dot product:
// 2 x memory + 1 passes, the recursion's in one parallel region with a barrier per pass.
// Every dot product is a VectorBlocks sum of vector_kernels.h's, so the direction is the
// same bits for any number of threads; it differs from Ceres' in the last bits (another
// summation order). Nothing allocates after the constructor.
#ifndef HNN_PLUGINS_LBFGS_INVERSE_HESSIAN_H_
#define HNN_PLUGINS_LBFGS_INVERSE_HESSIAN_H_

#include <Eigen/Core>
#include <vector>

#include "vector_blocks.h"

namespace hnn::optimizers {

// When a new pair (s, y) is kept: its margin above s'y = 0.
enum class SecantCondition {
  // s'y > 1e-14 |s| |y|: the cosine of the angle between s and y above 1e-14, the same
  // for any scale of the objective or of the parameters.
  kRelative,
  // s'y > 1e-14, Ceres 2.1's test. It is absolute: for an objective scaled by c, s'y scales
  // by c, so below some scale most pairs are skipped and H keeps its stale pairs (L-BFGS
  // then crawls: a trajectory objective, about (0.1 Δt)² times the field error, lost 3 776
  // of its 6 000 pairs on the clean spring and levelled off 6x above the HNN objective's
  // field error; docs/trajectory_training.md). For comparisons with Ceres.
  kCeres,
};

class LbfgsInverseHessian {
 public:
  // memory >= 1 pairs of `blocks.size()`-sized vectors; `blocks` must outlive this object.
  LbfgsInverseHessian(const VectorBlocks& blocks, int memory, bool eigenvalue_scaling,
                      SecantCondition secant_condition);

  // Forgets every pair: H = I again.
  void clear();

  // The iteration that just ended took the step s = step_size * direction and changed the
  // gradient by y = gradient - previous_gradient. Adds the pair (s, y) to H when it meets
  // the secant condition (otherwise H stays as it is); once `memory` pairs are kept, the
  // oldest one is dropped. Then overwrites direction with -H gradient and returns
  // directionᵀgradient (negative while H is positive definite; Ceres restarts the direction
  // when it is not). Ceres' LBFGS::NextDirection, with the pair's pass fused into the
  // recursion's first.
  double next_direction(double step_size, Eigen::VectorXd& direction,
                        const Eigen::VectorXd& gradient, const Eigen::VectorXd& previous_gradient);

  int pairs() const { return static_cast<int>(order_.size()); }

  // Saving and restoring a stopped run (Lbfgs::saved_state): pair i, oldest first, as its
  // s, y (blocks.size() entries each) and s'y; the scale of H_0.
  const double* step(int i) const { return steps_.col(order_[i]).data(); }
  const double* gradient_change(int i) const { return gradient_changes_.col(order_[i]).data(); }
  double step_dot_change(int i) const { return step_dot_change_[order_[i]]; }
  double eigenvalue_scale() const { return eigenvalue_scale_; }
  // Appends a saved pair as the newest, as kept (pairs() < memory), and sets the scale.
  void restore_pair(const double* s, const double* y, double s_dot_y);
  void restore_eigenvalue_scale(double scale) { eigenvalue_scale_ = scale; }

 private:
  // direction = -H gradient (the two-loop recursion); returns directionᵀgradient.
  // newest_step_dot_gradient, when not null, is s'gradient of the newest pair, already
  // formed, and direction already holds the gradient.
  double descent_direction(const Eigen::VectorXd& gradient, Eigen::VectorXd& direction,
                           const double* newest_step_dot_gradient);

  const VectorBlocks& blocks_;
  int memory_;
  bool eigenvalue_scaling_;
  SecantCondition secant_condition_;
  // memory + 1 columns: the pairs in use and a spare one that next_direction() writes first.
  Eigen::MatrixXd steps_;             // s
  Eigen::MatrixXd gradient_changes_;  // y
  Eigen::VectorXd step_dot_change_;   // s'y per column
  int threads_;                       // OpenMP threads of the parallel passes
  Eigen::MatrixXd alpha_;             // the first loop's coefficients: column x thread
  std::vector<int> order_;            // columns in use, oldest first
  int spare_;                         // the column next_direction() writes
  double eigenvalue_scale_ = 1.0;     // s'y / y'y of the newest pair
  // Per-block partial sums, blocks x 3. The recursion alternates between the first two
  // columns: a pass writes one while a slower thread may still add up the other (the
  // previous pass's). next_direction()'s own pass forms three sums at once.
  Eigen::MatrixXd partials_;
};

}  // namespace hnn::optimizers

#endif  // HNN_PLUGINS_LBFGS_INVERSE_HESSIAN_H_
