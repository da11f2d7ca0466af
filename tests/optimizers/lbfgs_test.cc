// The `lbfgs` plugin: epochs, termination mapping, reporting and options.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <stdexcept>
#include <string>
#include <vector>

#include "hnn/error.h"
#include "test_objectives.h"

namespace hnn::testing {
namespace {

const BundledPlugins& plugins() {
  static const BundledPlugins bundled;
  return bundled;
}

// Throws from the n-th evaluation on.
class ThrowingAfter final : public Objective {
 public:
  ThrowingAfter(TestObjective& inner, long successful) : inner_(inner), successful_(successful) {}
  int parameter_count() const override { return inner_.parameter_count(); }
  bool evaluate(const double* parameters, double* value, double* gradient) override {
    if (++evaluations_ > successful_) throw std::runtime_error("objective exploded");
    return inner_.evaluate(parameters, value, gradient);
  }
  LossParts last_parts() const override { return inner_.last_parts(); }

 private:
  TestObjective& inner_;
  long successful_;
  long evaluations_ = 0;
};

// `inner` times a constant `scale`: the same minimiser, on another scale.
class Scaled final : public Objective {
 public:
  Scaled(TestObjective& inner, double scale) : inner_(inner), scale_(scale) {}
  int parameter_count() const override { return inner_.parameter_count(); }
  bool evaluate(const double* parameters, double* value, double* gradient) override {
    const bool ok = inner_.evaluate(parameters, value, gradient);
    *value *= scale_;
    if (gradient != nullptr) {
      Eigen::Map<Eigen::VectorXd>(gradient, parameter_count()) *= scale_;
    }
    return ok;
  }
  LossParts last_parts() const override { return inner_.last_parts(); }

 private:
  TestObjective& inner_;
  double scale_;
};

}  // namespace

TEST_CASE("lbfgs's eigenvalue_scaling makes its progress independent of the objective's scale") {
  // The 10-dimensional Rosenbrock function, as is and times 1e-6, 60 epochs from the
  // standard start. With the identity as initial inverse Hessian (the default) the small
  // objective's steps start a million times too short; scaled by y's / y'y they do not.
  const auto final_value = [](double scale, bool eigenvalue_scaling) {
    Rosenbrock objective(10);
    Scaled scaled(objective, scale);
    Eigen::VectorXd parameters = objective.standard_start();
    plugins()
        .optimizer("lbfgs",
                   {{"epochs", std::int64_t{60}}, {"eigenvalue_scaling", eigenvalue_scaling}})
        ->minimize(scaled, parameters, {});
    double value = 0;
    objective.evaluate(parameters.data(), &value, nullptr);
    return value;
  };
  const double unscaled_default = final_value(1.0, false);
  const double small_default = final_value(1e-6, false);
  const double unscaled_scaling = final_value(1.0, true);
  const double small_scaling = final_value(1e-6, true);
  MESSAGE("Rosenbrock after 60 epochs: default "
          << unscaled_default << " (x 1e-6: " << small_default << "), eigenvalue_scaling "
          << unscaled_scaling << " (x 1e-6: " << small_scaling << ")");
  CHECK(small_scaling < 0.1 * small_default);
  CHECK(small_scaling == doctest::Approx(unscaled_scaling).epsilon(0.5));
}

TEST_CASE("lbfgs's secant_condition relative keeps its pairs at any scale; ceres skips them") {
  // The 10-dimensional Rosenbrock function, as is and times 1e-12, 200 epochs from the
  // standard start, with eigenvalue_scaling (so that H_0 does not depend on the scale). The
  // small objective's s'y falls below Ceres' absolute 1e-14: with secant_condition ceres it
  // keeps (almost) no pair and crawls; with relative (the default) its pairs are kept as
  // the unscaled objective's, and it gets as far.
  const auto final_value = [](double scale, const std::string& condition) {
    Rosenbrock objective(10);
    Scaled scaled(objective, scale);
    Eigen::VectorXd parameters = objective.standard_start();
    plugins()
        .optimizer("lbfgs", {{"epochs", std::int64_t{200}},
                             {"eigenvalue_scaling", true},
                             {"secant_condition", condition}})
        ->minimize(scaled, parameters, {});
    double value = 0;
    objective.evaluate(parameters.data(), &value, nullptr);
    return value;
  };
  const double unscaled_relative = final_value(1.0, "relative");
  const double small_relative = final_value(1e-12, "relative");
  const double unscaled_ceres = final_value(1.0, "ceres");
  const double small_ceres = final_value(1e-12, "ceres");
  MESSAGE("Rosenbrock after 200 epochs: relative "
          << unscaled_relative << " (x 1e-12: " << small_relative << "), ceres " << unscaled_ceres
          << " (x 1e-12: " << small_ceres << ")");
  // Measured: relative 0 (x 1e-12: 4.2e-14), ceres 0 (x 1e-12: 2057, the start's value:
  // without pairs, H stays the identity and each step is the gradient, about 1e-9).
  CHECK(unscaled_relative < 1e-10);
  CHECK(unscaled_ceres < 1e-10);
  CHECK(small_relative < 1e-10);
  CHECK(small_ceres > 1.0);
}

TEST_CASE("lbfgs runs every requested epoch when its tolerances are off") {
  // 20 iterations are far from enough for the 10-dimensional Rosenbrock function, so the
  // objective changes at every epoch and nothing but the epoch count ends the run.
  Rosenbrock objective(10);
  Eigen::VectorXd parameters = objective.standard_start();
  EpochLog log;
  const OptimizationSummary summary = plugins()
                                          .optimizer("lbfgs", {{"epochs", std::int64_t{20}}})
                                          ->minimize(objective, parameters, log.recorder());
  INFO(summary.message);
  CHECK(summary.termination == Termination::kEpochs);
  CHECK(summary.epochs == 20);
  CHECK(log.epochs.size() == 20);
  CHECK(summary.message == "Maximum number of iterations reached.");
  CHECK(summary.objective_evaluations == objective.evaluations);
  CHECK(summary.objective_evaluations >= 21);
  CHECK(summary.final_value > 1e-3);
}

TEST_CASE("lbfgs reports each accepted iterate with its objective value") {
  Rosenbrock objective(4);
  Eigen::VectorXd parameters = objective.standard_start();
  EpochLog log;
  std::vector<double> last_parts_in_callback;
  const EpochCallback record = [&](const EpochState& state) {
    last_parts_in_callback.push_back(objective.last_parts().data_loss);
    return log.recorder()(state);
  };
  const OptimizationSummary summary = plugins()
                                          .optimizer("lbfgs", {{"epochs", std::int64_t{60}}})
                                          ->minimize(objective, parameters, record);
  REQUIRE(log.epochs.size() == static_cast<std::size_t>(summary.epochs));
  double previous = objective.value_at(objective.standard_start());
  for (std::size_t i = 0; i < log.epochs.size(); ++i) {
    INFO("epoch " << i + 1);
    CHECK(log.objective_values[i] == objective.value_at(log.parameters[i]));
    CHECK(last_parts_in_callback[i] == log.objective_values[i]);
    // The Wolfe conditions demand decrease, f_e <= f_{e-1} + c1 step slope, which is strict
    // until that margin falls below half an ulp of f: at the minimum (0), from about 1e-20
    // here (measured: epoch 28 repeated 1.74812e-20), an equal value passes too.
    if (previous > 1e-15) {
      CHECK(log.objective_values[i] < previous);
    } else {
      CHECK(log.objective_values[i] <= previous);
    }
    previous = log.objective_values[i];
  }
}

TEST_CASE("lbfgs reports the epoch that meets a tolerance and maps it to kConverged") {
  Rosenbrock objective;
  Eigen::VectorXd parameters = objective.standard_start();
  EpochLog log;
  const OptimizationSummary summary =
      plugins()
          .optimizer("lbfgs", {{"epochs", std::int64_t{500}}, {"gradient_tolerance", 1e-9}})
          ->minimize(objective, parameters, log.recorder());
  INFO(summary.message);
  CHECK(summary.termination == Termination::kConverged);
  CHECK(summary.message.find("Gradient tolerance reached") != std::string::npos);
  CHECK(summary.epochs < 500);
  REQUIRE(log.epochs.size() == static_cast<std::size_t>(summary.epochs));
  CHECK(log.parameters.back() == parameters);
  CHECK(log.objective_values.back() == summary.final_value);
}

TEST_CASE("lbfgs stops at parameter_tolerance: |step| <= tol * (|x| + tol), kConverged") {
  // The run of the first test (20 epochs are far from enough, every epoch moves) with only
  // a large parameter_tolerance set: it must end the run early, and only once the step falls
  // below tol * (|x| + tol), checked here on the reported iterates.
  constexpr double kTolerance = 0.05;
  Rosenbrock objective(10);
  Eigen::VectorXd parameters = objective.standard_start();
  EpochLog log;
  const OptimizationSummary summary =
      plugins()
          .optimizer("lbfgs", {{"epochs", std::int64_t{20}}, {"parameter_tolerance", kTolerance}})
          ->minimize(objective, parameters, log.recorder());
  INFO(summary.message);
  CHECK(summary.termination == Termination::kConverged);
  CHECK(summary.message.rfind("Parameter tolerance reached.", 0) == 0);
  CHECK(summary.epochs < 20);
  REQUIRE(log.epochs.size() == static_cast<std::size_t>(summary.epochs));
  // Every reported step but the last was longer than the bound (otherwise the run would
  // have stopped there); the last one, which the optimizer accepts and then stops, is within it.
  Eigen::VectorXd previous = objective.standard_start();
  for (std::size_t i = 0; i < log.parameters.size(); ++i) {
    INFO("epoch " << i + 1);
    const double step = (log.parameters[i] - previous).norm();
    const double bound = kTolerance * (previous.norm() + kTolerance);
    CHECK((i + 1 < log.parameters.size() ? step > bound : step <= bound));
    previous = log.parameters[i];
  }
  CHECK(parameters == log.parameters.back());
}

TEST_CASE("lbfgs's memory: the first two iterates agree, the third uses the kept pairs") {
  const auto one = first_three_iterates(plugins(), "lbfgs", 1);
  const auto five = first_three_iterates(plugins(), "lbfgs", 5);
  REQUIRE(one.size() == 3);
  REQUIRE(five.size() == 3);
  CHECK(one[0] == five[0]);
  CHECK(one[1] == five[1]);
  CHECK((one[2] - five[2]).norm() > 1e-6);
  CHECK(first_three_iterates(plugins(), "lbfgs", 5)[2] == five[2]);
}

TEST_CASE("lbfgs stops at function_tolerance: |f change| <= tol |f|, kConverged") {
  constexpr double kTolerance = 1e-3;
  Rosenbrock objective(10);
  Eigen::VectorXd parameters = objective.standard_start();
  EpochLog log;
  const OptimizationSummary summary =
      plugins()
          .optimizer("lbfgs", {{"epochs", std::int64_t{200}}, {"function_tolerance", kTolerance}})
          ->minimize(objective, parameters, log.recorder());
  INFO(summary.message);
  CHECK(summary.termination == Termination::kConverged);
  CHECK(summary.message.rfind("Function tolerance reached", 0) == 0);
  CHECK(summary.epochs < 200);
  REQUIRE(log.objective_values.size() == static_cast<std::size_t>(summary.epochs));
  REQUIRE(log.objective_values.size() >= 2);
  // The last accepted iterate changed f by at most tol |f|; the runs with the tolerance off
  // go on from there.
  const std::size_t last = log.objective_values.size() - 1;
  const double change = std::abs(log.objective_values[last] - log.objective_values[last - 1]);
  CHECK(change <= kTolerance * std::abs(log.objective_values[last - 1]));
  Rosenbrock again(10);
  Eigen::VectorXd untouched = again.standard_start();
  const OptimizationSummary off =
      plugins().optimizer("lbfgs", {{"epochs", std::int64_t{200}}})->minimize(again, untouched, {});
  CHECK(off.epochs > summary.epochs);
}

TEST_CASE("lbfgs converges without an epoch when the gradient vanishes at the start") {
  Quadratic objective(Eigen::MatrixXd::Identity(3, 3), Eigen::VectorXd::Zero(3));
  Eigen::VectorXd parameters = Eigen::VectorXd::Zero(3);
  EpochLog log;
  const OptimizationSummary summary =
      plugins().optimizer("lbfgs")->minimize(objective, parameters, log.recorder());
  CHECK(summary.termination == Termination::kConverged);
  CHECK(summary.epochs == 0);
  CHECK(log.epochs.empty());
  CHECK(summary.final_value == 0.0);
  CHECK(parameters == Eigen::VectorXd::Zero(3));
}

TEST_CASE("lbfgs minimises with every line search interpolation") {
  for (const char* interpolation : {"cubic", "quadratic", "bisection"}) {
    INFO("interpolation: " << interpolation);
    Quadratic objective = Quadratic::standard();
    Eigen::VectorXd parameters = Eigen::VectorXd::Zero(5);
    const OptimizationSummary summary =
        plugins()
            .optimizer("lbfgs", {{"epochs", std::int64_t{300}},
                                 {"gradient_tolerance", 1e-10},
                                 {"line_search_interpolation", std::string(interpolation)}})
            ->minimize(objective, parameters, {});
    INFO(summary.message);
    CHECK(summary.termination == Termination::kConverged);
    CHECK((parameters - objective.minimum()).lpNorm<Eigen::Infinity>() < 1e-8);
  }
}

TEST_CASE("lbfgs's line_search_interpolation picks other trial steps on Rosenbrock") {
  // The Wolfe search's first trial steps overshoot on Rosenbrock; how the next trial step is
  // chosen (cubic or quadratic interpolation, or bisection) changes the path.
  const auto path = [&](const char* interpolation) {
    Rosenbrock objective(2);
    Eigen::VectorXd parameters = objective.standard_start();
    EpochLog log;
    plugins()
        .optimizer("lbfgs", {{"epochs", std::int64_t{10}},
                             {"line_search_interpolation", std::string(interpolation)}})
        ->minimize(objective, parameters, log.recorder());
    REQUIRE(log.parameters.size() == 10);
    return log.parameters.back();
  };
  const Eigen::VectorXd cubic = path("cubic");
  CHECK(path("cubic") == cubic);
  CHECK((path("bisection") - cubic).norm() > 1e-6);
  CHECK((path("quadratic") - cubic).norm() > 1e-6);
}

TEST_CASE("lbfgs keeps the last accepted iterate when the line search fails") {
  // Evaluations fail from the 12th on: the line search cannot find a valid step.
  Rosenbrock inner(4);
  FailingAfter objective(inner, 12);
  Eigen::VectorXd parameters = inner.standard_start();
  EpochLog log;
  const OptimizationSummary summary =
      plugins().optimizer("lbfgs")->minimize(objective, parameters, log.recorder());
  INFO(summary.message);
  CHECK(summary.termination == Termination::kFailed);
  CHECK(summary.message.find("line search") != std::string::npos);
  REQUIRE_FALSE(log.parameters.empty());
  CHECK(summary.epochs == static_cast<int>(log.epochs.size()));
  CHECK(parameters == log.parameters.back());
  CHECK(summary.final_value == log.objective_values.back());
}

TEST_CASE("an exception thrown by the objective propagates out of lbfgs") {
  Rosenbrock inner;
  ThrowingAfter objective(inner, 10);
  Eigen::VectorXd parameters = inner.standard_start();
  EpochLog log;
  CHECK_THROWS_WITH_AS(
      plugins().optimizer("lbfgs")->minimize(objective, parameters, log.recorder()),
      "objective exploded", std::runtime_error);
  CHECK(parameters.allFinite());
  if (!log.parameters.empty()) CHECK(parameters == log.parameters.back());
}

TEST_CASE("lbfgs's schema") {
  const PluginInfo* info = plugins().registry.find(PluginKind::kOptimizer, "lbfgs");
  REQUIRE(info != nullptr);
  const Options defaults = Options::defaults(info->schema);
  CHECK(defaults.integer("epochs") == 1000);
  CHECK(defaults.integer("memory") == 20);
  CHECK(defaults.string("line_search") == "wolfe");
  CHECK(defaults.string("line_search_interpolation") == "cubic");
  CHECK(defaults.real("function_tolerance") == 0.0);
  CHECK(defaults.real("gradient_tolerance") == 0.0);
  CHECK(defaults.real("parameter_tolerance") == 0.0);
  CHECK_FALSE(defaults.boolean("eigenvalue_scaling"));

  // Only the Wolfe conditions are accepted for L-BFGS (as Ceres).
  CHECK(info->schema.find("line_search")->check(OptionValue(std::string("armijo"))) != "");
  CHECK(info->schema.find("line_search_interpolation")->check(OptionValue(std::string("linear"))) !=
        "");
  CHECK(info->schema.find("gradient_tolerance")->check(OptionValue(-1.0)) != "");
  CHECK(info->schema.find("memory")->check(OptionValue(std::int64_t{0})) != "");
}

TEST_CASE("lbfgs refuses out-of-range options that bypassed the schema") {
  CHECK_THROWS_WITH_AS(plugins().registry.create_optimizer(
                           "lbfgs", plugins().options("lbfgs", {{"function_tolerance", -1.0}})),
                       doctest::Contains("lbfgs: function_tolerance = -1.0 must be >= 0"),
                       hnn::Error);
  CHECK_THROWS_WITH_AS(
      plugins().registry.create_optimizer(
          "lbfgs", plugins().options("lbfgs", {{"line_search", std::string("armijo")}})),
      doctest::Contains("line_search"), hnn::Error);
}

}  // namespace hnn::testing
