// No heap allocation in the training hot path: after the first evaluation at a batch size,
// HamiltonianObjective::evaluate and BaselineObjective::evaluate with the mlp plugin must
// not call malloc. This binary replaces the C allocator (glibc's __libc_* entry points
// stay the real one), so every allocation of the process is seen: the framework's, the
// plugin's, Eigen's (which uses malloc, not operator new) and OpenMP's.
#include <doctest/doctest.h>

#include "allocation_counter.h"

#include <execinfo.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>

#include "hnn/baseline_objective.h"
#include "hnn/hamiltonian_objective.h"
#include "mlp_test_support.h"

using hnn::testing::allocations;
using hnn::testing::counting;

using hnn::testing::allocations_per_evaluations;

TEST_CASE("the allocation counter sees Eigen's allocations") {
  counting = true;
  allocations = 0;
  Eigen::MatrixXd m = Eigen::MatrixXd::Random(40, 40);
  counting = false;
  CHECK(allocations.load() >= 1);
  CHECK(m.size() == 1600);
}

TEST_CASE("evaluate() does not allocate after the first call") {
  for (const auto& hidden :
       {std::vector<std::int64_t>{200, 200}, std::vector<std::int64_t>{8, 6, 5}}) {
    CAPTURE(hidden.size());
    for (int samples : {750, 30}) {
      CAPTURE(samples);
      Eigen::MatrixXd x, dxdt;
      hnn::testing::spring_like_data(samples, 1, x, dxdt);
      auto model = hnn::testing::make_mlp({.hidden = hidden});
      Eigen::VectorXd theta(model->parameter_count());
      model->get_parameters(theta);

      hnn::HamiltonianObjectiveOptions options;
      options.l1 = 1e-5;
      options.field_type = hnn::FieldType::kBoth;
      hnn::HamiltonianObjective both(*model, x, dxdt, options);
      CHECK(allocations_per_evaluations(both, theta, true) == 0);
      hnn::HamiltonianObjective hnn_objective(*model, x, dxdt);
      CHECK(allocations_per_evaluations(hnn_objective, theta, true) == 0);
      CHECK(allocations_per_evaluations(hnn_objective, theta, false) == 0);
      hnn::BaselineObjective baseline(*model, x, dxdt, 1e-5);
      CHECK(allocations_per_evaluations(baseline, theta, true) == 0);
    }
  }
}
