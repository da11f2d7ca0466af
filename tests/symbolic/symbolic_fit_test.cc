// The function library (kan.md §6.1), fit_affine_parameters = pykan's fit_params (§6.3)
// against tests/golden/symbolic_fit_cases.yaml, and the ranking of suggestions (§6.4).
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "hnn/error.h"
#include "hnn/symbolic/affine_fit.h"
#include "hnn/symbolic/function_library.h"
#include "hnn/symbolic/suggestion.h"

namespace {

using hnn::symbolic::AffineFit;
using hnn::symbolic::AffineFitOptions;
using hnn::symbolic::BoundaryRule;
using hnn::symbolic::GridSpacing;
using hnn::symbolic::SymbolicFunctionLibrary;

const std::string kGolden = std::string(HNN_GOLDEN_DIR) + "/symbolic_fit_cases.yaml";

const YAML::Node& golden() {
  static const YAML::Node root = YAML::LoadFile(kGolden);
  return root;
}

Eigen::VectorXd vector_of(const YAML::Node& node) {
  Eigen::VectorXd values(static_cast<Eigen::Index>(node.size()));
  for (std::size_t k = 0; k < node.size(); ++k)
    values[static_cast<Eigen::Index>(k)] = node[k].as<double>();
  return values;
}

double max_difference(const Eigen::VectorXd& x, const Eigen::VectorXd& y) {
  REQUIRE(x.size() == y.size());
  return (x - y).cwiseAbs().maxCoeff();
}

double sign_of(double x) { return x < 0.0 ? -1.0 : 1.0; }

// What the golden `compare` field of each case says is well defined.
enum class Identifiable {
  kEverything,   // x^2, sin: a, b, c, d, r2 and the whole trace
  kExponential,  // exp: a, c*exp(b), d (b and c are decided by round-off)
  kLinear,       // x: c*a, c*b + d (a's sign and b are decided by round-off)
  kMirrorOdd,    // tanh: |a|, b*sign(a), c*sign(a), d
  kMirrorEven,   // gaussian: |a|, b*sign(a), c, d
};

Identifiable identifiable(const std::string& function) {
  if (function == "exp") return Identifiable::kExponential;
  if (function == "x") return Identifiable::kLinear;
  if (function == "tanh") return Identifiable::kMirrorOdd;
  if (function == "gaussian") return Identifiable::kMirrorEven;
  return Identifiable::kEverything;
}

// Compares a, b, c, d, r2 of `fit` with `expected` (a golden case or its variant).
void check_parameters(const AffineFit& fit, const YAML::Node& expected, Identifiable rule) {
  const double a = expected["a"].as<double>(), b = expected["b"].as<double>();
  const double c = expected["c"].as<double>(), d = expected["d"].as<double>();
  INFO("fit a, b, c, d = " << fit.a << ", " << fit.b << ", " << fit.c << ", " << fit.d);
  INFO("golden a, b, c, d = " << a << ", " << b << ", " << c << ", " << d);
  CHECK(fit.r2 == doctest::Approx(expected["r2"].as<double>()).epsilon(1e-12));
  switch (rule) {
    case Identifiable::kEverything:
      CHECK(fit.a == doctest::Approx(a).epsilon(1e-12));
      CHECK(fit.b == doctest::Approx(b).epsilon(1e-12));
      CHECK(fit.c == doctest::Approx(c).epsilon(1e-10));
      CHECK(std::fabs(fit.d - d) < 1e-10);
      break;
    case Identifiable::kExponential:
      CHECK(fit.a == doctest::Approx(a).epsilon(1e-12));
      CHECK(fit.c * std::exp(fit.b) == doctest::Approx(c * std::exp(b)).epsilon(1e-10));
      CHECK(std::fabs(fit.d - d) < 1e-10);
      break;
    case Identifiable::kLinear:
      CHECK(fit.c * fit.a == doctest::Approx(c * a).epsilon(1e-12));
      CHECK(fit.c * fit.b + fit.d == doctest::Approx(c * b + d).epsilon(1e-12));
      break;
    case Identifiable::kMirrorOdd:
    case Identifiable::kMirrorEven: {
      const double s = sign_of(fit.a), t = sign_of(a);
      CHECK(std::fabs(fit.a) == doctest::Approx(std::fabs(a)).epsilon(1e-12));
      CHECK(std::fabs(fit.b * s - b * t) < 1e-12);
      if (rule == Identifiable::kMirrorOdd) {
        CHECK(fit.c * s == doctest::Approx(c * t).epsilon(1e-10));
      } else {
        CHECK(fit.c == doctest::Approx(c).epsilon(1e-10));
      }
      CHECK(std::fabs(fit.d - d) < 1e-10);
      break;
    }
  }
}

AffineFitOptions legacy(GridSpacing spacing = GridSpacing::kTorch) {
  AffineFitOptions options;
  options.boundary = BoundaryRule::kLegacyKeepRanges;
  options.spacing = spacing;
  return options;
}

// pykan HEAD's boundary rule (`head`) against 0.0.5's (`as_released`) on the same data: up
// to and including the first round whose best pair is on the grid boundary the two traces
// are the same round for round (the rules only differ in how that round changes the
// ranges). Returns true when no round of `as_released` is on the boundary: then the fits are
// identical, a, b, c, d and r2 bit for bit. Otherwise the composed functions may differ
// (HEAD zooms into the boundary cell, 0.0.5 repeats its grid), and HEAD's r2 is not lower:
// its next grids keep the previous best pair.
bool check_boundary_rules(const AffineFit& as_released, const AffineFit& head) {
  REQUIRE(head.trace.size() == as_released.trace.size());
  bool boundary = false;
  for (std::size_t k = 0; k < head.trace.size() && !boundary; ++k) {
    CAPTURE(k);
    CHECK(head.trace[k].a == as_released.trace[k].a);
    CHECK(head.trace[k].b == as_released.trace[k].b);
    CHECK(head.trace[k].r2 == as_released.trace[k].r2);
    boundary = as_released.trace[k].on_boundary;
  }
  if (!boundary) {
    CHECK(head.a == as_released.a);
    CHECK(head.b == as_released.b);
    CHECK(head.c == as_released.c);
    CHECK(head.d == as_released.d);
    CHECK(head.r2 == as_released.r2);
  }
  CHECK(head.r2 >= as_released.r2 - 1e-12);
  return !boundary;
}

// The per-round trace against the golden `iterations`, as far as round-off allows.
void check_trace(const AffineFit& fit, const YAML::Node& iterations, Identifiable rule) {
  REQUIRE(fit.trace.size() == iterations.size());
  for (std::size_t k = 0; k < iterations.size(); ++k) {
    const YAML::Node& expected = iterations[k];
    const hnn::symbolic::AffineFitRound& round = fit.trace[k];
    INFO("round " << k << ": a index " << round.a_index << " b index " << round.b_index << ", a "
                  << round.a << " b " << round.b << " r2 " << round.r2);
    CHECK(round.r2 == doctest::Approx(expected["r2"].as<double>()).epsilon(1e-12));
    CHECK(round.on_boundary == expected["best_on_boundary"].as<bool>());
    const bool mirror = rule == Identifiable::kMirrorOdd || rule == Identifiable::kMirrorEven;
    if (rule == Identifiable::kEverything) {
      // Ranges bit for bit: they are torch.linspace values of the previous round.
      CHECK(round.a_min == expected["a_range"][0].as<double>());
      CHECK(round.a_max == expected["a_range"][1].as<double>());
      CHECK(round.b_min == expected["b_range"][0].as<double>());
      CHECK(round.b_max == expected["b_range"][1].as<double>());
      CHECK(round.a_index == expected["a_index"].as<int>());
      CHECK(round.b_index == expected["b_index"].as<int>());
      CHECK(round.a == expected["a"].as<double>());
      CHECK(round.b == expected["b"].as<double>());
    } else if (rule == Identifiable::kExponential) {
      CHECK(round.a_min == expected["a_range"][0].as<double>());
      CHECK(round.a_max == expected["a_range"][1].as<double>());
      CHECK(round.a_index == expected["a_index"].as<int>());
      CHECK(round.a == expected["a"].as<double>());
    } else if (rule == Identifiable::kLinear) {
      CHECK(std::fabs(round.a) == std::fabs(expected["a"].as<double>()));
    } else if (mirror) {
      const double s = sign_of(round.a), t = sign_of(expected["a"].as<double>());
      CHECK(std::fabs(round.a) ==
            doctest::Approx(std::fabs(expected["a"].as<double>())).epsilon(1e-12));
      CHECK(std::fabs(round.b * s - expected["b"].as<double>() * t) < 1e-12);
    }
  }
}

}  // namespace

TEST_CASE("the library has pykan's 24 functions in insertion order") {
  const SymbolicFunctionLibrary library = SymbolicFunctionLibrary::pykan();
  const std::vector<std::string> expected = {
      "x",       "x^2",       "x^3",    "x^4",    "1/x",     "1/x^2", "1/x^3",    "1/x^4",
      "sqrt",    "1/sqrt(x)", "exp",    "log",    "abs",     "sin",   "tan",      "tanh",
      "sigmoid", "sgn",       "arcsin", "arctan", "arctanh", "0",     "gaussian", "cosh"};
  CHECK(library.names() == expected);
  CHECK(library.at("x").complexity < library.at("x^2").complexity);
  CHECK(library.at("0").complexity == 0);
}

TEST_CASE("library evaluators have torch's domain behaviour") {
  const SymbolicFunctionLibrary library = SymbolicFunctionLibrary::pykan();
  const double inf = std::numeric_limits<double>::infinity();
  auto f = [&](const char* name, double x) { return library.at(name).evaluate(x); };
  CHECK(std::isnan(f("sqrt", -1.0)));
  CHECK(std::isnan(f("1/sqrt(x)", -1.0)));
  CHECK(f("1/sqrt(x)", 0.0) == inf);
  CHECK(std::isnan(f("log", -1.0)));
  CHECK(f("log", 0.0) == -inf);
  CHECK(f("1/x", 0.0) == inf);
  CHECK(f("1/x^2", 0.0) == inf);
  CHECK(f("1/x^4", 0.0) == inf);
  CHECK(f("sgn", 0.0) == 0.0);
  CHECK(f("sgn", -3.0) == -1.0);
  CHECK(f("sgn", 2.0) == 1.0);
  CHECK(std::isnan(f("arcsin", 1.5)));
  CHECK(f("arctanh", 1.0) == inf);
  CHECK(f("arctanh", -1.0) == -inf);
  CHECK(std::isnan(f("arctanh", 1.5)));
  CHECK(f("0", 3.0) == 0.0);
  CHECK(std::isnan(f("0", inf)));
  CHECK(f("sigmoid", 0.0) == 0.5);
  CHECK(f("gaussian", 2.0) == doctest::Approx(std::exp(-4.0)).epsilon(1e-15));
  CHECK(f("x^3", -2.0) == -8.0);
}

TEST_CASE("every GiNaC builder matches its double evaluator") {
  const SymbolicFunctionLibrary library = SymbolicFunctionLibrary::pykan();
  const GiNaC::realsymbol t("t");
  for (const auto& function : library) {
    for (double x : {0.3, 0.7, 0.95}) {
      const GiNaC::ex value = function.expression(t).subs(t == GiNaC::numeric(x)).evalf();
      REQUIRE_MESSAGE(GiNaC::is_a<GiNaC::numeric>(value), function.name);
      CHECK_MESSAGE(GiNaC::ex_to<GiNaC::numeric>(value).to_double() ==
                        doctest::Approx(function.evaluate(x)).epsilon(1e-14),
                    function.name << " at " << x);
    }
  }
}

TEST_CASE("subsets, unknown names and registration") {
  SymbolicFunctionLibrary library = SymbolicFunctionLibrary::pykan();
  const SymbolicFunctionLibrary subset = library.subset({"sin", "x^2", "x"});
  CHECK(subset.names() == std::vector<std::string>{"sin", "x^2", "x"});
  CHECK_THROWS_WITH_AS(library.subset({"x", "x^22"}),
                       doctest::Contains("unknown symbolic function 'x^22' (did you mean 'x^2'?)"),
                       hnn::Error);
  CHECK_THROWS_WITH_AS(library.at("sine"), doctest::Contains("(did you mean 'sin'?); known: 'x', "),
                       hnn::Error);
  CHECK_THROWS_WITH_AS(library.at("sine"), doctest::Contains("'gaussian', 'cosh'"), hnn::Error);
  CHECK_THROWS_WITH_AS(library.subset({"x", "x"}), doctest::Contains("listed twice"), hnn::Error);
  CHECK_THROWS_WITH_AS(library.subset({}), doctest::Contains("at least one name"), hnn::Error);
  const auto identity = [](double x) { return x; };
  const auto identity_expression = [](const GiNaC::ex& x) { return x; };
  CHECK_THROWS_WITH_AS(library.add({.name = "sin",
                                    .evaluate = identity,
                                    .expression = identity_expression,
                                    .complexity = 1}),
                       doctest::Contains("'sin' is already in the library"), hnn::Error);
  CHECK_THROWS_WITH_AS(
      library.add({.name = "bad", .evaluate = nullptr, .expression = identity_expression}),
      doctest::Contains("evaluator is missing"), hnn::Error);
  CHECK_THROWS_WITH_AS(library.add({.name = "neg",
                                    .evaluate = identity,
                                    .expression = identity_expression,
                                    .complexity = -1}),
                       doctest::Contains("complexity must be >= 0, found -1"), hnn::Error);
  CHECK(library.size() == 24);

  // A plugin's function: x^5, then fitted like any other.
  library.add({.name = "x^5",
               .evaluate = [](double x) { return x * x * x * x * x; },
               .expression = [](const GiNaC::ex& x) -> GiNaC::ex { return GiNaC::pow(x, 5); },
               .complexity = 3});
  CHECK(library.size() == 25);
  CHECK(library.index_of("x^5") == 24);
  const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(60, -1.0, 1.0);
  const Eigen::VectorXd y = 0.5 * (1.2 * x.array() + 0.4).pow(5) - 0.1;
  const AffineFit fit = hnn::symbolic::fit_affine_parameters(x, y, library.at("x^5"));
  CHECK(fit.r2 > 1.0 - 1e-9);
  CHECK(max_difference(fit.evaluate(library.at("x^5"), x), y) < 1e-9);
}

TEST_CASE("linspace is torch's float64 linspace bit for bit") {
  const Eigen::VectorXd expected = vector_of(golden()["x_linspace_m1_1_200"]);
  const Eigen::VectorXd ours = hnn::symbolic::linspace(-1.0, 1.0, 200);
  REQUIRE(ours.size() == expected.size());
  for (Eigen::Index k = 0; k < ours.size(); ++k) {
    CHECK_MESSAGE(ours[k] == expected[k], "index " << k);
  }
  // The textbook variant is symmetric; torch's is not quite.
  const Eigen::VectorXd plain = hnn::symbolic::linspace(-10.0, 10.0, 101, GridSpacing::kTextbook);
  for (int k = 0; k < 101; ++k) CHECK(plain[k] == -plain[100 - k]);
  CHECK_THROWS_AS(hnn::symbolic::linspace(0.0, 1.0, 1), hnn::Error);
}

TEST_CASE("fit_affine_parameters reproduces pykan 0.0.5's fit_params on every golden case") {
  const SymbolicFunctionLibrary library = SymbolicFunctionLibrary::pykan();
  const Eigen::VectorXd x = vector_of(golden()["x_linspace_m1_1_200"]);
  for (const YAML::Node& expected : golden()["cases"]) {
    const std::string name = expected["function"].as<std::string>();
    const Identifiable rule = identifiable(name);
    const Eigen::VectorXd y = vector_of(expected["y"]);
    const Eigen::VectorXd fitted = vector_of(expected["fitted_values"]);
    CAPTURE(name);

    // As released (0.0.5 boundary typo), torch grids: the golden file itself.
    const AffineFit fit = hnn::symbolic::fit_affine_parameters(x, y, library.at(name), legacy());
    check_parameters(fit, expected, rule);
    check_trace(fit, expected["iterations"], rule);
    CHECK(max_difference(fit.evaluate(library.at(name), x), fitted) < 1e-12);
    const std::vector<std::string> messages = fit.messages();
    const YAML::Node printed = expected["printed"];
    REQUIRE(messages.size() == printed.size());
    CHECK(fit.best_at_boundary == (printed[0].as<std::string>() == "Best value at boundary."));
    if (fit.r2 == expected["r2"].as<double>()) {
      CHECK(messages.back() == printed[printed.size() - 1].as<std::string>());
    }

    // The textbook-linspace variant.
    const YAML::Node& variant = expected["variant_plain_linspace"];
    const AffineFit plain = hnn::symbolic::fit_affine_parameters(x, y, library.at(name),
                                                                 legacy(GridSpacing::kTextbook));
    check_parameters(plain, variant, rule);
    CHECK(max_difference(plain.evaluate(library.at(name), x), fitted) < 1e-12);

    // The default, pykan HEAD's boundary rule, differs from 0.0.5's only from the first
    // round whose best pair is on the grid boundary (check_boundary_rules).
    const AffineFit head = hnn::symbolic::fit_affine_parameters(x, y, library.at(name));
    CHECK(head.r2 >= expected["r2"].as<double>() - 1e-12);
    if (check_boundary_rules(fit, head)) {
      CHECK(max_difference(head.evaluate(library.at(name), x), fitted) < 1e-12);
    }
  }
}

// Two fits where the boundary rules part: the composed functions differ (not to 1e-9).
TEST_CASE("the two boundary rules differ once a round's best is on the boundary (cosh)") {
  const SymbolicFunctionLibrary library = SymbolicFunctionLibrary::pykan();
  const auto& cosh = library.at("cosh");
  const Eigen::VectorXd x = hnn::symbolic::linspace(-1.0, 1.0, 200);
  SUBCASE("y = 2 cosh(9.9 x + 1) + 0.3: 0.0.5 stays at a = -10, the boundary of its grid") {
    const Eigen::VectorXd y = (2.0 * (9.9 * x.array() + 1.0).cosh() + 0.3).matrix();
    const AffineFit as_released = hnn::symbolic::fit_affine_parameters(x, y, cosh, legacy());
    const AffineFit head = hnn::symbolic::fit_affine_parameters(x, y, cosh);
    CHECK(as_released.best_at_boundary);
    CHECK(as_released.a == -10.0);
    CHECK(as_released.r2 < 0.99998);
    CHECK(check_boundary_rules(as_released, head) == false);
    // HEAD shrinks a's range to the boundary cell [-10, -9.8] and finds the mirror of 9.9.
    CHECK(head.a == doctest::Approx(-9.9).epsilon(1e-12));
    CHECK(head.b == doctest::Approx(-1.0).epsilon(1e-12));
    CHECK(head.r2 > 1.0 - 1e-12);
    const double relative = max_difference(head.evaluate(cosh, x), as_released.evaluate(cosh, x)) /
                            y.cwiseAbs().maxCoeff();
    CHECK(relative > 1e-3);  // 4.2e-3 measured
  }
  SUBCASE("y = 2 cosh(0.3 x + 9) + 0.3: the first round is inside, a later one on b's edge") {
    const Eigen::VectorXd y = (2.0 * (0.3 * x.array() + 9.0).cosh() + 0.3).matrix();
    const AffineFit as_released = hnn::symbolic::fit_affine_parameters(x, y, cosh, legacy());
    const AffineFit head = hnn::symbolic::fit_affine_parameters(x, y, cosh);
    CHECK_FALSE(as_released.best_at_boundary);  // pykan prints no "Best value at boundary."
    CHECK(check_boundary_rules(as_released, head) == false);
    CHECK(head.r2 >= as_released.r2);
    const double relative = max_difference(head.evaluate(cosh, x), as_released.evaluate(cosh, x)) /
                            y.cwiseAbs().maxCoeff();
    CHECK(relative > 1e-5);  // 2.3e-5 measured
    CHECK(relative < 1e-4);
  }
}

TEST_CASE("case 1: the r2 of all 24 functions and their ranking") {
  const SymbolicFunctionLibrary library = SymbolicFunctionLibrary::pykan();
  const Eigen::VectorXd x = vector_of(golden()["x_linspace_m1_1_200"]);
  const YAML::Node& expected = golden()["cases"][0];
  REQUIRE(expected["function"].as<std::string>() == "x^2");
  const Eigen::VectorXd y = vector_of(expected["y"]);

  hnn::symbolic::SuggestionOptions options;
  options.top_k = 24;
  options.fit = legacy();
  const std::vector<hnn::symbolic::Suggestion> ranking =
      hnn::symbolic::suggest_functions(x, y, library, options);
  REQUIRE(ranking.size() == 24);
  for (const YAML::Node& entry : expected["library_fits"]) {
    const std::string name = entry["function"].as<std::string>();
    const auto found = std::find_if(ranking.begin(), ranking.end(),
                                    [&](const auto& s) { return s.function == name; });
    REQUIRE(found != ranking.end());
    INFO(name << ": a, b, c, d = " << found->fit.a << ", " << found->fit.b << ", " << found->fit.c
              << ", " << found->fit.d << "; golden " << entry["a"].as<double>() << ", "
              << entry["b"].as<double>() << ", " << entry["c"].as<double>() << ", "
              << entry["d"].as<double>());
    CHECK(found->r2 == doctest::Approx(entry["r2"].as<double>()).epsilon(1e-12));
  }
  std::vector<std::string> names;
  for (const auto& s : ranking) names.push_back(s.function);
  std::vector<std::string> golden_order;
  for (const YAML::Node& n : expected["ranking_r2_descending_ties_to_earlier_entry"]) {
    golden_order.push_back(n.as<std::string>());
  }
  CHECK(names == golden_order);

  // Exact order with tie tolerance 0 is the same (no exact ties in this case).
  std::vector<hnn::symbolic::Suggestion> candidates = ranking;
  const std::vector<std::size_t> strict = hnn::symbolic::rank_suggestions(candidates, 0.0);
  for (std::size_t k = 0; k < strict.size(); ++k)
    CHECK(candidates[strict[k]].function == golden_order[k]);

  // top_k and a subset.
  options.top_k = 3;
  const auto top =
      hnn::symbolic::suggest_functions(x, y, library.subset({"x", "sin", "x^2", "cosh"}), options);
  REQUIRE(top.size() == 3);
  CHECK(top[0].function == "x^2");
  CHECK(top[1].function == "sin");
  CHECK(top[2].function == "cosh");
}

TEST_CASE("near-ties go to the simpler entry") {
  auto make = [](const char* name, double r2, int complexity, std::size_t index) {
    hnn::symbolic::Suggestion s;
    s.function = name;
    s.r2 = r2;
    s.complexity = complexity;
    s.library_index = index;
    return s;
  };
  // The spring KAN's hidden -> H edge: everything fits within round-off.
  const std::vector<hnn::symbolic::Suggestion> candidates = {
      make("x^2", 0.99999998, 2, 1),      make("exp", 0.99999999, 2, 10),
      make("abs", 0.9999999995, 3, 12),   make("x", 0.9999999, 1, 0),
      make("cosh", 0.99999999999, 3, 23), make("sin", 0.998, 2, 13)};
  const std::vector<std::size_t> order = hnn::symbolic::rank_suggestions(candidates, 1e-6);
  std::vector<std::string> names;
  for (std::size_t k : order) names.push_back(candidates[k].function);
  CHECK(names == std::vector<std::string>{"x", "x^2", "exp", "abs", "cosh", "sin"});
  const std::vector<std::size_t> strict = hnn::symbolic::rank_suggestions(candidates, 0.0);
  CHECK(candidates[strict[0]].function == "cosh");
}

TEST_CASE("synthetic activations: known a, b, c, d are recovered") {
  const SymbolicFunctionLibrary library = SymbolicFunctionLibrary::pykan();
  const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(150, -2.0, 2.0);

  SUBCASE("x^2: c a^2, b / a and d are identifiable") {
    const Eigen::VectorXd y = 1.5 * (0.8 * x.array() - 0.4).square() + 0.3;
    const AffineFit fit = hnn::symbolic::fit_affine_parameters(x, y, library.at("x^2"));
    CHECK(fit.r2 > 1.0 - 1e-9);
    CHECK(fit.c * fit.a * fit.a == doctest::Approx(1.5 * 0.64).epsilon(1e-9));
    CHECK(fit.b / fit.a == doctest::Approx(-0.5).epsilon(1e-9));
    CHECK(fit.d == doctest::Approx(0.3).epsilon(1e-9));
  }
  SUBCASE("sin: (a, b, c) up to the mirror image, d") {
    const Eigen::VectorXd y = 0.7 * (1.2 * x.array() + 0.6).sin() - 0.2;
    const AffineFit fit = hnn::symbolic::fit_affine_parameters(x, y, library.at("sin"));
    const double s = sign_of(fit.a);
    CHECK(fit.a * s == doctest::Approx(1.2).epsilon(1e-9));
    CHECK(fit.b * s == doctest::Approx(0.6).epsilon(1e-9));
    CHECK(fit.c * s == doctest::Approx(0.7).epsilon(1e-9));
    CHECK(fit.d == doctest::Approx(-0.2).epsilon(1e-9));
  }
  SUBCASE("exp: a, c exp(b) and d") {
    const Eigen::VectorXd y = 2.0 * (0.5 * x.array()).exp() + 1.0;
    const AffineFit fit = hnn::symbolic::fit_affine_parameters(x, y, library.at("exp"));
    CHECK(fit.a == doctest::Approx(0.5).epsilon(1e-9));
    CHECK(fit.c * std::exp(fit.b) == doctest::Approx(2.0).epsilon(1e-9));
    CHECK(fit.d == doctest::Approx(1.0).epsilon(1e-9));
  }
}

TEST_CASE("fit options and samples are validated") {
  const SymbolicFunctionLibrary library = SymbolicFunctionLibrary::pykan();
  const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(10, -1.0, 1.0);
  AffineFitOptions options;
  options.grid_points = 2;
  std::string error;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error == "grid_points must be >= 3, found 2");
  CHECK_THROWS_WITH_AS(hnn::symbolic::fit_affine_parameters(x, x, library.at("x"), options),
                       doctest::Contains("fit of symbolic function 'x': invalid options: "
                                         "grid_points must be >= 3, found 2"),
                       hnn::Error);
  options = AffineFitOptions();
  options.a_min = 5.0;
  options.a_max = 5.0;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error == "a_range must be finite with min < max, found [5, 5]");
  CHECK_THROWS_WITH_AS(
      hnn::symbolic::fit_affine_parameters(x, Eigen::VectorXd::Zero(9), library.at("x")),
      doctest::Contains("x has 10 samples but y has 9"), hnn::Error);
  Eigen::VectorXd bad = x;
  bad[3] = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(hnn::symbolic::fit_affine_parameters(x, bad, library.at("x")),
                       doctest::Contains("sample 3 is not finite"), hnn::Error);
  // A function undefined everywhere on the samples scores 0 and does not throw.
  const Eigen::VectorXd positive = Eigen::VectorXd::LinSpaced(10, 1.0, 2.0);
  options = AffineFitOptions();
  options.a_min = -2.0;
  options.a_max = -1.0;
  options.b_min = -1.0;
  options.b_max = -0.5;
  const AffineFit fit =
      hnn::symbolic::fit_affine_parameters(positive, positive, library.at("sqrt"), options);
  CHECK(fit.r2 == 0.0);
  CHECK(fit.c == 0.0);
  CHECK(fit.d == doctest::Approx(1.5));
  // An evaluator that throws inside the parallel grid search: rethrown, not terminated.
  hnn::symbolic::SymbolicFunction thrower{
      .name = "thrower",
      .evaluate = [](double) -> double { throw hnn::Error("boom"); },
      .expression = [](const GiNaC::ex& t) { return t; },
      .complexity = 1};
  CHECK_THROWS_WITH_AS(hnn::symbolic::fit_affine_parameters(x, x, thrower), "boom", hnn::Error);
}
