// Conformance suite: every optimizer in the bundled plugin folder, loaded through the
// plugin loader, must minimise a quadratic and Rosenbrock's function, honour a callback that
// stops it, report numerical failure, and keep its parameters finite.
//
// A new optimizer plugin adds its options for these problems to conformance_settings().
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hnn/error.h"
#include "test_objectives.h"

namespace hnn::testing {
namespace {

using Overrides = std::vector<std::pair<std::string, OptionValue>>;

// Options with which an optimizer reaches the minima to `tolerance` (max-norm distance).
struct ConformanceSettings {
  Overrides quadratic;
  double quadratic_tolerance;
  Overrides rosenbrock;
  double rosenbrock_tolerance;
};

const std::map<std::string, ConformanceSettings>& conformance_settings() {
  static const std::map<std::string, ConformanceSettings> settings{
      // The quadratic's minimum is resolved to about 1e-10 before the objective stops
      // changing in double precision.
      {"lbfgs",
       {{{"epochs", std::int64_t{200}}, {"gradient_tolerance", 1e-13}},
        1e-8,
        {{"epochs", std::int64_t{500}}, {"gradient_tolerance", 1e-13}},
        1e-8}},
      // PyTorch's L-BFGS without line search: with lr = 1 (PyTorch's default) the fixed unit
      // quasi-Newton step converges on both; the tolerances are lowered (tolerance_change = 0
      // stops a call only at g.d >= 0) so that the runs resolve the minima to rounding.
      {"lbfgs_torch",
       {{{"epochs", std::int64_t{20}},
         {"lr", 1.0},
         {"tolerance_grad", 1e-13},
         {"tolerance_change", 0.0}},
        1e-8,
        {{"epochs", std::int64_t{200}},
         {"lr", 1.0},
         {"tolerance_grad", 1e-13},
         {"tolerance_change", 0.0}},
        1e-8}},
      // libLBFGS's L-BFGS (owlqn without an L1 weight): its gradient test is relative,
      // |g| <= tolerance * max(1, |x|).
      {"owlqn",
       {{{"epochs", std::int64_t{200}}, {"gradient_tolerance", 1e-13}},
        1e-8,
        {{"epochs", std::int64_t{500}}, {"gradient_tolerance", 1e-13}},
        1e-8}},
      // With a constant learning rate Adam ends jittering about the minimum at a scale that
      // depends on lr and the epoch count (not monotonically); these settings reach 1e-9.
      {"adam",
       {{{"epochs", std::int64_t{20000}}, {"lr", 1e-2}},
        1e-7,
        {{"epochs", std::int64_t{20000}}, {"lr", 1e-3}},
        1e-7}},
  };
  return settings;
}

const BundledPlugins& plugins() {
  static const BundledPlugins bundled;
  return bundled;
}

std::vector<std::string> optimizer_names() {
  return plugins().registry.names(PluginKind::kOptimizer);
}

bool all_finite(const Eigen::VectorXd& x) { return x.allFinite(); }

// The checks every run must pass, whatever its outcome.
void check_run_is_consistent(const OptimizationSummary& summary, const EpochLog& log,
                             const TestObjective& objective, const Eigen::VectorXd& parameters,
                             long evaluations) {
  CHECK(summary.objective_evaluations == evaluations);
  CHECK(summary.epochs == static_cast<int>(log.epochs.size()));
  for (std::size_t i = 0; i < log.epochs.size(); ++i)
    CHECK(log.epochs[i] == static_cast<int>(i) + 1);
  CHECK(all_finite(parameters));
  CHECK_FALSE(summary.message.empty());
  if (summary.termination != Termination::kFailed || std::isfinite(summary.final_value)) {
    CHECK(summary.final_value == doctest::Approx(objective.value_at(parameters)).epsilon(1e-14));
  }
}

}  // namespace

TEST_CASE("the bundled optimizer plugins load") {
  for (const std::string& failure : plugins().load_failures)
    MESSAGE("plugin load failure: " << failure);
  const std::vector<std::string> names = optimizer_names();
  CHECK(std::find(names.begin(), names.end(), "lbfgs") != names.end());
  CHECK(std::find(names.begin(), names.end(), "adam") != names.end());
  CHECK(std::find(names.begin(), names.end(), "lbfgs_torch") != names.end());
  CHECK(std::find(names.begin(), names.end(), "owlqn") != names.end());
  for (const std::string& name : names) {
    INFO("optimizer: " << name);
    CHECK(conformance_settings().count(name) == 1);  // add settings for a new optimizer
  }
}

TEST_CASE("every optimizer minimises a convex quadratic") {
  for (const std::string& name : optimizer_names()) {
    if (conformance_settings().count(name) == 0) continue;
    INFO("optimizer: " << name);
    const ConformanceSettings& settings = conformance_settings().at(name);
    Quadratic objective = Quadratic::standard();
    Eigen::VectorXd parameters = Eigen::VectorXd::Zero(objective.parameter_count());
    EpochLog log;
    const OptimizationSummary summary = plugins()
                                            .optimizer(name, settings.quadratic)
                                            ->minimize(objective, parameters, log.recorder());
    INFO("termination: " << to_string(summary.termination) << ": " << summary.message);
    CHECK(summary.termination != Termination::kFailed);
    CHECK((parameters - objective.minimum()).lpNorm<Eigen::Infinity>() <
          settings.quadratic_tolerance);
    check_run_is_consistent(summary, log, objective, parameters, objective.evaluations);
    REQUIRE_FALSE(log.parameters.empty());
    CHECK(log.parameters.back() == parameters);
  }
}

TEST_CASE("every optimizer minimises Rosenbrock's function from (-1.2, 1)") {
  for (const std::string& name : optimizer_names()) {
    if (conformance_settings().count(name) == 0) continue;
    INFO("optimizer: " << name);
    const ConformanceSettings& settings = conformance_settings().at(name);
    Rosenbrock objective;
    Eigen::VectorXd parameters = objective.standard_start();
    EpochLog log;
    const OptimizationSummary summary = plugins()
                                            .optimizer(name, settings.rosenbrock)
                                            ->minimize(objective, parameters, log.recorder());
    INFO("termination: " << to_string(summary.termination) << ": " << summary.message);
    CHECK(summary.termination != Termination::kFailed);
    CHECK((parameters - Eigen::VectorXd::Ones(2)).lpNorm<Eigen::Infinity>() <
          settings.rosenbrock_tolerance);
    check_run_is_consistent(summary, log, objective, parameters, objective.evaluations);
  }
}

TEST_CASE("every optimizer stops when the callback returns false") {
  for (const std::string& name : optimizer_names()) {
    INFO("optimizer: " << name);
    Rosenbrock objective(4);
    Eigen::VectorXd parameters = objective.standard_start();
    EpochLog log;
    const OptimizationSummary summary =
        plugins().optimizer(name)->minimize(objective, parameters, log.recorder(5));
    CHECK(summary.termination == Termination::kStopped);
    CHECK(summary.epochs == 5);
    CHECK(log.epochs == std::vector<int>{1, 2, 3, 4, 5});
    REQUIRE(log.parameters.size() == 5);
    CHECK(log.parameters.back() == parameters);  // the run ends with the last reported point
    check_run_is_consistent(summary, log, objective, parameters, objective.evaluations);
  }
}

TEST_CASE("every optimizer runs without a callback") {
  for (const std::string& name : optimizer_names()) {
    INFO("optimizer: " << name);
    if (plugins().registry.find(PluginKind::kOptimizer, name)->schema.find("epochs") == nullptr) {
      FAIL_CHECK("an hnn optimizer has the option `epochs`");
      continue;
    }
    Quadratic objective = Quadratic::standard();
    Eigen::VectorXd parameters = Eigen::VectorXd::Zero(objective.parameter_count());
    const OptimizationSummary summary = plugins()
                                            .optimizer(name, {{"epochs", std::int64_t{3}}})
                                            ->minimize(objective, parameters, {});
    CHECK(summary.epochs == 3);
    CHECK(summary.termination == Termination::kEpochs);
    CHECK(objective.value_at(parameters) < objective.value_at(Eigen::VectorXd::Zero(5)));
  }
}

TEST_CASE("every optimizer reports an objective that fails at the start as kFailed") {
  for (const std::string& name : optimizer_names()) {
    INFO("optimizer: " << name);
    Rosenbrock inner;
    FailingAfter objective(inner, 0);
    const Eigen::VectorXd start = inner.standard_start();
    Eigen::VectorXd parameters = start;
    EpochLog log;
    const OptimizationSummary summary =
        plugins().optimizer(name)->minimize(objective, parameters, log.recorder());
    INFO("message: " << summary.message);
    CHECK(summary.termination == Termination::kFailed);
    CHECK(summary.epochs == 0);
    CHECK(log.epochs.empty());
    CHECK(parameters == start);
    CHECK(summary.objective_evaluations == objective.evaluations);
    CHECK_FALSE(summary.message.empty());
  }
}

TEST_CASE("every optimizer reports an objective that starts failing mid-run as kFailed") {
  for (const std::string& name : optimizer_names()) {
    for (const long successful : {1L, 4L, 9L, 25L}) {
      INFO("optimizer: " << name << ", evaluations before the failure: " << successful);
      Rosenbrock inner(4);
      FailingAfter objective(inner, successful);
      Eigen::VectorXd parameters = inner.standard_start();
      const double start_value = inner.value_at(parameters);
      EpochLog log;
      const OptimizationSummary summary =
          plugins().optimizer(name)->minimize(objective, parameters, log.recorder());
      INFO("message: " << summary.message);
      CHECK(summary.termination == Termination::kFailed);
      CHECK(summary.objective_evaluations == objective.evaluations);
      // The last good parameters: finite, evaluated successfully, no worse than the start
      // for a descent method, and final_value is the objective there.
      CHECK(all_finite(parameters));
      REQUIRE(std::isfinite(summary.final_value));
      CHECK(summary.final_value == doctest::Approx(inner.value_at(parameters)).epsilon(1e-14));
      if (name == "lbfgs") CHECK(summary.final_value <= start_value);
    }
  }
}

TEST_CASE("every optimizer rejects a start vector of the wrong size") {
  for (const std::string& name : optimizer_names()) {
    INFO("optimizer: " << name);
    Quadratic objective = Quadratic::standard();
    Eigen::VectorXd parameters = Eigen::VectorXd::Zero(3);
    CHECK_THROWS_WITH_AS(plugins().optimizer(name)->minimize(objective, parameters, {}),
                         doctest::Contains("3 entries"), hnn::Error);
  }
}

TEST_CASE("an exception thrown by the callback propagates out of every optimizer") {
  for (const std::string& name : optimizer_names()) {
    INFO("optimizer: " << name);
    Rosenbrock objective;
    Eigen::VectorXd parameters = objective.standard_start();
    const EpochCallback throwing = [](const EpochState& state) -> bool {
      if (state.epoch == 3) throw std::runtime_error("callback failed at epoch 3");
      return true;
    };
    CHECK_THROWS_WITH_AS(plugins().optimizer(name)->minimize(objective, parameters, throwing),
                         "callback failed at epoch 3", std::runtime_error);
    CHECK(all_finite(parameters));
  }
}

// Optimizer::has_state: a run stopped by the callback, saved, and continued by a new
// optimizer object from the saved state gives the uninterrupted run's epochs, parameters and
// summary bit for bit. One without state says so.
TEST_CASE("an optimizer with state continues a stopped run bit for bit") {
  for (const std::string& name : optimizer_names()) {
    if (conformance_settings().count(name) == 0) continue;
    INFO("optimizer: " << name);
    // Few epochs of the Rosenbrock settings: the run is far from converged.
    Overrides overrides = conformance_settings().at(name).rosenbrock;
    for (auto& [key, value] : overrides) {
      if (key == "epochs") value = std::int64_t{12};
    }
    const auto probe = plugins().optimizer(name, overrides);
    if (!probe->has_state()) {
      CHECK_THROWS_AS(probe->saved_state(), NotImplementedError);
      CHECK_THROWS_AS(probe->restore_state(OptimizerState{}), NotImplementedError);
      continue;
    }
    Rosenbrock whole_objective(4);
    Eigen::VectorXd whole = whole_objective.standard_start();
    EpochLog whole_log;
    const OptimizationSummary whole_summary =
        plugins()
            .optimizer(name, overrides)
            ->minimize(whole_objective, whole, whole_log.recorder());
    REQUIRE(whole_summary.epochs == 12);
    for (const int stop_after : {1, 5, 12}) {
      INFO("stopped after epoch " << stop_after);
      Rosenbrock objective(4);
      Eigen::VectorXd parameters = objective.standard_start();
      EpochLog log;
      const auto first = plugins().optimizer(name, overrides);
      REQUIRE(first->minimize(objective, parameters, log.recorder(stop_after)).termination ==
              Termination::kStopped);
      const OptimizerState state = first->saved_state();
      CHECK(state.epochs == stop_after);
      const auto second = plugins().optimizer(name, overrides);
      second->restore_state(state);
      const OptimizationSummary summary = second->minimize(objective, parameters, log.recorder());
      CHECK(log.epochs == whole_log.epochs);
      CHECK(log.objective_values == whole_log.objective_values);
      CHECK(log.parameters == whole_log.parameters);
      CHECK(parameters == whole);
      CHECK(summary.termination == whole_summary.termination);
      CHECK(summary.epochs == whole_summary.epochs);
      CHECK(summary.message == whole_summary.message);
      // The stopped call's last evaluation at its result is not part of the whole run.
      CHECK(summary.objective_evaluations == whole_summary.objective_evaluations);
      CHECK(summary.final_value == whole_summary.final_value);
    }
    // A state of the wrong shape is refused with a message.
    auto wrong = plugins().optimizer(name, overrides);
    CHECK_THROWS_AS(wrong->restore_state(OptimizerState{3, {1.0, 2.0, 3.0}}), Error);
  }
}

TEST_CASE("an optimizer either handles the L1 penalty or says it does not") {
  for (const std::string& name : optimizer_names()) {
    INFO("optimizer: " << name);
    const auto optimizer = plugins().optimizer(name);
    if (optimizer->handles_l1()) {
      CHECK_NOTHROW(optimizer->set_l1(1e-3));
      CHECK_THROWS_WITH_AS(optimizer->set_l1(-1.0), doctest::Contains("finite and >= 0"),
                           hnn::Error);
    } else {
      CHECK_THROWS_WITH_AS(optimizer->set_l1(1e-3), doctest::Contains("handles_l1() is false"),
                           hnn::NotImplementedError);
    }
  }
  CHECK(plugins().optimizer("owlqn")->handles_l1());
  CHECK_FALSE(plugins().optimizer("lbfgs")->handles_l1());
}

}  // namespace hnn::testing
