// No heap allocation in the training hot path: after the first evaluation at a batch size,
// HamiltonianObjective::evaluate and BaselineObjective::evaluate with the kan plugin (also
// with its regulariser and after a grid update) must not call malloc. This binary replaces the C
// allocator (glibc's __libc_* entry points stay the real one), so every allocation of the process
// is seen: the framework's, the plugin's, Eigen's (which uses malloc, not operator new) and
// OpenMP's.
#include <doctest/doctest.h>

#include <execinfo.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>

#include "hnn/baseline_objective.h"
#include "hnn/hamiltonian_objective.h"
#include "kan_test_support.h"

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void __libc_free(void* pointer);
}

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
// HNN_ALLOCATION_TRACE=1 prints a backtrace of every counted allocation to stderr.
const bool trace = std::getenv("HNN_ALLOCATION_TRACE") != nullptr;
void count() {
  if (!counting.load(std::memory_order_relaxed)) return;
  allocations.fetch_add(1);
  if (trace) {
    counting = false;  // backtrace() may allocate on its first call
    void* frames[16];
    const int depth = backtrace(frames, 16);
    backtrace_symbols_fd(frames, depth, STDERR_FILENO);
    if (write(STDERR_FILENO, "--\n", 3) < 0) return;
    counting = true;
  }
}
}  // namespace

extern "C" {
void* malloc(std::size_t size) {
  count();
  return __libc_malloc(size);
}
void* calloc(std::size_t count_, std::size_t size) {
  count();
  return __libc_calloc(count_, size);
}
void* realloc(void* pointer, std::size_t size) {
  count();
  return __libc_realloc(pointer, size);
}
void* memalign(std::size_t alignment, std::size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** result, std::size_t alignment, std::size_t size) {
  count();
  void* pointer = __libc_memalign(alignment, size);
  if (pointer == nullptr) return 12;  // ENOMEM
  *result = pointer;
  return 0;
}
void free(void* pointer) { __libc_free(pointer); }
}

namespace {

// Allocations made by `evaluations` calls of evaluate() after a warm-up call.
template <class Objective>
long allocations_per_evaluations(Objective& objective, const Eigen::VectorXd& theta,
                                 bool with_gradient, int evaluations = 3) {
  Eigen::VectorXd gradient(theta.size());
  double value = 0.0;
  double* g = with_gradient ? gradient.data() : nullptr;
  objective.evaluate(theta.data(), &value, g);  // warm-up: workspaces of this batch size
  allocations = 0;
  counting = true;
  for (int i = 0; i < evaluations; ++i) objective.evaluate(theta.data(), &value, g);
  counting = false;
  return allocations.load();
}

}  // namespace

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
