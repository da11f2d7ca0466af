// The symbolic section's options that only a whole stage shows, through hnn-host on a small
// KAN (symbolic_options.yaml, one thread): tie_tolerance decides between close fits,
// boundary_rule decides what a search that ends on the grid boundary does, field_tolerance is
// the bound the verification compares the field error with.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <string>

#include "hnn/host/run_summary.h"
#include "hnn/host/run_summary_reader.h"
#include "host_run.h"

namespace {

// Runs the pipeline with `--set models.kan.symbolic.<setting>` (none when empty) and returns
// the kan's symbolic summary.
hnn::SymbolicSummary symbolic_stage(const std::string& name, const std::string& setting) {
  const std::filesystem::path run = hnn::testing::scratch("symbolic_options_" + name);
  const std::string set = setting.empty() ? "" : " --set models.kan.symbolic." + setting;
  REQUIRE(hnn::testing::host("'" HNN_SOURCE_DIR "/tests/end_to_end/symbolic_options.yaml' -o '" +
                                 run.string() + "' --no-report" + set,
                             "OMP_NUM_THREADS=1") == 0);
  const hnn::RunSummary summary = hnn::read_run_summary(run / "summary.yaml");
  REQUIRE(summary.models.size() >= 1);
  REQUIRE(summary.models[0].symbolic.has_value());
  REQUIRE(summary.models[0].symbolic->edges.size() == 4);
  return *summary.models[0].symbolic;
}

// The edge's suggestion with the largest r2.
std::string best_scoring(const hnn::SymbolicEdgeFit& fit) {
  REQUIRE(fit.suggestions.size() == 4);
  return std::max_element(fit.suggestions.begin(), fit.suggestions.end(),
                          [](const auto& a, const auto& b) { return a.r2 < b.r2; })
      ->function;
}

// The r2 of `function` among the edge's suggestions (-1 when it is not one).
double r2_of(const hnn::SymbolicEdgeFit& fit, const std::string& function) {
  for (const auto& suggestion : fit.suggestions) {
    if (suggestion.function == function) return suggestion.r2;
  }
  return -1.0;
}

// True when v is a point of torch.linspace(-10, 10, 101) (a multiple of 0.2), up to round-off.
bool on_first_grid(double v) { return std::fabs(v / 0.2 - std::round(v / 0.2)) < 1e-9; }

}  // namespace

TEST_CASE("symbolic.tie_tolerance: 0 takes the best r2, a wider one the simpler close fit") {
  // x is the simplest candidate: within the tolerance of the best r2 it wins.
  const hnn::SymbolicSummary strict = symbolic_stage("tie0", "tie_tolerance=0");
  const hnn::SymbolicSummary by_default = symbolic_stage("tie_default", "");
  const hnn::SymbolicSummary wide = symbolic_stage("tie_wide", "tie_tolerance=0.01");
  const hnn::SymbolicSummary loose = symbolic_stage("tie1", "tie_tolerance=1");
  long changed = 0;
  for (std::size_t e = 0; e < 4; ++e) {
    CAPTURE(e);
    for (const auto* run : {&strict, &by_default, &wide, &loose}) {
      REQUIRE(run->edges[e].fit.has_value());
    }
    const hnn::SymbolicEdgeFit& fit = *strict.edges[e].fit;
    const double best = r2_of(fit, best_scoring(fit));
    CHECK(fit.function == best_scoring(fit));
    CHECK(fit.function == fit.suggestions.front().function);
    CHECK(r2_of(*by_default.edges[e].fit, by_default.edges[e].fit->function) >= best - 1e-6);
    const std::string chosen = wide.edges[e].fit->function;
    CHECK(r2_of(fit, chosen) >= best - 0.01);
    CHECK((chosen == "x") == (r2_of(fit, "x") >= best - 0.01));
    changed += chosen != fit.function ? 1 : 0;
    // Every r2 lies in [0, 1]: with a tolerance of 1 every candidate ties, x wins.
    CHECK(loose.edges[e].fit->function == "x");
  }
  // The KAN's output edges are nearly linear: x is within 1e-2 there but not the best.
  CHECK(changed >= 1);
}

TEST_CASE(
    "symbolic.boundary_rule: keep repeats the first grid, shrink searches the boundary cell") {
  const hnn::SymbolicSummary shrink = symbolic_stage("shrink", "boundary_rule=shrink");
  const hnn::SymbolicSummary keep = symbolic_stage("keep", "boundary_rule=keep");
  bool refined = false;
  for (std::size_t e = 0; e < 4; ++e) {
    CAPTURE(e);
    REQUIRE(keep.edges[e].fit.has_value());
    REQUIRE(shrink.edges[e].fit.has_value());
    const hnn::SymbolicEdgeFit& kept = *keep.edges[e].fit;
    const hnn::SymbolicEdgeFit& shrunk = *shrink.edges[e].fit;
    // Every search here ends on the boundary: with keep, every round repeats the first
    // 101-point grid of [-10, 10], so (a, b) is one of its points.
    REQUIRE(kept.best_at_boundary);
    CHECK(on_first_grid(kept.a));
    CHECK(on_first_grid(kept.b));
    // The boundary cell holds the first round's best, so shrinking never scores lower.
    if (kept.function == shrunk.function) CHECK(shrunk.r2 >= kept.r2);
    refined = refined || !on_first_grid(shrunk.a) || !on_first_grid(shrunk.b);
  }
  CHECK(refined);
}

TEST_CASE("symbolic.field_tolerance: the verification's bound, exact when the error is below it") {
  const hnn::SymbolicSummary by_default = symbolic_stage("tolerance_default", "");
  const hnn::SymbolicSummary loose = symbolic_stage("tolerance_loose", "field_tolerance=0.5");
  REQUIRE(by_default.verification.has_value());
  REQUIRE(loose.verification.has_value());
  const double error = by_default.verification->field_relative_error;
  // The small KAN's field is a few percent off: above the default 1e-2, below 0.5.
  REQUIRE(error > 1e-2);
  REQUIRE(error < 0.5);
  CHECK(by_default.verification->tolerance == 1e-2);
  CHECK_FALSE(by_default.verification->exact);
  CHECK(loose.verification->tolerance == 0.5);
  CHECK(loose.verification->field_relative_error == error);
  CHECK(loose.verification->exact);
  CHECK(loose.verification->exact_rounded ==
        (loose.verification->field_relative_error_rounded <= 0.5));
}

TEST_CASE("symbolic search options: a_range, b_range, grid_points, iterations, top_k, digits") {
  // One round of an 11-point grid: every (a, b) is a point of it, inside the ranges.
  const std::filesystem::path run = hnn::testing::scratch("symbolic_options_grid");
  REQUIRE(hnn::testing::host(
              "'" HNN_SOURCE_DIR "/tests/end_to_end/symbolic_options.yaml' -o '" + run.string() +
                  "' --no-report --set 'models.kan.symbolic={functions: [x, x^2, sin, exp], "
                  "a_range: [0.5, 1.0], b_range: [-0.5, 0.5], grid_points: 11, iterations: 1, "
                  "top_k: 2, digits: 1, evaluate: false, samples: train}'",
              "OMP_NUM_THREADS=1") == 0);
  const hnn::RunSummary summary = hnn::read_run_summary(run / "summary.yaml");
  REQUIRE(summary.models.size() == 1);  // evaluate: false: no kan_symbolic model
  REQUIRE(summary.models[0].symbolic.has_value());
  const hnn::SymbolicSummary& symbolic = *summary.models[0].symbolic;
  CHECK(symbolic.samples == "train");
  const auto on_grid = [](double v, double low, double spacing) {
    return std::fabs((v - low) / spacing - std::round((v - low) / spacing)) < 1e-9;
  };
  REQUIRE(symbolic.edges.size() == 4);
  for (const auto& edge : symbolic.edges) {
    REQUIRE(edge.fit.has_value());
    const hnn::SymbolicEdgeFit& fit = *edge.fit;
    CHECK(fit.a >= 0.5);
    CHECK(fit.a <= 1.0);
    CHECK(fit.b >= -0.5 - 1e-12);
    CHECK(fit.b <= 0.5);
    CHECK(on_grid(fit.a, 0.5, 0.05));
    CHECK(on_grid(fit.b, -0.5, 0.1));
    CHECK(fit.suggestions.size() == 2);
  }
  // digits: 1: every number of the printed formulas has one decimal.
  REQUIRE(symbolic.formulas.size() == 2);
  for (const auto& formula : symbolic.formulas) {
    CAPTURE(formula.text);
    for (std::size_t i = formula.text.find('.'); i != std::string::npos;
         i = formula.text.find('.', i + 1)) {
      CHECK(i + 1 < formula.text.size());
      CHECK(std::isdigit(static_cast<unsigned char>(formula.text[i + 1])));
      CHECK((i + 2 >= formula.text.size() ||
             !std::isdigit(static_cast<unsigned char>(formula.text[i + 2]))));
    }
  }
  // The defaults: a kan_symbolic model, the test samples, five suggestions at most.
  const std::filesystem::path standard = hnn::testing::scratch("symbolic_options_defaults");
  REQUIRE(hnn::testing::host("'" HNN_SOURCE_DIR "/tests/end_to_end/symbolic_options.yaml' -o '" +
                                 standard.string() + "' --no-report",
                             "OMP_NUM_THREADS=1") == 0);
  const hnn::RunSummary defaults = hnn::read_run_summary(standard / "summary.yaml");
  REQUIRE(defaults.models.size() == 2);
  CHECK(defaults.models[1].name == "kan_symbolic");
  CHECK(defaults.models[0].symbolic->samples == "test");
  CHECK(defaults.models[0].symbolic->edges[0].fit->suggestions.size() == 4);
}

TEST_CASE("symbolic.prune_threshold: edges weaker than it are pruned, the others fitted") {
  // The edges' scales here are about 0.2, 0.2, 0.26 and 0.5: a threshold of 0.3 prunes three.
  const hnn::SymbolicSummary pruned = symbolic_stage("prune", "prune_threshold=0.3");
  long below = 0;
  for (const auto& edge : pruned.edges) {
    CAPTURE(edge.scale);
    CHECK(edge.fit.has_value() == (edge.scale >= 0.3));
    CHECK((edge.choice == "pruned") == (edge.scale < 0.3));
    below += edge.scale < 0.3 ? 1 : 0;
  }
  CHECK(below == 3);
  CHECK(pruned.pruned_edges == 3);
}

TEST_CASE("symbolic.samples: the edges are fitted on the train, the test or all inputs") {
  // The same trained KAN (the runs differ only in this key): other inputs, other fits.
  const hnn::SymbolicSummary test = symbolic_stage("samples_test", "samples=test");
  const hnn::SymbolicSummary train = symbolic_stage("samples_train", "samples=train");
  const hnn::SymbolicSummary all = symbolic_stage("samples_all", "samples=all");
  CHECK(test.samples == "test");
  CHECK(train.samples == "train");
  CHECK(all.samples == "all");
  for (std::size_t e = 0; e < 4; ++e) {
    CAPTURE(e);
    REQUIRE(test.edges[e].fit.has_value());
    REQUIRE(train.edges[e].fit.has_value());
    REQUIRE(all.edges[e].fit.has_value());
    CHECK(test.edges[e].scale != train.edges[e].scale);
    CHECK(all.edges[e].scale != train.edges[e].scale);
    CHECK(all.edges[e].scale != test.edges[e].scale);
  }
}
