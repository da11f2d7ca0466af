// Training hot path of the kan model: one HamiltonianObjective evaluation with its
// parameter gradient on the 750-sample spring-sized batch of the KAN-HNN task (hnn.md
// section 4.3), for the author's KAN [2, 1, 2] (G = 3, k = 3, the uniform default grid),
// the same after a grid update (non-uniform grid, binary-search path), and a deeper
// [2, 8, 8, 1] with G = 10.
//
// The model runs single-threaded (no OpenMP, no Eigen parallel products); times are per
// evaluation. Counters: parameters, and edge_samples = edges x samples per evaluation.
// Run: build/bin/hnn_benchmarks --benchmark_filter=Kan
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_support.h"
#include "hnn/hamiltonian_objective.h"
#include "hnn/host/plugin_loader.h"
#include "hnn/options.h"
#include "hnn/registry.h"

namespace {

using hnn::bench::kSamples;
using hnn::bench::spring_like_batch;

void run_kan_benchmark(benchmark::State& state, const std::vector<std::int64_t>& width, int grid,
                       bool update_grid) {
  auto model = hnn::bench::make_model("kan", {{"width", width}, {"grid", std::int64_t{grid}}});
  Eigen::MatrixXd x, dxdt;
  spring_like_batch(x, dxdt);
  if (update_grid) model->update_grid(x);
  hnn::HamiltonianObjectiveOptions options;
  options.hamiltonian_output = model->output_dimension() - 1;
  hnn::HamiltonianObjective objective(*model, x, dxdt, options);
  Eigen::VectorXd theta(model->parameter_count()), gradient(model->parameter_count());
  model->get_parameters(theta);
  double value = 0.0;
  objective.evaluate(theta.data(), &value, gradient.data());  // sizes the workspaces
  for (auto _ : state) {
    objective.evaluate(theta.data(), &value, gradient.data());
    benchmark::DoNotOptimize(gradient.data());
  }
  std::int64_t edges = 0;
  for (std::size_t l = 0; l + 1 < width.size(); ++l) edges += width[l] * width[l + 1];
  state.SetLabel(model->name() + (update_grid ? " (after a grid update)" : ""));
  state.counters["parameters"] = double(model->parameter_count());
  state.counters["edge_samples"] = double(edges * kSamples);
}

// The KAN-HNN author's model: [2, 1, 2], G = 3, k = 3, uniform grid.
void BM_HnnObjectiveKan212(benchmark::State& state) {
  run_kan_benchmark(state, {2, 1, 2}, 3, false);
}
BENCHMARK(BM_HnnObjectiveKan212)->Unit(benchmark::kMicrosecond);

// The same after a grid update with grid_eps = 1 (uniform over the samples' range: still
// the fast piece look-up) -- the grid update itself is not timed.
void BM_HnnObjectiveKan212GridUpdated(benchmark::State& state) {
  run_kan_benchmark(state, {2, 1, 2}, 3, true);
}
BENCHMARK(BM_HnnObjectiveKan212GridUpdated)->Unit(benchmark::kMicrosecond);

// A deeper KAN: [2, 8, 8, 1], G = 10, k = 3.
void BM_HnnObjectiveKan2881(benchmark::State& state) {
  run_kan_benchmark(state, {2, 8, 8, 1}, 10, false);
}
BENCHMARK(BM_HnnObjectiveKan2881)->Unit(benchmark::kMicrosecond);

}  // namespace
