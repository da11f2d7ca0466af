// The `owlqn` plugin: the exact L1 penalty (OWL-QN) against a problem with a known sparse
// minimum, what it reports, and how it ends.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <cmath>
#include <string>

#include "hnn/error.h"
#include "test_objectives.h"

namespace hnn::testing {
namespace {

const BundledPlugins& plugins() {
  static const BundledPlugins bundled;
  return bundled;
}

// f(x) = 1/2 sum_i w_i (x_i - b_i)^2. With the penalty c * sum |x_i| the minimum is the
// soft threshold x_i = sign(b_i) * max(|b_i| - c / w_i, 0): exact zeros where |b_i| <= c / w_i.
class WeightedDistance final : public TestObjective {
 public:
  WeightedDistance(Eigen::VectorXd weights, Eigen::VectorXd target)
      : TestObjective(int(weights.size())),
        weights_(std::move(weights)),
        target_(std::move(target)) {}

  Eigen::VectorXd soft_threshold(double c) const {
    Eigen::VectorXd x(target_.size());
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      const double shrunk = std::max(std::abs(target_[i]) - c / weights_[i], 0.0);
      x[i] = target_[i] < 0 ? -shrunk : shrunk;
    }
    return x;
  }

 protected:
  double compute(const Eigen::Ref<const Eigen::VectorXd>& x,
                 Eigen::VectorXd* gradient) const override {
    const Eigen::VectorXd difference = x - target_;
    if (gradient != nullptr) *gradient = weights_.cwiseProduct(difference);
    return 0.5 * weights_.dot(difference.cwiseAbs2());
  }

 private:
  Eigen::VectorXd weights_, target_;
};

WeightedDistance sparse_problem() {
  Eigen::VectorXd weights(6), target(6);
  weights << 1.0, 2.0, 0.5, 4.0, 1.0, 3.0;
  target << 0.9, -0.05, 0.3, 1.5, -0.01, -0.7;
  return WeightedDistance(weights, target);
}

}  // namespace

TEST_CASE("owlqn minimises f + c |x|_1 exactly: the soft threshold, with exact zeros") {
  WeightedDistance objective = sparse_problem();
  const double c = 0.2;
  const Eigen::VectorXd expected = objective.soft_threshold(c);
  REQUIRE((expected.array() == 0.0).count() == 3);  // entries 1, 2 and 4 are pruned
  Eigen::VectorXd parameters = Eigen::VectorXd::Constant(6, 0.5);
  const auto owlqn = plugins().optimizer("owlqn", {{"epochs", std::int64_t{200}}});
  owlqn->set_l1(c);
  EpochLog log;
  const OptimizationSummary summary = owlqn->minimize(objective, parameters, log.recorder());
  INFO(to_string(summary.termination) << ": " << summary.message);
  CHECK(summary.termination != Termination::kFailed);
  CHECK((parameters - expected).lpNorm<Eigen::Infinity>() < 1e-10);
  for (Eigen::Index i = 0; i < 6; ++i) {
    if (expected[i] == 0.0) CHECK(parameters[i] == 0.0);  // exactly, not near
  }
  // The reported values include the L1 term, at the reported parameters.
  const double exact_objective = objective.value_at(parameters) + c * parameters.lpNorm<1>();
  CHECK(summary.final_value == doctest::Approx(exact_objective).epsilon(1e-14));
  REQUIRE_FALSE(log.objective_values.empty());
  CHECK(log.objective_values.back() == summary.final_value);
  CHECK(log.parameters.back() == parameters);
}

TEST_CASE("without an L1 weight owlqn is plain L-BFGS and does not prune") {
  WeightedDistance objective = sparse_problem();
  Eigen::VectorXd parameters = Eigen::VectorXd::Constant(6, 0.5);
  const OptimizationSummary summary =
      plugins()
          .optimizer("owlqn", {{"epochs", std::int64_t{200}}, {"gradient_tolerance", 1e-12}})
          ->minimize(objective, parameters, {});
  CHECK(summary.termination == Termination::kConverged);
  CHECK(summary.message.rfind("gradient tolerance reached", 0) == 0);
  CHECK((parameters - objective.soft_threshold(0.0)).lpNorm<Eigen::Infinity>() < 1e-10);
}

TEST_CASE("owlqn ends at a minimum it cannot improve as stalled, naming libLBFGS's status") {
  // Tolerances off: the run can only end when the line search finds no lower point.
  WeightedDistance objective = sparse_problem();
  Eigen::VectorXd parameters = Eigen::VectorXd::Constant(6, 0.5);
  const auto owlqn = plugins().optimizer("owlqn", {{"epochs", std::int64_t{100000}}});
  owlqn->set_l1(0.2);
  const OptimizationSummary summary = owlqn->minimize(objective, parameters, {});
  INFO(summary.message);
  CHECK(summary.termination == Termination::kStalled);
  CHECK(summary.epochs < 100000);
  CHECK(summary.message.find("LBFGSERR_") != std::string::npos);
  CHECK((parameters - objective.soft_threshold(0.2)).lpNorm<Eigen::Infinity>() < 1e-10);
}

TEST_CASE("owlqn's function tolerance ends the run as converged") {
  // The minimum of f + c |x|_1 is positive, so the relative change goes to 0.
  WeightedDistance objective = sparse_problem();
  Eigen::VectorXd parameters = Eigen::VectorXd::Constant(6, 0.5);
  const auto owlqn =
      plugins().optimizer("owlqn", {{"epochs", std::int64_t{5000}}, {"function_tolerance", 1e-6}});
  owlqn->set_l1(0.2);
  const OptimizationSummary summary = owlqn->minimize(objective, parameters, {});
  INFO(summary.message);
  CHECK(summary.termination == Termination::kConverged);
  CHECK(summary.message.rfind("function tolerance reached", 0) == 0);
}

TEST_CASE("owlqn's memory: the first two iterates agree, the third uses the kept pairs") {
  const auto one = first_three_iterates(plugins(), "owlqn", 1);
  const auto five = first_three_iterates(plugins(), "owlqn", 5);
  REQUIRE(one.size() == 3);
  REQUIRE(five.size() == 3);
  CHECK(one[0] == five[0]);
  CHECK(one[1] == five[1]);
  CHECK((one[2] - five[2]).norm() > 1e-6);
  CHECK(first_three_iterates(plugins(), "owlqn", 5)[2] == five[2]);
}

TEST_CASE("owlqn's max_line_search: a line search that needs more trials ends the run") {
  // Rosenbrock's first steps need several trial points; one allowed is too few.
  const auto run = [&](std::int64_t trials) {
    Rosenbrock objective(2);
    Eigen::VectorXd parameters = objective.standard_start();
    return plugins()
        .optimizer("owlqn", {{"epochs", std::int64_t{50}}, {"max_line_search", trials}})
        ->minimize(objective, parameters, {});
  };
  const OptimizationSummary starved = run(1);
  INFO(starved.message);
  CHECK(starved.termination == Termination::kStalled);
  CHECK(starved.message.find("LBFGSERR_MAXIMUMLINESEARCH") != std::string::npos);
  const OptimizationSummary standard = run(40);
  CHECK(standard.epochs > starved.epochs);
}

TEST_CASE("owlqn refuses an L1 weight that is negative or not finite") {
  const auto owlqn = plugins().optimizer("owlqn");
  CHECK_THROWS_WITH_AS(owlqn->set_l1(-1e-5), doctest::Contains("finite and >= 0"), hnn::Error);
  CHECK_THROWS_WITH_AS(owlqn->set_l1(INFINITY), doctest::Contains("finite and >= 0"), hnn::Error);
}

}  // namespace hnn::testing
