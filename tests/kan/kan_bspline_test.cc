// The B-spline bases of the kan plugin against tests/golden/bspline_G3_k3.csv (pykan 0.0.5
// B_batch in float64 and its derivatives, kan.md 2.1-2.4), both the reference recursion
// and the piecewise-polynomial form the model evaluates.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "bspline.h"
#include "hnn/error.h"
#include "kan_test_support.h"

namespace {

const std::vector<double> kGrid = {-1.0, -0.33333333333333337, 0.33333333333333337, 1.0};

}  // namespace

TEST_CASE("extend_grid reproduces pykan's float64 extended knots bit for bit") {
  const std::vector<double> expected = {-2.9999999999999996,
                                        -2.333333333333333,
                                        -1.6666666666666665,
                                        -1.0,
                                        -0.33333333333333337,
                                        0.33333333333333337,
                                        1.0,
                                        1.6666666666666665,
                                        2.333333333333333,
                                        2.9999999999999996};
  const auto knots = hnn::kan::extend_grid(kGrid, 3);
  REQUIRE(knots.size() == expected.size());
  for (std::size_t i = 0; i < knots.size(); ++i) CHECK(knots[i] == expected[i]);
}

TEST_CASE("bases and derivatives match bspline_G3_k3.csv to 1e-10") {
  const auto table = hnn::testing::read_csv(std::string(HNN_GOLDEN_DIR) + "/bspline_G3_k3.csv");
  REQUIRE(table.rows.size() == 149);
  const auto knots = hnn::kan::extend_grid(kGrid, 3);
  const hnn::kan::BSplineBasis basis(knots, 3);
  REQUIRE(basis.basis_count() == 6);
  double worst_piecewise = 0.0, worst_recursion = 0.0;
  for (std::size_t row = 0; row < table.rows.size(); ++row) {
    const double x = table.number(row, "x");
    double values[6], first[6], second[6];
    basis.evaluate(x, values, first, second);
    const auto reference = hnn::kan::cox_de_boor(knots, 3, x, 2);
    for (int m = 0; m < 6; ++m) {
      const std::string index = std::to_string(m);
      const double golden[3] = {table.number(row, "B" + index), table.number(row, "dB" + index),
                                table.number(row, "ddB" + index)};
      const double piecewise[3] = {values[m], first[m], second[m]};
      for (int q = 0; q < 3; ++q) {
        worst_piecewise = std::max(worst_piecewise, std::abs(piecewise[q] - golden[q]));
        worst_recursion = std::max(worst_recursion, std::abs(reference[q][m] - golden[q]));
      }
    }
  }
  MESSAGE("max deviation: piecewise form " << worst_piecewise << ", recursion " << worst_recursion);
  CHECK(worst_piecewise <= 1e-10);
  CHECK(worst_recursion <= 1e-10);
}

TEST_CASE("a non-uniform grid: the piecewise form equals the recursion, at knots too") {
  const std::vector<double> grid = {-1.3, -0.2, 0.05, 0.4, 1.7, 2.0};
  for (int k : {1, 2, 3, 4}) {
    CAPTURE(k);
    const auto knots = hnn::kan::extend_grid(grid, k);
    const hnn::kan::BSplineBasis basis(knots, k);
    std::vector<double> xs;
    for (int i = 0; i <= 400; ++i) xs.push_back(knots.front() - 0.5 + i * 0.0173);
    xs.insert(xs.end(), knots.begin(), knots.end());
    const int count = basis.basis_count();
    std::vector<double> values(count), first(count), second(count);
    double worst = 0.0;
    for (double x : xs) {
      basis.evaluate(x, values.data(), first.data(), second.data());
      const auto reference = hnn::kan::cox_de_boor(knots, k, x, std::min(k, 2));
      for (int m = 0; m < count; ++m) {
        worst = std::max(worst, std::abs(values[m] - reference[0][m]));
        worst = std::max(worst, std::abs(first[m] - reference[1][m]) / 10.0);
        if (k >= 2) worst = std::max(worst, std::abs(second[m] - reference[2][m]) / 100.0);
      }
    }
    CHECK(worst <= 1e-12);
  }
}

TEST_CASE("invalid knots are reported") {
  CHECK_THROWS_WITH_AS(hnn::kan::BSplineBasis({0.0, 1.0, 1.0, 2.0, 3.0}, 2),
                       doctest::Contains("strictly increasing"), hnn::Error);
  CHECK_THROWS_WITH_AS(hnn::kan::BSplineBasis({0.0, 1.0, 2.0}, 3),
                       doctest::Contains("needs at least 5 knots"), hnn::Error);
}

TEST_CASE("locate_all equals locate bit for bit: two samples at a time and the odd tail") {
  const hnn::kan::BSplineBasis basis(hnn::kan::extend_grid(kGrid, 3), 3);
  const std::vector<double>& knots = basis.knots();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> x;
  for (int i = 0; i <= 200; ++i) x.push_back(-3.5 + 7.0 * i / 200.0);  // across every piece
  for (const double t : knots) {  // at the knots and one ulp either side
    x.push_back(t);
    x.push_back(std::nextafter(t, -inf));
    x.push_back(std::nextafter(t, inf));
  }
  // Out of range and NaN next to inner points, in both lanes of a pair.
  for (const double v : {nan, inf, -inf, -3.0, 3.0, 100.0}) {
    x.push_back(v);
    x.push_back(0.25);
    x.push_back(-0.75);
    x.push_back(v);
  }
  x.push_back(0.5);
  if (x.size() % 2 == 0) x.push_back(-0.5);  // an odd count: the last one takes the scalar path
  std::vector<int> pieces(x.size());
  std::vector<double> locals(x.size());
  basis.locate_all(x.data(), static_cast<long>(x.size()), pieces.data(), locals.data());
  for (std::size_t s = 0; s < x.size(); ++s) {
    CAPTURE(s);
    CAPTURE(x[s]);
    double local = -1.0;
    CHECK(pieces[s] == basis.locate(x[s], &local));
    CHECK(std::memcmp(&locals[s], &local, sizeof(double)) == 0);
  }
}
