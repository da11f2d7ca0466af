// Counting heap allocations in a test binary: link the object library
// hnn_allocation_counter and the C allocator of the whole process (malloc, calloc, realloc,
// the aligned variants; operator new goes through malloc) is replaced by a counting one
// that forwards to glibc's __libc_* entry points. Every allocation is seen: the framework's,
// a plugin's, Eigen's and OpenMP's.
//
// Use:  allocations = 0; counting = true; work(); counting = false; CHECK(allocations == 0);
// Under AddressSanitizer (scripts/sanitize), which has its own allocator, the count comes
// from ASan's allocation hook instead, which sees the same allocations.
// HNN_ALLOCATION_TRACE=1 prints a backtrace of every counted allocation to stderr.
#ifndef HNN_TESTS_ALLOCATION_COUNTER_H_
#define HNN_TESTS_ALLOCATION_COUNTER_H_

#include <Eigen/Core>
#include <atomic>

namespace hnn::testing {

// Whether allocations are counted now; on from the start of the process.
extern std::atomic<bool> counting;
// Allocations counted so far.
extern std::atomic<long> allocations;

// Allocations made by `evaluations` calls of objective.evaluate() after one warm-up call
// (which may size the workspaces of this batch size). Works with any hnn::Objective.
template <class Objective>
long allocations_per_evaluations(Objective& objective, const Eigen::VectorXd& theta,
                                 bool with_gradient, int evaluations = 3) {
  Eigen::VectorXd gradient(theta.size());
  double value = 0.0;
  double* g = with_gradient ? gradient.data() : nullptr;
  objective.evaluate(theta.data(), &value, g);
  allocations = 0;
  counting = true;
  for (int i = 0; i < evaluations; ++i) objective.evaluate(theta.data(), &value, g);
  counting = false;
  return allocations.load();
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_ALLOCATION_COUNTER_H_
