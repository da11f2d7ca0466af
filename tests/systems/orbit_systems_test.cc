// The two_body and three_body systems (spec/hnn.md sections 4.4, 4.5): gradients, the
// conservation of energy, momentum and angular momentum, the circular-orbit period, and the
// original two-body dataset.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <sstream>

#include "hnn/trajectory_dataset.h"
#include "system_plugins.h"

namespace {

using hnn::testing::plugins;

// Total momentum (x, y) and angular momentum of a planar state with `bodies` bodies, canonical
// order [qx..., qy..., px..., py...].
struct Invariants {
  double momentum_x = 0.0, momentum_y = 0.0, angular_momentum = 0.0;
};
Invariants invariants(const Eigen::VectorXd& x, int bodies) {
  Invariants result;
  for (int i = 0; i < bodies; ++i) {
    const double qx = x[i], qy = x[bodies + i], px = x[2 * bodies + i], py = x[3 * bodies + i];
    result.momentum_x += px;
    result.momentum_y += py;
    result.angular_momentum += qx * py - qy * px;
  }
  return result;
}

// Integrates from x0 and checks that H, the momentum and the angular momentum stay put.
void check_conservation(const hnn::System& system, int bodies, const Eigen::VectorXd& x0,
                        double horizon) {
  const auto rk45 = plugins().integrator("rk45", {{"rtol", 1e-12}, {"atol", 1e-12}});
  const Eigen::MatrixXd path = rk45->integrate(hnn::testing::true_field(system), x0,
                                               hnn::testing::times_between(0, horizon, 101));
  const double energy = system.hamiltonian(x0);
  const double error = hnn::testing::energy_error(system, path);
  CAPTURE(energy);
  CHECK(error <= 1e-9 * std::max(1.0, std::abs(energy)));
  const Invariants start = invariants(x0, bodies);
  double worst_momentum = 0.0, worst_angular = 0.0;
  for (Eigen::Index i = 0; i < path.cols(); ++i) {
    const Invariants now = invariants(path.col(i), bodies);
    worst_momentum = std::max({worst_momentum, std::abs(now.momentum_x - start.momentum_x),
                               std::abs(now.momentum_y - start.momentum_y)});
    worst_angular =
        std::max(worst_angular, std::abs(now.angular_momentum - start.angular_momentum));
  }
  CHECK(worst_momentum <= 1e-10);
  CHECK(worst_angular <= 1e-9);
}

// The section 4.4 checksums of a two-body dataset and their deviations from the spec.
struct Checksums {
  double worst_sum = 0.0, squares = 0.0, train_energy = 0.0, test_energy = 0.0;
  double worst_relative() const {
    return std::max({worst_sum / 11615.3430096501, squares / 197762.806199259,
                     train_energy / 7229.48013221264, test_energy / 1818.43412176703});
  }
  std::string report() const {
    std::ostringstream text;
    text << "max |train column sum - spec| = " << worst_sum << ", |sum x^2 - spec| = " << squares
         << ", |train energy sum - spec| = " << train_energy
         << ", |test energy sum - spec| = " << test_energy << " (max relative " << worst_relative()
         << ")";
    return text.str();
  }
};

Checksums checksums(const hnn::System& system, const hnn::TrajectoryDataset& data) {
  const double expected_sums[8] = {-11615.3430096501, 11615.3430096501,  4554.18938882035,
                                   -4554.18938882035, -1309.83990052292, 1309.83990052292,
                                   -2499.08560381097, 2499.08560381097};
  const Eigen::VectorXd sums = data.train.inputs.rowwise().sum();
  double train_energy = 0.0, test_energy = 0.0;
  for (Eigen::Index j = 0; j < data.train.size(); ++j)
    train_energy += system.hamiltonian(data.train.inputs.col(j));
  for (Eigen::Index j = 0; j < data.test.size(); ++j)
    test_energy += system.hamiltonian(data.test.inputs.col(j));
  Checksums result;
  for (int i = 0; i < 8; ++i)
    result.worst_sum = std::max(result.worst_sum, std::abs(sums[i] - expected_sums[i]));
  result.squares = std::abs(data.train.inputs.array().square().sum() - 197762.806199259);
  result.train_energy = std::abs(train_energy - -7229.48013221264);
  result.test_energy = std::abs(test_energy - -1818.43412176703);
  return result;
}

}  // namespace

TEST_CASE("two_body: H, gradient, state layout") {
  const auto system = plugins().system("two_body");
  CHECK(system->degrees_of_freedom() == 4);
  CHECK(system->coordinate_names() ==
        std::vector<std::string>{"qx1", "qx2", "qy1", "qy2", "px1", "px2", "py1", "py2"});
  Eigen::VectorXd x(8);
  x << 0.5, -1.0, 0.25, 1.0, 0.1, -0.2, 0.3, 0.4;
  const double distance = std::hypot(1.5, -0.75);
  CHECK(system->hamiltonian(x) ==
        doctest::Approx(0.5 * (0.01 + 0.09) + 0.5 * (0.04 + 0.16) - 1.0 / distance));
  // dx/dt = [v..., a...]: the original sample targets; a_1 = (r_2 - r_1) / |r_2 - r_1|^3.
  Eigen::VectorXd field(8);
  hnn::hamiltonian_field(*system, x, field);
  const double cube = distance * distance * distance;
  CHECK(field[0] == doctest::Approx(0.1));
  CHECK(field[3] == doctest::Approx(0.4));
  CHECK(field[4] == doctest::Approx(-1.5 / cube));
  CHECK(field[5] == doctest::Approx(1.5 / cube));
  CHECK(field[6] == doctest::Approx(0.75 / cube));
  CHECK(field[7] == doctest::Approx(-0.75 / cube));
  hnn::testing::check_gradient_at_samples(*system, 0, 20);
}

TEST_CASE("two_body: energy, momentum and angular momentum are conserved") {
  const auto system = plugins().system("two_body");
  hnn::NumpyLegacyRandom random(5);
  Eigen::VectorXd x0(8);
  for (int trial = 0; trial < 3; ++trial) {
    system->sample_initial_state(random, x0);
    check_conservation(*system, 2, x0, 50.0);
  }
  // Symplectic integration: bounded energy error over a long time.
  const auto gauss =
      plugins().integrator("gauss_legendre", {{"stages", std::int64_t{3}}, {"step", 0.05}});
  const Eigen::MatrixXd path = gauss->integrate(hnn::testing::true_field(*system), x0,
                                                hnn::testing::times_between(0, 1000, 1001));
  const double error = hnn::testing::energy_error(*system, path);
  MESSAGE("two_body, gauss_legendre (order 6, h = 0.05) over t in [0, 1000]: max |H - H0| = "
          << error << " (H0 = " << system->hamiltonian(x0) << ")");
  CHECK(error <= 1e-6);
}

TEST_CASE("two_body: a circular orbit of separation 2r has period 4 pi r^(3/2)") {
  const auto system = plugins().system("two_body", {{"orbit_noise", 0.0}});
  const auto rk45 = plugins().integrator("rk45", {{"rtol", 1e-12}, {"atol", 1e-12}});
  hnn::NumpyLegacyRandom random(2);
  Eigen::VectorXd x0(8);
  for (int trial = 0; trial < 3; ++trial) {
    system->sample_initial_state(random, x0);
    const double r = std::hypot(x0[0], x0[2]);
    const double period = 4.0 * std::numbers::pi * std::pow(r, 1.5);
    CAPTURE(r);
    const Eigen::MatrixXd path = rk45->integrate(hnn::testing::true_field(*system), x0,
                                                 {0.0, period / 4.0, period / 2.0, period});
    CHECK((path.col(3) - x0).norm() <= 1e-8);
    CHECK((path.col(2) + x0).norm() <= 1e-8);  // half a turn: every vector reversed
    // A quarter turn: still circular, body 1 at distance r.
    CHECK(std::hypot(path(0, 1), path(2, 1)) == doctest::Approx(r).epsilon(1e-9));
  }
}

TEST_CASE("two_body: sampled states are the original random_config (4.4)") {
  const auto system = plugins().system("two_body");
  hnn::NumpyLegacyRandom random(0);
  Eigen::VectorXd x(8);
  system->sample_initial_state(random, x);
  // The first test row of the original dataset (orbit 0, t = 0), to the last bit.
  const double expected[8] = {1.0488135039273248,  -1.0488135039273248, 1.2151893663724196,
                              -1.2151893663724196, -0.3133762445806374, 0.3133762445806374,
                              0.2704707975740104,  -0.2704707975740104};
  for (int i = 0; i < 8; ++i) {
    CAPTURE(i);
    CHECK(x[i] == expected[i]);
  }
  const Invariants start = invariants(x, 2);
  CHECK(start.momentum_x == 0.0);
  CHECK(start.momentum_y == 0.0);
}

TEST_CASE("two_body: the original 1000-orbit dataset (4.4), test = the first 20 %") {
  const auto system = plugins().system("two_body");
  const auto rk45 = plugins().integrator("rk45", {{"rtol", 1e-9}, {"atol", 1e-6}});
  hnn::NumpyLegacyRandom random(0);
  hnn::TrajectoryDatasetOptions options;
  options.trajectories = 1000;
  options.time_span = {0.0, 20.0};
  options.points = 50;
  options.noise_std = 0.0;
  options.draw_zero_noise = false;
  options.train_fraction = 0.8;
  options.test_first = true;
  const hnn::TrajectoryDataset data =
      hnn::generate_trajectory_dataset(*system, *rk45, random, options);
  REQUIRE(data.train.size() == 40000);
  REQUIRE(data.test.size() == 10000);
  CHECK(data.test.trajectory.front() == 0);
  CHECK(data.train.trajectory.front() == 200);
  CHECK(data.train.time.front() == 0.0);

  const double first_test[8] = {1.0488135039273248,  -1.0488135039273248, 1.2151893663724196,
                                -1.2151893663724196, -0.3133762445806374, 0.3133762445806374,
                                0.2704707975740104,  -0.2704707975740104};
  const double first_train[8] = {1.3620625958512074,  -1.3620625958512074,  0.5972579947876406,
                                 -0.5972579947876406, -0.18684299352615977, 0.18684299352615977,
                                 0.42610037035894,    -0.42610037035894};
  for (int i = 0; i < 8; ++i) {
    CAPTURE(i);
    CHECK(data.test.inputs(i, 0) == first_test[i]);
    CHECK(data.train.inputs(i, 0) == doctest::Approx(first_train[i]).epsilon(1e-15));
  }

  // The generic generator integrates the 8 canonical coordinates; the original integrates a
  // 10-number state (the two masses too, with derivative 0), so its RK45 error norm is the RMS
  // over 10 components, not 8. Since atol = 1e-6 dominates the tolerance, the step sizes and
  // the states differ at the 1e-6 level: the checksums agree to ~4e-6 relative only.
  const Checksums generic = checksums(*system, data);
  MESSAGE("two_body seed 0, generic generator (8-component RK45 norm): " << generic.report());
  CHECK(generic.worst_relative() <= 2e-5);

  // The original's integration replayed exactly: the same samples, integrated as the 10-number
  // state [m1, qx1, qy1, vx1, vy1, m2, qx2, qy2, vx2, vy2] with the same rk45.
  hnn::NumpyLegacyRandom replay(0);
  const std::vector<double> times = hnn::trajectory_times(options);
  const hnn::VectorField padded = [&system](double, const Eigen::VectorXd& s,
                                            Eigen::VectorXd& dsdt) {
    Eigen::VectorXd x(8), f(8);
    x << s[1], s[6], s[2], s[7], s[3], s[8], s[4], s[9];
    hnn::hamiltonian_field(*system, x, f);
    dsdt.resize(10);
    dsdt << 0.0, f[0], f[2], f[4], f[6], 0.0, f[1], f[3], f[5], f[7];
  };
  hnn::TrajectoryDataset original = data;  // same shapes and bookkeeping
  Eigen::VectorXd x0(8), s0(10);
  for (int orbit = 0; orbit < 1000; ++orbit) {
    system->sample_initial_state(replay, x0);
    s0 << 1.0, x0[0], x0[2], x0[4], x0[6], 1.0, x0[1], x0[3], x0[5], x0[7];
    const Eigen::MatrixXd states = rk45->integrate(padded, s0, times);
    for (int i = 0; i < 50; ++i) {
      const int row = orbit * 50 + i;
      hnn::TrajectorySamples& samples = row < 10000 ? original.test : original.train;
      const int column = row < 10000 ? row : row - 10000;
      const auto s = states.col(i);
      samples.inputs.col(column) << s[1], s[6], s[2], s[7], s[3], s[8], s[4], s[9];
    }
  }
  const Checksums exact = checksums(*system, original);
  MESSAGE("two_body seed 0, 10-component RK45 norm as the original: " << exact.report());
  CHECK(exact.worst_relative() <= 1e-9);
}

TEST_CASE("three_body: H, gradient, sampler, conservation") {
  const auto system = plugins().system("three_body");
  CHECK(system->degrees_of_freedom() == 6);
  CHECK(system->state_dimension() == 12);
  hnn::testing::check_gradient_at_samples(*system, 0, 20);

  hnn::NumpyLegacyRandom random(0);
  Eigen::VectorXd x(12);
  for (int trial = 0; trial < 20; ++trial) {
    system->sample_initial_state(random, x);
    // An equilateral triangle centred at 0 with circumradius r in [0.9, 1.2).
    const double r = std::hypot(x[0], x[3]);
    CHECK(r >= 0.9);
    CHECK(r < 1.2);
    CHECK(std::abs(x[0] + x[1] + x[2]) <= 1e-14);
    CHECK(std::abs(x[3] + x[4] + x[5]) <= 1e-14);
    for (int body = 1; body < 3; ++body) {
      CHECK(std::hypot(x[body], x[3 + body]) == doctest::Approx(r).epsilon(1e-14));
    }
    // Each velocity component within a factor 1 +- 0.2 of the circular orbit's.
    const double circular = std::pow(3.0, -0.25) / std::sqrt(r);
    for (int body = 0; body < 3; ++body) {
      CHECK(std::hypot(x[6 + body], x[9 + body]) <= 1.2 * circular * (1 + 1e-12));
      CHECK(std::hypot(x[6 + body], x[9 + body]) >= 0.8 * circular * (1 - 1e-12));
    }
  }
  // Chaotic and singular at collisions: check the invariants over the original t in [0, 5].
  hnn::NumpyLegacyRandom orbits(1);
  for (int trial = 0; trial < 3; ++trial) {
    system->sample_initial_state(orbits, x);
    check_conservation(*system, 3, x, 5.0);
  }
}

TEST_CASE("three_body: without noise the configuration rotates rigidly (circular orbits)") {
  const auto system = plugins().system("three_body", {{"orbit_noise", 0.0}});
  const auto rk45 = plugins().integrator("rk45", {{"rtol", 1e-12}, {"atol", 1e-12}});
  hnn::NumpyLegacyRandom random(3);
  Eigen::VectorXd x0(12);
  system->sample_initial_state(random, x0);
  const double r = std::hypot(x0[0], x0[3]);
  // Angular velocity of the circular Lagrange orbit: v / r with v = 3^(-1/4) / sqrt(r).
  const double period = 2.0 * std::numbers::pi * r / (std::pow(3.0, -0.25) / std::sqrt(r));
  const Eigen::MatrixXd path =
      rk45->integrate(hnn::testing::true_field(*system), x0, {0.0, period / 3.0, period});
  CHECK((path.col(2) - x0).norm() <= 1e-6);
  // After a third of a turn body 1 is where body 2 was.
  CHECK(path(0, 1) == doctest::Approx(x0[1]).epsilon(1e-6));
  CHECK(path(3, 1) == doctest::Approx(x0[4]).epsilon(1e-6));
}
