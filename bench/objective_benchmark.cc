// Training hot path: one HamiltonianObjective evaluation with its parameter gradient, per
// model, on the 750-sample spring-sized batch of the KAN-HNN task (hnn.md section 4.3).
//
// For models whose cost is dense products (the MLP), each benchmark also measures plain
// Eigen GEMMs of exactly the shapes the evaluation's algorithm multiplies (mlp_hnn_products
// below), in the same run and with the same number of threads, and reports
//
//   ms            best time of one evaluation (milliseconds)
//   GFLOPs        2 x (multiply-adds of those products) / best evaluation time
//   gemm_GFLOPs   the same FLOPs / best time of the bare GEMMs (Eigen's own GEMM, run with
//                 Eigen::setNbThreads(threads), so with 2 threads Eigen's parallel GEMM)
//   of_gemm       GFLOPs / gemm_GFLOPs (1 = the evaluation costs no more than its GEMMs)
//   kernel_gemm_GFLOPs, of_kernel_gemm
//                 the same with the mlp plugin's own product kernel (AVX-512 or AVX2 with
//                 FMA where the processor has them, chosen at run time, while Eigen's GEMM
//                 in this binary is built for SSE2), each product's columns split over the
//                 threads
//   speedup       (threads > 1) best one-thread time / best time with `threads`, both
//                 measured in the same rounds
//   peak_GFLOPs   the machine's double-precision FMA peak with the same threads, measured
//                 in the same run (fma_peak.h: the faster of AVX2 and AVX-512 FMA chains)
//   of_peak       GFLOPs / peak_GFLOPs (issue 16, item 3)
//
// The FLOP count leaves out what is not a product: activations, element-wise derivative
// passes, row sums over samples; so it understates the work of the evaluation. The model
// may run a product differently (the MLP fuses the products with inner dimension <= 4 into
// its element-wise loops); the count is that of the algorithm, the same on both sides.
// Objective and GEMMs are timed in alternating rounds and the best round of each is kept,
// so load from other processes on the machine biases neither side.
// BM_HnnObjectiveMlpScaling (at the end) measures the same over samples, width and threads.
// Run: build/bin/hnn_benchmarks [--benchmark_filter=Mlp]
//   Benchmark arguments: hidden layers of width 200, threads (OpenMP and Eigen).
#include <benchmark/benchmark.h>
#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_support.h"
#include "dense_product.h"
#include "fma_peak.h"
#include "hnn/hamiltonian_objective.h"
#include "hnn/host/plugin_loader.h"
#include "hnn/options.h"
#include "hnn/registry.h"

namespace {

using hnn::bench::kSamples;
using hnn::bench::seconds_per_call;
using hnn::bench::spring_like_batch;

// One dense product C (rows x columns) = A (rows x depth) * B (depth x columns).
struct GemmShape {
  Eigen::Index rows, depth, columns;
};

// The products of one MLP HNN evaluation with layer widths s_0 .. s_L on N samples
// (plugins/models/mlp/mlp.cc and mlp_gradients.cc): forward W_l a_{l-1} (l = 1..L); input
// gradient W_l^T v_l (l = 1..L-1); parameter gradient: tangent W_l T_{l-1} (l = 1..L-1),
// weight gradients [v_l z_l] [T_{l-1} a_{l-1}]^T with depth 2N (l = 1..L-1) and adjoints
// W_l^T z_l (l = 2..L-1).
std::vector<GemmShape> mlp_hnn_products(const std::vector<Eigen::Index>& widths, Eigen::Index n) {
  std::vector<GemmShape> shapes;
  const std::size_t layers = widths.size() - 1;
  for (std::size_t l = 1; l <= layers; ++l) shapes.push_back({widths[l], widths[l - 1], n});
  for (std::size_t l = 1; l < layers; ++l) shapes.push_back({widths[l - 1], widths[l], n});
  for (std::size_t l = 1; l < layers; ++l) {
    shapes.push_back({widths[l], widths[l - 1], n});
    shapes.push_back({widths[l], 2 * n, widths[l - 1]});
    if (l >= 2) shapes.push_back({widths[l - 1], widths[l], n});
  }
  return shapes;
}

double flops_of(const std::vector<GemmShape>& shapes) {
  double flops = 0.0;
  for (const GemmShape& s : shapes)
    flops += 2.0 * double(s.rows) * double(s.depth) * double(s.columns);
  return flops;
}

// Bare Eigen GEMMs of the given shapes, on random operands: each product's own A, B and C,
// or (shared_operands) every product's operands at the start of one A, one B and one C
// buffer sized for the largest, so that the scaling benchmark's largest case (75 000 samples,
// width 800: about 9 GB in operands of their own) fits in memory. The shapes and FLOPs are the
// same; a product may find the previous product's operands in cache where they fit.
class ReferenceGemms {
 public:
  explicit ReferenceGemms(const std::vector<GemmShape>& shapes, bool shared_operands = false)
      : shapes_(shapes) {
    auto buffer = [](std::vector<Eigen::VectorXd>& storage, Eigen::Index size) -> double* {
      storage.push_back(Eigen::VectorXd::Random(size));
      return storage.back().data();
    };
    if (shared_operands) {
      Eigen::Index a = 0, b = 0, c = 0;
      for (const GemmShape& s : shapes) {
        a = std::max(a, s.rows * s.depth);
        b = std::max(b, s.depth * s.columns);
        c = std::max(c, s.rows * s.columns);
      }
      storage_.reserve(3);
      double *a_data = buffer(storage_, a), *b_data = buffer(storage_, b),
             *c_data = buffer(storage_, c);
      for (std::size_t i = 0; i < shapes.size(); ++i) operands_.push_back({a_data, b_data, c_data});
    } else {
      storage_.reserve(3 * shapes.size());
      for (const GemmShape& s : shapes) {
        double* a_data = buffer(storage_, s.rows * s.depth);
        double* b_data = buffer(storage_, s.depth * s.columns);
        operands_.push_back({a_data, b_data, buffer(storage_, s.rows * s.columns)});
      }
    }
  }
  void run() {
    for (std::size_t i = 0; i < shapes_.size(); ++i) {
      const GemmShape& s = shapes_[i];
      Eigen::Map<Eigen::MatrixXd>(operands_[i].c, s.rows, s.columns).noalias() =
          Eigen::Map<const Eigen::MatrixXd>(operands_[i].a, s.rows, s.depth) *
          Eigen::Map<const Eigen::MatrixXd>(operands_[i].b, s.depth, s.columns);
    }
    benchmark::DoNotOptimize(operands_.front().c);
  }
  // The same products with the mlp plugin's kernel (plugins/models/mlp/dense_product.h: AVX2+FMA
  // where the processor has it), the columns of each split over the OpenMP threads.
  void run_with_plugin_kernel() {
    for (std::size_t i = 0; i < shapes_.size(); ++i) {
      const Eigen::Index rows = shapes_[i].rows, columns = shapes_[i].columns,
                         depth = shapes_[i].depth;
      const Operands& o = operands_[i];
      const hnn::mlp::DenseOperand a{o.a, rows, false};
#pragma omp parallel
      {
        const Eigen::Index parts = omp_get_num_threads(), part = omp_get_thread_num();
        const Eigen::Index begin = columns * part / parts;
        const Eigen::Index count = columns * (part + 1) / parts - begin;
        if (count > 0) {
          const hnn::mlp::DenseOperand b{o.b + begin * depth, depth, false};
          hnn::mlp::multiply_dense(o.c + begin * rows, rows, rows, count, depth, a, b, false);
        }
      }
    }
    benchmark::DoNotOptimize(operands_.front().c);
  }

 private:
  struct Operands {
    double *a, *b, *c;
  };
  std::vector<GemmShape> shapes_;
  std::vector<Eigen::VectorXd> storage_;
  std::vector<Operands> operands_;
};

// Uses `threads` OpenMP threads for the model and for Eigen's GEMM.
void use_threads(int threads) {
  omp_set_num_threads(threads);
  Eigen::setNbThreads(threads);
}

std::shared_ptr<hnn::Model> make_mlp(const std::vector<std::int64_t>& hidden) {
  return hnn::bench::make_model(
      "mlp", {{"inputs", std::int64_t{2}}, {"outputs", std::int64_t{2}}, {"hidden", hidden}});
}

// One HamiltonianObjective evaluation with its gradient at the model's parameters, on the
// spring-like batch of `samples` states: a callable for the timing loops. The constructor
// evaluates once, which sizes the model's workspaces.
class ObjectiveEvaluation {
 public:
  ObjectiveEvaluation(hnn::Model& model, Eigen::Index samples)
      : theta_(model.parameter_count()), gradient_(model.parameter_count()) {
    Eigen::MatrixXd x, dxdt;
    spring_like_batch(x, dxdt, samples);
    objective_ = std::make_unique<hnn::HamiltonianObjective>(model, std::move(x), std::move(dxdt));
    model.get_parameters(theta_);
    (*this)();
  }
  void operator()() const {
    objective_->evaluate(theta_.data(), &value_, gradient_.data());
    benchmark::DoNotOptimize(gradient_.data());
  }

 private:
  std::unique_ptr<hnn::HamiltonianObjective> objective_;
  Eigen::VectorXd theta_;
  mutable Eigen::VectorXd gradient_;
  mutable double value_ = 0.0;
};

// Objective value and gradient of `model` on the spring-like batch, with `threads` threads.
// When `products` is not empty, adds the counters of the file comment.
void run_objective_benchmark(benchmark::State& state, hnn::Model& model, int threads,
                             const std::vector<GemmShape>& products) {
  use_threads(threads);
  const ObjectiveEvaluation evaluate(model, kSamples);
  for (auto _ : state) evaluate();
  state.counters["parameters"] = double(model.parameter_count());
  if (products.empty()) return;

  ReferenceGemms gemms(products);
  constexpr int kRounds = 5;
  constexpr double kRoundSeconds = 0.03;
  double best = 1e300, best_one_thread = 1e300, best_gemm = 1e300, best_kernel_gemm = 1e300;
  for (int round = 0; round < kRounds; ++round) {
    best = std::min(best, seconds_per_call(evaluate, kRoundSeconds));
    best_gemm = std::min(best_gemm, seconds_per_call([&] { gemms.run(); }, kRoundSeconds));
    best_kernel_gemm = std::min(
        best_kernel_gemm, seconds_per_call([&] { gemms.run_with_plugin_kernel(); }, kRoundSeconds));
    if (threads > 1) {
      use_threads(1);
      best_one_thread = std::min(best_one_thread, seconds_per_call(evaluate, kRoundSeconds));
      use_threads(threads);
    }
  }
  const double flops = flops_of(products);
  state.counters["ms"] = best * 1e3;
  state.counters["GFLOPs"] = flops / best / 1e9;
  state.counters["gemm_GFLOPs"] = flops / best_gemm / 1e9;
  state.counters["of_gemm"] = best_gemm / best;
  state.counters["kernel_gemm_GFLOPs"] = flops / best_kernel_gemm / 1e9;
  state.counters["of_kernel_gemm"] = best_kernel_gemm / best;
  if (threads > 1) state.counters["speedup"] = best_one_thread / best;
  const double peak = hnn::bench::measure_fma_peak(threads, 0.2).best();
  state.counters["peak_GFLOPs"] = peak;
  state.counters["of_peak"] = peak > 0.0 ? flops / best / 1e9 / peak : 0.0;
}

void BM_HnnObjectiveMlp(benchmark::State& state) {
  std::vector<std::int64_t> hidden(static_cast<std::size_t>(state.range(0)), 200);
  auto model = make_mlp(hidden);
  std::vector<Eigen::Index> widths = {2};
  for (std::int64_t width : hidden) widths.push_back(width);
  widths.push_back(2);
  state.SetLabel(model->name());
  run_objective_benchmark(state, *model, static_cast<int>(state.range(1)),
                          mlp_hnn_products(widths, kSamples));
}
// Arguments: hidden layers of width 200 (2 -> 200 -> 200 -> 2 and 2 -> 200 -> 2), threads.
BENCHMARK(BM_HnnObjectiveMlp)
    ->ArgsProduct({{2, 1}, {1, 2}})
    ->ArgNames({"layers", "threads"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The machine's double-precision FMA peak (fma_peak.h) with 1 and 2 threads: GFLOP/s of
// AVX2 and of AVX-512 FMA chains (0 where the processor lacks the instruction set).
void BM_FmaPeak(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  hnn::bench::FmaPeak peak;
  for (auto _ : state) peak = hnn::bench::measure_fma_peak(threads, 0.2);
  state.counters["avx2_GFLOPs"] = peak.avx2_gflops;
  state.counters["avx512_GFLOPs"] = peak.avx512_gflops;
  state.counters["peak_GFLOPs"] = peak.best();
}
BENCHMARK(BM_FmaPeak)->Arg(1)->Arg(2)->ArgName("threads")->Iterations(1)->UseRealTime();

// Bare GEMMs of an MLP evaluation's shapes, as a benchmark of its own (same arguments).
void BM_ReferenceGemm(benchmark::State& state) {
  std::vector<Eigen::Index> widths(static_cast<std::size_t>(state.range(0)) + 2, 200);
  widths.front() = widths.back() = 2;
  const auto shapes = mlp_hnn_products(widths, kSamples);
  use_threads(static_cast<int>(state.range(1)));
  ReferenceGemms gemms(shapes);
  for (auto _ : state) gemms.run();
  state.counters["GFLOPs"] =
      benchmark::Counter(flops_of(shapes) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ReferenceGemm)
    ->ArgsProduct({{2, 1}, {1, 2}})
    ->ArgNames({"layers", "threads"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Scaling (issue 16, item 6): the MLP HNN objective with its gradient (2 -> w -> w -> 2,
// tanh) on N spring-like samples, N from 750 to 75 000, w from 50 to 800, with 1 and 2
// threads; per case the counters of the file comment but the Eigen GEMM's and the speedup
// (the Eigen GEMM of this binary is the SSE2 build, which the plugin does not use: its
// reference is the plugin's kernel, and leaving the other out halves the run), and
//
//   GFLOP         the products' FLOPs of one evaluation (x 1e9)
//   ns_per_sample best evaluation time / N
//   rounds        rounds measured (each: the evaluation, then the plugin-kernel GEMMs, each
//                 repeated for at least kRoundSeconds)
//
// Cost growing with the FLOPs shows as a flat GFLOPs column; a cliff (cache, allocation,
// thread overhead) as a drop of GFLOPs or of of_kernel_gemm at some N or w. The reference
// GEMMs share their operands' memory (ReferenceGemms' shared_operands). A case stops after
// kMinRounds rounds once it has run kCaseSeconds, and after one round once it has run
// kLongCaseSeconds (the largest cases: one evaluation of N = 75 000, w = 800 is about
// 0.6 TFLOP, 10 to 20 s on the 2-core machine of the README); the whole set runs in about
// 5 minutes there and needs about 10 GB of memory at its largest case (the model's workspace
// 7 GB, the GEMMs' operands 2.4 GB).
// Run: build/bin/hnn_benchmarks --benchmark_filter=MlpScaling
void BM_HnnObjectiveMlpScaling(benchmark::State& state) {
  const Eigen::Index samples = state.range(0);
  const std::int64_t width = state.range(1);
  const int threads = static_cast<int>(state.range(2));
  auto model = make_mlp({width, width});
  const auto products = mlp_hnn_products({2, width, width, 2}, samples);
  use_threads(threads);
  const ObjectiveEvaluation evaluate(*model, samples);
  for (auto _ : state) evaluate();

  ReferenceGemms gemms(products, /*shared_operands=*/true);
  gemms.run_with_plugin_kernel();  // touches the operands' pages
  constexpr int kMinRounds = 2, kMaxRounds = 5;
  constexpr double kRoundSeconds = 0.05, kCaseSeconds = 2.0, kLongCaseSeconds = 10.0;
  const auto start = std::chrono::steady_clock::now();
  double best = 1e300, best_kernel_gemm = 1e300;
  int rounds = 0;
  while (rounds < kMaxRounds) {
    best = std::min(best, seconds_per_call(evaluate, kRoundSeconds));
    best_kernel_gemm = std::min(
        best_kernel_gemm, seconds_per_call([&] { gemms.run_with_plugin_kernel(); }, kRoundSeconds));
    ++rounds;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if ((rounds >= kMinRounds && elapsed > kCaseSeconds) || elapsed > kLongCaseSeconds) break;
  }
  const double flops = flops_of(products);
  state.counters["ms"] = best * 1e3;
  state.counters["GFLOP"] = flops / 1e9;
  state.counters["GFLOPs"] = flops / best / 1e9;
  state.counters["ns_per_sample"] = best * 1e9 / double(samples);
  state.counters["kernel_gemm_GFLOPs"] = flops / best_kernel_gemm / 1e9;
  state.counters["of_kernel_gemm"] = best_kernel_gemm / best;
  state.counters["rounds"] = rounds;
}
// Arguments: samples, hidden width (two hidden layers), threads.
BENCHMARK(BM_HnnObjectiveMlpScaling)
    ->ArgsProduct({{750, 7500, 75000}, {50, 200, 800}, {1, 2}})
    ->ArgNames({"samples", "width", "threads"})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
