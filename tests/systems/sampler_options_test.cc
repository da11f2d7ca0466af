// The sampler options of the systems whose other tests use only their defaults: a
// non-default radius bounds every sampled state as its option says, and the samples fill
// the range (pendulum and duffing: the phase-space radius; two_body: each position
// coordinate of body 1, body 2 at the mirror point; three_body: each body's distance from
// the centre).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "system_plugins.h"

namespace {

using hnn::testing::plugins;

// min and max of `measure` over 400 sampled states of `system` with radius [2.0, 2.5].
template <class Measure>
std::pair<double, double> sampled_range(const std::string& system, Measure measure) {
  const auto sampler = plugins().system(system, {{"radius", std::vector<double>{2.0, 2.5}}});
  hnn::NumpyLegacyRandom random(11);
  Eigen::VectorXd x(sampler->state_dimension());
  double low = INFINITY, high = -INFINITY;
  for (int i = 0; i < 400; ++i) {
    sampler->sample_initial_state(random, x);
    for (const double value : measure(x)) {
      low = std::min(low, value);
      high = std::max(high, value);
    }
  }
  return {low, high};
}

void check_fills(const std::pair<double, double>& range) {
  CHECK(range.first >= 2.0 - 1e-12);
  CHECK(range.second <= 2.5 + 1e-12);
  CHECK(range.first < 2.05);
  CHECK(range.second > 2.45);
}

}  // namespace

TEST_CASE("pendulum and duffing: radius bounds the phase-space radius of sampled states") {
  for (const std::string system : {"pendulum", "duffing"}) {
    CAPTURE(system);
    check_fills(sampled_range(
        system, [](const Eigen::VectorXd& x) { return std::vector<double>{x.norm()}; }));
  }
}

TEST_CASE("two_body: radius bounds each position coordinate of body 1; body 2 mirrors it") {
  // State [qx1, qx2, qy1, qy2, px1, px2, py1, py2].
  check_fills(sampled_range("two_body", [](const Eigen::VectorXd& x) {
    CHECK(x[1] == -x[0]);
    CHECK(x[3] == -x[2]);
    return std::vector<double>{std::fabs(x[0]), std::fabs(x[2])};
  }));
}

TEST_CASE("three_body: radius bounds every body's distance from the centre") {
  // State [qx1, qx2, qx3, qy1, qy2, qy3, ...].
  check_fills(sampled_range("three_body", [](const Eigen::VectorXd& x) {
    std::vector<double> distances;
    for (int body = 0; body < 3; ++body) distances.push_back(std::hypot(x[body], x[3 + body]));
    return distances;
  }));
}
