// The energy flow's metrics on hand-made series with known answers: E(start) and E(end) as
// means over the first and last quarter of the span, the energy-loss ratio, and the true
// power balance of a small damped, driven system.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "energy_flow.h"

namespace {

// H = (q^2 + p^2)/2, R = [[0, 0], [0, 0.3]], F = (0, cos t).
class DrivenDampedOscillator : public hnn::System {
 public:
  int degrees_of_freedom() const override { return 1; }
  std::vector<std::string> coordinate_names() const override { return {"q", "p"}; }
  double hamiltonian(const Eigen::Ref<const Eigen::VectorXd>& x) const override {
    return 0.5 * x.squaredNorm();
  }
  void gradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                Eigen::Ref<Eigen::VectorXd> gradient) const override {
    gradient = x;
  }
  void sample_initial_state(hnn::RandomSource&, Eigen::Ref<Eigen::VectorXd> x) const override {
    x << 1, 0;
  }
  bool has_damping() const override { return true; }
  void damping(const Eigen::Ref<const Eigen::VectorXd>&,
               Eigen::Ref<Eigen::MatrixXd> damping) const override {
    hnn::set_momentum_damping(0.3, damping);
  }
  bool has_forcing() const override { return true; }
  void forcing(double t, Eigen::Ref<Eigen::VectorXd> force) const override {
    force << 0, std::cos(t);
  }
};

}  // namespace

TEST_CASE("E(start) and E(end) are the means over the first and the last quarter of the span") {
  // t = 0, 0.5, ..., 4: the quarters are [0, 1] (3 samples) and [3, 4] (3 samples).
  std::vector<double> times, energy;
  for (int k = 0; k <= 8; ++k) {
    times.push_back(0.5 * k);
    energy.push_back(k * k);  // 0 1 4 9 16 25 36 49 64
  }
  const hnn::internal::EnergyQuarters quarters = hnn::internal::energy_quarters(times, energy);
  CHECK(quarters.start == doctest::Approx(5.0 / 3.0).epsilon(1e-15));
  CHECK(quarters.end == doctest::Approx((36.0 + 49.0 + 64.0) / 3.0).epsilon(1e-15));
  CHECK(quarters.loss() == doctest::Approx(5.0 / 3.0 - 149.0 / 3.0).epsilon(1e-15));
  // Uneven times: the quarters are by time, not by sample count. Span [0, 8]: t <= 2 and
  // t >= 6.
  const std::vector<double> uneven{0, 0.1, 0.2, 1.9, 5, 6, 8};
  const std::vector<double> values{1, 2, 3, 4, 100, 10, 20};
  const auto by_time = hnn::internal::energy_quarters(uneven, values);
  CHECK(by_time.start == 2.5);
  CHECK(by_time.end == 15.0);
}

TEST_CASE("the energy-loss ratio of a hand-made decay") {
  // The truth decays linearly, E = 10 - t; the model loses half as much and carries an
  // oscillation whose mean over each quarter is 0 (+0.2, -0.2, 0 on its three samples).
  std::vector<double> times, truth, model;
  const double wiggle[9] = {0.2, -0.2, 0.0, 0.0, 0.0, 0.0, 0.2, -0.2, 0.0};
  for (int k = 0; k <= 8; ++k) {
    const double t = 0.5 * k;
    times.push_back(t);
    truth.push_back(10.0 - t);
    model.push_back(10.0 - 0.5 * t + wiggle[k]);
  }
  // Truth: E(start) = 9.5, E(end) = 6.5, loss 3; model: 9.75 - 8.25 = 1.5.
  CHECK(hnn::internal::energy_loss_ratio(times, model, truth) ==
        doctest::Approx(0.5).epsilon(1e-14));
  CHECK(hnn::internal::energy_loss_ratio(times, truth, truth) == 1.0);
  // A conservative model (constant E) loses nothing: 0.
  CHECK(hnn::internal::energy_loss_ratio(times, std::vector<double>(9, 7.0), truth) == 0.0);
  // Exponential decay E = exp(-t/2) against E = exp(-t), with the quarter means written out.
  std::vector<double> slow, fast;
  for (double t : times) {
    slow.push_back(std::exp(-t / 2));
    fast.push_back(std::exp(-t));
  }
  auto loss = [](double rate) {
    const double start = (1 + std::exp(-0.5 * rate) + std::exp(-1.0 * rate)) / 3;
    const double end = (std::exp(-3.0 * rate) + std::exp(-3.5 * rate) + std::exp(-4.0 * rate)) / 3;
    return start - end;
  };
  CHECK(hnn::internal::energy_loss_ratio(times, slow, fast) ==
        doctest::Approx(loss(0.5) / loss(1.0)).epsilon(1e-13));
  CHECK(hnn::internal::energy_loss_ratio(times, slow, fast) ==
        doctest::Approx(0.9877310210321347).epsilon(1e-12));
}

TEST_CASE("the energy-loss ratio is NaN where it has no meaning") {
  const std::vector<double> times{0, 1, 2, 3, 4};
  const std::vector<double> constant(5, 2.0), decay{5, 4, 3, 2, 1};
  CHECK(std::isnan(hnn::internal::energy_loss_ratio(times, decay, constant)));  // truth loses 0
  CHECK(std::isnan(hnn::internal::energy_loss_ratio({1.0}, {1.0}, {2.0})));     // one sample
  CHECK(std::isnan(hnn::internal::energy_loss_ratio({1, 1}, {1, 2}, {2, 1})));  // no span
  CHECK(std::isnan(hnn::internal::energy_loss_ratio(times, {1, 2}, decay)));    // sizes differ
}

TEST_CASE("the true power balance along a trajectory, and its means") {
  const DrivenDampedOscillator system;
  const std::vector<double> times{0.0, 1.0, 2.0};
  Eigen::MatrixXd states(2, 3);
  states << 1.0, 0.5, -0.25,  //
      0.0, -2.0, 1.5;
  const hnn::internal::PowerSeries power = hnn::internal::true_power(system, times, states);
  REQUIRE(power.dissipated.size() == 3);
  // dissipated = 0.3 p^2, supplied = p cos t.
  CHECK(power.dissipated[0] == 0.0);
  CHECK(power.dissipated[1] == doctest::Approx(1.2).epsilon(1e-15));
  CHECK(power.dissipated[2] == doctest::Approx(0.675).epsilon(1e-15));
  CHECK(power.supplied[0] == 0.0);
  CHECK(power.supplied[1] == doctest::Approx(-2.0 * std::cos(1.0)).epsilon(1e-15));
  CHECK(power.supplied[2] == doctest::Approx(1.5 * std::cos(2.0)).epsilon(1e-15));
  const hnn::PowerSummary mean = hnn::internal::mean_power({&power, &power});
  CHECK(mean.dissipated == doctest::Approx(1.875 / 3).epsilon(1e-15));
  CHECK(mean.supplied ==
        doctest::Approx((-2.0 * std::cos(1.0) + 1.5 * std::cos(2.0)) / 3).epsilon(1e-15));
  CHECK(std::isnan(hnn::internal::mean_power({}).dissipated));
}
