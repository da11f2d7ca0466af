// The symbolic stage's numbers in summary.yaml recomputed independently of the host's code,
// on the study's spring KANs (spring_symbolic, short training, no evaluation): the
// verification's field errors by parsing the printed formulas with GiNaC, differentiating
// them and comparing J grad H with the spring's field on data.csv's states; each fitted
// edge's r2 from the activation samples of network/<m>.csv and the summary's a, b, c, d;
// the refinement's train_loss_before from the network those a, b, c, d make; each formula's
// latex from its text; the symbolic timing's presence.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "bundled_plugins.h"
#include "edge_fit_sums.h"
#include "hnn/symbolic/ginac.h"
#include "host_run.h"

namespace fs = std::filesystem;
using hnn::testing::host;
using hnn::testing::scratch;

namespace {

const std::string kPipeline = HNN_SOURCE_DIR "/tests/end_to_end/spring_symbolic.yaml";

// A CSV file of reals: its rows, in the order of its header (returned in `header`).
std::vector<std::vector<double>> read_reals(const fs::path& file, std::vector<std::string>* header,
                                            std::size_t skip_columns = 0) {
  std::ifstream stream(file);
  std::string line;
  std::getline(stream, line);
  std::stringstream names(line);
  for (std::string cell; std::getline(names, cell, ',');) header->push_back(cell);
  std::vector<std::vector<double>> rows;
  while (std::getline(stream, line)) {
    std::stringstream cells(line);
    std::vector<double> row;
    std::size_t c = 0;
    for (std::string cell; std::getline(cells, cell, ','); ++c) {
      row.push_back(c < skip_columns ? 0.0 : std::stod(cell));
    }
    rows.push_back(row);
  }
  return rows;
}

// |a - b| within `relative` of the larger, or both equal.
bool close(double a, double b, double relative) {
  return a == b || std::abs(a - b) <= relative * std::max(std::abs(a), std::abs(b));
}

const fs::path& run() {
  static const fs::path dir = [] {
    const fs::path d = scratch("symbolic_numbers");
    REQUIRE(host("'" + kPipeline + "' -o '" + d.string() +
                 "' --no-report --set training.optimizer.epochs=300"
                 " --set evaluation.enabled=false") == 0);
    return d;
  }();
  return dir;
}

// max_n |J grad H(x_n) - f(x_n)| / max_n |f(x_n)| over data.csv's states (train and test),
// H the formula `text` parsed by GiNaC, f the spring's field J grad(q^2 + p^2) = (2p, -2q).
double field_error(const std::string& text, long* samples) {
  const GiNaC::symbol q("q"), p("p");
  GiNaC::symtab table;
  table["q"] = q;
  table["p"] = p;
  GiNaC::parser reader(table, true);  // strict: an unknown name is an error
  const GiNaC::ex h = reader(text);
  const GiNaC::ex dh_dq = h.diff(q), dh_dp = h.diff(p);
  std::vector<std::string> header;
  const auto rows = read_reals(run() / "data.csv", &header, 1);  // split is text
  REQUIRE(header.at(3) == "q");
  REQUIRE(header.at(4) == "p");
  double largest_difference = 0, largest_true = 0;
  for (const auto& row : rows) {
    const double qv = row[3], pv = row[4];
    const GiNaC::lst at{q == qv, p == pv};
    const double fq = GiNaC::ex_to<GiNaC::numeric>(GiNaC::evalf(dh_dp.subs(at))).to_double();
    const double fp = -GiNaC::ex_to<GiNaC::numeric>(GiNaC::evalf(dh_dq.subs(at))).to_double();
    const double tq = 2 * pv, tp = -2 * qv;
    largest_true = std::max(largest_true, std::hypot(tq, tp));
    largest_difference = std::max(largest_difference, std::hypot(fq - tq, fp - tp));
  }
  *samples = long(rows.size());
  return largest_difference / largest_true;
}

const GiNaC::symbol& symbol_q() {
  static const GiNaC::symbol q("q");
  return q;
}
const GiNaC::symbol& symbol_p() {
  static const GiNaC::symbol p("p");
  return p;
}

// The formula `text`, a function of q and p, parsed by GiNaC.
GiNaC::ex parse_formula(const std::string& text) {
  GiNaC::symtab table;
  table["q"] = symbol_q();
  table["p"] = symbol_p();
  GiNaC::parser reader(table, true);
  return reader(text);
}

// The HNN data loss of H (a function of symbol_q(), symbol_p()) on data.csv's rows of one
// split: the mean over samples and both coordinates of (J grad H - dx/dt)^2.
double hamiltonian_loss(const GiNaC::ex& h, const std::string& split) {
  const GiNaC::symbol &q = symbol_q(), &p = symbol_p();
  const GiNaC::ex dh_dq = h.diff(q), dh_dp = h.diff(p);
  std::ifstream stream(run() / "data.csv");
  std::string line;
  std::getline(stream, line);
  REQUIRE(line == "split,trajectory,t,q,p,dq_dt,dp_dt");
  double sum = 0;
  long samples = 0;
  while (std::getline(stream, line)) {
    std::stringstream cells(line);
    std::vector<std::string> row;
    for (std::string cell; std::getline(cells, cell, ',');) row.push_back(cell);
    if (row.at(0) != split) continue;
    const double qv = std::stod(row[3]), pv = std::stod(row[4]);
    const GiNaC::lst at{q == qv, p == pv};
    const double fq = GiNaC::ex_to<GiNaC::numeric>(GiNaC::evalf(dh_dp.subs(at))).to_double();
    const double fp = -GiNaC::ex_to<GiNaC::numeric>(GiNaC::evalf(dh_dq.subs(at))).to_double();
    sum += std::pow(fq - std::stod(row[5]), 2) + std::pow(fp - std::stod(row[6]), 2);
    ++samples;
  }
  REQUIRE(samples > 0);
  return sum / double(2 * samples);
}

// The same for the formula `text`.
double formula_loss(const std::string& text, const std::string& split) {
  return hamiltonian_loss(parse_formula(text), split);
}

// The library functions the spring's edges use.
double apply(const std::string& function, double x) {
  if (function == "x^2") return x * x;
  if (function == "x") return x;
  FAIL("no such function in this test: " << function);
  return 0;
}

}  // namespace

TEST_CASE("the verification's field errors recomputed from the printed formulas") {
  const YAML::Node models = YAML::LoadFile((run() / "summary.yaml").string())["models"];
  for (const std::string name : {"kan", "kan_l1"}) {
    CAPTURE(name);
    const YAML::Node symbolic = models[name]["symbolic"];
    REQUIRE(symbolic["hamiltonian_output"].as<std::string>() == "F2");
    YAML::Node formula;
    for (const YAML::Node& item : symbolic["formulas"]) {
      if (item["output"].as<std::string>() == "F2") formula = item;
    }
    REQUIRE(formula);
    const YAML::Node verification = symbolic["verification"];
    long samples = 0;
    const double full = field_error(formula["text_full"].as<std::string>(), &samples);
    const double rounded = field_error(formula["text"].as<std::string>(), &samples);
    CHECK(verification["samples"].as<long>() == samples);
    const double error = verification["field_relative_error"].as<double>();
    const double error_rounded = verification["field_relative_error_rounded"].as<double>();
    CAPTURE(error);
    CAPTURE(error_rounded);
    // Short training: the full-precision and the rounded formulas' errors differ, and both
    // are recomputed from the printed texts.
    CHECK(!close(full, rounded, 1e-3));
    // Within 1e-6 relative, or 1e-12 absolute where the refined field is exact to round-off.
    CHECK(std::abs(error - full) <= 1e-6 * std::max(error, full) + 1e-12);
    CHECK(std::abs(error_rounded - rounded) <= 1e-6 * std::max(error_rounded, rounded) + 1e-12);
    const double tolerance = verification["tolerance"].as<double>();
    CHECK(tolerance == 0.01);  // symbolic.field_tolerance's default
    CHECK(verification["exact"].as<bool>() == (error <= tolerance));
    CHECK(verification["exact_rounded"].as<bool>() == (error_rounded <= tolerance));
    const double before = verification["field_relative_error_before_refinement"].as<double>();
    if (name == "kan") {
      CHECK_FALSE(symbolic["refinement"]);
      CHECK(before == error);  // nothing refined
    } else {
      REQUIRE(symbolic["refinement"]);
      CHECK(error < before);
    }
    const double seconds = symbolic["seconds"].as<double>();
    CHECK(std::isfinite(seconds));
    CHECK(seconds > 0);
  }
}

TEST_CASE("each fitted edge's r2 recomputed from network/<m>.csv and its a, b, c, d") {
  const YAML::Node models = YAML::LoadFile((run() / "summary.yaml").string())["models"];
  for (const std::string name : {"kan", "kan_l1"}) {
    CAPTURE(name);
    std::vector<std::string> header;
    const auto rows = read_reals(run() / "network" / (name + ".csv"), &header);
    REQUIRE(header == std::vector<std::string>{"layer", "input", "output", "x", "y"});
    std::map<std::tuple<int, int, int>, std::vector<std::pair<double, double>>> samples;
    for (const auto& row : rows) {
      samples[{int(row[0]), int(row[1]), int(row[2])}].push_back({row[3], row[4]});
    }
    int fitted = 0;
    for (const YAML::Node& edge : models[name]["symbolic"]["edges"]) {
      const std::tuple<int, int, int> key{edge["layer"].as<int>(), edge["input"].as<int>(),
                                          edge["output"].as<int>()};
      CAPTURE(std::get<0>(key));
      CAPTURE(std::get<2>(key));
      if (edge["choice"].as<std::string>() == "pruned") {
        CHECK_FALSE(edge["r2"]);
        continue;
      }
      const auto& points = samples.at(key);
      REQUIRE(points.size() > 10);
      const double a = edge["a"].as<double>(), b = edge["b"].as<double>();
      const double c = edge["c"].as<double>(), d = edge["d"].as<double>();
      const std::string function = edge["function"].as<std::string>();
      // pykan's r2 (fit_params): the squared correlation of u = f(a x + b) with y, with 1e-4
      // added to the denominator; c, d the least-squares line y = c u + d.
      const auto sums = hnn::testing::edge_fit_sums(
          points, [&](double u) { return apply(function, u); }, a, b);
      const double r2 = edge["r2"].as<double>();
      CHECK(close(r2, sums.r2(), 1e-9));
      CHECK(close(c, sums.c(), 1e-9));
      CHECK(close(d, sums.d(), 1e-9));
      CHECK(r2 <= 1 + 1e-9);
      CHECK(r2 > 0.9);
      ++fitted;
    }
    CHECK(fitted >= 3);
    CHECK(models[name]["symbolic"]["pruned_edges"].as<int>() == 4 - fitted);
  }
}

TEST_CASE("the symbolic models' losses recomputed from the full-precision formulas") {
  const YAML::Node models = YAML::LoadFile((run() / "summary.yaml").string())["models"];
  for (const std::string name : {"kan", "kan_l1"}) {
    CAPTURE(name);
    std::string text;
    for (const YAML::Node& item : models[name]["symbolic"]["formulas"]) {
      if (item["output"].as<std::string>() == "F2") text = item["text_full"].as<std::string>();
    }
    REQUIRE(!text.empty());
    const YAML::Node recovered = models[name + "_symbolic"];
    REQUIRE(recovered);
    CHECK(recovered["plugin"].as<std::string>() == "symbolic");
    const double train = formula_loss(text, "train"), test = formula_loss(text, "test");
    const double final_train = recovered["final_train_loss"].as<double>();
    const double final_test = recovered["final_test_loss"].as<double>();
    CAPTURE(final_train);
    CAPTURE(final_test);
    if (name == "kan") {
      // Not refined: the fitted formula's losses, the splits told apart.
      CHECK(!close(train, test, 1e-2));
      CHECK(close(final_train, train, 1e-6));
      CHECK(close(final_test, test, 1e-6));
    } else {
      // Refined to round-off: the formula is H = q^2 + p^2 + const.
      CHECK(train < 1e-25);
      CHECK(final_train < 1e-25);
      CHECK(final_test < 1e-25);
      CHECK(models[name]["symbolic"]["refinement"]["train_loss_after"].as<double>() == final_train);
      CHECK(models[name]["symbolic"]["refinement"]["train_loss_before"].as<double>() >
            1e10 * final_train);
    }
  }
}

TEST_CASE("refinement.train_loss_before recomputed from the fitted edges' a, b, c, d") {
  const YAML::Node symbolic =
      YAML::LoadFile((run() / "summary.yaml").string())["models"]["kan_l1"]["symbolic"];
  REQUIRE(symbolic["refinement"]);
  REQUIRE(symbolic["pruned_edges"].as<int>() == 0);
  // The network before refinement, written out from the summary's edges (the fit, before
  // any refinement): node h = sum over the inputs of c f(a x + b) + d, and
  // F2 = c f(a h + b) + d. The nodes' biases only add constants: the second layer's
  // functions are x, so a bias of h shifts F2 by a constant, which the loss (J grad F2)
  // does not see.
  std::map<std::tuple<int, int, int>, GiNaC::ex> edge_term;
  const GiNaC::symbol h_node("h");
  for (const YAML::Node& edge : symbolic["edges"]) {
    const int layer = edge["layer"].as<int>(), input = edge["input"].as<int>();
    const std::string function = edge["function"].as<std::string>();
    const GiNaC::ex x =
        layer == 0 ? GiNaC::ex(input == 0 ? symbol_q() : symbol_p()) : GiNaC::ex(h_node);
    const GiNaC::ex argument =
        GiNaC::numeric(edge["a"].as<double>()) * x + GiNaC::numeric(edge["b"].as<double>());
    GiNaC::ex f;
    if (function == "x^2") {
      f = GiNaC::pow(argument, 2);
    } else {
      REQUIRE(function == "x");
      REQUIRE(layer == 1);
      f = argument;
    }
    edge_term[{layer, input, edge["output"].as<int>()}] =
        GiNaC::numeric(edge["c"].as<double>()) * f + GiNaC::numeric(edge["d"].as<double>());
  }
  const GiNaC::ex h = edge_term.at({0, 0, 0}) + edge_term.at({0, 1, 0});
  const GiNaC::ex f2 = edge_term.at({1, 0, 1}).subs(h_node == h);
  const double train = hamiltonian_loss(f2, "train"), test = hamiltonian_loss(f2, "test");
  const double before = symbolic["refinement"]["train_loss_before"].as<double>();
  CAPTURE(before);
  CAPTURE(train);
  CAPTURE(test);
  CHECK(!close(train, test, 1e-3));  // the splits told apart
  CHECK(close(before, train, 1e-9));
  // Refinement lowered it (to round-off: the symbolic models' test above).
  CHECK(symbolic["refinement"]["train_loss_after"].as<double>() < 1e-10 * before);
}

TEST_CASE("each formula's latex is its printed text written in LaTeX") {
  const YAML::Node models = YAML::LoadFile((run() / "summary.yaml").string())["models"];
  // The spring's formulas are polynomials in q and p: "0.44*q^2 + 0.44*p^2 + 0.59". Their
  // LaTeX, written here independently of the printer: a product by a space, an exponent
  // in braces ("0.44 q^{2} + 0.44 p^{2} + 0.59").
  const auto latex_of = [](const std::string& text) {
    std::string latex;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '*') {
        latex += ' ';
      } else if (text[i] == '^') {
        std::size_t end = i + 1;
        while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
        latex += "^{" + text.substr(i + 1, end - i - 1) + "}";
        i = end - 1;
      } else {
        latex += text[i];
      }
    }
    return latex;
  };
  int formulas = 0;
  for (const std::string name : {"kan", "kan_l1"}) {
    for (const YAML::Node& formula : models[name]["symbolic"]["formulas"]) {
      const std::string text = formula["text"].as<std::string>();
      const std::string latex = formula["latex"].as<std::string>();
      CAPTURE(name);
      CAPTURE(text);
      REQUIRE(text.find_first_not_of("0123456789.*^+- qp") == std::string::npos);
      CHECK(latex == latex_of(text));
      ++formulas;
    }
  }
  CHECK(formulas == 4);
  // The refined L1 KAN's H is the spring's, q^2 + p^2 (+ a constant), rounded to 2 digits.
  for (const YAML::Node& formula : models["kan_l1"]["symbolic"]["formulas"]) {
    if (formula["output"].as<std::string>() != "F2") continue;
    const std::string latex = formula["latex"].as<std::string>();
    CHECK(latex.rfind("1.00 q^{2} + 1.00 p^{2} + ", 0) == 0);
  }
}
