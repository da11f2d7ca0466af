// The symbolic library's compiled evaluator against GiNaC, and the `expression` system
// (a formula compiled at run time) against the compiled `pendulum` plugin for the same H.
// These were timings inside tests (symbolic_formula_test, expression_system_test); the tests
// now assert only that the values agree, and the speed is measured here.
#include <benchmark/benchmark.h>

#include <ginac/ginac.h>
#include <Eigen/Core>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hnn/host/plugin_loader.h"
#include "hnn/options.h"
#include "hnn/registry.h"
#include "hnn/symbolic/formula.h"
#include "hnn/system.h"
#include "spring_symbolic_network.h"

namespace {

using hnn::symbolic::CompiledExpression;
using hnn::symbolic::SymbolicFormula;

// The spring KAN [2, 1, 2] of tests/symbolic/spring_symbolic_network.h, H = h + 0.18 with
// h = 0.9 q^2 + 0.24 q + 0.576 p^2 - 0.432 p + 0.397.
SymbolicFormula spring_formula() {
  return SymbolicFormula(hnn::testing::spring_symbolic_network(), {"q", "p"});
}

void BM_CompiledSpringValueAndGradient(benchmark::State& state) {
  const SymbolicFormula formula = spring_formula();
  const CompiledExpression h = formula.compile(1);
  double x[2] = {0.3, -0.2}, gradient[2];
  int k = 0;
  for (auto _ : state) {
    x[0] = 1e-7 * (k++ % 1000000);
    benchmark::DoNotOptimize(h.value_and_gradient(x, gradient));
    benchmark::DoNotOptimize(gradient[0]);
  }
  state.SetLabel(std::to_string(h.instruction_count()) + " instructions");
}
BENCHMARK(BM_CompiledSpringValueAndGradient);

// GiNaC's subs + evalf of the same H (value only): what the compiler replaces.
void BM_GinacSpringSubsEvalf(benchmark::State& state) {
  const SymbolicFormula formula = spring_formula();
  int k = 0;
  for (auto _ : state) {
    const GiNaC::ex value =
        formula.expression(1)
            .subs(GiNaC::lst{formula.variables()[0] == GiNaC::numeric(1e-7 * (k++ % 1000000)),
                             formula.variables()[1] == GiNaC::numeric(-0.2)})
            .evalf();
    benchmark::DoNotOptimize(GiNaC::ex_to<GiNaC::numeric>(value).to_double());
  }
}
BENCHMARK(BM_GinacSpringSubsEvalf)->Unit(benchmark::kMicrosecond);

// The expression and pendulum system plugins, loaded once.
hnn::Registry& system_registry() {
  static hnn::Registry* instance = [] {
    auto* result = new hnn::Registry();
    hnn::PluginLoader loader(*result);
    for (const char* file : {"expression.so", "pendulum.so"}) {
      loader.load_library(std::filesystem::path(HNN_BUNDLED_PLUGIN_DIR) / file);
    }
    return result;
  }();
  return *instance;
}

// A system of a loaded plugin with its defaults and `settings` over them.
std::shared_ptr<hnn::System> make_system(const std::string& name,
                                         const std::map<std::string, hnn::OptionValue>& settings) {
  const hnn::PluginInfo* info = system_registry().find(hnn::PluginKind::kSystem, name);
  hnn::Options options;
  for (const auto& option : info->schema.options()) {
    if (!option.is_required()) options.set(option.key(), option.default_value());
  }
  for (const auto& [key, value] : settings) options.set(key, value);
  return system_registry().create_system(name, options);
}

// grad H of H = 3 (1 - cos q) + p^2, the pendulum's defaults: range(0) = 0 the `expression`
// system's compiled formula, 1 the compiled pendulum plugin.
void BM_PendulumGradient(benchmark::State& state) {
  const auto system =
      state.range(0) == 0
          ? make_system("expression", {{"hamiltonian", std::string("3*(1-cos(q)) + p^2")}})
          : make_system("pendulum", {});
  Eigen::VectorXd x(2), g(2);
  x << 0.4, -0.2;
  int k = 0;
  for (auto _ : state) {
    x[0] = 0.4 + 1e-7 * (k++ % 1000000);
    system->gradient(x, g);
    benchmark::DoNotOptimize(g.data());
  }
  state.SetLabel(state.range(0) == 0 ? "expression" : "pendulum plugin");
}
BENCHMARK(BM_PendulumGradient)->Arg(0)->Arg(1);

}  // namespace
