// The input Hessian-vector product (Model::input_hessian_vector_product), which reverse mode
// through an integrator step needs once per step and stage, against the derivative calls of
// one HNN objective evaluation on the same batch: input_gradient() plus
// add_parameter_gradient_of_input_gradient(). On the 750-sample spring-sized batch, for the
// MLP 2-200-200-1 (tanh) and the KAN [2, 1, 1] (G = 3, k = 3). Counters (microseconds):
//
//   forward_us        forward()
//   hnn_us            forward() + input_gradient() + add_parameter_gradient_of_input_gradient():
//                     the model calls of one HNN objective evaluation with gradient
//   step_us           the same + input_hessian_vector_product(): the model calls of one step
//                     of reverse mode through an integrator
//   gradient_calls_us input_gradient() + add_parameter_gradient_of_input_gradient() on the
//                     same forward pass, timed alone
//   repeat_hvp_us     input_hessian_vector_product() on the same forward and backward pass,
//                     timed alone
//   ratio             repeat_hvp_us / gradient_calls_us: the product against the derivative
//                     calls of an HNN evaluation, both timed directly
//   fused_step_us     forward() + input_gradient() +
//                     add_parameter_gradient_and_input_hessian_vector_product(): the same
//                     model calls fused (models without the fused call: 0)
//   first_hvp_us      step_us - hnn_us: the product as first called after a forward() (the
//                     KAN forms layer 0's phi'' then); a difference of two timings, so noisy
//                     (even negative) on a loaded machine
//
// The sequences are timed in alternating rounds and the best round of each is kept, so that
// load from other processes biases no side. forward() sees the same inputs every time (as in
// training; the KAN then keeps its layer-0 bases).
// Run: build/bin/hnn_benchmarks --benchmark_filter=HessianVector
#include <benchmark/benchmark.h>
#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "bench_support.h"
#include "hnn/options.h"
#include "hnn/registry.h"

namespace {

using hnn::bench::kSamples;
using hnn::bench::make_model;
using hnn::bench::seconds_per_call;
using hnn::bench::spring_like_batch;

void run_hessian_vector_benchmark(benchmark::State& state, hnn::Model& model, int threads) {
  omp_set_num_threads(threads);
  Eigen::MatrixXd x, directions;
  spring_like_batch(x, directions);  // the spring's field as the directions
  const int output = model.output_dimension() - 1;
  Eigen::MatrixXd gradient(x.rows(), x.cols()), products(x.rows(), x.cols());
  Eigen::VectorXd parameter_gradient = Eigen::VectorXd::Zero(model.parameter_count());
  auto forward = [&] { model.forward(x); };
  auto hnn = [&] {
    model.forward(x);
    model.input_gradient(output, gradient);
    model.add_parameter_gradient_of_input_gradient(output, directions, parameter_gradient);
    benchmark::DoNotOptimize(parameter_gradient.data());
  };
  auto step = [&] {
    model.forward(x);
    model.input_gradient(output, gradient);
    model.input_hessian_vector_product(output, directions, products);
    model.add_parameter_gradient_of_input_gradient(output, directions, parameter_gradient);
    benchmark::DoNotOptimize(products.data());
    benchmark::DoNotOptimize(parameter_gradient.data());
  };
  const bool fuses = model.has_parameter_gradient_and_input_hessian_vector_product();
  auto fused_step = [&] {
    model.forward(x);
    model.input_gradient(output, gradient);
    model.add_parameter_gradient_and_input_hessian_vector_product(output, directions, products,
                                                                  parameter_gradient);
    benchmark::DoNotOptimize(products.data());
    benchmark::DoNotOptimize(parameter_gradient.data());
  };
  auto gradient_calls = [&] {
    model.input_gradient(output, gradient);
    model.add_parameter_gradient_of_input_gradient(output, directions, parameter_gradient);
    benchmark::DoNotOptimize(parameter_gradient.data());
  };
  auto repeat = [&] {
    model.input_hessian_vector_product(output, directions, products);
    benchmark::DoNotOptimize(products.data());
  };
  step();  // sizes the workspaces
  for (auto _ : state) step();

  constexpr int kRounds = 5;
  constexpr double kRoundSeconds = 0.05;
  double best_forward = 1e300, best_hnn = 1e300, best_step = 1e300, best_gradient_calls = 1e300,
         best_repeat = 1e300, best_fused_step = 1e300;
  for (int round = 0; round < kRounds; ++round) {
    best_forward = std::min(best_forward, seconds_per_call(forward, kRoundSeconds));
    best_hnn = std::min(best_hnn, seconds_per_call(hnn, kRoundSeconds));
    best_step = std::min(best_step, seconds_per_call(step, kRoundSeconds));
    if (fuses)
      best_fused_step = std::min(best_fused_step, seconds_per_call(fused_step, kRoundSeconds));
    step();
    best_gradient_calls =
        std::min(best_gradient_calls, seconds_per_call(gradient_calls, kRoundSeconds));
    best_repeat = std::min(best_repeat, seconds_per_call(repeat, kRoundSeconds));
  }
  state.SetLabel(model.name());
  state.counters["forward_us"] = best_forward * 1e6;
  state.counters["hnn_us"] = best_hnn * 1e6;
  state.counters["step_us"] = best_step * 1e6;
  state.counters["fused_step_us"] = fuses ? best_fused_step * 1e6 : 0.0;
  state.counters["gradient_calls_us"] = best_gradient_calls * 1e6;
  state.counters["repeat_hvp_us"] = best_repeat * 1e6;
  state.counters["ratio"] = best_repeat / best_gradient_calls;
  state.counters["first_hvp_us"] = (best_step - best_hnn) * 1e6;
  state.counters["samples"] = double(kSamples);
}

void BM_HessianVectorMlp(benchmark::State& state) {
  auto model = make_model("mlp", {{"inputs", std::int64_t{2}},
                                  {"outputs", std::int64_t{1}},
                                  {"hidden", std::vector<std::int64_t>{200, 200}}});
  run_hessian_vector_benchmark(state, *model, static_cast<int>(state.range(0)));
}
BENCHMARK(BM_HessianVectorMlp)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("threads")
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

void BM_HessianVectorKan211(benchmark::State& state) {
  auto model = make_model("kan", {{"width", std::vector<std::int64_t>{2, 1, 1}}});
  run_hessian_vector_benchmark(state, *model, 1);
}
BENCHMARK(BM_HessianVectorKan211)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
