// The henon_heiles and double_pendulum systems: H against independent formulas, gradients,
// energy conservation (rk45 and the symplectic gauss_legendre), the sampler contracts, and the
// double pendulum's normal modes.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "hnn/error.h"
#include "system_plugins.h"

namespace {

using hnn::testing::plugins;

double henon_heiles_potential(double x, double y) {
  return 0.5 * (x * x + y * y) + x * x * y - y * y * y / 3.0;
}

void check_energy_conservation(const hnn::System& system, std::uint32_t seed, double horizon,
                               double long_horizon) {
  hnn::NumpyLegacyRandom random(seed);
  Eigen::VectorXd x0(system.state_dimension());
  system.sample_initial_state(random, x0);
  const auto rk45 = plugins().integrator("rk45", {{"rtol", 1e-12}, {"atol", 1e-12}});
  const Eigen::MatrixXd path = rk45->integrate(hnn::testing::true_field(system), x0,
                                               hnn::testing::times_between(0, horizon, 201));
  const double rk45_error = hnn::testing::energy_error(system, path);
  const auto gauss =
      plugins().integrator("gauss_legendre", {{"stages", std::int64_t{2}}, {"step", 0.01}});
  const Eigen::MatrixXd long_path = gauss->integrate(
      hnn::testing::true_field(system), x0, hnn::testing::times_between(0, long_horizon, 2001));
  const double symplectic_error = hnn::testing::energy_error(system, long_path);
  MESSAGE("H0 = " << system.hamiltonian(x0) << "; rk45 (1e-12) over [0, " << horizon
                  << "]: max |H - H0| = " << rk45_error << "; gauss_legendre (order 4, h = 0.01) "
                  << "over [0, " << long_horizon << "]: " << symplectic_error);
  CHECK(rk45_error <= 1e-9);
  CHECK(symplectic_error <= 1e-6);
  // Bounded, not drifting: the second half is no worse than twice the first half.
  const Eigen::Index half = long_path.cols() / 2;
  const double first_half = hnn::testing::energy_error(system, long_path.leftCols(half));
  Eigen::MatrixXd second(long_path.rows(), long_path.cols() - half + 1);
  second << long_path.col(0), long_path.rightCols(long_path.cols() - half);
  CHECK(hnn::testing::energy_error(system, second) <= 2.0 * first_half + 1e-12);
}

}  // namespace

TEST_CASE("henon_heiles: H, gradient, exact formula") {
  const auto system = plugins().system("henon_heiles");
  CHECK(system->coordinate_names() == std::vector<std::string>{"x", "y", "px", "py"});
  CHECK(system->exact_hamiltonian() == "(px^2 + py^2)/2 + (x^2 + y^2)/2 + (x^2*y - y^3/3)");
  Eigen::VectorXd s(4);
  s << 0.2, -0.3, 0.1, 0.25;
  CHECK(system->hamiltonian(s) ==
        doctest::Approx(0.5 * (0.01 + 0.0625) + henon_heiles_potential(0.2, -0.3)));
  Eigen::VectorXd field(4);
  hnn::hamiltonian_field(*system, s, field);
  CHECK(field[0] == doctest::Approx(0.1));
  CHECK(field[1] == doctest::Approx(0.25));
  CHECK(field[2] == doctest::Approx(-(0.2 + 2.0 * 0.2 * -0.3)));  // -(x + 2xy)
  CHECK(field[3] == doctest::Approx(-(-0.3 + 0.04 - 0.09)));      // -(y + x^2 - y^2)
  hnn::testing::check_gradient_at_samples(*system, 1, 20);
  const auto scaled = plugins().system(
      "henon_heiles", {{"lambda", 2.0}, {"energy", std::vector<double>{0.02, 0.03}}});
  hnn::testing::check_gradient_at_samples(*scaled, 2, 5);
}

TEST_CASE("henon_heiles: sampled states have energy in [E_min, E_max], inside the triangle") {
  const auto system =
      plugins().system("henon_heiles", {{"energy", std::vector<double>{0.1, 0.15}}});
  hnn::NumpyLegacyRandom random(4);
  Eigen::VectorXd s(4);
  for (int i = 0; i < 200; ++i) {
    system->sample_initial_state(random, s);
    const double energy = system->hamiltonian(s);
    CHECK(energy >= 0.1 - 1e-14);
    CHECK(energy < 0.15 + 1e-14);
    CHECK(s[1] > -0.5);
    CHECK(s[1] < 1.0 - std::sqrt(3.0) * std::abs(s[0]));
  }
  // A single shell: every state has exactly that energy.
  const auto shell =
      plugins().system("henon_heiles", {{"energy", std::vector<double>{0.125, 0.125}}});
  for (int i = 0; i < 20; ++i) {
    shell->sample_initial_state(random, s);
    CHECK(shell->hamiltonian(s) == doctest::Approx(0.125).epsilon(1e-13));
  }
}

TEST_CASE("henon_heiles: energy is conserved; orbits below the escape energy stay bounded") {
  const auto system = plugins().system("henon_heiles");
  check_energy_conservation(*system, 6, 200.0, 2000.0);
  const auto rk45 = plugins().integrator("rk45", {{"rtol", 1e-10}, {"atol", 1e-10}});
  hnn::NumpyLegacyRandom random(8);
  Eigen::VectorXd s0(4);
  system->sample_initial_state(random, s0);
  const Eigen::MatrixXd path = rk45->integrate(hnn::testing::true_field(*system), s0,
                                               hnn::testing::times_between(0, 500, 5001));
  for (Eigen::Index i = 0; i < path.cols(); ++i) {
    CHECK(path(1, i) > -0.5);
    CHECK(path(1, i) < 1.0 - std::sqrt(3.0) * std::abs(path(0, i)));
  }
}

TEST_CASE("henon_heiles: lambda scales the cubic terms and the escape energy 1/(6 lambda^2)") {
  const auto scaled = plugins().system(
      "henon_heiles", {{"lambda", 2.0}, {"energy", std::vector<double>{0.02, 0.03}}});
  Eigen::VectorXd s(4);
  s << 0.2, -0.3, 0.1, 0.25;
  const double x = 0.2, y = -0.3;
  CHECK(scaled->hamiltonian(s) == doctest::Approx(0.5 * (0.01 + 0.0625) + 0.5 * (x * x + y * y) +
                                                  2.0 * (x * x * y - y * y * y / 3.0))
                                      .epsilon(1e-14));
  // Energies up to 0.2 are below the escape energy 2/3 of lambda 0.5, not 1/6 of lambda 1.
  const auto weak = plugins().system("henon_heiles",
                                     {{"lambda", 0.5}, {"energy", std::vector<double>{0.1, 0.2}}});
  hnn::NumpyLegacyRandom random(4);
  Eigen::VectorXd state(4);
  for (int i = 0; i < 20; ++i) {
    weak->sample_initial_state(random, state);
    CHECK(weak->hamiltonian(state) >= 0.1 - 1e-12);
    CHECK(weak->hamiltonian(state) <= 0.2 + 1e-12);
  }
}

TEST_CASE("henon_heiles: an energy at or above the escape energy is refused") {
  CHECK_THROWS_WITH_AS(
      plugins().system("henon_heiles", {{"energy", std::vector<double>{0.1, 0.2}}}),
      doctest::Contains("henon_heiles: energy = [0.1, 0.2] must satisfy 0 < min "
                        "<= max < 1/(6 lambda^2) = 0.16666666666666666"),
      hnn::PluginError);
}

TEST_CASE("double_pendulum: H equals the Lagrangian energy T + V, gradient") {
  struct Case {
    double m1, m2, l1, l2, g;
  };
  for (const Case c : {Case{1, 1, 1, 1, 1}, Case{2.0, 0.5, 1.5, 0.7, 9.81}}) {
    const auto system = plugins().system(
        "double_pendulum", {{"m1", c.m1}, {"m2", c.m2}, {"l1", c.l1}, {"l2", c.l2}, {"g", c.g}});
    CHECK(system->coordinate_names() == std::vector<std::string>{"q1", "q2", "p1", "p2"});
    // Velocities w -> momenta p = M(q) w; T = w' M w / 2.
    const double q1 = 0.7, q2 = -1.9, w1 = 0.4, w2 = -1.3;
    const double c12 = std::cos(q1 - q2);
    const double m11 = (c.m1 + c.m2) * c.l1 * c.l1, m12 = c.m2 * c.l1 * c.l2 * c12,
                 m22 = c.m2 * c.l2 * c.l2;
    const double p1 = m11 * w1 + m12 * w2, p2 = m12 * w1 + m22 * w2;
    const double kinetic = 0.5 * (m11 * w1 * w1 + 2.0 * m12 * w1 * w2 + m22 * w2 * w2);
    const double potential = (c.m1 + c.m2) * c.g * c.l1 * (1.0 - std::cos(q1)) +
                             c.m2 * c.g * c.l2 * (1.0 - std::cos(q2));
    Eigen::VectorXd x(4);
    x << q1, q2, p1, p2;
    CHECK(system->hamiltonian(x) == doctest::Approx(kinetic + potential).epsilon(1e-13));
    Eigen::VectorXd field(4);
    hnn::hamiltonian_field(*system, x, field);
    CHECK(field[0] == doctest::Approx(w1).epsilon(1e-13));  // dq/dt = dH/dp = w
    CHECK(field[1] == doctest::Approx(w2).epsilon(1e-13));
    hnn::testing::check_gradient_at_samples(*system, 9, 20);
  }
}

TEST_CASE("double_pendulum: energy is conserved (also in the chaotic regime)") {
  const auto system = plugins().system("double_pendulum", {{"angle", 2.5}, {"momentum", 1.0}});
  check_energy_conservation(*system, 10, 100.0, 500.0);
}

TEST_CASE("double_pendulum: small oscillations follow the normal modes (2 -+ sqrt 2) g / l") {
  const auto system = plugins().system("double_pendulum", {{"g", 9.81}, {"l1", 0.5}, {"l2", 0.5}});
  const auto rk45 = plugins().integrator("rk45", {{"rtol", 1e-12}, {"atol", 1e-14}});
  const double epsilon = 1e-4;
  for (const double sign : {1.0, -1.0}) {
    CAPTURE(sign);
    const double omega = std::sqrt((2.0 - sign * std::sqrt(2.0)) * 9.81 / 0.5);
    const double period = 2.0 * std::numbers::pi / omega;
    Eigen::VectorXd x0(4);
    x0 << epsilon, sign * std::sqrt(2.0) * epsilon, 0.0, 0.0;
    const Eigen::MatrixXd path =
        rk45->integrate(hnn::testing::true_field(*system), x0, {0.0, period / 2.0, period});
    // Nonlinear corrections are O(epsilon^2) relative.
    CHECK(std::abs(path(0, 1) + x0[0]) <= 1e-6 * epsilon);
    CHECK(std::abs(path(1, 1) + x0[1]) <= 1e-6 * epsilon);
    CHECK(std::abs(path(0, 2) - x0[0]) <= 1e-6 * epsilon);
    CHECK(std::abs(path(1, 2) - x0[1]) <= 1e-6 * epsilon);
  }
}

TEST_CASE("double_pendulum: the sampler draws q1, q2, p1, p2 uniformly in the boxes") {
  const auto system = plugins().system("double_pendulum", {{"angle", 1.0}, {"momentum", 0.5}});
  hnn::NumpyLegacyRandom random(12), replay(12);
  Eigen::VectorXd x(4);
  for (int i = 0; i < 10; ++i) {
    system->sample_initial_state(random, x);
    CHECK(x[0] == (2.0 * replay.uniform() - 1.0) * 1.0);
    CHECK(x[1] == (2.0 * replay.uniform() - 1.0) * 1.0);
    CHECK(x[2] == (2.0 * replay.uniform() - 1.0) * 0.5);
    CHECK(x[3] == (2.0 * replay.uniform() - 1.0) * 0.5);
  }
}
