// Training hot path: one HamiltonianObjective evaluation with its parameter gradient, per
// model, on the 750-sample spring-sized batch of the KAN-HNN task (hnn.md section 4.3).
//
// For models whose cost is dense products (the MLP), each benchmark also measures plain
// Eigen GEMMs of exactly the shapes the evaluation multiplies, in the same run and with
// the same threads, and reports
//
//   GFLOPs        achieved rate of the objective: 2 x (multiply-adds of the dense products
//                 of forward pass, input gradient and parameter gradient) / wall time
//   gemm_GFLOPs   the rate of the same products done as bare Eigen GEMMs
//   of_gemm       GFLOPs / gemm_GFLOPs (1 = the evaluation costs no more than its GEMMs)
//
// Rates use wall-clock time (UseRealTime), since Eigen and the model use OpenMP threads.
// Run: build/bin/hnn_benchmarks [--benchmark_filter=Mlp]
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "hnn/hamiltonian_objective.h"
#include "hnn/options.h"
#include "hnn/plugin_loader.h"
#include "hnn/registry.h"

namespace {

constexpr Eigen::Index kSamples = 750;

hnn::Registry& registry() {
  static hnn::Registry* instance = [] {
    auto* result = new hnn::Registry();
    hnn::PluginLoader loader(*result);
    for (const std::string& message : loader.load_directory(HNN_BUNDLED_PLUGIN_DIR)) {
      std::fprintf(stderr, "hnn_benchmarks: %s\n", message.c_str());
    }
    return result;
  }();
  return *instance;
}

// x uniform in [-1, 1]^2, dx/dt = (2p, -2q): spring-like, deterministic.
void spring_like_batch(Eigen::MatrixXd& x, Eigen::MatrixXd& dxdt) {
  std::mt19937_64 engine(1390);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  x.resize(2, kSamples);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = uniform(engine);
  dxdt.resize(2, kSamples);
  dxdt.row(0) = 2.0 * x.row(1);
  dxdt.row(1) = -2.0 * x.row(0);
}

// One dense product C (rows x columns) = A (rows x depth) * B (depth x columns).
struct GemmShape {
  Eigen::Index rows, depth, columns;
};

// The products of one MLP HNN evaluation with layer widths s_0 .. s_L on N samples
// (plugins/mlp/mlp.cc): forward W_l a_{l-1} (l = 1..L); input gradient W_l^T v_l
// (l = 1..L-1); parameter gradient: tangent W_l T_{l-1} (l = 1..L-1), weight gradients
// [v_l z_l] [T_{l-1} a_{l-1}]^T with depth 2N (l = 1..L-1) and adjoints W_l^T z_l (l = 2..L-1).
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

// GFLOP/s of bare Eigen GEMMs of these shapes (best of several repetitions of ~0.1 s).
double reference_gemm_rate(const std::vector<GemmShape>& shapes) {
  std::vector<Eigen::MatrixXd> a, b, c;
  for (const GemmShape& s : shapes) {
    a.push_back(Eigen::MatrixXd::Random(s.rows, s.depth));
    b.push_back(Eigen::MatrixXd::Random(s.depth, s.columns));
    c.push_back(Eigen::MatrixXd::Zero(s.rows, s.columns));
  }
  auto run_all = [&] {
    for (std::size_t i = 0; i < shapes.size(); ++i) c[i].noalias() = a[i] * b[i];
  };
  run_all();
  const double flops = flops_of(shapes);
  double best = 0.0;
  for (int repetition = 0; repetition < 5; ++repetition) {
    int calls = 0;
    const auto start = std::chrono::steady_clock::now();
    double seconds = 0.0;
    do {
      run_all();
      ++calls;
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } while (seconds < 0.1);
    best = std::max(best, flops * calls / seconds / 1e9);
  }
  benchmark::DoNotOptimize(c.front().data());
  return best;
}

std::shared_ptr<hnn::Model> make_mlp(const std::vector<std::int64_t>& hidden) {
  const hnn::PluginInfo* info = registry().find(hnn::PluginKind::kModel, "mlp");
  if (info == nullptr) throw std::runtime_error("the mlp plugin is not in " HNN_BUNDLED_PLUGIN_DIR);
  hnn::Options options = hnn::Options::defaults(info->schema);
  options.set("inputs", std::int64_t{2});
  options.set("outputs", std::int64_t{2});
  options.set("hidden", hidden);
  return registry().create_model("mlp", options);
}

// Objective value and gradient of `model` on the spring-like batch. When `products` is
// not empty, adds the GFLOP/s counters against bare GEMMs of those shapes.
void run_objective_benchmark(benchmark::State& state, hnn::Model& model,
                             const std::vector<GemmShape>& products) {
  Eigen::MatrixXd x, dxdt;
  spring_like_batch(x, dxdt);
  hnn::HamiltonianObjective objective(model, x, dxdt);
  Eigen::VectorXd theta(model.parameter_count()), gradient(model.parameter_count());
  model.get_parameters(theta);
  double value = 0.0;
  objective.evaluate(theta.data(), &value, gradient.data());  // sizes the workspaces
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    objective.evaluate(theta.data(), &value, gradient.data());
    benchmark::DoNotOptimize(gradient.data());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  state.counters["parameters"] = double(model.parameter_count());
  if (!products.empty() && seconds > 0.0) {
    const double rate = flops_of(products) * double(state.iterations()) / seconds / 1e9;
    const double gemm_rate = reference_gemm_rate(products);
    state.counters["GFLOPs"] = rate;
    state.counters["gemm_GFLOPs"] = gemm_rate;
    state.counters["of_gemm"] = rate / gemm_rate;
  }
}

void BM_HnnObjectiveMlp(benchmark::State& state) {
  std::vector<std::int64_t> hidden(static_cast<std::size_t>(state.range(0)), 200);
  auto model = make_mlp(hidden);
  std::vector<Eigen::Index> widths = {2};
  for (std::int64_t width : hidden) widths.push_back(width);
  widths.push_back(2);
  state.SetLabel(model->name());
  run_objective_benchmark(state, *model, mlp_hnn_products(widths, kSamples));
}
// Argument: number of hidden layers of width 200 (2 -> 200 -> 200 -> 2 and 2 -> 200 -> 2).
BENCHMARK(BM_HnnObjectiveMlp)->Arg(2)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

// Bare GEMMs of the 2-200-200-2 evaluation's shapes, as a benchmark of its own.
void BM_ReferenceGemm(benchmark::State& state) {
  std::vector<Eigen::Index> widths(static_cast<std::size_t>(state.range(0)) + 2, 200);
  widths.front() = widths.back() = 2;
  const auto shapes = mlp_hnn_products(widths, kSamples);
  std::vector<Eigen::MatrixXd> a, b, c;
  for (const GemmShape& s : shapes) {
    a.push_back(Eigen::MatrixXd::Random(s.rows, s.depth));
    b.push_back(Eigen::MatrixXd::Random(s.depth, s.columns));
    c.push_back(Eigen::MatrixXd::Zero(s.rows, s.columns));
  }
  for (auto _ : state) {
    for (std::size_t i = 0; i < shapes.size(); ++i) c[i].noalias() = a[i] * b[i];
    benchmark::DoNotOptimize(c.front().data());
  }
  state.counters["GFLOPs"] =
      benchmark::Counter(flops_of(shapes) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ReferenceGemm)->Arg(2)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
