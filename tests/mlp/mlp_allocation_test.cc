// No heap allocation in the training hot path: after the first evaluation at a batch size,
// HamiltonianObjective::evaluate and BaselineObjective::evaluate with the mlp plugin, and the
// model's derivative calls with the input Hessian-vector product, must not call malloc. This
// binary replaces the C allocator (glibc's __libc_* entry points stay the real one), so
// every allocation of the process is seen: the framework's, the plugin's, Eigen's (which
// uses malloc, not operator new) and OpenMP's.
// Each check runs with the test's thread count (OMP_NUM_THREADS, tests/CMakeLists.txt) and
// with one thread: one thread runs every product whole, so its packing buffers are the
// largest (the AVX-512 build's for a 200 x 750 x 200 product: 1.2 MB).
#include <doctest/doctest.h>
#include <omp.h>

#include <set>

#include "mlp_test_support.h"
#include "objective_allocations.h"

TEST_CASE("evaluate() does not allocate after the first call") {
  const int test_threads = omp_get_max_threads();
  for (const int threads : std::set<int>{test_threads, 1}) {
    CAPTURE(threads);
    omp_set_num_threads(threads);
    for (const auto& hidden :
         {std::vector<std::int64_t>{200, 200}, std::vector<std::int64_t>{8, 6, 5}}) {
      CAPTURE(hidden.size());
      for (int samples : {750, 30}) {
        CAPTURE(samples);
        Eigen::MatrixXd x, dxdt;
        hnn::testing::spring_like_data(samples, 1, x, dxdt);
        auto model = hnn::testing::make_mlp({.hidden = hidden});
        hnn::testing::check_objectives_do_not_allocate(*model, x, dxdt);
        hnn::testing::check_model_derivatives_do_not_allocate(*model, x);
      }
    }
  }
  omp_set_num_threads(test_threads);
}
