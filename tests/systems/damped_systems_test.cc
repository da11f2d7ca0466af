// Systems with damping and forcing: the SDK's true field (J - R) grad H + F(t), the power
// balance and the momentum-damping helper; the bundled damped_spring, damped_pendulum and
// duffing (fields, gradients, energy balance along trajectories, data generation); and the
// conservative systems unchanged (their true field is J grad H bit for bit).
#include <doctest/doctest.h>

#include <cmath>
#include <tuple>

#include "hnn/error.h"
#include "hnn/trajectory_dataset.h"
#include "system_plugins.h"

namespace {

using hnn::testing::plugins;
using Overrides = hnn::testing::SystemPlugins::Overrides;

// A system with a full (non-diagonal) constant R and a force on every coordinate, to check
// true_field against (J - R) grad H + F written out: H = (a q^2 + b p^2) / 2.
class FullPortSystem final : public hnn::System {
 public:
  int degrees_of_freedom() const override { return 1; }
  std::vector<std::string> coordinate_names() const override { return {"q", "p"}; }
  double hamiltonian(const Eigen::Ref<const Eigen::VectorXd>& x) const override {
    return 0.5 * (3.0 * x[0] * x[0] + 2.0 * x[1] * x[1]);
  }
  void gradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                Eigen::Ref<Eigen::VectorXd> gradient) const override {
    gradient << 3.0 * x[0], 2.0 * x[1];
  }
  void sample_initial_state(hnn::RandomSource& random,
                            Eigen::Ref<Eigen::VectorXd> x) const override {
    x << random.uniform(), random.uniform();
  }
  bool has_damping() const override { return true; }
  void damping(const Eigen::Ref<const Eigen::VectorXd>&,
               Eigen::Ref<Eigen::MatrixXd> damping) const override {
    damping << 0.5, 0.2, 0.2, 0.3;  // eigenvalues 0.4 +- sqrt(0.05) > 0
  }
  bool has_forcing() const override { return true; }
  void forcing(double t, Eigen::Ref<Eigen::VectorXd> force) const override {
    force << std::sin(t), 2.0 * std::cos(t);
  }
};

std::shared_ptr<hnn::Integrator> tight_rk45() {
  return plugins().integrator("rk45", {{"rtol", 1e-12}, {"atol", 1e-12}});
}

// The energy balance of `system` from 5 sampled initial states over [t0, t0 + 10]: H(t) -
// H(t0) equals the integrated -grad H^T R grad H + grad H^T F to integrator accuracy, and the
// energy changes by at least `least_change` (so that the check is not vacuous).
void check_energy_balance(const hnn::System& system, double t0, double least_change) {
  const auto rk45 = tight_rk45();
  hnn::NumpyLegacyRandom random(11);
  Eigen::VectorXd x0(system.state_dimension());
  double worst_mismatch = 0.0, smallest_change = INFINITY;
  for (int trial = 0; trial < 5; ++trial) {
    system.sample_initial_state(random, x0);
    const auto balance = hnn::testing::energy_balance(
        system, *rk45, x0, hnn::testing::times_between(t0, t0 + 10, 201));
    CAPTURE(trial);
    CAPTURE(balance.largest_change);
    CHECK(balance.worst_mismatch <= 1e-9 * std::max(1.0, balance.largest_change));
    CHECK(balance.largest_change >= least_change);
    worst_mismatch = std::max(worst_mismatch, balance.worst_mismatch);
    smallest_change = std::min(smallest_change, balance.largest_change);
  }
  MESSAGE("energy balance over [" << t0 << ", " << t0 + 10 << "], 5 trajectories, rk45 1e-12: "
                                  << "max |H(t) - H(t0) - W(t)| = " << worst_mismatch
                                  << ", smallest max |H(t) - H(t0)| = " << smallest_change);
}

}  // namespace

TEST_CASE("set_momentum_damping writes [[0, 0], [0, D]] and checks the shapes") {
  Eigen::MatrixXd damping = Eigen::MatrixXd::Constant(4, 4, 7.0);
  Eigen::MatrixXd momentum(2, 2);
  momentum << 1.0, 0.5, 0.5, 2.0;
  hnn::set_momentum_damping(momentum, damping);
  CHECK(damping.topRows(2).isZero(0.0));
  CHECK(damping.leftCols(2).isZero(0.0));
  CHECK(damping.bottomRightCorner(2, 2) == momentum);
  hnn::set_momentum_damping(0.25, damping);
  CHECK(damping.bottomRightCorner(2, 2) == 0.25 * Eigen::MatrixXd::Identity(2, 2));
  CHECK(damping.topRows(2).isZero(0.0));
  Eigen::MatrixXd wrong(3, 3);
  CHECK_THROWS_WITH_AS(hnn::set_momentum_damping(momentum, wrong),
                       doctest::Contains("expected n x n and 2n x 2n"), hnn::Error);
  CHECK_THROWS_WITH_AS(hnn::set_momentum_damping(0.1, wrong), doctest::Contains("expected 2n x 2n"),
                       hnn::Error);
}

TEST_CASE("true_field is (J - R) grad H + F(t), power_balance its energy rate") {
  const FullPortSystem system;
  CHECK_FALSE(system.is_conservative());
  Eigen::VectorXd x(2), field(2);
  x << 0.7, -1.1;
  const double t = 0.9;
  hnn::true_field(system, t, x, field);
  const Eigen::Vector2d gradient(3.0 * 0.7, 2.0 * -1.1);
  Eigen::Matrix2d j, r;
  j << 0, 1, -1, 0;
  r << 0.5, 0.2, 0.2, 0.3;
  const Eigen::Vector2d force(std::sin(t), 2.0 * std::cos(t));
  const Eigen::Vector2d expected = (j - r) * gradient + force;
  CHECK((field - expected).lpNorm<Eigen::Infinity>() <= 1e-15);
  const hnn::PowerBalance balance = hnn::power_balance(system, t, x);
  CHECK(balance.dissipated == doctest::Approx(gradient.dot(r * gradient)).epsilon(1e-15));
  CHECK(balance.supplied == doctest::Approx(gradient.dot(force)).epsilon(1e-15));
  CHECK(balance.rate() == doctest::Approx(gradient.dot(expected)).epsilon(1e-14));
  Eigen::VectorXd short_field(3);
  CHECK_THROWS_WITH_AS(hnn::true_field(system, t, x, short_field),
                       doctest::Contains("true_field: the system has state dimension 2"),
                       hnn::Error);
  check_energy_balance(system, 0.0, 0.0);
}

TEST_CASE("conservative systems: the true field is J grad H bit for bit, at any time") {
  const std::vector<std::pair<std::string, Overrides>> conservative = {
      {"spring_mass", {}},
      {"pendulum", {}},
      {"two_body", {}},
      {"three_body", {}},
      {"henon_heiles", {}},
      {"double_pendulum", {}},
      {"expression", {{"hamiltonian", std::string("p^2/2 + 1 - cos(q)")}}},
      {"damped_spring", {{"gamma", 0.0}}},
      {"damped_pendulum", {{"gamma", 0.0}}},
      {"duffing", {{"delta", 0.0}, {"amplitude", 0.0}}},
  };
  for (const auto& [name, overrides] : conservative) {
    const std::string label = name;  // CAPTURE takes no structured binding (clang 14)
    CAPTURE(label);
    const auto system = plugins().system(name, overrides);
    CHECK(system->is_conservative());
    hnn::NumpyLegacyRandom random(5);
    const int d = system->state_dimension();
    Eigen::VectorXd x(d), expected(d), field(d);
    for (int trial = 0; trial < 20; ++trial) {
      system->sample_initial_state(random, x);
      hnn::hamiltonian_field(*system, x, expected);
      for (const double t : {0.0, 1.5, -3.0}) {
        hnn::true_field(*system, t, x, field);
        CHECK(field == expected);  // exactly
        const hnn::PowerBalance balance = hnn::power_balance(*system, t, x);
        CHECK(balance.dissipated == 0.0);
        CHECK(balance.supplied == 0.0);
      }
    }
  }
}

TEST_CASE("with zero damping the damped systems give their conservative systems' data") {
  const auto rk45 = plugins().integrator("rk45", {{"rtol", 1e-10}, {"atol", 1e-6}});
  // The damped systems' default radii differ from their conservative systems': set them.
  const std::vector<std::tuple<std::string, std::string, std::vector<double>>> pairs = {
      {"damped_spring", "spring_mass", {0.1, 1.0}}, {"damped_pendulum", "pendulum", {1.3, 2.3}}};
  for (const auto& [damped_name, conservative_name, radius] : pairs) {
    const std::string label = damped_name;  // CAPTURE takes no structured binding (clang 14)
    CAPTURE(label);
    const auto damped = plugins().system(damped_name, {{"gamma", 0.0}, {"radius", radius}});
    const auto conservative = plugins().system(conservative_name);
    hnn::TrajectoryDatasetOptions options;
    options.trajectories = 5;
    options.noise_std = 0.1;
    hnn::NumpyLegacyRandom first(1390), second(1390);
    const auto a = hnn::generate_trajectory_dataset(*damped, *rk45, first, options);
    const auto b = hnn::generate_trajectory_dataset(*conservative, *rk45, second, options);
    CHECK(a.train.inputs == b.train.inputs);
    CHECK(a.train.targets == b.train.targets);
    CHECK(a.test.inputs == b.test.inputs);
    CHECK(a.test.targets == b.test.targets);
  }
}

TEST_CASE("damped_spring: H, R, the field m q'' = -k q - gamma q', gradient") {
  const auto spring = plugins().system("damped_spring");
  CHECK(spring->coordinate_names() == std::vector<std::string>{"q", "p"});
  CHECK(spring->exact_hamiltonian() == "q^2 + p^2");
  CHECK(spring->has_damping());
  CHECK_FALSE(spring->has_forcing());
  Eigen::VectorXd x(2), field(2);
  x << 0.6, -0.8;
  CHECK(spring->hamiltonian(x) == doctest::Approx(0.36 + 0.64));
  hnn::true_field(*spring, 0.0, x, field);
  CHECK(field[0] == doctest::Approx(2.0 * -0.8));                     // p / m
  CHECK(field[1] == doctest::Approx(-2.0 * 0.6 - 0.1 * -0.8 / 0.5));  // -k q - gamma p / m
  Eigen::MatrixXd r(2, 2);
  spring->damping(x, r);
  CHECK(r(1, 1) == 0.1);
  CHECK(r(0, 0) == 0.0);
  CHECK(r(0, 1) == 0.0);
  CHECK(r(1, 0) == 0.0);
  hnn::testing::check_gradient_at_samples(*spring, 3, 20);
  const auto other = plugins().system("damped_spring", {{"k", 3.0}, {"m", 2.0}, {"gamma", 0.5}});
  CHECK(other->exact_hamiltonian() == "1.5*q^2 + 0.25*p^2");
  hnn::true_field(*other, 0.0, x, field);
  CHECK(field[1] == doctest::Approx(-3.0 * 0.6 - 0.5 * -0.8 / 2.0));
  hnn::testing::check_gradient_at_samples(*other, 4, 10);
  CHECK_THROWS_WITH_AS(plugins().system("damped_spring", {{"gamma", -0.1}}),
                       doctest::Contains("gamma"), std::exception);
}

TEST_CASE("damped_spring: the amplitude decays as exp(-gamma t / (2m)), energy balance holds") {
  const auto spring = plugins().system("damped_spring");
  // Underdamped: q(t) = exp(-t/10) (cos(w t) + sin(w t) / (10 w)), w = sqrt(4 - 1/100),
  // from q = 1, q' = 0 (p = 0), for q'' = -4 q - 0.2 q'.
  const double w = std::sqrt(4.0 - 0.01);
  Eigen::VectorXd x0(2);
  x0 << 1.0, 0.0;
  const auto times = hnn::testing::times_between(0.0, 10.0, 41);
  const Eigen::MatrixXd path =
      tight_rk45()->integrate(hnn::testing::true_field(*spring), x0, times);
  double worst = 0.0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double t = times[i];
    const double exact = std::exp(-t / 10.0) * (std::cos(w * t) + std::sin(w * t) / (10.0 * w));
    worst = std::max(worst, std::abs(path(0, Eigen::Index(i)) - exact));
  }
  MESSAGE("damped_spring against the closed form over [0, 10]: max |q - q_exact| = " << worst);
  CHECK(worst <= 1e-9);
  check_energy_balance(*spring, 0.0, 0.2);
}

TEST_CASE("damped_pendulum: H, the field q'' = -6 sin q - 0.2 q', gradient, energy balance") {
  const auto pendulum = plugins().system("damped_pendulum");
  CHECK(pendulum->exact_hamiltonian() == "3*(1 - cos(q)) + p^2");
  CHECK(pendulum->has_damping());
  CHECK_FALSE(pendulum->has_forcing());
  Eigen::VectorXd x(2), field(2);
  x << 0.4, 1.0;
  hnn::true_field(*pendulum, 2.0, x, field);
  CHECK(field[0] == doctest::Approx(2.0));
  CHECK(field[1] == doctest::Approx(-3.0 * std::sin(0.4) - 0.2));
  hnn::testing::check_gradient_at_samples(*pendulum, 3, 20);
  const auto other =
      plugins().system("damped_pendulum", {{"m", 2.0}, {"l", 0.5}, {"g", 9.81}, {"gamma", 0.3}});
  CHECK(other->exact_hamiltonian() == "9.81*(1 - cos(q)) + p^2");
  hnn::true_field(*other, 0.0, x, field);
  CHECK(field[1] == doctest::Approx(-9.81 * std::sin(0.4) - 0.3 * 1.0 / (2.0 * 0.25)));
  hnn::testing::check_gradient_at_samples(*other, 4, 10);
  check_energy_balance(*pendulum, 0.0, 0.5);
}

TEST_CASE("duffing: H, the driven field, exact formula, refusals, gradient, energy balance") {
  const auto duffing = plugins().system("duffing");
  CHECK(duffing->exact_hamiltonian() == "0.5*p^2 + 0.5*q^2 + 0.25*q^4");
  CHECK(duffing->has_damping());
  CHECK(duffing->has_forcing());
  Eigen::VectorXd x(2), field(2), force(2);
  x << 1.2, -0.5;
  CHECK(duffing->hamiltonian(x) ==
        doctest::Approx(0.125 + 0.5 * 1.44 + 0.25 * std::pow(1.2, 4)).epsilon(1e-15));
  for (const double t : {0.0, 0.7, 13.0}) {
    CAPTURE(t);
    hnn::true_field(*duffing, t, x, field);
    CHECK(field[0] == doctest::Approx(-0.5));
    CHECK(field[1] ==
          doctest::Approx(-1.2 - std::pow(1.2, 3) - 0.1 * -0.5 + 0.3 * std::cos(1.2 * t)));
    duffing->forcing(t, force);
    CHECK(force[0] == 0.0);
    CHECK(force[1] == 0.3 * std::cos(1.2 * t));
  }
  hnn::testing::check_gradient_at_samples(*duffing, 3, 20);
  const auto double_well = plugins().system(
      "duffing", {{"alpha", -1.0}, {"delta", 0.3}, {"amplitude", 0.5}, {"omega", 1.2}});
  CHECK(double_well->exact_hamiltonian() == "0.5*p^2 - 0.5*q^2 + 0.25*q^4");
  CHECK(plugins().system("duffing", {{"beta", 0.0}})->exact_hamiltonian() == "0.5*p^2 + 0.5*q^2");
  hnn::testing::check_gradient_at_samples(*double_well, 4, 10);
  CHECK_THROWS_WITH_AS(plugins().system("duffing", {{"alpha", -1.0}, {"beta", 0.0}}),
                       doctest::Contains("H has no minimum and trajectories escape"),
                       std::exception);
  // Damping and forcing both at work, also from a later start time (the force depends on t).
  check_energy_balance(*duffing, 0.0, 0.1);
  check_energy_balance(*duffing, 7.5, 0.1);
  check_energy_balance(*double_well, 0.0, 0.1);
  // Forcing alone: the energy goes up and down with the force, balance still exact.
  check_energy_balance(*plugins().system("duffing", {{"delta", 0.0}}), 0.0, 0.01);
}

TEST_CASE("data of the new systems: targets are the true field at the samples' times") {
  const auto rk45 = plugins().integrator("rk45", {{"rtol", 1e-10}, {"atol", 1e-6}});
  for (const char* name : {"damped_spring", "damped_pendulum", "duffing"}) {
    CAPTURE(name);
    const auto system = plugins().system(name);
    hnn::TrajectoryDatasetOptions options;
    options.trajectories = 6;
    options.points = 31;
    options.time_span = {2.0, 5.0};
    options.noise_std = 0.0;
    hnn::NumpyLegacyRandom random(1390);
    const auto data = hnn::generate_trajectory_dataset(*system, *rk45, random, options);
    REQUIRE(data.train.size() == 93);
    REQUIRE(data.test.size() == 93);
    Eigen::VectorXd field(2);
    for (const auto* samples : {&data.train, &data.test}) {
      for (Eigen::Index j = 0; j < samples->size(); ++j) {
        hnn::true_field(*system, samples->time[std::size_t(j)], samples->inputs.col(j), field);
        CHECK(samples->targets.col(j) == field);  // exactly: noise-free states
      }
    }
    CHECK(data.train.time.front() == 2.0);
    CHECK(data.train.time[30] == 5.0);
    // The damped trajectories lose energy over [2, 5] (duffing's force may pump some in).
    for (int k = 0; k < 3 && !system->has_forcing(); ++k) {
      const double start = system->hamiltonian(data.train.inputs.col(31 * k));
      const double end = system->hamiltonian(data.train.inputs.col(31 * k + 30));
      CAPTURE(k);
      CHECK(end < start);
    }
  }
  // The forced system's data depend on the absolute time, the autonomous ones' do not.
  for (const auto& [name, depends_on_time] :
       {std::pair{"damped_spring", false}, std::pair{"duffing", true}}) {
    const std::string label = name;  // CAPTURE takes no structured binding (clang 14)
    CAPTURE(label);
    const auto system = plugins().system(name);
    hnn::TrajectoryDatasetOptions early, late;
    early.trajectories = late.trajectories = 2;
    early.noise_std = late.noise_std = 0.0;
    early.time_span = {0.0, 3.0};
    late.time_span = {1.0, 4.0};
    hnn::NumpyLegacyRandom first(3), second(3);
    const auto a = hnn::generate_trajectory_dataset(*system, *rk45, first, early);
    const auto b = hnn::generate_trajectory_dataset(*system, *rk45, second, late);
    const double difference = (a.train.targets - b.train.targets).lpNorm<Eigen::Infinity>();
    if (depends_on_time) {
      CHECK(difference > 0.1);
    } else {
      CHECK(difference <= 1e-6);
    }
  }
}
