// The spring_mass system plugin: options, H and its gradient, the sampler's draws, and
// energy conservation along the true flow.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "bundled_plugins.h"
#include "golden_csv.h"
#include "hnn/error.h"
#include "hnn/random.h"
#include "hnn/system.h"

namespace {

using hnn::testing::BundledPlugins;

const BundledPlugins& plugins() {
  static const BundledPlugins instance({"spring_mass", "odeint_integrators"});
  return instance;
}

}  // namespace

TEST_CASE("spring_mass defaults are H = q^2 + p^2 with coordinates q, p") {
  const auto spring = plugins().system("spring_mass");
  CHECK(spring->degrees_of_freedom() == 1);
  CHECK(spring->state_dimension() == 2);
  CHECK(spring->coordinate_names() == std::vector<std::string>{"q", "p"});
  CHECK(spring->exact_hamiltonian() == "q^2 + p^2");
  Eigen::VectorXd x(2);
  x << 0.3, -0.7;
  CHECK(spring->hamiltonian(x) == doctest::Approx(0.09 + 0.49).epsilon(1e-15));
}

TEST_CASE("spring_mass formula prints other coefficients in a parsable form") {
  const auto spring = plugins().system("spring_mass", {{"k", 3.0}, {"m", 2.0}});
  CHECK(spring->exact_hamiltonian() == "1.5*q^2 + 0.25*p^2");
  const auto heavy = plugins().system("spring_mass", {{"k", 0.2}});
  CHECK(heavy->exact_hamiltonian() == "0.1*q^2 + p^2");
}

TEST_CASE("spring_mass gradient equals the analytic (k q, p / m) and the field is J dH/dx") {
  const double k = 3.0;
  const double m = 0.7;
  const auto spring = plugins().system("spring_mass", {{"k", k}, {"m", m}});
  hnn::NumpyLegacyRandom random(7);
  for (int trial = 0; trial < 20; ++trial) {
    Eigen::VectorXd x(2);
    x << 4.0 * random.uniform() - 2.0, 4.0 * random.uniform() - 2.0;
    Eigen::VectorXd gradient(2);
    spring->gradient(x, gradient);
    CHECK(gradient[0] == doctest::Approx(k * x[0]).epsilon(1e-15));
    CHECK(gradient[1] == doctest::Approx(x[1] / m).epsilon(1e-15));
    // Central differences agree to truncation error.
    const double h = 1e-6;
    for (int i = 0; i < 2; ++i) {
      Eigen::VectorXd plus = x, minus = x;
      plus[i] += h;
      minus[i] -= h;
      const double difference = (spring->hamiltonian(plus) - spring->hamiltonian(minus)) / (2 * h);
      CHECK(std::abs(difference - gradient[i]) < 1e-8);
    }
    Eigen::VectorXd field(2);
    hnn::hamiltonian_field(*spring, x, field);
    CHECK(field[0] == gradient[1]);
    CHECK(field[1] == -gradient[0]);
  }
  // The defaults give the golden data's dx/dt = (2p, -2q) exactly.
  const auto unit = plugins().system("spring_mass");
  Eigen::VectorXd x(2), field(2);
  x << -0.731357258605026, 0.6681547090527568;
  hnn::hamiltonian_field(*unit, x, field);
  CHECK(field[0] == 2.0 * x[1]);
  CHECK(field[1] == -2.0 * x[0]);
}

TEST_CASE("spring_mass sampler draws three uniforms: direction (q, p), then the radius") {
  const auto spring = plugins().system("spring_mass");
  hnn::NumpyLegacyRandom random(1390);
  Eigen::VectorXd x(2);
  spring->sample_initial_state(random, x);
  // spring_seed1390.csv row 0 is the first initial state, radius 0.990613.
  CHECK(x[0] == -0.731357258605026);
  CHECK(x[1] == 0.6681547090527568);
  CHECK(x.norm() == doctest::Approx(0.990613).epsilon(1e-6));

  // Exactly three draws: the next uniform is the 4th of the stream.
  hnn::NumpyLegacyRandom reference(1390);
  for (int i = 0; i < 3; ++i) reference.uniform();
  CHECK(random.uniform() == reference.uniform());

  // Radii stay in the configured range.
  const auto ring = plugins().system("spring_mass", {{"radius", std::vector<double>{2.0, 3.0}}});
  for (int i = 0; i < 100; ++i) {
    ring->sample_initial_state(random, x);
    CHECK(x.norm() >= 2.0 - 1e-12);
    CHECK(x.norm() < 3.0 + 1e-12);
  }
}

TEST_CASE("spring_mass rejects invalid parameters with a message naming them") {
  const auto& registry = plugins().registry();
  const hnn::PluginInfo* info = registry.find(hnn::PluginKind::kSystem, "spring_mass");
  REQUIRE(info != nullptr);
  hnn::Options options = hnn::Options::defaults(info->schema);
  options.set("k", -1.0);  // bypasses the schema check on purpose
  CHECK_THROWS_WITH_AS(registry.create_system("spring_mass", options),
                       doctest::Contains("spring_mass: k = -1.0 must be > 0"), hnn::PluginError);
  // Infinite values are in range but refused, by the schema's constraints too (--check).
  options = hnn::Options::defaults(info->schema);
  options.set("m", std::numeric_limits<double>::infinity());
  CHECK_THROWS_WITH_AS(registry.create_system("spring_mass", options),
                       doctest::Contains("spring_mass: m = .inf must be finite"), hnn::PluginError);
  CHECK(info->schema.check_constraints(options) ==
        std::vector<std::string>{"m = .inf must be finite"});
  options = hnn::Options::defaults(info->schema);
  options.set("radius", std::vector<double>{0.5, 0.2});
  CHECK_THROWS_WITH_AS(registry.create_system("spring_mass", options),
                       doctest::Contains("radius = [0.5, 0.2]"), hnn::PluginError);
  CHECK(!info->schema.find("k")->check(hnn::OptionValue(0.0)).empty());
  CHECK(!info->schema.find("radius")->check(hnn::OptionValue(std::vector<double>{0.1})).empty());
}

TEST_CASE("spring_mass energy is conserved along the true flow") {
  const auto spring = plugins().system("spring_mass", {{"k", 3.0}, {"m", 0.7}});
  const hnn::VectorField field = [&](double, const Eigen::VectorXd& x, Eigen::VectorXd& dxdt) {
    hnn::hamiltonian_field(*spring, x, dxdt);
  };
  Eigen::VectorXd x0(2);
  x0 << 0.8, -0.3;
  std::vector<double> times;
  for (int i = 0; i <= 100; ++i) times.push_back(0.1 * i);
  const double energy = spring->hamiltonian(x0);

  const auto rk45 = plugins().integrator("rk45", {{"rtol", 1e-12}, {"atol", 1e-12}});
  const Eigen::MatrixXd adaptive = rk45->integrate(field, x0, times);
  // Exact solution: q = A cos(w t) + B sin(w t), w = sqrt(k / m).
  const double omega = std::sqrt(3.0 / 0.7);
  for (Eigen::Index i = 0; i < adaptive.cols(); ++i) {
    CHECK(std::abs(spring->hamiltonian(adaptive.col(i)) - energy) < 1e-9);
    const double t = times[static_cast<std::size_t>(i)];
    const double q = x0[0] * std::cos(omega * t) + x0[1] / (0.7 * omega) * std::sin(omega * t);
    CHECK(std::abs(adaptive(0, i) - q) < 1e-9);
  }
  // Gauss-Legendre conserves quadratic invariants exactly: only round-off remains.
  const auto gauss = plugins().integrator("gauss_legendre");
  const Eigen::MatrixXd symplectic = gauss->integrate(field, x0, times);
  for (Eigen::Index i = 0; i < symplectic.cols(); ++i) {
    CHECK(std::abs(spring->hamiltonian(symplectic.col(i)) - energy) < 1e-13);
  }
}
