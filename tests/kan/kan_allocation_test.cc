// No heap allocation in the training hot path: after the first evaluation at a batch size,
// HamiltonianObjective::evaluate and BaselineObjective::evaluate with the kan plugin (also
// with its regulariser and after a grid update), and the model's derivative calls with the
// input Hessian-vector product, must not call malloc. This binary replaces the C allocator
// (glibc's __libc_* entry points stay the real one), so every allocation of the process is
// seen: the framework's, the plugin's, Eigen's (which uses malloc, not operator new) and
// OpenMP's.
#include <doctest/doctest.h>

#include "kan_test_support.h"
#include "objective_allocations.h"

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
      hnn::testing::check_objectives_do_not_allocate(*model, x, dxdt);
      hnn::testing::check_model_derivatives_do_not_allocate(*model, x);
    }
  }
}
