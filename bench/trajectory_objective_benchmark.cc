// The cost of training through an integrator (issue 15, item 5): one evaluation with
// gradient of the TrajectoryObjective (k steps of RK4, solenoidal field) against one of the
// HamiltonianObjective on the same batch: the 750 spring-like states are the HNN
// objective's samples and the trajectory objective's window starts (W = 750 windows, each
// rolled out k steps of dt = 0.1 and fitted to the exact spring flow). The bound is
// ratio <= 4k + 2: the forward sweep makes 4k field evaluations (forward + input gradient),
// the backward sweep 4k reverse passes (parameter gradient and Hessian-vector product, fused,
// on the passes the model kept in its pass slots). Counters:
//
//   hnn_us         one HamiltonianObjective::evaluate with gradient
//   trajectory_us  one TrajectoryObjective::evaluate with gradient
//   ratio          trajectory_us / hnn_us
//   bound          4k + 2
//
// Both are timed in alternating rounds and the best round of each is kept, so that load
// from other processes biases neither side (it still makes single runs noisy).
// Run: build/bin/hnn_benchmarks --benchmark_filter=TrajectoryObjective
#include <benchmark/benchmark.h>
#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "bench_support.h"
#include "hnn/hamiltonian_objective.h"
#include "hnn/options.h"
#include "hnn/registry.h"
#include "hnn/trajectory_objective.h"

namespace {

using hnn::bench::spring_like_batch;

std::shared_ptr<hnn::Model> make_model(const std::string& plugin,
                                       const std::map<std::string, hnn::OptionValue>& settings) {
  const hnn::PluginInfo* info = hnn::bench::registry().find(hnn::PluginKind::kModel, plugin);
  hnn::Options options = hnn::Options::defaults(info->schema);
  for (const auto& [key, value] : settings) options.set(key, value);
  return hnn::bench::registry().create_model(plugin, options);
}

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

// Best seconds per call of f over rounds of at least `minimum` seconds each.
template <class F>
double seconds_per_call(const F& f, double minimum) {
  int calls = 0;
  const auto start = std::chrono::steady_clock::now();
  double seconds = 0.0;
  do {
    f();
    ++calls;
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (seconds < minimum);
  return seconds / calls;
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
  hnn::TrajectoryObjectiveOptions trajectory_options;
  trajectory_options.hamiltonian_output = output;
  hnn::TrajectoryObjective trajectory(model, spring_windows(x, steps, 0.1), trajectory_options);
  Eigen::VectorXd theta(model.parameter_count()), gradient(model.parameter_count());
  model.get_parameters(theta);
  double value = 0.0;
  auto hnn = [&] {
    hnn_objective.evaluate(theta.data(), &value, gradient.data());
    benchmark::DoNotOptimize(gradient.data());
  };
  auto rollout = [&] {
    trajectory.evaluate(theta.data(), &value, gradient.data());
    benchmark::DoNotOptimize(gradient.data());
  };
  hnn();
  rollout();  // sizes the workspaces
  for (auto _ : state) rollout();

  constexpr int kRounds = 5;
  constexpr double kRoundSeconds = 0.1;
  double best_hnn = 1e300, best_trajectory = 1e300;
  for (int round = 0; round < kRounds; ++round) {
    best_hnn = std::min(best_hnn, seconds_per_call(hnn, kRoundSeconds));
    best_trajectory = std::min(best_trajectory, seconds_per_call(rollout, kRoundSeconds));
  }
  state.SetLabel(model.name());
  state.counters["hnn_us"] = best_hnn * 1e6;
  state.counters["trajectory_us"] = best_trajectory * 1e6;
  state.counters["ratio"] = best_trajectory / best_hnn;
  state.counters["bound"] = 4.0 * steps + 2.0;
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

void BM_TrajectoryObjectiveKan211(benchmark::State& state) {
  auto model = make_model("kan", {{"width", std::vector<std::int64_t>{2, 1, 1}}});
  run_trajectory_benchmark(state, *model);
}
BENCHMARK(BM_TrajectoryObjectiveKan211)
    ->Arg(1)
    ->Arg(2)
    ->Arg(8)
    ->ArgName("k")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
