// The cost of training through an integrator (issue 15, item 5): one evaluation with
// gradient of the TrajectoryObjective (k steps of RK4, solenoidal field) against one of the
// HamiltonianObjective on the same batch: the 750 spring-like states are the HNN
// objective's samples and the trajectory objective's window starts (W = 750 windows, each
// rolled out k steps of dt = 0.1 and fitted to the exact spring flow). The bound is
// ratio <= 4k + 2: the forward sweep makes 4k field evaluations (forward + input gradient),
// the backward sweep 4k reverse passes (parameter gradient and Hessian-vector product, fused,
// on the passes the model kept in its pass slots).
//
// Every evaluation gets other parameters than the one before (two vectors, alternating, as
// an optimizer changes them every step): with the same parameters every call, a rollout's
// stage inputs would repeat too, and a model that keeps state depending on its inputs only
// (the KAN's layer-0 bases, kept while the inputs repeat; the pass slots hand every stage
// the workspace that held the same stage in the previous evaluation) would skip work that
// training never can. Counters:
//
//   hnn_us         one HamiltonianObjective::evaluate with gradient
//   trajectory_us  one TrajectoryObjective::evaluate with gradient
//   ratio          trajectory_us / hnn_us
//   bound          4k + 2
//   fresh_hnn_us   one HamiltonianObjective::evaluate with gradient on alternating batches
//                  (the states, and the states shifted by 1e-9), so that no model keeps
//                  state that depends on its inputs only (the KAN's layer-0 bases), as
//                  in a rollout, whose stage inputs change with the parameters
//   fresh_ratio    trajectory_us / fresh_hnn_us
//
// Both are timed in alternating rounds, in CPU time of the (only) thread, and the best round
// of each is kept, so that load from other processes biases neither side (it still makes
// single runs noisy: the processes share caches and memory bandwidth).
// Run: build/bin/hnn_benchmarks --benchmark_filter=TrajectoryObjective
#include <benchmark/benchmark.h>
#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <string>

#include "bench_support.h"
#include "hnn/hamiltonian_objective.h"
#include "hnn/options.h"
#include "hnn/registry.h"
#include "hnn/trajectory_objective.h"

namespace {

using hnn::bench::make_model;
using hnn::bench::spring_like_batch;

// W windows starting at the columns of x, k steps of dt, the targets on the exact flow of
// H = q^2 + p^2 (a rotation by 2 dt per step).
hnn::TrajectoryWindows spring_windows(const Eigen::MatrixXd& x, int steps, double dt) {
  hnn::TrajectoryWindows windows;
  const Eigen::Index count = x.cols();
  windows.steps = steps;
  windows.initial_states = x;
  windows.targets.resize(2, steps * count);
  windows.time_steps = Eigen::MatrixXd::Constant(steps, count, dt);
  for (int j = 1; j <= steps; ++j) {
    const double c = std::cos(2 * dt * j), s = std::sin(2 * dt * j);
    for (Eigen::Index w = 0; w < count; ++w) {
      windows.targets.col((j - 1) * count + w) << c * x(0, w) + s * x(1, w),
          -s * x(0, w) + c * x(1, w);
    }
  }
  windows.trajectory.assign(std::size_t(count), 0);
  windows.first_sample.assign(std::size_t(count), 0);
  return windows;
}

// CPU seconds of the calling thread, which runs every model call (one OpenMP thread): time
// spent waiting for a core on a loaded machine does not count. Unlike the monotonic clock
// this one is a system call (about 1.4 us in this VM): read it once per call of a 30-us KAN
// evaluation and the reading adds 5-8 % to that evaluation's time.
double thread_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return double(now.tv_sec) + 1e-9 * double(now.tv_nsec);
}

// Thread CPU seconds per call of f over a round of at least `minimum` such seconds. The
// clock is read after batches of calls that double in size, so that its readings cost at
// most about log2(calls) of them, not one per call.
template <class F>
double seconds_per_call(const F& f, double minimum) {
  long calls = 0;
  long batch = 1;
  const double start = thread_seconds();
  double seconds = 0.0;
  do {
    for (long i = 0; i < batch; ++i) f();
    calls += batch;
    batch = calls;
    seconds = thread_seconds() - start;
  } while (seconds < minimum);
  return seconds / double(calls);
}

void run_trajectory_benchmark(benchmark::State& state, hnn::Model& model) {
  omp_set_num_threads(1);
  const int steps = static_cast<int>(state.range(0));
  Eigen::MatrixXd x, dxdt;
  spring_like_batch(x, dxdt);
  const int output = model.output_dimension() - 1;
  hnn::HamiltonianObjectiveOptions hnn_options;
  hnn_options.hamiltonian_output = output;
  hnn::HamiltonianObjective hnn_objective(model, x, dxdt, hnn_options);
  const Eigen::MatrixXd shifted = x.array() + 1e-9;
  hnn::HamiltonianObjective shifted_objective(model, shifted, dxdt, hnn_options);
  hnn::TrajectoryObjectiveOptions trajectory_options;
  trajectory_options.hamiltonian_output = output;
  hnn::TrajectoryObjective trajectory(model, spring_windows(x, steps, 0.1), trajectory_options);
  Eigen::VectorXd theta[2], gradient(model.parameter_count());
  theta[0].resize(model.parameter_count());
  model.get_parameters(theta[0]);
  theta[1] = theta[0];
  theta[1][0] += 1e-9;
  int next = 0;  // the parameter vector of the next evaluation, alternating
  auto parameters = [&] {
    const double* current = theta[next].data();
    next = 1 - next;
    return current;
  };
  double value = 0.0;
  auto hnn = [&] {
    hnn_objective.evaluate(parameters(), &value, gradient.data());
    benchmark::DoNotOptimize(gradient.data());
  };
  bool use_shifted = false;
  auto fresh_hnn = [&] {
    (use_shifted ? shifted_objective : hnn_objective)
        .evaluate(parameters(), &value, gradient.data());
    use_shifted = !use_shifted;
    benchmark::DoNotOptimize(gradient.data());
  };
  auto rollout = [&] {
    trajectory.evaluate(parameters(), &value, gradient.data());
    benchmark::DoNotOptimize(gradient.data());
  };
  hnn();
  rollout();  // sizes the workspaces
  for (auto _ : state) rollout();

  constexpr int kRounds = 5;
  constexpr double kRoundSeconds = 0.1;
  double best_hnn = 1e300, best_trajectory = 1e300, best_fresh_hnn = 1e300;
  for (int round = 0; round < kRounds; ++round) {
    best_hnn = std::min(best_hnn, seconds_per_call(hnn, kRoundSeconds));
    best_fresh_hnn = std::min(best_fresh_hnn, seconds_per_call(fresh_hnn, kRoundSeconds));
    best_trajectory = std::min(best_trajectory, seconds_per_call(rollout, kRoundSeconds));
  }
  state.SetLabel(model.name());
  state.counters["hnn_us"] = best_hnn * 1e6;
  state.counters["trajectory_us"] = best_trajectory * 1e6;
  state.counters["ratio"] = best_trajectory / best_hnn;
  state.counters["bound"] = 4.0 * steps + 2.0;
  state.counters["fresh_hnn_us"] = best_fresh_hnn * 1e6;
  state.counters["fresh_ratio"] = best_trajectory / best_fresh_hnn;
}

void BM_TrajectoryObjectiveMlp(benchmark::State& state) {
  auto model = make_model("mlp", {{"inputs", std::int64_t{2}},
                                  {"outputs", std::int64_t{2}},
                                  {"hidden", std::vector<std::int64_t>{200, 200}}});
  run_trajectory_benchmark(state, *model);
}
BENCHMARK(BM_TrajectoryObjectiveMlp)
    ->Arg(1)
    ->Arg(2)
    ->Arg(8)
    ->ArgName("k")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// A KAN of the given width: [2, 1, 1], and the configs' shape [2, 1, 2] (H the second output).
void BM_TrajectoryObjectiveKan(benchmark::State& state, std::vector<std::int64_t> width) {
  auto model = make_model("kan", {{"width", width}});
  run_trajectory_benchmark(state, *model);
}
BENCHMARK_CAPTURE(BM_TrajectoryObjectiveKan, 211, std::vector<std::int64_t>{2, 1, 1})
    ->Arg(1)
    ->Arg(2)
    ->Arg(8)
    ->ArgName("k")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TrajectoryObjectiveKan, 212, std::vector<std::int64_t>{2, 1, 2})
    ->Arg(1)
    ->Arg(2)
    ->Arg(8)
    ->ArgName("k")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
