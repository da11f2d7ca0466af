// Objectives with known minima for the optimizer tests, and the helpers that load the
// bundled optimizer plugins.
#ifndef HNN_TESTS_OPTIMIZERS_TEST_OBJECTIVES_H_
#define HNN_TESTS_OPTIMIZERS_TEST_OBJECTIVES_H_

#include <Eigen/Core>
#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "hnn/host/plugin_loader.h"
#include "hnn/objective.h"
#include "hnn/optimizer.h"
#include "hnn/options.h"
#include "hnn/registry.h"

namespace hnn::testing {

// Counts evaluations and reports the value as the data loss of last_parts().
class TestObjective : public Objective {
 public:
  explicit TestObjective(int parameter_count) : parameter_count_(parameter_count) {}

  int parameter_count() const override { return parameter_count_; }

  bool evaluate(const double* parameters, double* value, double* gradient) override {
    ++evaluations;
    const Eigen::Map<const Eigen::VectorXd> x(parameters, parameter_count_);
    if (gradient == nullptr) {
      *value = compute(x, nullptr);
    } else {
      Eigen::Map<Eigen::VectorXd> g(gradient, parameter_count_);
      Eigen::VectorXd local(parameter_count_);
      *value = compute(x, &local);
      g = local;
    }
    last_value_ = *value;
    return std::isfinite(*value);
  }

  LossParts last_parts() const override { return {last_value_, 0.0}; }

  // The value at `x`, without counting it as an evaluation.
  double value_at(const Eigen::VectorXd& x) const { return compute(x, nullptr); }

  long evaluations = 0;

 protected:
  // The value at x; the gradient into *gradient when it is not null.
  virtual double compute(const Eigen::Ref<const Eigen::VectorXd>& x,
                         Eigen::VectorXd* gradient) const = 0;

 private:
  int parameter_count_;
  double last_value_ = std::numeric_limits<double>::quiet_NaN();
};

// f(x) = ½ xᵀAx − bᵀx with A symmetric positive definite; minimum at A⁻¹b.
class Quadratic final : public TestObjective {
 public:
  Quadratic(Eigen::MatrixXd a, Eigen::VectorXd b)
      : TestObjective(static_cast<int>(b.size())), a_(std::move(a)), b_(std::move(b)) {}

  // A 5-dimensional quadratic with condition number about 30 and coupled coordinates.
  static Quadratic standard() {
    Eigen::MatrixXd a(5, 5);
    a << 4, 1, 0, 0, 0.5,   //
        1, 3, 0.5, 0, 0,    //
        0, 0.5, 2, 0.3, 0,  //
        0, 0, 0.3, 1, 0.2,  //
        0.5, 0, 0, 0.2, 0.15;
    Eigen::VectorXd b(5);
    b << 1, -2, 0.5, 3, -1;
    return Quadratic(a, b);
  }

  Eigen::VectorXd minimum() const { return a_.ldlt().solve(b_); }

 protected:
  double compute(const Eigen::Ref<const Eigen::VectorXd>& x,
                 Eigen::VectorXd* gradient) const override {
    if (gradient != nullptr) *gradient = a_ * x - b_;
    return 0.5 * x.dot(a_ * x) - b_.dot(x);
  }

 private:
  Eigen::MatrixXd a_;
  Eigen::VectorXd b_;
};

// Extended Rosenbrock: Σ_i 100 (x_{i+1} − x_i²)² + (1 − x_i)²; minimum 0 at (1, …, 1).
class Rosenbrock final : public TestObjective {
 public:
  explicit Rosenbrock(int dimension = 2) : TestObjective(dimension) {}

  // The standard start (−1.2, 1, −1.2, 1, …).
  Eigen::VectorXd standard_start() const {
    Eigen::VectorXd x(parameter_count());
    for (int i = 0; i < x.size(); ++i) x[i] = i % 2 == 0 ? -1.2 : 1.0;
    return x;
  }

 protected:
  double compute(const Eigen::Ref<const Eigen::VectorXd>& x,
                 Eigen::VectorXd* gradient) const override {
    double value = 0.0;
    if (gradient != nullptr) gradient->setZero(x.size());
    for (Eigen::Index i = 0; i + 1 < x.size(); ++i) {
      const double bend = x[i + 1] - x[i] * x[i];
      const double offset = 1.0 - x[i];
      value += 100.0 * bend * bend + offset * offset;
      if (gradient != nullptr) {
        (*gradient)[i] += -400.0 * x[i] * bend - 2.0 * offset;
        (*gradient)[i + 1] += 200.0 * bend;
      }
    }
    return value;
  }
};

// Evaluates like `inner` for the first `successful_evaluations` calls, then fails (returns
// false with a NaN value) for every later call.
class FailingAfter final : public Objective {
 public:
  FailingAfter(TestObjective& inner, long successful_evaluations)
      : inner_(inner), successful_evaluations_(successful_evaluations) {}

  int parameter_count() const override { return inner_.parameter_count(); }
  bool evaluate(const double* parameters, double* value, double* gradient) override {
    if (++evaluations > successful_evaluations_) {
      *value = std::numeric_limits<double>::quiet_NaN();
      return false;
    }
    return inner_.evaluate(parameters, value, gradient);
  }
  LossParts last_parts() const override { return inner_.last_parts(); }

  long evaluations = 0;

 private:
  TestObjective& inner_;
  long successful_evaluations_;
};

// A registry with every plugin of the bundled plugin folder (the build tree's). Libraries
// that fail to load are listed in `load_failures`.
struct BundledPlugins {
  BundledPlugins() {
    for (const auto& problem : PluginLoader(registry).load_directory(HNN_BUNDLED_PLUGIN_DIR)) {
      load_failures.push_back(problem.message);
    }
  }

  // The plugin's default options with `overrides` applied (keys must exist).
  Options options(const std::string& name,
                  const std::vector<std::pair<std::string, OptionValue>>& overrides = {}) const {
    const PluginInfo* info = registry.find(PluginKind::kOptimizer, name);
    Options result = Options::defaults(info->schema);
    for (const auto& [key, value] : overrides) result.set(key, value);
    return result;
  }

  std::shared_ptr<Optimizer> optimizer(
      const std::string& name,
      const std::vector<std::pair<std::string, OptionValue>>& overrides = {}) const {
    return registry.create_optimizer(name, options(name, overrides));
  }

  Registry registry;
  std::vector<std::string> load_failures;
};

// Records every callback call.
struct EpochLog {
  std::vector<int> epochs;
  std::vector<double> objective_values;
  std::vector<Eigen::VectorXd> parameters;

  EpochCallback recorder(int stop_after_epoch = -1) {
    return [this, stop_after_epoch](const EpochState& state) {
      epochs.push_back(state.epoch);
      objective_values.push_back(state.objective_value);
      parameters.push_back(*state.parameters);
      return state.epoch != stop_after_epoch;
    };
  }
};

// The first three iterates of a quasi-Newton optimizer (lbfgs, owlqn) from Rosenbrock(6)'s
// standard start with the given `memory`: with memory 1 the third direction uses only the
// newest correction pair, with more it uses both.
inline std::vector<Eigen::VectorXd> first_three_iterates(const BundledPlugins& plugins,
                                                         const std::string& optimizer,
                                                         std::int64_t memory) {
  Rosenbrock objective(6);
  Eigen::VectorXd parameters = objective.standard_start();
  EpochLog log;
  plugins.optimizer(optimizer, {{"epochs", std::int64_t{3}}, {"memory", memory}})
      ->minimize(objective, parameters, log.recorder());
  return log.parameters;
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_OPTIMIZERS_TEST_OBJECTIVES_H_
