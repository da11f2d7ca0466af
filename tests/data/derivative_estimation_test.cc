// estimate_derivatives (hnn/derivative_estimation.h): each estimator's error on noisy spring
// trajectories with known derivatives, non-uniform times, refusals, and the forward and
// central differences on the first rows of the real pendulum against NumPy.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "hnn/derivative_estimation.h"
#include "hnn/error.h"
#include "hnn/random.h"

namespace {

using hnn::DerivativeMethod;
using hnn::DerivativeSettings;
using hnn::Trajectory;

DerivativeSettings settings_for(DerivativeMethod method) {
  DerivativeSettings settings;
  settings.method = method;
  return settings;
}

// The spring H = q^2 + p^2: dq/dt = 2p, dp/dt = -2q, so q = r cos(2t + phase),
// p = -r sin(2t + phase).
struct SpringOrbit {
  double radius;
  double phase;
  Eigen::Vector2d state(double t) const {
    return {radius * std::cos(2.0 * t + phase), -radius * std::sin(2.0 * t + phase)};
  }
  Eigen::Vector2d derivative(double t) const {
    const Eigen::Vector2d x = state(t);
    return {2.0 * x(1), -2.0 * x(0)};
  }
};

// A sampled orbit with noise sigma added to every coordinate (coordinate by coordinate).
Trajectory sample(const SpringOrbit& orbit, const std::vector<double>& times, double sigma,
                  hnn::RandomSource& random) {
  Trajectory trajectory;
  trajectory.label = "spring";
  trajectory.times = times;
  trajectory.states.resize(2, static_cast<Eigen::Index>(times.size()));
  for (std::size_t i = 0; i < times.size(); ++i) {
    trajectory.states.col(static_cast<Eigen::Index>(i)) = orbit.state(times[i]);
  }
  for (Eigen::Index c = 0; c < 2; ++c) {
    for (Eigen::Index i = 0; i < trajectory.states.cols(); ++i) {
      trajectory.states(c, i) += sigma * random.normal();
    }
  }
  return trajectory;
}

std::vector<double> uniform_times(int count, double step) {
  std::vector<double> times(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) times[static_cast<std::size_t>(i)] = step * i;
  return times;
}

// The test's spring data: 20 orbits of radius in [0.1, 1] (the spring dataset's range) and
// random phase, `points` points at dt = 0.1, noise sigma = 0.01 on every coordinate, seed 1390.
std::vector<std::pair<SpringOrbit, Trajectory>> noisy_spring(int points) {
  const std::vector<double> times = uniform_times(points, 0.1);
  hnn::NumpyLegacyRandom random(1390);
  std::vector<std::pair<SpringOrbit, Trajectory>> orbits;
  for (int k = 0; k < 20; ++k) {
    const SpringOrbit orbit{0.1 + 0.9 * random.uniform(), 2.0 * M_PI * random.uniform()};
    orbits.emplace_back(orbit, sample(orbit, times, 0.01, random));
  }
  return orbits;
}

// RMS over every kept column and coordinate of (estimated - exact derivative).
double rms_error(const std::vector<std::pair<SpringOrbit, Trajectory>>& orbits,
                 const DerivativeSettings& settings) {
  double sum = 0.0;
  Eigen::Index count = 0;
  for (const auto& [orbit, measured] : orbits) {
    const Trajectory estimated = hnn::estimate_derivatives(measured, settings);
    for (Eigen::Index i = 0; i < estimated.derivatives.cols(); ++i) {
      const Eigen::Vector2d error = estimated.derivatives.col(i) -
                                    orbit.derivative(estimated.times[static_cast<std::size_t>(i)]);
      sum += error.squaredNorm();
      count += 2;
    }
  }
  return std::sqrt(sum / static_cast<double>(count));
}

}  // namespace

// The accuracy a Savitzky-Golay derivative reaches is limited by the ends of a trajectory,
// where the point lies at the edge of its window: on 30-point orbits (the spring dataset's
// length) no window and degree reach much more than 5x, on 50 points the default has 6x.
TEST_CASE("the noise-robust estimator beats the forward difference 5x on the noisy spring") {
  for (const int points : {50, 30, 100}) {
    const auto orbits = noisy_spring(points);
    const double forward = rms_error(orbits, settings_for(DerivativeMethod::kForwardDifference));
    const double central = rms_error(orbits, settings_for(DerivativeMethod::kCentralDifference));
    const double robust = rms_error(orbits, DerivativeSettings{});
    MESSAGE("spring H = q^2 + p^2, dt = 0.1, sigma = 0.01, 20 orbits of "
            << points << " points: RMS error of dx/dt: forward_difference " << forward
            << ", central_difference " << central << ", savitzky_golay (window "
            << DerivativeSettings{}.window << ", degree " << DerivativeSettings{}.degree << ") "
            << robust << "; forward / savitzky_golay = " << forward / robust);
    CHECK(central < forward);
    if (points >= 50) CHECK(forward >= 5.0 * robust);
  }
  CHECK(DerivativeSettings{}.method == DerivativeMethod::kSavitzkyGolay);

  // The windows and degrees around the default, for the record (how the default was chosen).
  const auto orbits = noisy_spring(50);
  std::string table;
  for (int window : {7, 9, 11, 13, 15, 17, 19, 21}) {
    for (int degree : {2, 3, 4, 5, 6}) {
      if (degree >= window) continue;
      DerivativeSettings settings;
      settings.window = window;
      settings.degree = degree;
      table += " w" + std::to_string(window) + "d" + std::to_string(degree) + "=" +
               std::to_string(rms_error(orbits, settings));
    }
  }
  MESSAGE("savitzky_golay RMS error on the 50-point orbits by window (w) and degree (d):" << table);
}

TEST_CASE("non-uniform times: exact for polynomials of the method's order, with gaps") {
  // Steps of 0.1 with gaps of 0.3 and 0.5 (missing frames), as in the measured pendulum.
  const std::vector<double> times = {0.0, 0.1, 0.2, 0.5, 0.6, 0.7, 0.8, 1.3, 1.4, 1.5, 1.6, 1.7};
  Trajectory trajectory;
  trajectory.label = "polynomial";
  trajectory.times = times;
  trajectory.states.resize(2, static_cast<Eigen::Index>(times.size()));
  const auto x = [](double t) { return Eigen::Vector2d(1.0 + 2.0 * t - 3.0 * t * t, 0.5 * t); };
  const auto dxdt = [](double t) { return Eigen::Vector2d(2.0 - 6.0 * t, 0.5); };
  for (std::size_t i = 0; i < times.size(); ++i) {
    trajectory.states.col(static_cast<Eigen::Index>(i)) = x(times[i]);
  }

  SUBCASE("forward difference: the real steps, the last column dropped") {
    const Trajectory result =
        hnn::estimate_derivatives(trajectory, settings_for(DerivativeMethod::kForwardDifference));
    REQUIRE(result.derivatives.cols() == 11);
    CHECK(result.times.size() == 11);
    CHECK(result.states == trajectory.states.leftCols(11));
    CHECK(result.label == "polynomial");
    for (Eigen::Index i = 0; i < 11; ++i) {
      const double t0 = times[static_cast<std::size_t>(i)];
      const double t1 = times[static_cast<std::size_t>(i + 1)];
      // The secant of a parabola has the slope of its tangent at the midpoint.
      CHECK(result.derivatives(0, i) == doctest::Approx(2.0 - 3.0 * (t0 + t1)).epsilon(1e-12));
      CHECK(result.derivatives(1, i) == doctest::Approx(0.5).epsilon(1e-12));
    }
  }
  SUBCASE("central difference and Savitzky-Golay: exact for a parabola, all columns") {
    DerivativeSettings savitzky_golay;
    savitzky_golay.window = 5;
    savitzky_golay.degree = 2;
    for (const DerivativeSettings& settings :
         {settings_for(DerivativeMethod::kCentralDifference), savitzky_golay}) {
      CAPTURE(hnn::derivative_method_name(settings.method));
      const Trajectory result = hnn::estimate_derivatives(trajectory, settings);
      REQUIRE(result.derivatives.cols() == 12);
      CHECK(result.states == trajectory.states);
      for (Eigen::Index i = 0; i < 12; ++i) {
        const Eigen::Vector2d expected = dxdt(times[static_cast<std::size_t>(i)]);
        CHECK(result.derivatives(0, i) == doctest::Approx(expected(0)).epsilon(1e-10));
        CHECK(result.derivatives(1, i) == doctest::Approx(expected(1)).epsilon(1e-10));
      }
    }
  }
  SUBCASE("large times do not spoil the local fits") {
    Trajectory shifted = trajectory;
    for (double& t : shifted.times) t += 1e4;
    const auto y = [](double t) { return Eigen::Vector2d(std::sin(t), std::cos(t)); };
    for (std::size_t i = 0; i < times.size(); ++i) {
      shifted.states.col(static_cast<Eigen::Index>(i)) = y(shifted.times[i]);
    }
    DerivativeSettings settings;
    settings.window = 5;
    settings.degree = 4;
    const Trajectory result = hnn::estimate_derivatives(shifted, settings);
    for (Eigen::Index i = 0; i < 12; ++i) {
      CHECK(result.derivatives(0, i) ==
            doctest::Approx(std::cos(shifted.times[static_cast<std::size_t>(i)])).epsilon(2e-3));
    }
  }
}

TEST_CASE("minimum_points and the refusals name what is wrong") {
  CHECK(hnn::minimum_points(settings_for(DerivativeMethod::kForwardDifference)) == 2);
  CHECK(hnn::minimum_points(settings_for(DerivativeMethod::kCentralDifference)) == 3);
  DerivativeSettings savitzky_golay;
  savitzky_golay.window = 11;
  CHECK(hnn::minimum_points(savitzky_golay) == 11);

  Trajectory short_one;
  short_one.label = "lab run 7";
  short_one.times = {0.0, 0.1, 0.2, 0.3, 0.4};
  short_one.states = Eigen::MatrixXd::Zero(2, 5);
  CHECK_THROWS_WITH_AS(hnn::estimate_derivatives(short_one, savitzky_golay),
                       "derivative estimation: lab run 7: the trajectory has 5 points, "
                       "savitzky_golay needs at least 11",
                       hnn::Error);
  Trajectory one_point = short_one;
  one_point.times = {0.0};
  one_point.states = Eigen::MatrixXd::Zero(2, 1);
  CHECK_THROWS_WITH_AS(
      hnn::estimate_derivatives(one_point, settings_for(DerivativeMethod::kForwardDifference)),
      doctest::Contains("has 1 points, forward_difference needs at least 2"), hnn::Error);

  Trajectory backwards = short_one;
  backwards.times = {0.0, 0.1, 0.1, 0.3, 0.4};
  CHECK_THROWS_WITH_AS(
      hnn::estimate_derivatives(backwards, settings_for(DerivativeMethod::kCentralDifference)),
      doctest::Contains("not strictly increasing: time 1 = 0.10000000000000001, time 2 = "
                        "0.10000000000000001"),
      hnn::Error);
  Trajectory not_finite = short_one;
  not_finite.states(1, 3) = std::nan("");
  CHECK_THROWS_WITH_AS(
      hnn::estimate_derivatives(not_finite, settings_for(DerivativeMethod::kForwardDifference)),
      doctest::Contains("state coordinate 1 at time 3 = nan is not finite"), hnn::Error);
  Trajectory ragged = short_one;
  ragged.states = Eigen::MatrixXd::Zero(2, 4);
  CHECK_THROWS_WITH_AS(
      hnn::estimate_derivatives(ragged, settings_for(DerivativeMethod::kForwardDifference)),
      doctest::Contains("the states are 2x4, expected 2n x 5"), hnn::Error);

  DerivativeSettings even_window;
  even_window.window = 8;
  CHECK_THROWS_WITH_AS(hnn::estimate_derivatives(short_one, even_window),
                       doctest::Contains("derivatives: window = 8 must be odd"), hnn::Error);
  DerivativeSettings high_degree;
  high_degree.window = 5;
  high_degree.degree = 5;
  std::string error;
  CHECK_FALSE(DerivativeSettings::binding().is_valid(high_degree, &error));
  CHECK(error == "derivatives: degree = 5 must be < window = 5");
}

TEST_CASE("the binding: keys, names and defaults (the data.derivatives section's schema)") {
  const hnn::OptionSchema schema = DerivativeSettings::binding().schema();
  REQUIRE(schema.find("method") != nullptr);
  CHECK(std::get<std::string>(schema.find("method")->default_value()) == "savitzky_golay");
  hnn::Options options;
  options.set("method", std::string("forward_difference"));
  CHECK(DerivativeSettings::binding().decode(options).method ==
        DerivativeMethod::kForwardDifference);
  CHECK(std::string(hnn::derivative_method_name(DerivativeMethod::kCentralDifference)) ==
        "central_difference");
}

TEST_CASE("golden: the first rows of real_pend_h_1.txt against NumPy") {
  // Rows 0..6 of the file (trial, t, theta, omega): a missing frame between rows 4 and 5
  // (t = 5.667 -> 6.0).
  const double rows[7][3] = {
      {5.0000000000000000e+000, 1.1383885512243586e+000, 9.1977959058677250e-001},
      {5.1666666666666670e+000, 1.2753554896511765e+000, 7.1937977921297058e-001},
      {5.3333333333333330e+000, 1.3897036702636778e+000, 4.9994686484440010e-001},
      {5.5000000000000000e+000, 1.4464413322481351e+000, 2.9225192777073428e-001},
      {5.6666666666666670e+000, 1.4738786990005335e+000, 7.0284447491220092e-002},
      {6.0000000000000000e+000, 1.4327903031373772e+000, -3.6881322636437641e-001},
      {6.1666666666666670e+000, 1.3491467638162189e+000, -5.7992981701488144e-001}};
  Trajectory measured;
  measured.label = "real_pend_h_1.txt trial 0";
  measured.states.resize(2, 7);
  for (int i = 0; i < 7; ++i) {
    measured.times.push_back(rows[i][0]);
    measured.states.col(i) << rows[i][1], rows[i][2];
  }
  // python3: d = loadtxt(file, comments="%")[:7]; t, x = d[:, 1], d[:, 2:4]
  //   (x[1:] - x[:-1]) / (t[1:] - t[:-1])[:, None]
  const double forward[6][2] = {
      {0.8218016305609063, -1.2023988682428093},   {0.6860890836750102, -1.3165974862114276},
      {0.3404259719067431, -1.2461696224419927},   {0.16462420051439, -1.3318048816770827},
      {-0.12326518758946892, -1.3172930215667906}, {-0.501861235926949, -1.266699543903028}};
  //   numpy.gradient(x, t, axis=0, edge_order=2)
  const double central[7][2] = {
      {0.8896579040038546, -1.1452995592584991}, {0.7539453571179582, -1.2594981772271185},
      {0.5132575277908771, -1.2813835543267103}, {0.252525086210567, -1.2889872520595378},
      {0.06866107114643616, -1.326967594973652}, {-0.37566255314778907, -1.2835640364576155},
      {-0.6280599187061071, -1.2498350513484406}};
  //   at each i, the first f = clamp(i - 2, 0, 2): c = lstsq(vander(t[f:f+5] - t[i], 3,
  //   increasing=True), x[f:f+5]); c[1] (Savitzky-Golay, window 5, degree 2, real times)
  const double savitzky_golay[7][2] = {
      {0.9795305319928155, -1.2218468359802575},  {0.7423851074411998, -1.2487588592801302},
      {0.5052396828895864, -1.2756708825800045},  {0.28976200369690985, -1.2986595655637765},
      {0.05969213559343983, -1.3007430217527907}, {-0.3497498275635581, -1.3087357590707946},
      {-0.5544708091420575, -1.312732127729796}};
  const Trajectory by_forward =
      hnn::estimate_derivatives(measured, settings_for(DerivativeMethod::kForwardDifference));
  REQUIRE(by_forward.derivatives.cols() == 6);
  CHECK(by_forward.times.back() == rows[5][0]);
  for (int i = 0; i < 6; ++i) {
    for (int c = 0; c < 2; ++c) {
      CHECK(by_forward.derivatives(c, i) == doctest::Approx(forward[i][c]).epsilon(1e-14));
    }
  }
  const Trajectory by_central =
      hnn::estimate_derivatives(measured, settings_for(DerivativeMethod::kCentralDifference));
  REQUIRE(by_central.derivatives.cols() == 7);
  for (int i = 0; i < 7; ++i) {
    for (int c = 0; c < 2; ++c) {
      CHECK(by_central.derivatives(c, i) == doctest::Approx(central[i][c]).epsilon(1e-13));
    }
  }
  DerivativeSettings window_5;
  window_5.window = 5;
  window_5.degree = 2;
  const Trajectory by_savitzky_golay = hnn::estimate_derivatives(measured, window_5);
  for (int i = 0; i < 7; ++i) {
    for (int c = 0; c < 2; ++c) {
      CHECK(by_savitzky_golay.derivatives(c, i) ==
            doctest::Approx(savitzky_golay[i][c]).epsilon(1e-11));
    }
  }
}

TEST_CASE("Savitzky-Golay on uniform steps: the classical filter coefficients") {
  // Window 5: dx/dt at the centre = (-2 x_-2 - x_-1 + x_1 + 2 x_2) / (10 dt) for degrees 1
  // and 2, (x_-2 - 8 x_-1 + 8 x_1 - x_2) / (12 dt) for degrees 3 and 4.
  hnn::NumpyLegacyRandom random(5);
  Trajectory trajectory;
  trajectory.times = uniform_times(9, 0.25);
  trajectory.states.resize(2, 9);
  for (Eigen::Index i = 0; i < 9; ++i) {
    trajectory.states.col(i) << random.normal(), random.normal();
  }
  const Eigen::MatrixXd& x = trajectory.states;
  for (const int degree : {1, 2, 3, 4}) {
    CAPTURE(degree);
    DerivativeSettings settings;
    settings.window = 5;
    settings.degree = degree;
    const Trajectory result = hnn::estimate_derivatives(trajectory, settings);
    for (Eigen::Index i = 2; i < 7; ++i) {
      const Eigen::Vector2d expected = degree <= 2
                                           ? Eigen::Vector2d((-2.0 * x.col(i - 2) - x.col(i - 1) +
                                                              x.col(i + 1) + 2.0 * x.col(i + 2)) /
                                                             (10.0 * 0.25))
                                           : Eigen::Vector2d((x.col(i - 2) - 8.0 * x.col(i - 1) +
                                                              8.0 * x.col(i + 1) - x.col(i + 2)) /
                                                             (12.0 * 0.25));
      CHECK(result.derivatives(0, i) == doctest::Approx(expected(0)).epsilon(1e-12));
      CHECK(result.derivatives(1, i) == doctest::Approx(expected(1)).epsilon(1e-12));
    }
  }
}
