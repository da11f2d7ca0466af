// The pendulum system: H = 3 (1 - cos q) + p^2 by default (spec/hnn.md section 4.2), its
// gradient, energy conservation, the exact period, and the original HNN pendulum dataset.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "hnn/trajectory_dataset.h"
#include "system_plugins.h"

namespace {

using hnn::testing::plugins;

void check_close(double actual, double expected, double tolerance) {
  CAPTURE(actual);
  CAPTURE(expected);
  CHECK(std::abs(actual - expected) <= tolerance);
}

}  // namespace

TEST_CASE("pendulum: H = 3 (1 - cos q) + p^2 with the defaults, and its gradient") {
  const auto pendulum = plugins().system("pendulum");
  CHECK(pendulum->degrees_of_freedom() == 1);
  CHECK(pendulum->coordinate_names() == std::vector<std::string>{"q", "p"});
  CHECK(pendulum->exact_hamiltonian() == "3*(1 - cos(q)) + p^2");
  for (const auto& [q, p] : {std::pair{0.3, -1.2}, std::pair{2.5, 0.7}, std::pair{-4.0, 0.0}}) {
    Eigen::VectorXd x(2);
    x << q, p;
    CHECK(pendulum->hamiltonian(x) == doctest::Approx(3.0 * (1.0 - std::cos(q)) + p * p));
    Eigen::VectorXd field(2);
    hnn::hamiltonian_field(*pendulum, x, field);
    CHECK(field[0] == 2.0 * p);             // dq/dt = 2p
    CHECK(field[1] == -3.0 * std::sin(q));  // dp/dt = -3 sin q
  }
  hnn::testing::check_gradient_at_samples(*pendulum, 3, 20);

  // Other parameters: H = m g l (1 - cos q) + p^2 / (2 m l^2).
  const auto other = plugins().system("pendulum", {{"m", 2.0}, {"l", 0.5}, {"g", 9.81}});
  Eigen::VectorXd x(2);
  x << 0.4, 0.9;
  CHECK(other->hamiltonian(x) ==
        doctest::Approx(2.0 * 9.81 * 0.5 * (1.0 - std::cos(0.4)) + 0.81 / (2.0 * 2.0 * 0.25)));
  CHECK(other->exact_hamiltonian() == "9.81*(1 - cos(q)) + p^2");
  hnn::testing::check_gradient_at_samples(*other, 4, 5);
}

TEST_CASE("pendulum: sampled states lie at phase-space radius in [1.3, 2.3)") {
  const auto pendulum = plugins().system("pendulum");
  hnn::NumpyLegacyRandom random(0);
  hnn::NumpyLegacyRandom replay(0);
  Eigen::VectorXd x(2);
  for (int i = 0; i < 100; ++i) {
    pendulum->sample_initial_state(random, x);
    const double u_q = replay.uniform() * 2.0 - 1.0, u_p = replay.uniform() * 2.0 - 1.0;
    const double radius = replay.uniform() + 1.3;
    CHECK(x.norm() >= 1.3 - 1e-12);
    CHECK(x.norm() < 2.3);
    CHECK(x.norm() == doctest::Approx(radius).epsilon(1e-14));
    CHECK(x[0] * u_p == doctest::Approx(x[1] * u_q).epsilon(1e-12));  // same direction
  }
}

TEST_CASE("pendulum: energy is conserved by gauss_legendre and rk45") {
  const auto pendulum = plugins().system("pendulum");
  Eigen::VectorXd x0(2);
  x0 << 2.1, 0.0;  // the evaluation start of the original analysis
  // Symplectic: bounded energy error over ~400 periods.
  const auto gauss =
      plugins().integrator("gauss_legendre", {{"stages", std::int64_t{2}}, {"step", 0.02}});
  const Eigen::MatrixXd long_path = gauss->integrate(hnn::testing::true_field(*pendulum), x0,
                                                     hnn::testing::times_between(0, 1000, 2001));
  const double symplectic_error = hnn::testing::energy_error(*pendulum, long_path);
  MESSAGE("gauss_legendre (order 4, h = 0.02) over t in [0, 1000]: max |H - H0| = "
          << symplectic_error);
  CHECK(symplectic_error <= 1e-6);
  const Eigen::MatrixXd late = long_path.rightCols(1000);
  CHECK(hnn::testing::energy_error(*pendulum, late) <= 1e-6);  // no drift

  const auto rk45 = plugins().integrator("rk45", {{"rtol", 1e-12}, {"atol", 1e-12}});
  const Eigen::MatrixXd path = rk45->integrate(hnn::testing::true_field(*pendulum), x0,
                                               hnn::testing::times_between(0, 100, 201));
  const double rk45_error = hnn::testing::energy_error(*pendulum, path);
  MESSAGE("rk45 (rtol = atol = 1e-12) over t in [0, 100]: max |H - H0| = " << rk45_error);
  CHECK(rk45_error <= 1e-9);
}

TEST_CASE("pendulum: the period is 4 K(sin(q0/2)) / sqrt(6), 2 pi / sqrt(6) for small q0") {
  // q'' = 2 p' = -6 sin q: omega_0 = sqrt(6); from rest at q0 the exact period is
  // 4 K(k) / omega_0 with k = sin(q0 / 2) (K the complete elliptic integral of the first kind).
  const auto pendulum = plugins().system("pendulum");
  const auto rk45 = plugins().integrator("rk45", {{"rtol", 1e-12}, {"atol", 1e-12}});
  for (const double q0 : {1e-3, 0.5, 2.1, 3.0}) {
    CAPTURE(q0);
    const double period = 4.0 * std::comp_ellint_1(std::sin(q0 / 2.0)) / std::sqrt(6.0);
    if (q0 == 1e-3) CHECK(period == doctest::Approx(2.0 * std::numbers::pi / std::sqrt(6.0)));
    Eigen::VectorXd x0(2);
    x0 << q0, 0.0;
    const Eigen::MatrixXd path = rk45->integrate(hnn::testing::true_field(*pendulum), x0,
                                                 {0.0, period / 2.0, period, 5.0 * period});
    CHECK(std::abs(path(0, 1) + q0) <= 1e-8 * std::max(1.0, q0));  // swung to -q0
    CHECK(std::abs(path(1, 1)) <= 1e-8);
    CHECK(std::abs(path(0, 2) - q0) <= 1e-8 * std::max(1.0, q0));  // back after one period
    CHECK(std::abs(path(1, 2)) <= 1e-8);
    CHECK(std::abs(path(0, 3) - q0) <= 1e-7 * std::max(1.0, q0));
  }
}

TEST_CASE("pendulum: the dataset of seed 0 reproduces the original HNN pendulum data (4.2)") {
  const auto pendulum = plugins().system("pendulum");
  const auto rk45 = plugins().integrator("rk45", {{"rtol", 1e-10}, {"atol", 1e-6}});
  hnn::NumpyLegacyRandom random(0);
  hnn::TrajectoryDatasetOptions options;
  options.trajectories = 50;
  options.time_span = {0.0, 3.0};
  options.points = 45;
  options.noise_std = 0.1;
  options.train_fraction = 0.5;
  const hnn::TrajectoryDataset data =
      hnn::generate_trajectory_dataset(*pendulum, *rk45, random, options);
  REQUIRE(data.train.size() == 1125);
  REQUIRE(data.test.size() == 1125);

  const Eigen::VectorXd sums = data.train.inputs.rowwise().sum();
  const double squares = data.train.inputs.array().square().sum();
  MESSAGE("pendulum seed 0: |train x sums - spec| = "
          << std::abs(sums[0] - -83.3693940355877) << ", " << std::abs(sums[1] - 5.60216514827133)
          << "; |sum x^2 - spec| = " << std::abs(squares - 3858.65309249093));
  constexpr double kTolerance = 1e-6;
  check_close(sums[0], -83.3693940355877, kTolerance);
  check_close(sums[1], 5.60216514827133, kTolerance);
  check_close(squares, 3858.65309249093, kTolerance);
  check_close(data.train.inputs(0, 0), 0.19409569887246791, 1e-12);
  check_close(data.train.inputs(1, 0), 1.75637757866446, 1e-12);
  check_close(data.train.targets(0, 0), 3.711241111660637, 1e-12);
  check_close(data.train.targets(1, 0), -1.225824292752084, 1e-12);
}
