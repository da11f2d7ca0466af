#include "inverse_hessian.h"

#include <omp.h>

#include <cmath>
#include <cstddef>

#include "vector_kernels.h"

namespace hnn::optimizers {
namespace {

// Ceres' kLBFGSSecantConditionHessianUpdateTolerance, the margin of both secant conditions.
constexpr double kSecantTolerance = 1e-14;

// The kept pairs and the spare column (memory may be as large as INT_MAX: no int overflow;
// the allocation fails then, as it would for any memory beyond the machine's).
Eigen::Index columns(int memory) { return Eigen::Index(memory) + 1; }

}  // namespace

LbfgsInverseHessian::LbfgsInverseHessian(const VectorBlocks& blocks, int memory,
                                         bool eigenvalue_scaling, SecantCondition secant_condition)
    : blocks_(blocks),
      memory_(memory),
      eigenvalue_scaling_(eigenvalue_scaling),
      secant_condition_(secant_condition),
      steps_(blocks.size(), columns(memory)),
      gradient_changes_(blocks.size(), columns(memory)),
      step_dot_change_(Eigen::VectorXd::Zero(columns(memory))),
      threads_(blocks.parallel() ? omp_get_max_threads() : 1),
      alpha_(Eigen::MatrixXd::Zero(columns(memory), threads_)),
      spare_(0),
      partials_(Eigen::MatrixXd::Zero(blocks.count(), 4)) {
  order_.reserve(static_cast<std::size_t>(columns(memory)));
}

void LbfgsInverseHessian::clear() {
  order_.clear();
  spare_ = 0;
  eigenvalue_scale_ = 1.0;
}

void LbfgsInverseHessian::restore_pair(const double* s, const double* y, double s_dot_y) {
  const Eigen::Index size = blocks_.size();
  const int column = spare_;
  steps_.col(column) = Eigen::Map<const Eigen::VectorXd>(s, size);
  gradient_changes_.col(column) = Eigen::Map<const Eigen::VectorXd>(y, size);
  step_dot_change_[column] = s_dot_y;
  order_.push_back(column);
  spare_ = pairs();
}

double LbfgsInverseHessian::next_direction(double step_size, Eigen::VectorXd& direction,
                                           const Eigen::VectorXd& gradient,
                                           const Eigen::VectorXd& previous_gradient) {
  // One pass: the new pair into the spare column (so that a rejected pair leaves every kept
  // one intact), s'y, y'y, s's, and s'gradient, the first dot product of the two-loop
  // recursion when the pair is kept; q = gradient replaces the old direction once s is
  // formed.
  auto s = steps_.col(spare_);
  auto y = gradient_changes_.col(spare_);
  double* step_dot_change = partials_.col(0).data();
  double* change_squared = partials_.col(1).data();
  double* step_dot_gradient = partials_.col(2).data();
  double* step_squared = partials_.col(3).data();
  blocks_.for_each([&](Eigen::Index begin, Eigen::Index length) {
    auto s_block = s.segment(begin, length);
    auto y_block = y.segment(begin, length);
    auto q_block = direction.segment(begin, length);
    const auto g_block = gradient.segment(begin, length);
    s_block = q_block * step_size;
    y_block = g_block - previous_gradient.segment(begin, length);
    q_block = g_block;
    const int block = static_cast<int>(begin / VectorBlocks::kBlockSize);
    step_dot_change[block] = dot(s_block.data(), y_block.data(), length);
    change_squared[block] = dot(y_block.data(), y_block.data(), length);
    step_dot_gradient[block] = dot(s_block.data(), q_block.data(), length);
    step_squared[block] = dot(s_block.data(), s_block.data(), length);
  });
  double sy = 0.0, yy = 0.0, sg = 0.0, ss = 0.0;
  for (int block = 0; block < blocks_.count(); ++block) {
    sy += step_dot_change[block];
    yy += change_squared[block];
    sg += step_dot_gradient[block];
    ss += step_squared[block];
  }
  // As `!(sy > margin)`, a NaN s'y is skipped too, and so is a zero s or y (0 > 0 fails).
  const double margin = secant_condition_ == SecantCondition::kRelative
                            ? kSecantTolerance * std::sqrt(ss * yy)
                            : kSecantTolerance;
  if (!(sy > margin)) return descent_direction(gradient, direction, nullptr);

  const int column = spare_;
  if (pairs() == memory_) {
    spare_ = order_.front();
    order_.erase(order_.begin());  // at most `memory` ints; the capacity stays
  } else {
    spare_ = pairs() + 1;
  }
  order_.push_back(column);
  step_dot_change_[column] = sy;
  eigenvalue_scale_ = sy / yy;
  return descent_direction(gradient, direction, &sg);
}

double LbfgsInverseHessian::descent_direction(const Eigen::VectorXd& gradient,
                                              Eigen::VectorXd& direction,
                                              const double* newest_step_dot_gradient) {
  const int k = pairs();
  const int count = blocks_.count();
  const double scale = eigenvalue_scaling_ ? eigenvalue_scale_ : 1.0;
  double slope = 0.0;
  // Pass p writes its partial sums into set p % 2 (see partials_).

  // Run by every thread of the team, or by the caller alone, without any OpenMP construct
  // (see VectorBlocks::for_each).
  const auto recursion = [&] {
    const int thread = threads_ > 1 ? omp_get_thread_num() : 0;
    auto alpha = alpha_.col(thread);
    int pass = 0;
    // The sum of the last pass's partials; every thread forms it in the same order.
    const auto pass_sum = [&] {
      const double* partials = partials_.col(pass % 2).data();
      double total = 0.0;
      for (int block = 0; block < count; ++block) total += partials[block];
      ++pass;
      return total;
    };
    // Runs body(begin, length, partials of this pass) over the blocks, then waits for all.
    const auto run_pass = [&](auto&& body) {
      double* partials = partials_.col(pass % 2).data();
      if (threads_ == 1) {
        for (int block = 0; block < count; ++block) {
          body(blocks_.begin(block), blocks_.length(block), partials + block);
        }
        return;
      }
#pragma omp for schedule(static)
      for (int block = 0; block < count; ++block) {
        body(blocks_.begin(block), blocks_.length(block), partials + block);
      }
    };

    if (k == 0) {
      // H = I: direction = -gradient.
      run_pass([&](Eigen::Index begin, Eigen::Index length, double* partial) {
        auto d = direction.segment(begin, length);
        d = -gradient.segment(begin, length);
        *partial = dot(d.data(), gradient.data() + begin, length);
      });
      const double total = pass_sum();
      if (thread == 0) slope = total;
    } else {
      // First loop, newest pair first: alpha_i = s_i'q / s_i'y_i, q -= alpha_i y_i, with q
      // in `direction`. Each pass also forms the next dot product on its blocks.
      if (newest_step_dot_gradient == nullptr) {
        run_pass([&](Eigen::Index begin, Eigen::Index length, double* partial) {
          auto q = direction.segment(begin, length);
          q = gradient.segment(begin, length);
          *partial = dot(steps_.col(order_[k - 1]).data() + begin, q.data(), length);
        });
      }
      for (int i = k - 1; i >= 0; --i) {
        const int column = order_[i];
        const double s_dot_q = i == k - 1 && newest_step_dot_gradient != nullptr
                                   ? *newest_step_dot_gradient
                                   : pass_sum();
        alpha[column] = s_dot_q / step_dot_change_[column];
        run_pass([&](Eigen::Index begin, Eigen::Index length, double* partial) {
          auto q = direction.segment(begin, length);
          const double* y = gradient_changes_.col(column).data() + begin;
          if (i > 0) {
            *partial = update_then_dot(q.data(), y, alpha[column],
                                       steps_.col(order_[i - 1]).data() + begin, length);
          } else {
            q -= alpha[column] * gradient_changes_.col(column).segment(begin, length);
            if (eigenvalue_scaling_) q *= scale;  // H_0
            *partial = dot(y, q.data(), length);
          }
        });
      }
      // Second loop, oldest pair first: beta_i = y_i'r / s_i'y_i, r += s_i (alpha_i - beta_i);
      // the last pass negates r and forms its dot product with the gradient.
      for (int i = 0; i < k; ++i) {
        const int column = order_[i];
        const double beta = pass_sum() / step_dot_change_[column];
        const double coefficient = alpha[column] - beta;
        run_pass([&](Eigen::Index begin, Eigen::Index length, double* partial) {
          auto r = direction.segment(begin, length);
          if (i + 1 < k) {
            // r - (-c) s is r + c s exactly.
            *partial = update_then_dot(r.data(), steps_.col(column).data() + begin, -coefficient,
                                       gradient_changes_.col(order_[i + 1]).data() + begin, length);
          } else {
            r += steps_.col(column).segment(begin, length) * coefficient;
            r = -r;
            *partial = dot(r.data(), gradient.data() + begin, length);
          }
        });
      }
      const double total = pass_sum();
      if (thread == 0) slope = total;
    }
  };
  if (threads_ > 1) {
#pragma omp parallel num_threads(threads_)
    recursion();
  } else {
    recursion();
  }
  return slope;
}

}  // namespace hnn::optimizers
