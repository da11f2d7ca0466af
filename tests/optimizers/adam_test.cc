// The `adam` plugin: PyTorch's Adam step for step, its reporting and its options.
#include <doctest/doctest.h>

#include "allocation_counter.h"

#include <omp.h>

#include <Eigen/Core>
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <vector>

#include "hnn/error.h"
#include "test_objectives.h"

namespace hnn::testing {
namespace {

// Σ_i (i + 1) x_i² / 2, evaluated without allocating.
class AllocationFreeQuadratic final : public Objective {
 public:
  int parameter_count() const override { return 50; }
  bool evaluate(const double* x, double* value, double* gradient) override {
    *value = 0.0;
    for (int i = 0; i < 50; ++i) {
      *value += 0.5 * (i + 1) * x[i] * x[i];
      if (gradient != nullptr) gradient[i] = (i + 1) * x[i];
    }
    return true;
  }
  LossParts last_parts() const override { return {}; }
};

// f(a, b, c) = (a − 1)² + 2b² + ab + 0.5e-8 c², started at (0.5, −1.5, 1). The c direction
// has a gradient of 1e-8, the size of eps, so it tells where eps enters the step.
class AdamReference final : public TestObjective {
 public:
  AdamReference() : TestObjective(3) {}
  static Eigen::VectorXd start() { return Eigen::Vector3d(0.5, -1.5, 1.0); }

 protected:
  double compute(const Eigen::Ref<const Eigen::VectorXd>& x,
                 Eigen::VectorXd* gradient) const override {
    const double a = x[0], b = x[1], c = x[2];
    if (gradient != nullptr)
      *gradient = Eigen::Vector3d(2.0 * (a - 1.0) + b, 4.0 * b + a, 1e-8 * c);
    return (a - 1.0) * (a - 1.0) + 2.0 * b * b + a * b + 0.5e-8 * c * c;
  }
};

struct ExpectedEpoch {
  int epoch;
  double objective_value;            // f(θ_{e-1})
  std::array<double, 3> parameters;  // θ_e
};

// PyTorch's update (torch.optim.Adam, lr = 0.1, betas = (0.9, 0.999), eps = 1e-8):
//   g += wd θ;  m = β1 m + (1−β1) g;  v = β2 v + (1−β2) g²;
//   θ −= lr/(1−β1^e) · m / (sqrt(v)/sqrt(1−β2^e) + eps)
// computed in 60-digit decimal arithmetic from the exact binary values of the inputs.
// Step 1 by hand: m̂ = g and sqrt(v̂) = |g|, so θ_1 = θ_0 − lr g/(|g| + eps):
//   g = (−2.5, −6.5, 1e-8)  →  θ_1 = (0.5 + 0.1·2.5/(2.5+1e-8), −1.5 + 0.1·6.5/(6.5+1e-8),
//   1 − 0.1·1e-8/2e-8) = (0.5999999996, −1.40000000018182, 0.95).
// (PyTorch before 1.5 added eps to sqrt(v) before the bias correction and would give
// c_1 = 0.99693.)
const std::vector<ExpectedEpoch> kWithoutWeightDecay{
    {1, 4.000000005, {0.5999999996000001, -1.4000000001818182, 0.95}},
    {2, 3.240000006301591, {0.6994648066566809, -1.3003611612912698, 0.9007072197721787}},
    {3, 2.562642837817378, {0.7979149595484272, -1.2013821919575565, 0.8521822082765842}},
};
constexpr double kFinalWithoutWeightDecay = 1.9688758864128586;

// The same with weight_decay = 0.1 (coupled: g = ∇f + 0.1 θ). Step 1 by hand:
// g = (−2.45, −6.65, 0.1 + 1e-8), so c_1 = 1 − 0.1·(0.1+1e-8)/(0.1+2e-8) = 0.90000001.
const std::vector<ExpectedEpoch> kWithWeightDecay{
    {1, 4.000000005, {0.5999999995918367, -1.4000000001769912, 0.900000009999998}},
    {2, 3.240000005832915, {0.6994213944920857, -1.3003576573522895, 0.800412248082148}},
    {3, 2.5627096093180497, {0.7977365370859798, -1.2013682164312396, 0.7015863025553322}},
};
constexpr double kFinalWithWeightDecay = 1.9691063730524265;

const BundledPlugins& plugins() {
  static const BundledPlugins bundled;
  return bundled;
}

void check_three_epochs(double weight_decay, const std::vector<ExpectedEpoch>& expected,
                        double expected_final_value) {
  AdamReference objective;
  Eigen::VectorXd parameters = AdamReference::start();
  std::vector<double> last_parts_in_callback;
  EpochLog log;
  const EpochCallback record = [&](const EpochState& state) {
    last_parts_in_callback.push_back(objective.last_parts().data_loss);
    return log.recorder()(state);
  };
  const OptimizationSummary summary =
      plugins()
          .optimizer("adam",
                     {{"epochs", std::int64_t{3}}, {"lr", 0.1}, {"weight_decay", weight_decay}})
          ->minimize(objective, parameters, record);

  CHECK(summary.termination == Termination::kEpochs);
  CHECK(summary.epochs == 3);
  CHECK(summary.objective_evaluations == 4);  // one per epoch and one at the end
  CHECK(objective.evaluations == 4);
  CHECK(summary.final_value == doctest::Approx(expected_final_value).epsilon(1e-14));
  REQUIRE(log.epochs.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("epoch " << i + 1);
    CHECK(log.epochs[i] == expected[i].epoch);
    CHECK(std::abs(log.objective_values[i] - expected[i].objective_value) < 1e-14);
    // last_parts() in the callback belongs to the same evaluation as objective_value.
    CHECK(last_parts_in_callback[i] == log.objective_values[i]);
    for (int k = 0; k < 3; ++k) {
      INFO("parameter " << k);
      CHECK(std::abs(log.parameters[i][k] - expected[i].parameters[k]) < 1e-14);
    }
  }
  CHECK(parameters == log.parameters.back());
}

}  // namespace

TEST_CASE("adam matches PyTorch's Adam for three steps") {
  check_three_epochs(0.0, kWithoutWeightDecay, kFinalWithoutWeightDecay);
}

TEST_CASE("adam matches PyTorch's Adam with coupled weight decay for three steps") {
  check_three_epochs(0.1, kWithWeightDecay, kFinalWithWeightDecay);
}

TEST_CASE("adam's beta1, beta2 and eps enter the step as in PyTorch's formula") {
  // Three steps on AdamReference with other moments and eps, against the update written out:
  // m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
  // theta -= lr / (1 - b1^e) m / (sqrt(v) / sqrt(1 - b2^e) + eps).
  const double lr = 0.05, b1 = 0.5, b2 = 0.75, eps = 0.3;
  AdamReference objective;
  Eigen::VectorXd parameters = AdamReference::start();
  EpochLog log;
  plugins()
      .optimizer(
          "adam",
          {{"epochs", std::int64_t{3}}, {"lr", lr}, {"beta1", b1}, {"beta2", b2}, {"eps", eps}})
      ->minimize(objective, parameters, log.recorder());
  REQUIRE(log.parameters.size() == 3);
  Eigen::VectorXd theta = AdamReference::start();
  Eigen::VectorXd m = Eigen::VectorXd::Zero(3), v = Eigen::VectorXd::Zero(3);
  for (int e = 1; e <= 3; ++e) {
    CAPTURE(e);
    // AdamReference's gradient, written out.
    const Eigen::Vector3d g(2.0 * (theta[0] - 1.0) + theta[1], 4.0 * theta[1] + theta[0],
                            1e-8 * theta[2]);
    m = b1 * m + (1.0 - b1) * g;
    v = b2 * v + (1.0 - b2) * g.cwiseProduct(g);
    const double m_scale = lr / (1.0 - std::pow(b1, e));
    const double v_scale = 1.0 / std::sqrt(1.0 - std::pow(b2, e));
    for (int k = 0; k < 3; ++k) theta[k] -= m_scale * m[k] / (std::sqrt(v[k]) * v_scale + eps);
    for (int k = 0; k < 3; ++k) {
      CHECK(log.parameters[std::size_t(e - 1)][k] == doctest::Approx(theta[k]).epsilon(1e-13));
    }
  }
  // eps = 0.3 is far from the default: the first step is lr g / (|g| + eps), not lr sign(g).
  CHECK(std::abs(log.parameters[0][0] - (0.5 + lr)) > 1e-3);
}

TEST_CASE("adam reports the objective at the start of each epoch") {
  // objective_value of epoch e is f(θ_{e-1}): the value at the parameters reported by epoch
  // e − 1 (or the start), not at the parameters it reports itself.
  Rosenbrock objective;
  Eigen::VectorXd parameters = objective.standard_start();
  EpochLog log;
  plugins()
      .optimizer("adam", {{"epochs", std::int64_t{10}}})
      ->minimize(objective, parameters, log.recorder());
  REQUIRE(log.epochs.size() == 10);
  CHECK(log.objective_values[0] == objective.value_at(objective.standard_start()));
  for (std::size_t e = 1; e < 10; ++e)
    CHECK(log.objective_values[e] == objective.value_at(log.parameters[e - 1]));
}

TEST_CASE("adam restores the last parameters at which the objective evaluated") {
  // Evaluations 1..3 succeed (at θ_0, θ_1, θ_2); the 4th, at θ_3, fails: the result is θ_2.
  Rosenbrock inner;
  FailingAfter objective(inner, 3);
  Eigen::VectorXd parameters = inner.standard_start();
  EpochLog log;
  const OptimizationSummary summary =
      plugins().optimizer("adam")->minimize(objective, parameters, log.recorder());
  CHECK(summary.termination == Termination::kFailed);
  CHECK(summary.epochs == 3);
  REQUIRE(log.parameters.size() == 3);
  CHECK(parameters == log.parameters[1]);
  CHECK(summary.final_value == inner.value_at(parameters));
  CHECK(summary.message.find("after epoch 3") != std::string::npos);
  CHECK(summary.message.find("returned the parameters after epoch 2") != std::string::npos);
}

TEST_CASE("adam allocates no memory per step") {
  AllocationFreeQuadratic objective;
  Eigen::VectorXd parameters = Eigen::VectorXd::Ones(50);
  std::vector<long> calls_at_epoch;
  calls_at_epoch.reserve(100);
  const EpochCallback count = [&](const EpochState&) {
    calls_at_epoch.push_back(hnn::testing::allocations.load());
    return true;
  };
  const auto adam =
      plugins().optimizer("adam", {{"epochs", std::int64_t{100}}, {"weight_decay", 1e-4}});
  adam->minimize(objective, parameters, count);
  REQUIRE(calls_at_epoch.size() == 100);
  CHECK(calls_at_epoch.front() > 0);  // the interposition works
  CHECK(calls_at_epoch.back() == calls_at_epoch.front());
}

// Σ_i (c_i x_i⁴ / 4 + x_i / (i + 1)) over `size` parameters, c_i in [0.5, 1.5): gradients of
// every size, so that every step changes every parameter differently. Allocates nothing.
class LargeQuartic final : public Objective {
 public:
  explicit LargeQuartic(int size) : size_(size) {}
  int parameter_count() const override { return size_; }
  bool evaluate(const double* x, double* value, double* gradient) override {
    *value = 0.0;
    for (int i = 0; i < size_; ++i) {
      const double c = 0.5 + (i % 97) / 97.0;
      *value += 0.25 * c * x[i] * x[i] * x[i] * x[i] + x[i] / (i + 1);
      if (gradient != nullptr) gradient[i] = c * x[i] * x[i] * x[i] + 1.0 / (i + 1);
    }
    return true;
  }
  LossParts last_parts() const override { return {}; }

 private:
  int size_;
};

TEST_CASE("adam's step over many parameters is PyTorch's formula bit for bit on any thread count") {
  // Over 16 384 parameters the step is split over the OpenMP threads, in SIMD lanes; the
  // reference is the formula one parameter at a time, in PyTorch's order of operations.
  constexpr int kSize = 40001;
  constexpr int kEpochs = 25;
  const double lr = 1e-2, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 1e-3;
  LargeQuartic objective(kSize);
  Eigen::VectorXd start(kSize);
  for (int i = 0; i < kSize; ++i) start[i] = std::sin(0.37 * i) * (1.0 + (i % 5));

  Eigen::VectorXd expected = start, m = Eigen::VectorXd::Zero(kSize),
                  v = Eigen::VectorXd::Zero(kSize), gradient(kSize);
  for (int epoch = 1; epoch <= kEpochs; ++epoch) {
    double value = 0.0;
    objective.evaluate(expected.data(), &value, gradient.data());
    const double step_size = lr / (1.0 - std::pow(beta1, epoch));
    const double bias_correction2_sqrt = std::sqrt(1.0 - std::pow(beta2, epoch));
    for (int i = 0; i < kSize; ++i) {
      volatile double g = gradient[i] + weight_decay * expected[i];  // no fused multiply-add
      volatile double mi = m[i] * beta1;
      m[i] = mi + (1.0 - beta1) * g;
      volatile double vi = v[i] * beta2;
      volatile double gg = (1.0 - beta2) * g;
      v[i] = vi + gg * g;
      volatile double denominator = std::sqrt(v[i]) / bias_correction2_sqrt;
      denominator = denominator + eps;
      volatile double change = -step_size * m[i];
      expected[i] = expected[i] + change / denominator;
    }
  }

  const int threads_before = omp_get_max_threads();
  for (const int threads : {1, 2}) {
    INFO(threads << " threads");
    omp_set_num_threads(threads);
    Eigen::VectorXd parameters = start;
    std::vector<long> calls_at_epoch;
    calls_at_epoch.reserve(kEpochs);
    const EpochCallback count = [&](const EpochState&) {
      calls_at_epoch.push_back(hnn::testing::allocations.load());
      return true;
    };
    plugins()
        .optimizer("adam",
                   {{"epochs", std::int64_t{kEpochs}}, {"lr", lr}, {"weight_decay", weight_decay}})
        ->minimize(objective, parameters, count);
    CHECK(std::memcmp(parameters.data(), expected.data(), sizeof(double) * kSize) == 0);
    REQUIRE(calls_at_epoch.size() == std::size_t{kEpochs});
    // No allocation after the first parallel step, where the OpenMP runtime allows telling:
    // clang's (libomp, the sanitizer build's) allocates in every parallel region with more
    // than one thread, gcc's libgomp does not (tests/CMakeLists.txt).
#if defined(__clang__)
    const bool runtime_allocates = threads > 1;
#else
    const bool runtime_allocates = false;
#endif
    if (!runtime_allocates) CHECK(calls_at_epoch.back() == calls_at_epoch[1]);
  }
  omp_set_num_threads(threads_before);
}

TEST_CASE("adam's schema states PyTorch's defaults and ranges") {
  const PluginInfo* info = plugins().registry.find(PluginKind::kOptimizer, "adam");
  REQUIRE(info != nullptr);
  const Options defaults = Options::defaults(info->schema);
  CHECK(defaults.integer("epochs") == 2000);
  CHECK(defaults.real("lr") == 1e-3);
  CHECK(defaults.real("beta1") == 0.9);
  CHECK(defaults.real("beta2") == 0.999);
  CHECK(defaults.real("eps") == 1e-8);
  CHECK(defaults.real("weight_decay") == 0.0);
  CHECK(defaults.values().size() == 6);

  CHECK(info->schema.find("beta1")->check(OptionValue(1.0)) != "");
  CHECK(info->schema.find("beta2")->check(OptionValue(0.0)) == "");
  CHECK(info->schema.find("lr")->check(OptionValue(0.0)) != "");
  CHECK(info->schema.find("eps")->check(OptionValue(0.0)) != "");
  CHECK(info->schema.find("weight_decay")->check(OptionValue(-1e-4)) != "");
  CHECK(info->schema.find("epochs")->check(OptionValue(std::int64_t{0})) != "");
}

TEST_CASE("adam refuses out-of-range options that bypassed the schema") {
  Options options = plugins().options("adam", {{"beta2", 1.0}});
  CHECK_THROWS_WITH_AS(plugins().registry.create_optimizer("adam", options),
                       doctest::Contains("adam: beta2 = 1.0 must be in [0, 1)"), hnn::Error);
}

}  // namespace hnn::testing
