// Shared set-up of the benchmarks: the model plugins they measure, loaded through the
// registry like hnn-host does, and a spring-sized batch.
#ifndef HNN_BENCH_SUPPORT_H_
#define HNN_BENCH_SUPPORT_H_

#include <Eigen/Core>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "hnn/host/plugin_loader.h"
#include "hnn/optimizer.h"
#include "hnn/options.h"
#include "hnn/registry.h"

namespace hnn::bench {

// Samples of the KAN-HNN task's training set (hnn.md section 4.3).
inline constexpr Eigen::Index kSamples = 750;

// The registry with the measured model and optimizer plugins. Only those files are loaded, so that
// another plugin being rebuilt (or broken) in the same folder cannot disturb a benchmark.
// Throws hnn::PluginError when one is missing.
inline hnn::Registry& registry() {
  static hnn::Registry* instance = [] {
    auto* result = new hnn::Registry();
    hnn::PluginLoader loader(*result);
    for (const char* file : {"hnn_mlp.so", "hnn_kan.so", "hnn_adam.so", "hnn_lbfgs.so"}) {
      loader.load_library(std::filesystem::path(HNN_BUNDLED_PLUGIN_DIR) / file);
    }
    return result;
  }();
  return *instance;
}

// The options of a loaded plugin of `kind`: its defaults with `settings` over them.
// Throws std::runtime_error when the plugin is not loaded.
inline hnn::Options plugin_options(hnn::PluginKind kind, const std::string& plugin,
                                   const std::map<std::string, hnn::OptionValue>& settings) {
  const hnn::PluginInfo* info = registry().find(kind, plugin);
  if (info == nullptr) {
    throw std::runtime_error("the " + plugin + " plugin is not in " HNN_BUNDLED_PLUGIN_DIR);
  }
  hnn::Options options = hnn::Options::defaults(info->schema);
  for (const auto& [key, value] : settings) options.set(key, value);
  return options;
}

// A model of a loaded plugin ("mlp", "kan") with its defaults and `settings` over them.
inline std::shared_ptr<hnn::Model> make_model(
    const std::string& plugin, const std::map<std::string, hnn::OptionValue>& settings) {
  return registry().create_model(plugin, plugin_options(hnn::PluginKind::kModel, plugin, settings));
}

// An optimizer of a loaded plugin ("adam", "lbfgs") likewise.
inline std::shared_ptr<hnn::Optimizer> make_optimizer(
    const std::string& plugin, const std::map<std::string, hnn::OptionValue>& settings) {
  return registry().create_optimizer(plugin,
                                     plugin_options(hnn::PluginKind::kOptimizer, plugin, settings));
}

// Seconds per call of f, over as many calls as last at least `minimum` seconds in total.
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

// `samples` states x uniform in [-1, 1]^2, dx/dt = (2p, -2q): spring-like, deterministic.
inline void spring_like_batch(Eigen::MatrixXd& x, Eigen::MatrixXd& dxdt,
                              Eigen::Index samples = kSamples) {
  std::mt19937_64 engine(1390);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  x.resize(2, samples);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = uniform(engine);
  dxdt.resize(2, samples);
  dxdt.row(0) = 2.0 * x.row(1);
  dxdt.row(1) = -2.0 * x.row(0);
}

}  // namespace hnn::bench

#endif  // HNN_BENCH_SUPPORT_H_
