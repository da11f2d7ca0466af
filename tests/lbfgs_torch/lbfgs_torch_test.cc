// The `lbfgs_torch` optimizer: PyTorch's L-BFGS step rules (kan.md §7.2) on small problems
// whose iterates are known by hand or from a literal Python transcription of
// torch.optim.LBFGS.step (torch 1.13, pykan's tolerance_ys), the frozen state of §7.3, the
// reporting, failures and allocations. The plugin sources are compiled into this test, so
// that the stepper's state can be inspected; the plugin itself is loaded for the schema and
// the allocation test.
#include <doctest/doctest.h>

#include "allocation_counter.h"

#include <Eigen/Core>
#include <Eigen/Dense>
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "hnn/error.h"
#include "lbfgs_torch.h"
#include "test_objectives.h"

namespace hnn::testing {
namespace {

using optimizers::LbfgsTorch;
using optimizers::LbfgsTorchOptions;
using optimizers::LbfgsTorchStepper;
using CallEnd = LbfgsTorchStepper::CallEnd;

const BundledPlugins& plugins() {
  static const BundledPlugins bundled;
  return bundled;
}

// f(x) = ½ xᵀAx − bᵀx with A = [[4, 1, .5], [1, 3, -.5], [.5, -.5, 2]], b = (1, -2, .5),
// evaluated with sequential sums in the order of the Python reference (row by row, left to
// right), so that only the optimizer's own reductions may differ from it in rounding.
// Minimum ≈ (0.4683501818, -0.8354344522, -0.0759476060), f ≈ -1.0506329113.
class ReferenceQuadratic final : public TestObjective {
 public:
  ReferenceQuadratic() : TestObjective(3) {}

  static Eigen::Matrix3d a() {
    Eigen::Matrix3d a;
    a << 4.0, 1.0, 0.5, 1.0, 3.0, -0.5, 0.5, -0.5, 2.0;
    return a;
  }
  static Eigen::Vector3d b() { return Eigen::Vector3d(1.0, -2.0, 0.5); }

 protected:
  double compute(const Eigen::Ref<const Eigen::VectorXd>& x,
                 Eigen::VectorXd* gradient) const override {
    const Eigen::Matrix3d a_matrix = a();
    const Eigen::Vector3d b_vector = b();
    std::array<double, 3> ax{};
    for (int i = 0; i < 3; ++i) {
      double sum = 0.0;
      for (int j = 0; j < 3; ++j) sum += a_matrix(i, j) * x[j];
      ax[i] = sum;
    }
    double x_ax = 0.0, b_x = 0.0;
    for (int i = 0; i < 3; ++i) x_ax += x[i] * ax[i];
    for (int i = 0; i < 3; ++i) b_x += b_vector[i] * x[i];
    if (gradient != nullptr) {  // TestObjective passes a vector of 3 entries
      for (int i = 0; i < 3; ++i) (*gradient)[i] = ax[i] - b_vector[i];
    }
    return 0.5 * x_ax - b_x;
  }
};

// f(x) = cᵀx: the gradient is constant, so y = 0 and y·s = 0 at every iteration.
class Linear final : public TestObjective {
 public:
  explicit Linear(Eigen::VectorXd c) : TestObjective(static_cast<int>(c.size())), c_(c) {}

 protected:
  double compute(const Eigen::Ref<const Eigen::VectorXd>& x,
                 Eigen::VectorXd* gradient) const override {
    if (gradient != nullptr) *gradient = c_;
    return c_.dot(x);
  }

 private:
  Eigen::VectorXd c_;
};

// f(x) = ½ x² in one dimension.
class HalfSquare final : public TestObjective {
 public:
  HalfSquare() : TestObjective(1) {}

 protected:
  double compute(const Eigen::Ref<const Eigen::VectorXd>& x,
                 Eigen::VectorXd* gradient) const override {
    if (gradient != nullptr) *gradient = x;
    return 0.5 * x[0] * x[0];
  }
};

// Σ_i (i + 1) x_i² / 2, evaluated without allocating.
class AllocationFreeQuadratic final : public Objective {
 public:
  int parameter_count() const override { return 50; }
  bool evaluate(const double* x, double* value, double* gradient) override {
    *value = 0.0;
    for (int i = 0; i < 50; ++i) {
      *value += 0.5 * (i + 1) * (x[i] - 1.0) * (x[i] - 1.0);
      if (gradient != nullptr) gradient[i] = (i + 1) * (x[i] - 1.0);
    }
    return true;
  }
  LossParts last_parts() const override { return {}; }
};

// Throws from evaluation number `throwing_evaluation` (1-based) on.
class ThrowingAt final : public Objective {
 public:
  ThrowingAt(TestObjective& inner, long throwing_evaluation)
      : inner_(inner), throwing_evaluation_(throwing_evaluation) {}
  int parameter_count() const override { return inner_.parameter_count(); }
  bool evaluate(const double* parameters, double* value, double* gradient) override {
    if (++evaluations >= throwing_evaluation_) throw std::runtime_error("objective exploded");
    return inner_.evaluate(parameters, value, gradient);
  }
  LossParts last_parts() const override { return inner_.last_parts(); }
  long evaluations = 0;

 private:
  TestObjective& inner_;
  long throwing_evaluation_;
};

// One row of the Python reference: after call `call`, the loss it returned (f at the start),
// the parameters, and torch's cumulative n_iter and func_evals.
struct ReferenceCall {
  int call;
  double loss;
  std::array<double, 3> parameters;
  long n_iter;
  long func_evals;
};

// The dense BFGS inverse Hessian of the stepper's memory: H = H_diag I, then for each pair
// (s, y), oldest first, H = (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ. The two-loop recursion
// computes -H g without forming H; this is the textbook matrix form, independent of it.
Eigen::MatrixXd dense_inverse_hessian(const LbfgsTorchStepper& stepper) {
  const int n = stepper.parameter_count();
  const Eigen::MatrixXd identity = Eigen::MatrixXd::Identity(n, n);
  Eigen::MatrixXd h = stepper.h_diag() * identity;
  for (int i = 0; i < stepper.history_length(); ++i) {
    const Eigen::VectorXd s = stepper.history_s(i);
    const Eigen::VectorXd y = stepper.history_y(i);
    const double rho = stepper.history_rho(i);
    CHECK(rho == doctest::Approx(1.0 / y.dot(s)).epsilon(1e-14));
    h = (identity - rho * s * y.transpose()) * h * (identity - rho * y * s.transpose()) +
        rho * s * s.transpose();
  }
  return h;
}

double max_relative_difference(const Eigen::VectorXd& actual, const Eigen::VectorXd& expected) {
  return (actual - expected).lpNorm<Eigen::Infinity>() /
         std::max(expected.lpNorm<Eigen::Infinity>(), 1e-300);
}

// max_eval stays at PyTorch's default max_iter * 5 / 4, which ends a call of max_iter <= 3
// before max_iter (2 -> 2, 3 -> 3 evaluations); the tests that need max_iter iterations
// raise it.
LbfgsTorchOptions options_with(double lr, int max_iter, int history_size = 100) {
  LbfgsTorchOptions options;
  options.lr = lr;
  options.max_iter = max_iter;
  options.history_size = history_size;
  return options;
}

void check_against_reference(const LbfgsTorchOptions& options, Eigen::VectorXd start,
                             const std::vector<ReferenceCall>& reference) {
  ReferenceQuadratic objective;
  LbfgsTorchStepper stepper(options, 3);
  Eigen::VectorXd parameters = start;
  for (const ReferenceCall& expected : reference) {
    INFO("call " << expected.call);
    const LbfgsTorchStepper::CallResult call = stepper.step(objective, parameters);
    CHECK(call.end != CallEnd::kFailed);
    CHECK(call.loss == doctest::Approx(expected.loss).epsilon(1e-14));
    const Eigen::Vector3d expected_parameters(expected.parameters.data());
    CHECK(max_relative_difference(parameters, expected_parameters) < 1e-14);
    CHECK(stepper.n_iter() == expected.n_iter);
    CHECK(stepper.func_evals() == expected.func_evals);
  }
}

}  // namespace

TEST_CASE("lbfgs_torch's defaults are pykan's class defaults, except lr and epochs") {
  const LbfgsTorchOptions defaults;
  CHECK(defaults.epochs == 20000);
  CHECK(defaults.lr == 1e-3);
  CHECK(defaults.max_iter == 20);
  CHECK(defaults.max_eval == 0);
  CHECK(defaults.effective_max_eval() == 25);  // torch: max_iter * 5 // 4
  CHECK(defaults.tolerance_grad == 1e-7);
  CHECK(defaults.tolerance_change == 1e-9);
  CHECK(defaults.tolerance_ys == 1e-32);
  CHECK(defaults.history_size == 100);
  CHECK(LbfgsTorchOptions::binding().is_valid(defaults, nullptr));

  const LbfgsTorchOptions from_schema =
      LbfgsTorchOptions::binding().decode(Options::defaults(LbfgsTorchOptions::binding().schema()));
  CHECK(from_schema.epochs == defaults.epochs);
  CHECK(from_schema.lr == defaults.lr);
  CHECK(from_schema.max_iter == defaults.max_iter);
  CHECK(from_schema.max_eval == defaults.max_eval);
  CHECK(from_schema.tolerance_grad == defaults.tolerance_grad);
  CHECK(from_schema.tolerance_change == defaults.tolerance_change);
  CHECK(from_schema.tolerance_ys == defaults.tolerance_ys);
  CHECK(from_schema.history_size == defaults.history_size);

  LbfgsTorchOptions odd = defaults;
  odd.max_iter = 7;
  CHECK(odd.effective_max_eval() == 8);
  odd.max_eval = 3;
  CHECK(odd.effective_max_eval() == 3);
}

TEST_CASE("lbfgs_torch's options name the bad field, its value and the range") {
  struct Case {
    void (*spoil)(LbfgsTorchOptions&);
    const char* message;
  };
  const std::vector<Case> cases{
      {[](LbfgsTorchOptions& o) { o.epochs = 0; },
       "lbfgs_torch: epochs = 0 must be in [1, 2147483647]"},
      {[](LbfgsTorchOptions& o) { o.lr = 0.0; }, "lbfgs_torch: lr = 0.0 must be > 0"},
      {[](LbfgsTorchOptions& o) { o.lr = INFINITY; }, "lbfgs_torch: lr = .inf must be finite"},
      {[](LbfgsTorchOptions& o) { o.max_iter = 0; },
       "lbfgs_torch: max_iter = 0 must be in [1, 2147483647]"},
      {[](LbfgsTorchOptions& o) { o.max_eval = -1; },
       "lbfgs_torch: max_eval = -1 must be in [0, 2147483647]"},
      {[](LbfgsTorchOptions& o) { o.tolerance_grad = -1e-7; },
       "lbfgs_torch: tolerance_grad = -1e-07 must be >= 0"},
      {[](LbfgsTorchOptions& o) { o.tolerance_change = NAN; },
       "lbfgs_torch: tolerance_change = .nan must be >= 0"},
      {[](LbfgsTorchOptions& o) { o.tolerance_ys = -1.0; },
       "lbfgs_torch: tolerance_ys = -1.0 must be >= 0"},
      {[](LbfgsTorchOptions& o) { o.history_size = 0; },
       "lbfgs_torch: history_size = 0 must be in [1, 2147483646]"},
  };
  for (const Case& test : cases) {
    LbfgsTorchOptions options;
    test.spoil(options);
    std::string error;
    CHECK_FALSE(LbfgsTorchOptions::binding().is_valid(options, &error));
    CHECK(error == test.message);
    CHECK_FALSE(LbfgsTorchOptions::binding().is_valid(options, nullptr));
    CHECK_THROWS_WITH_AS(LbfgsTorch{options}, test.message, hnn::Error);
  }
}

TEST_CASE("the lbfgs_torch plugin registers the schema") {
  const PluginInfo* info = plugins().registry.find(PluginKind::kOptimizer, "lbfgs_torch");
  REQUIRE(info != nullptr);
  for (const char* key : {"epochs", "lr", "max_iter", "max_eval", "tolerance_grad",
                          "tolerance_change", "tolerance_ys", "history_size"}) {
    INFO(key);
    CHECK(info->schema.find(key) != nullptr);
  }
  CHECK(info->schema.options().size() == 8);
  CHECK(info->schema.find("lr")->check(OptionValue{0.0}) == "must be > 0");
}

TEST_CASE("the first step is -lr g / max(1, |g|_1)") {
  SUBCASE("|g|_1 = 3.5 > 1: the step is scaled down") {
    // g0 = A·0 - b = (-1, 2, -0.5), |g0|_1 = 3.5, d = -g0, t = lr / 3.5.
    ReferenceQuadratic objective;
    LbfgsTorchStepper stepper(options_with(0.7, 1), 3);
    Eigen::VectorXd parameters = Eigen::VectorXd::Zero(3);
    const LbfgsTorchStepper::CallResult call = stepper.step(objective, parameters);
    CHECK(call.end == CallEnd::kMaxIter);
    CHECK(call.loss == 0.0);
    CHECK(call.iterations == 1);
    CHECK(call.evaluations == 1);  // the last iteration does not re-evaluate
    CHECK(call.updated);
    CHECK(stepper.step_length() == 1.0 / 3.5 * 0.7);
    CHECK(stepper.direction() == Eigen::Vector3d(1.0, -2.0, 0.5));
    for (int i = 0; i < 3; ++i)
      CHECK(parameters[i] == ReferenceQuadratic::b()[i] * (1.0 / 3.5 * 0.7));
    CHECK(stepper.history_length() == 0);
    CHECK(stepper.h_diag() == 1.0);
    CHECK_FALSE(stepper.evaluated_at_result());
  }
  SUBCASE("|g|_1 = 0.75 <= 1: the step is lr") {
    Linear objective(Eigen::Vector2d(0.5, -0.25));
    LbfgsTorchStepper stepper(options_with(0.5, 1), 2);
    Eigen::VectorXd parameters = Eigen::Vector2d(1.0, 1.0);
    stepper.step(objective, parameters);
    CHECK(stepper.step_length() == 0.5);
    CHECK(parameters == Eigen::Vector2d(0.75, 1.125));
  }
  SUBCASE("only the first iteration of the run is scaled, not the first of each call") {
    Linear objective(Eigen::Vector2d(2.0, -2.0));  // |g|_1 = 4
    LbfgsTorchStepper stepper(options_with(0.5, 1), 2);
    Eigen::VectorXd parameters = Eigen::Vector2d::Zero();
    stepper.step(objective, parameters);
    CHECK(stepper.step_length() == 0.125);
    CHECK(parameters == Eigen::Vector2d(-0.25, 0.25));
    stepper.step(objective, parameters);
    CHECK(stepper.step_length() == 0.5);
    CHECK(parameters == Eigen::Vector2d(-1.25, 1.25));
  }
}

TEST_CASE("the second iteration is the BFGS update of H_diag I by the first pair") {
  // Start 0, lr 1, max_iter 2: θ1 = b / 3.5, then y = g(θ1) - g(0), s = θ1 - 0 (= t d),
  // H_diag = y·s / y·y and θ2 = θ1 - H g(θ1) with H the one-pair BFGS matrix.
  ReferenceQuadratic objective;
  LbfgsTorchOptions options = options_with(1.0, 2);
  options.max_eval = 10;
  LbfgsTorchStepper stepper(options, 3);
  Eigen::VectorXd parameters = Eigen::VectorXd::Zero(3);
  const LbfgsTorchStepper::CallResult call = stepper.step(objective, parameters);
  CHECK(call.iterations == 2);
  CHECK(call.evaluations == 2);
  CHECK(call.end == CallEnd::kMaxIter);

  const Eigen::Matrix3d a = ReferenceQuadratic::a();
  const Eigen::Vector3d b = ReferenceQuadratic::b();
  const Eigen::Vector3d theta1 = b / 3.5;
  const Eigen::Vector3d g1 = a * theta1 - b;
  const Eigen::Vector3d y = g1 - (-b);
  const Eigen::Vector3d s = theta1;
  const double rho = 1.0 / y.dot(s);
  const Eigen::Matrix3d identity = Eigen::Matrix3d::Identity();
  const Eigen::Matrix3d h = (identity - rho * s * y.transpose()) * (y.dot(s) / y.dot(y)) *
                                (identity - rho * y * s.transpose()) +
                            rho * s * s.transpose();
  const Eigen::Vector3d theta2 = theta1 - h * g1;

  REQUIRE(stepper.history_length() == 1);
  CHECK(max_relative_difference(stepper.history_y(0), y) < 1e-15);
  CHECK(max_relative_difference(stepper.history_s(0), s) < 1e-15);
  CHECK(stepper.h_diag() == doctest::Approx(y.dot(s) / y.dot(y)).epsilon(1e-15));
  CHECK(max_relative_difference(parameters, theta2) < 1e-14);
  CHECK(stepper.step_length() == 1.0);
}

TEST_CASE("lbfgs_torch agrees with torch.optim.LBFGS.step call by call") {
  // Values printed by a literal Python transcription of torch.optim.LBFGS.step (torch 1.13,
  // no line search, `ys > tolerance_ys`) run on this quadratic in Python floats.
  SUBCASE("lr 0.5, max_iter 4, history_size 2: freezes at call 5") {
    check_against_reference(
        options_with(0.5, 4, 2), Eigen::VectorXd::Zero(3),
        {
            {1, 0.0, {0.42597033877536494, -0.7585574323233647, -0.030821355699810704}, 4, 4},
            {2,
             -1.042086385684716,
             {0.46654241540732283, -0.831897839387801, -0.07439300832903248},
             8,
             8},
            {3,
             -1.0506156625198102,
             {0.4682632108519667, -0.8352766876028352, -0.07589392412829156},
             12,
             12},
            {4,
             -1.0506328724824308,
             {0.4683501818129308, -0.8354344521893201, -0.07594760596578755},
             16,
             16},
            {5,
             -1.0506329112904078,
             {0.4683501818129308, -0.8354344521893201, -0.07594760596578755},
             17,
             17},
            {6,
             -1.0506329112904078,
             {0.4683501818129308, -0.8354344521893201, -0.07594760596578755},
             18,
             18},
        });
  }
  SUBCASE("the author's defaults (lr 1e-3, 20 iterations per call, history 100)") {
    check_against_reference(
        LbfgsTorchOptions{}, Eigen::VectorXd::Zero(3),
        {
            {1, 0.0, {0.009059357205402439, -0.01623701650971007, -0.0011134253433856848}, 20, 20},
            {2,
             -0.04057701261778596,
             {0.018158326143167286, -0.03246651856013717, -0.0025960312021032312},
             40,
             40},
            {3,
             -0.08020129589759473,
             {0.027077215484678663, -0.04837439837351129, -0.004049244774581201},
             60,
             60},
        });
  }
  SUBCASE("lr 1, max_iter 20, max_eval 7, history_size 3") {
    LbfgsTorchOptions options = options_with(1.0, 20, 3);
    options.max_eval = 7;
    check_against_reference(
        options, Eigen::Vector3d(2.0, -1.0, 0.5),
        {
            {1, 4.25, {0.4684429918545849, -0.8354683199659332, -0.07591156907355583}, 6, 7},
            {2,
             -1.0506328934061586,
             {0.46835466037899265, -0.8354439250114755, -0.07594985432716361},
             9,
             10},
            {3,
             -1.050632911391358,
             {0.46835466037899265, -0.8354439250114755, -0.07594985432716361},
             10,
             11},
        });
  }
}

TEST_CASE("the memory keeps the newest history_size pairs and the direction is -H g") {
  // max_iter 1: every call evaluates g at the new point, forms the pair of the previous
  // step and takes one step, so the callback sees every iterate.
  ReferenceQuadratic objective;
  const int history_size = 2;
  LbfgsTorchStepper stepper(options_with(0.3, 1, history_size), 3);
  Eigen::VectorXd parameters = Eigen::Vector3d(1.0, 1.0, 1.0);
  std::vector<Eigen::VectorXd> iterates{parameters};
  std::vector<Eigen::VectorXd> gradients;
  for (int call = 1; call <= 7; ++call) {
    INFO("call " << call);
    stepper.step(objective, parameters);
    Eigen::VectorXd gradient(3);
    double value = 0.0;
    objective.evaluate(iterates.back().data(), &value, gradient.data());
    gradients.push_back(gradient);
    CHECK(stepper.gradient() == gradient);
    iterates.push_back(parameters);

    // Pairs are formed from call 2 on (pair k from the step of call k-1), capped.
    const int expected_length = std::min(call - 1, history_size);
    REQUIRE(stepper.history_length() == expected_length);
    for (int i = 0; i < expected_length; ++i) {
      // Memory index i holds the pair of the step taken in call (call - expected_length + i).
      const int step_call = call - expected_length + i;
      const Eigen::VectorXd y = gradients[step_call] - gradients[step_call - 1];
      const Eigen::VectorXd s = iterates[step_call] - iterates[step_call - 1];
      CHECK(stepper.history_y(i) == y);  // exact: the same subtraction
      // s = t d; the difference of the iterates rounds at the scale of the iterates.
      CHECK((stepper.history_s(i) - s).lpNorm<Eigen::Infinity>() <=
            1e-15 * iterates[step_call].lpNorm<Eigen::Infinity>());
    }
    if (expected_length > 0) {
      const Eigen::VectorXd newest_y = stepper.history_y(expected_length - 1);
      const Eigen::VectorXd newest_s = stepper.history_s(expected_length - 1);
      CHECK(stepper.h_diag() ==
            doctest::Approx(newest_y.dot(newest_s) / newest_y.dot(newest_y)).epsilon(1e-15));
    }
    // The two-loop recursion equals the dense BFGS matrix of exactly these pairs.
    const Eigen::VectorXd expected_direction = -dense_inverse_hessian(stepper) * gradient;
    CHECK(max_relative_difference(stepper.direction(), expected_direction) < 1e-13);
  }
}

TEST_CASE("a pair with y.s <= tolerance_ys is skipped") {
  SUBCASE("a linear objective: y = 0, the memory stays empty and d = -g") {
    Linear objective(Eigen::Vector2d(0.5, -0.25));
    LbfgsTorchOptions options = options_with(0.5, 3);
    options.max_eval = 10;
    LbfgsTorchStepper stepper(options, 2);
    Eigen::VectorXd parameters = Eigen::Vector2d::Zero();
    for (int call = 1; call <= 2; ++call) {
      const LbfgsTorchStepper::CallResult call_result = stepper.step(objective, parameters);
      CHECK(call_result.end == CallEnd::kMaxIter);
      CHECK(stepper.history_length() == 0);
      CHECK(stepper.h_diag() == 1.0);
      CHECK(stepper.direction() == Eigen::Vector2d(-0.5, 0.25));
    }
    CHECK(parameters == Eigen::Vector2d(-1.5, 0.75));  // 6 steps of 0.5 d, exact
  }
  SUBCASE("a threshold above every y.s: fixed-step steepest descent") {
    ReferenceQuadratic objective;
    LbfgsTorchOptions options = options_with(0.1, 5);
    options.tolerance_ys = 1e3;
    LbfgsTorchStepper stepper(options, 3);
    Eigen::VectorXd parameters = Eigen::Vector3d(1.0, 1.0, 1.0);
    Eigen::VectorXd expected = parameters;
    Eigen::VectorXd gradient(3);
    double value = 0.0;
    bool first = true;
    for (int call = 1; call <= 3; ++call) {
      stepper.step(objective, parameters);
      for (int it = 0; it < 5; ++it) {
        objective.evaluate(expected.data(), &value, gradient.data());
        const double t = first ? std::min(1.0, 1.0 / gradient.lpNorm<1>()) * 0.1 : 0.1;
        first = false;
        expected += t * (-gradient);
      }
      CHECK(stepper.history_length() == 0);
      CHECK(stepper.h_diag() == 1.0);
      CHECK(max_relative_difference(parameters, expected) < 1e-15);
    }
  }
  SUBCASE("with tolerance_ys = 1e-10 (torch's constant) a tiny curvature pair is dropped") {
    // f = ½ ε x², ε = 1e-12, from x = 1e4: g = 1e-8, the first step is s = -1e-8 and
    // y·s = ε s² = 1e-28, below torch's 1e-10 but above pykan's 1e-32.
    class Flat final : public TestObjective {
     public:
      Flat() : TestObjective(1) {}

     protected:
      double compute(const Eigen::Ref<const Eigen::VectorXd>& x,
                     Eigen::VectorXd* gradient) const override {
        if (gradient != nullptr) *gradient = 1e-12 * x;
        return 0.5e-12 * x[0] * x[0];
      }
    } objective;
    for (const double tolerance_ys : {1e-32, 1e-10}) {
      INFO("tolerance_ys = " << tolerance_ys);
      LbfgsTorchOptions options = options_with(1.0, 2);
      options.tolerance_ys = tolerance_ys;
      options.tolerance_grad = 0.0;
      options.tolerance_change = 0.0;
      options.max_eval = 10;
      LbfgsTorchStepper stepper(options, 1);
      Eigen::VectorXd parameters = Eigen::VectorXd::Constant(1, 1e4);
      stepper.step(objective, parameters);
      CHECK(stepper.history_length() == (tolerance_ys < 1e-20 ? 1 : 0));
    }
  }
}

TEST_CASE("g.d > -tolerance_change ends a call before the update, and the optimiser freezes") {
  // f = ½x² from x = 1 with lr 0.5: the first step is 0.5 (|g|_1 = 1), and every pair has
  // y = s, so H = 1 and each iteration halves x exactly. Iteration i starts at x = 2^-(i-1)
  // with g.d = -4^-(i-1); iteration 16 starts at 2^-15 with g.d = -2^-30 = -9.3e-10 >
  // -1e-9 and stops before updating. (The loss changes checked before that, 1.5·4^-i for
  // i <= 15, are all >= 1e-9.)
  HalfSquare objective;
  LbfgsTorchStepper stepper(options_with(0.5, 20), 1);
  Eigen::VectorXd parameters = Eigen::VectorXd::Ones(1);
  const LbfgsTorchStepper::CallResult first = stepper.step(objective, parameters);
  CHECK(first.end == CallEnd::kDirectionalDerivative);
  CHECK(first.loss == 0.5);
  CHECK(first.iterations == 16);
  CHECK(first.evaluations == 16);
  CHECK(first.updated);
  CHECK(parameters[0] == std::ldexp(1.0, -15));
  CHECK(stepper.n_iter() == 16);
  CHECK(stepper.func_evals() == 16);
  CHECK(stepper.evaluated_at_result());
  const int memory = stepper.history_length();
  CHECK(memory == 15);

  // Frozen: the same point, y = 0 (no memory update), the same d, the same break; one
  // iteration and one evaluation per call, for good.
  for (int call = 2; call <= 5; ++call) {
    INFO("call " << call);
    const LbfgsTorchStepper::CallResult frozen = stepper.step(objective, parameters);
    CHECK(frozen.end == CallEnd::kDirectionalDerivative);
    CHECK(frozen.loss == std::ldexp(1.0, -31));
    CHECK(frozen.iterations == 1);
    CHECK(frozen.evaluations == 1);
    CHECK_FALSE(frozen.updated);
    CHECK(parameters[0] == std::ldexp(1.0, -15));
    CHECK(stepper.history_length() == memory);
    CHECK(stepper.n_iter() == 15 + call);
    CHECK(stepper.func_evals() == 15 + call);
  }
}

TEST_CASE("a frozen run does all its epochs and says since when it is frozen") {
  HalfSquare objective;
  LbfgsTorchOptions options = options_with(0.5, 20);
  options.epochs = 5;
  LbfgsTorch optimizer(options);
  Eigen::VectorXd parameters = Eigen::VectorXd::Ones(1);
  EpochLog log;
  const OptimizationSummary summary = optimizer.minimize(objective, parameters, log.recorder());
  CHECK(summary.termination == Termination::kEpochs);
  CHECK(summary.epochs == 5);
  CHECK(summary.message ==
        "ran all 5 epochs; frozen (g.d > -tolerance_change), parameters unchanged since epoch 2 "
        "(n_iter = 20, func_evals = 20)");
  CHECK(optimizer.n_iter() == 20);
  CHECK(optimizer.func_evals() == 20);
  // The last evaluation was at the returned point: no extra evaluation for final_value.
  CHECK(summary.objective_evaluations == 20);
  CHECK(objective.evaluations == 20);
  CHECK(summary.final_value == std::ldexp(1.0, -31));
  // objective_value is f at the start of each call.
  CHECK(log.objective_values == std::vector<double>{0.5, std::ldexp(1.0, -31), std::ldexp(1.0, -31),
                                                    std::ldexp(1.0, -31), std::ldexp(1.0, -31)});
}

TEST_CASE("a gradient below tolerance_grad returns at once: no iteration, no update") {
  HalfSquare objective;
  LbfgsTorchOptions options;
  options.epochs = 3;
  LbfgsTorch optimizer(options);
  Eigen::VectorXd parameters = Eigen::VectorXd::Constant(1, 1e-8);
  const OptimizationSummary summary = optimizer.minimize(objective, parameters, {});
  CHECK(summary.termination == Termination::kEpochs);
  CHECK(parameters[0] == 1e-8);
  CHECK(optimizer.n_iter() == 0);
  CHECK(optimizer.func_evals() == 3);
  CHECK(summary.objective_evaluations == 3);
  CHECK(summary.message ==
        "ran all 3 epochs; max |gradient| <= tolerance_grad, parameters unchanged since epoch 1 "
        "(n_iter = 0, func_evals = 3)");
  REQUIRE(optimizer.stepper() != nullptr);
  CHECK(optimizer.stepper()->history_length() == 0);
}

TEST_CASE("max_eval ends a call after that many evaluations") {
  // lr 1e-3 keeps every other rule quiet; 3 evaluations = the initial one and two after the
  // first two updates, so each call does 2 iterations.
  ReferenceQuadratic objective;
  LbfgsTorchOptions options = options_with(1e-3, 20);
  options.max_eval = 3;
  LbfgsTorchStepper stepper(options, 3);
  Eigen::VectorXd parameters = Eigen::VectorXd::Zero(3);
  for (int call = 1; call <= 3; ++call) {
    const LbfgsTorchStepper::CallResult result = stepper.step(objective, parameters);
    CHECK(result.end == CallEnd::kMaxEval);
    CHECK(result.iterations == 2);
    CHECK(result.evaluations == 3);
    CHECK(stepper.evaluated_at_result());
  }
  CHECK(stepper.n_iter() == 6);
  CHECK(stepper.func_evals() == 9);

  // max_eval below 2 still allows one update per call (the check comes after the update).
  options.max_eval = 1;
  LbfgsTorchStepper single(options, 3);
  parameters.setZero();
  const LbfgsTorchStepper::CallResult result = single.step(objective, parameters);
  CHECK(result.end == CallEnd::kMaxEval);
  CHECK(result.iterations == 1);
  CHECK(result.evaluations == 2);

  // PyTorch's default max_eval = max_iter * 5 / 4 is 2 for max_iter = 2: one iteration.
  LbfgsTorchStepper two(options_with(1e-3, 2), 3);
  parameters.setZero();
  const LbfgsTorchStepper::CallResult short_call = two.step(objective, parameters);
  CHECK(short_call.end == CallEnd::kMaxEval);
  CHECK(short_call.iterations == 1);
}

TEST_CASE("the other stopping rules of a call") {
  SUBCASE("max |t d| <= tolerance_change") {
    Linear objective(Eigen::Vector2d(0.5, -0.25));
    LbfgsTorchOptions options = options_with(1e-9, 20);
    options.tolerance_change = 1e-9;
    LbfgsTorchStepper stepper(options, 2);
    Eigen::VectorXd parameters = Eigen::Vector2d::Zero();
    // g.d = -0.3125 passes; max |t d| = 0.5e-9 <= 1e-9 after the first update.
    const LbfgsTorchStepper::CallResult result = stepper.step(objective, parameters);
    CHECK(result.end == CallEnd::kSmallStep);
    CHECK(result.iterations == 1);
    CHECK(result.evaluations == 2);
  }
  SUBCASE("|loss change| < tolerance_change") {
    Linear objective(Eigen::Vector2d(0.5, -0.25));
    LbfgsTorchOptions options = options_with(1e-6, 20);
    options.tolerance_change = 1e-6;  // |Δf| = t |g|² = 3.1e-7, max |t d| = 5e-7: both small
    LbfgsTorchStepper stepper(options, 2);
    Eigen::VectorXd parameters = Eigen::Vector2d::Zero();
    CHECK(stepper.step(objective, parameters).end == CallEnd::kSmallStep);  // checked first
    options.tolerance_change = 4e-7;  // max |t d| = 5e-7 > 4e-7, |Δf| = 3.1e-7 < 4e-7
    LbfgsTorchStepper second(options, 2);
    parameters.setZero();
    const LbfgsTorchStepper::CallResult result = second.step(objective, parameters);
    CHECK(result.end == CallEnd::kSmallLossChange);
    CHECK(result.iterations == 1);
  }
  SUBCASE("max |g| <= tolerance_grad after an update") {
    // ½x² from 1 with lr 1: the first step (t = 1) lands on 0 exactly.
    HalfSquare objective;
    LbfgsTorchStepper stepper(options_with(1.0, 20), 1);
    Eigen::VectorXd parameters = Eigen::VectorXd::Ones(1);
    const LbfgsTorchStepper::CallResult result = stepper.step(objective, parameters);
    CHECK(result.end == CallEnd::kOptimality);
    CHECK(parameters[0] == 0.0);
    CHECK(stepper.step(objective, parameters).end == CallEnd::kGradientTolerance);
    CHECK(stepper.n_iter() == 1);
    CHECK(stepper.func_evals() == 3);
  }
}

TEST_CASE("state persists over the epochs of one minimize() call and not beyond") {
  // Two runs of 3 epochs from the same start are identical, and equal the first 3 calls of
  // the Python reference with the default options.
  ReferenceQuadratic objective;
  LbfgsTorchOptions options;
  options.epochs = 3;
  LbfgsTorch optimizer(options);
  std::vector<double> first_values;
  for (int run = 0; run < 2; ++run) {
    Eigen::VectorXd parameters = Eigen::VectorXd::Zero(3);
    EpochLog log;
    const OptimizationSummary summary = optimizer.minimize(objective, parameters, log.recorder());
    CHECK(summary.termination == Termination::kEpochs);
    CHECK(summary.message == "ran all 3 epochs (n_iter = 60, func_evals = 60)");
    CHECK(optimizer.n_iter() == 60);
    CHECK(optimizer.func_evals() == 60);
    // The last call ended at max_iter: one more evaluation for final_value.
    CHECK(summary.objective_evaluations == 61);
    CHECK(log.epochs == std::vector<int>{1, 2, 3});
    CHECK(log.objective_values[0] == 0.0);
    CHECK(log.objective_values[1] == doctest::Approx(-0.04057701261778596).epsilon(1e-14));
    CHECK(log.objective_values[2] == doctest::Approx(-0.08020129589759473).epsilon(1e-14));
    CHECK(summary.final_value == doctest::Approx(objective.value_at(parameters)).epsilon(1e-15));
    if (run == 0) {
      first_values = log.objective_values;
    } else {
      CHECK(log.objective_values == first_values);
    }
  }
}

TEST_CASE("the counters are live inside the callback") {
  ReferenceQuadratic objective;
  LbfgsTorchOptions options;
  options.epochs = 4;
  LbfgsTorch optimizer(options);
  Eigen::VectorXd parameters = Eigen::VectorXd::Zero(3);
  std::vector<long> iterations;
  optimizer.minimize(objective, parameters, [&](const EpochState&) {
    iterations.push_back(optimizer.n_iter());
    return true;
  });
  CHECK(iterations == std::vector<long>{20, 40, 60, 80});
}

TEST_CASE("a failing evaluation inside a call restores the last successful point") {
  // Default options, 20 evaluations per call: evaluation 27 fails in call 2, after its
  // 6th update; the last good point is where evaluation 26 succeeded.
  ReferenceQuadratic inner;
  FailingAfter objective(inner, 26);
  LbfgsTorchOptions options;
  options.epochs = 10;
  LbfgsTorch optimizer(options);
  Eigen::VectorXd parameters = Eigen::VectorXd::Zero(3);
  EpochLog log;
  const OptimizationSummary summary = optimizer.minimize(objective, parameters, log.recorder());
  CHECK(summary.termination == Termination::kFailed);
  CHECK(summary.epochs == 1);
  CHECK(log.epochs == std::vector<int>{1});
  CHECK(summary.objective_evaluations == 27);
  CHECK(objective.evaluations == 27);
  CHECK(optimizer.func_evals() == 26);
  CHECK(summary.message ==
        "objective evaluation failed (non-finite value or gradient) in epoch 2; returned the "
        "parameters of the last successful evaluation (n_iter = 26, func_evals = 26)");
  CHECK(summary.final_value == inner.value_at(parameters));
  CHECK(parameters != log.parameters.back());  // a point inside call 2
}

TEST_CASE("an exception thrown by the objective leaves the last reported parameters") {
  ReferenceQuadratic inner;
  ThrowingAt objective(inner, 30);  // in call 2
  LbfgsTorch optimizer(LbfgsTorchOptions{});
  Eigen::VectorXd parameters = Eigen::VectorXd::Zero(3);
  EpochLog log;
  CHECK_THROWS_WITH_AS(optimizer.minimize(objective, parameters, log.recorder()),
                       "objective exploded", std::runtime_error);
  REQUIRE(log.parameters.size() == 1);
  CHECK(parameters == log.parameters.back());
}

TEST_CASE("lbfgs_torch rejects a start vector of the wrong size") {
  ReferenceQuadratic objective;
  LbfgsTorch optimizer(LbfgsTorchOptions{});
  Eigen::VectorXd parameters = Eigen::VectorXd::Zero(4);
  CHECK_THROWS_WITH_AS(optimizer.minimize(objective, parameters, {}),
                       "lbfgs_torch: the start vector has 4 entries but the objective has 3 "
                       "parameters",
                       hnn::Error);
  LbfgsTorchStepper stepper(LbfgsTorchOptions{}, 3);
  CHECK_THROWS_WITH_AS(stepper.step(objective, parameters), doctest::Contains("has 4 entries"),
                       hnn::Error);
  CHECK_THROWS_WITH_AS(LbfgsTorchStepper(LbfgsTorchOptions{}, 0), doctest::Contains("at least 1"),
                       hnn::Error);
}

TEST_CASE("lbfgs_torch does not allocate per epoch, also once the memory is full") {
  // history_size 5 is full after the first call; 20 iterations per call wrap the ring
  // buffer many times.
  AllocationFreeQuadratic objective;
  Eigen::VectorXd parameters = Eigen::VectorXd::Zero(50);
  std::vector<long> calls_at_epoch;
  calls_at_epoch.reserve(50);
  const EpochCallback count = [&](const EpochState&) {
    calls_at_epoch.push_back(hnn::testing::allocations.load());
    return true;
  };
  const auto lbfgs = plugins().optimizer(
      "lbfgs_torch", {{"epochs", std::int64_t{50}}, {"history_size", std::int64_t{5}}});
  const OptimizationSummary summary = lbfgs->minimize(objective, parameters, count);
  INFO(summary.message);
  REQUIRE(calls_at_epoch.size() == 50);
  CHECK(calls_at_epoch.front() > 0);  // the interposition works
  CHECK(calls_at_epoch.back() == calls_at_epoch.front());
}

}  // namespace hnn::testing
