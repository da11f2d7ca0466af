// No heap allocation in the training hot path: after the first evaluation at a batch size,
// HamiltonianObjective::evaluate and BaselineObjective::evaluate with the kan plugin (also
// with its regulariser and after a grid update) must not call malloc. This binary replaces the C
// allocator (glibc's __libc_* entry points stay the real one), so every allocation of the process
// is seen: the framework's, the plugin's, Eigen's (which uses malloc, not operator new) and
// OpenMP's.
#include <doctest/doctest.h>

#include "allocation_counter.h"

#include <execinfo.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>

#include "hnn/baseline_objective.h"
#include "hnn/hamiltonian_objective.h"
#include "kan_test_support.h"

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
  using Settings = std::map<std::string, hnn::OptionValue>;
  const std::vector<Settings> cases = {
      {},
      {{"width", std::vector<std::int64_t>{2, 8, 8, 2}}, {"grid", 10}},
      {{"width", std::vector<std::int64_t>{2, 3, 2}}, {"reg_lambda", 0.01}, {"k", 2}},
  };
  for (const Settings& settings : cases) {
    for (int samples : {750, 30}) {
      CAPTURE(samples);
      const Eigen::MatrixXd x = hnn::testing::uniform_matrix(2, samples, 1, -1.5, 1.5);
      const Eigen::MatrixXd dxdt = hnn::testing::uniform_matrix(2, samples, 2);
      auto model = hnn::testing::make_kan(settings);
      CAPTURE(model->name());
      model->update_grid(x);  // a non-uniform grid is as allocation-free
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
