// The L1 penalty of the objectives (hnn/internal/objective_terms.h): l1 * sum |theta_i|
// with the subgradient l1 * sign(theta_i), or with smoothing s > 0 the smooth
// l1 * sum (sqrt(theta_i^2 + s^2) - s) with the gradient l1 * theta_i / sqrt(theta_i^2 + s^2).
// Checked against values worked out by hand, against central differences written here, and
// through a HamiltonianObjective with training.l1 and l1_smoothing set (its own
// finite-difference check and its penalty part recomputed here).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "../mlp/mlp_test_support.h"
#include "hnn/gradient_check.h"
#include "hnn/hamiltonian_objective.h"
#include "hnn/internal/objective_terms.h"

namespace {

using hnn::internal::add_l1_penalty;
using hnn::testing::uniform_matrix;

// Entries of magnitude in [0.2, 1.2] with both signs: away from the kink of |t| at 0.
Eigen::VectorXd away_from_zero(Eigen::Index size, unsigned seed) {
  Eigen::VectorXd theta = uniform_matrix(size, 1, seed, -1.0, 1.0);
  for (Eigen::Index i = 0; i < size; ++i) {
    theta[i] += theta[i] >= 0.0 ? 0.2 : -0.2;
  }
  return theta;
}

// The second-order central difference of add_l1_penalty's value in every coordinate.
Eigen::VectorXd central_differences(double l1, const Eigen::VectorXd& theta, double smoothing) {
  constexpr double kStep = 1e-6;
  Eigen::VectorXd numeric(theta.size());
  for (Eigen::Index i = 0; i < theta.size(); ++i) {
    Eigen::VectorXd plus = theta, minus = theta;
    plus[i] += kStep;
    minus[i] -= kStep;
    numeric[i] = (add_l1_penalty(l1, plus, nullptr, smoothing) -
                  add_l1_penalty(l1, minus, nullptr, smoothing)) /
                 (2.0 * kStep);
  }
  return numeric;
}

}  // namespace

TEST_CASE("exact L1: l1 * sum |theta| and l1 * sign(theta), 0 at 0, added to the gradient") {
  const Eigen::Vector3d theta(3.0, -4.0, 0.0);
  Eigen::Vector3d gradient(1.0, 1.0, 1.0);
  // 2 * (3 + 4 + 0) = 14; the gradient gains 2 * (1, -1, 0).
  CHECK(add_l1_penalty(2.0, theta, gradient.data()) == doctest::Approx(14.0).epsilon(1e-15));
  CHECK(gradient[0] == doctest::Approx(3.0).epsilon(1e-15));
  CHECK(gradient[1] == doctest::Approx(-1.0).epsilon(1e-15));
  CHECK(gradient[2] == 1.0);
  CHECK(add_l1_penalty(0.0, theta, gradient.data(), 4.0) == 0.0);
  CHECK(gradient[0] == 3.0);
}

TEST_CASE("smoothed L1: l1 * sum (sqrt(theta^2 + s^2) - s) and l1 * theta / sqrt(theta^2 + s^2)") {
  // s = 4: sqrt(9 + 16) = 5, sqrt(16 + 16) = 4 sqrt 2, sqrt(0 + 16) = 4, so the value is
  // 2 * (1 + (4 sqrt 2 - 4) + 0) = 8 sqrt 2 - 6 and the gradient 2 * (3/5, -1/sqrt 2, 0).
  const Eigen::Vector3d theta(3.0, -4.0, 0.0);
  Eigen::Vector3d gradient(1.0, 1.0, 1.0);
  const double value = add_l1_penalty(2.0, theta, gradient.data(), 4.0);
  CHECK(value == doctest::Approx(8.0 * std::sqrt(2.0) - 6.0).epsilon(1e-14));
  CHECK(gradient[0] == doctest::Approx(1.0 + 1.2).epsilon(1e-15));
  CHECK(gradient[1] == doctest::Approx(1.0 - std::sqrt(2.0)).epsilon(1e-14));
  CHECK(gradient[2] == 1.0);
  // Within s of |t| (the header's promise), and |t| as s -> 0.
  const Eigen::VectorXd many = away_from_zero(20, 3);
  const double exact = add_l1_penalty(1.0, many, nullptr);
  CHECK(exact == doctest::Approx(many.lpNorm<1>()).epsilon(1e-15));
  for (double s : {0.5, 0.1, 1e-3}) {
    const double smooth = add_l1_penalty(1.0, many, nullptr, s);
    CHECK(smooth <= exact);
    CHECK(smooth >= exact - 20 * s);
  }
}

TEST_CASE("L1 gradient against central differences, smoothing 0 (away from 0) and > 0") {
  const Eigen::VectorXd theta = away_from_zero(30, 7);
  for (double smoothing : {0.0, 1e-3, 0.3, 2.0}) {
    CAPTURE(smoothing);
    const double l1 = 0.7;
    Eigen::VectorXd gradient = Eigen::VectorXd::Zero(theta.size());
    add_l1_penalty(l1, theta, gradient.data(), smoothing);
    const Eigen::VectorXd numeric = central_differences(l1, theta, smoothing);
    for (Eigen::Index i = 0; i < theta.size(); ++i) {
      CAPTURE(i);
      // The same derivative written out: l1 * t / sqrt(t^2 + s^2) (sign t for s = 0).
      const double t = theta[i];
      const double expected = l1 * t / std::sqrt(t * t + smoothing * smoothing);
      CHECK(gradient[i] == doctest::Approx(expected).epsilon(1e-14));
      CHECK(gradient[i] == doctest::Approx(numeric[i]).epsilon(1e-7));
    }
  }
}

TEST_CASE("a HamiltonianObjective with l1 and l1_smoothing: penalty value and FD gradient") {
  const auto model = hnn::testing::make_mlp({});
  Eigen::MatrixXd states, derivatives;
  hnn::testing::spring_like_data(16, 5, states, derivatives);
  // Parameters of the size of the smoothing, where theta / sqrt(theta^2 + s^2) and sign(theta)
  // differ most, all away from 0.
  const Eigen::VectorXd theta = 0.5 * away_from_zero(model->parameter_count(), 11);
  for (double smoothing : {0.0, 0.2}) {
    CAPTURE(smoothing);
    hnn::HamiltonianObjectiveOptions options;
    options.l1 = 0.05;
    options.l1_smoothing = smoothing;
    hnn::HamiltonianObjective objective(*model, states, derivatives, options);
    double loss = 0.0;
    REQUIRE(objective.evaluate(theta.data(), &loss, nullptr));
    double expected = 0.0;
    for (double t : theta) {
      expected +=
          smoothing > 0.0 ? std::sqrt(t * t + smoothing * smoothing) - smoothing : std::abs(t);
    }
    expected *= options.l1;
    CHECK(objective.last_parts().penalty == doctest::Approx(expected).epsilon(1e-13));
    CHECK(loss == doctest::Approx(objective.last_parts().data_loss + expected).epsilon(1e-13));
    const auto result = hnn::check_objective_gradient(objective, theta);
    CHECK_MESSAGE(result.passed(1e-7), result.report());
  }
}
