// Recovered formulas written as source (hnn/symbolic/formula_source.h): the C and C++ exports
// compiled with the build's compilers, the Python export run with python3 and NumPy (skipped
// with a message without them), each compared at fixed points with GiNaC's own evaluation of
// H and of its exact gradient; a changed coefficient must be caught.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "compiled_source.h"
#include "hnn/cpp_export.h"
#include "hnn/error.h"
#include "hnn/symbolic/formula.h"
#include "hnn/symbolic/formula_source.h"
#include "hnn/symbolic/symbolic_network.h"
#include "spring_symbolic_network.h"

namespace {

using hnn::symbolic::SymbolicFormula;
using hnn::symbolic::SymbolicLayer;

// A network [2, 3, 1] whose formula uses most functions of the library: sin, exp, abs, sgn,
// arctan, sqrt, x^2, tanh, 1/x, gaussian.
std::vector<SymbolicLayer> function_network() {
  SymbolicLayer hidden(2, 3), output(3, 1);
  hidden.edge(0, 0) = {"sin", 1.3, 0.2, 0.7, 0.1};
  hidden.edge(1, 0) = {"exp", -0.4, 0.3, 0.5, -0.2};
  hidden.edge(0, 1) = {"abs", 0.9, -0.25, 1.1, 0.0};
  hidden.edge(1, 1) = {"sgn", 1.0, 0.1, 0.3, 0.05};
  hidden.edge(0, 2) = {"arctan", 2.0, 0.0, 0.6, 0.0};
  hidden.edge(1, 2) = {"sqrt", 0.2, 1.5, 0.8, 0.0};
  hidden.bias(0) = 0.1;
  output.edge(0, 0) = {"x^2", 0.9, 0.1, 1.2, 0.0};
  output.edge(1, 0) = {"tanh", 0.7, -0.3, 0.4, 0.2};
  output.edge(2, 0) = {"1/x", 0.5, 3.0, 0.9, 0.0};
  output.bias(0) = -0.3;
  return {hidden, output};
}

struct FormulaCase {
  std::string name;
  SymbolicFormula formula;
  std::size_t output;
};

std::vector<FormulaCase> cases() {
  return {{"spring", SymbolicFormula(hnn::testing::spring_symbolic_network(), {"q", "p"}), 1},
          {"functions", SymbolicFormula(function_network(), {"q", "p"}), 0}};
}

const std::vector<std::vector<double>> kPoints = {
    {0.3, -0.7}, {1.1, 0.4}, {-0.9, -1.3}, {0.05, 2.2}, {-1.7, 0.9}};

// GiNaC's unevaluated derivatives (of csgn) replaced by 0, what the exports write.
struct ZeroDerivatives : GiNaC::map_function {
  GiNaC::ex operator()(const GiNaC::ex& e) override {
    if (GiNaC::is_a<GiNaC::fderivative>(e)) return 0;
    return e.map(*this);
  }
};

// H and its gradient at every point by GiNaC (subs and evalf of the exact expressions).
std::vector<std::vector<double>> reference(const FormulaCase& c) {
  const GiNaC::ex& h = c.formula.expression(c.output);
  const auto& variables = c.formula.variables();
  std::vector<std::vector<double>> values;
  for (const auto& point : kPoints) {
    GiNaC::exmap at;
    for (std::size_t k = 0; k < variables.size(); ++k) at[variables[k]] = point[k];
    std::vector<double> row{GiNaC::ex_to<GiNaC::numeric>(h.subs(at).evalf()).to_double()};
    for (const auto& v : variables) {
      const GiNaC::ex derivative = h.diff(GiNaC::ex_to<GiNaC::symbol>(v));
      row.push_back(
          GiNaC::ex_to<GiNaC::numeric>(ZeroDerivatives()(derivative).subs(at).evalf()).to_double());
    }
    values.push_back(row);
  }
  return values;
}

// The largest relative difference (to max(1, |value|)) between printed lines (one per case
// and point: H, dH/dq, dH/dp) and GiNaC's values.
double compare(const std::vector<FormulaCase>& all, const std::string& printed) {
  const auto lines = hnn_test::number_lines(printed);
  REQUIRE(lines.size() == all.size() * kPoints.size());
  double worst = 0.0;
  std::size_t line = 0;
  for (const auto& c : all) {
    for (const auto& row : reference(c)) {
      REQUIRE(lines[line].size() == row.size());
      for (std::size_t k = 0; k < row.size(); ++k) {
        worst =
            std::max(worst, std::abs(lines[line][k] - row[k]) / std::max(1.0, std::abs(row[k])));
      }
      ++line;
    }
  }
  return worst;
}

std::string point_literals(const std::vector<double>& point) {
  return hnn::cpp_double_literal(point[0]) + ", " + hnn::cpp_double_literal(point[1]);
}

// The sources of every case, the first literal of the H of `changed` (if any) altered.
std::map<std::string, hnn::symbolic::FormulaSources> sources(const std::vector<FormulaCase>& all,
                                                             const std::string& changed = "") {
  std::map<std::string, hnn::symbolic::FormulaSources> result;
  for (const auto& c : all) {
    auto s = hnn::symbolic::formula_sources(c.formula, c.output, c.name, "test network", 2);
    if (c.name == changed) {
      for (std::string* text : {&s.c, &s.cpp, &s.python}) {
        const std::size_t at = text->find_first_of("0123456789", text->find("return "));
        const std::size_t end = text->find_first_not_of("0123456789.e-", at);
        const double value = std::strtod(text->substr(at, end - at).c_str(), nullptr);
        text->replace(at, end - at, hnn::cpp_double_literal(value * (1.0 + 1e-11) + 1e-11));
      }
    }
    result[c.name] = s;
  }
  return result;
}

double run_c(const std::vector<FormulaCase>& all, const std::string& scratch,
             const std::string& changed = "") {
  const auto exported = sources(all, changed);
  std::map<std::string, std::string> files;
  std::string driver = "#include <stdio.h>\n";
  std::string body;
  for (const auto& c : all) {
    files[c.name + "_formula.c"] = exported.at(c.name).c;
    driver += "double " + c.name + "_H(double q, double p);\nvoid " + c.name +
              "_gradient(double q, double p, double* dHdx);\n";
    for (const auto& point : kPoints) {
      body += "  " + c.name + "_gradient(" + point_literals(point) + ", g);\n";
      body += "  printf(\"%.17g %.17g %.17g\\n\", " + c.name + "_H(" + point_literals(point) +
              "), g[0], g[1]);\n";
    }
  }
  files["driver.c"] = driver + "int main(void) {\n  double g[2];\n" + body + "  return 0;\n}\n";
  std::string link;
  for (const auto& c : all) link += c.name + "_formula.c ";
  const auto result =
      hnn_test::compile_and_run(hnn_test::export_scratch(scratch), files, "driver.c", link + "-lm");
  INFO(result.err);
  REQUIRE(result.status == 0);
  return compare(all, result.out);
}

}  // namespace

TEST_CASE("an exported formula in C compiles and agrees with GiNaC to round-off") {
  if (std::string(HNN_C_COMPILER).empty() ||
      std::string(HNN_C_COMPILER).find("NOTFOUND") != std::string::npos) {
    MESSAGE("skipped: no C compiler found");
    return;
  }
  const double worst = run_c(cases(), "formula_c");
  MESSAGE("C formula exports: largest relative difference " << worst);
  CHECK(worst <= 1e-13);
  CHECK(run_c(cases(), "formula_c_changed", "spring") > 1e-13);
}

TEST_CASE("an exported formula in C++ compiles and agrees with GiNaC to round-off") {
  const auto all = cases();
  const auto exported = sources(all);
  std::map<std::string, std::string> files;
  std::string driver = "#include <cstdio>\n";
  std::string body;
  for (const auto& c : all) {
    files[c.name + "_formula.hpp"] = exported.at(c.name).cpp;
    driver += "#include \"" + c.name + "_formula.hpp\"\n";
    const std::string ns = c.name + "_formula::";
    for (const auto& point : kPoints) {
      // H(q, p) and gradient(q, p, g) against evaluate(x, g) and the batch.
      body += "  {\n    const double x[] = {" + point_literals(point) + "};\n";
      body += "    double g[2], h;\n    " + ns + "hamiltonian_batch(x, 1, &h, g);\n";
      body += "    if (h != " + ns + "H(x[0], x[1])) return 1;\n";
      body +=
          "    std::printf(\"%.17g %.17g %.17g\\n\", " + ns + "evaluate(x, g), g[0], g[1]);\n  }\n";
    }
  }
  files["driver.cc"] = driver + "int main() {\n" + body + "  return 0;\n}\n";
  const auto result =
      hnn_test::compile_and_run(hnn_test::export_scratch("formula_cpp"), files, "driver.cc");
  INFO(result.err);
  REQUIRE(result.status == 0);
  const double worst = compare(all, result.out);
  MESSAGE("C++ formula exports: largest relative difference " << worst);
  CHECK(worst <= 1e-13);
}

TEST_CASE("an exported formula in Python runs with NumPy on arrays and agrees with GiNaC") {
  const auto dir = hnn_test::export_scratch("formula_python");
  // The first python3 with NumPy: the one on the PATH, else Debian's (python3-numpy), which a
  // Python version manager's python3 on the PATH may hide.
  std::string python;
  for (const std::string candidate : {"python3", "/usr/bin/python3"}) {
    if (hnn_test::run_in(dir, candidate + " -c 'import numpy'").status == 0) {
      python = candidate;
      break;
    }
  }
  if (python.empty()) {
    MESSAGE("skipped: no python3 with NumPy (Debian: python3-numpy)");
    return;
  }
  auto run = [&](const std::string& changed) {
    const auto all = cases();
    const auto exported = sources(all, changed);
    std::string script = "import numpy as np\n";
    std::string qs, ps;
    for (const auto& point : kPoints) {
      qs += hnn::cpp_double_literal(point[0]) + ", ";
      ps += hnn::cpp_double_literal(point[1]) + ", ";
    }
    for (const auto& c : all) {
      hnn_test::write_text(dir / (c.name + "_formula.py"), exported.at(c.name).python);
      // One call on arrays of all points; the gradient stacked along the first axis.
      script += "import " + c.name + "_formula as m\n";
      script += "q = np.array([" + qs + "])\np = np.array([" + ps + "])\n";
      script += "h = m.hamiltonian(q, p)\ng = m.gradient(q, p)\n";
      script += "assert h.shape == q.shape and g.shape == (2,) + q.shape\n";
      script +=
          "for n in range(len(q)):\n    print(repr(float(h[n])), repr(float(g[0, n])), "
          "repr(float(g[1, n])))\n";
    }
    hnn_test::write_text(dir / "driver.py", script);
    const auto result = hnn_test::run_in(dir, python + " driver.py");
    INFO(result.err);
    REQUIRE(result.status == 0);
    return compare(all, result.out);
  };
  const double worst = run("");
  MESSAGE("Python formula exports: largest relative difference " << worst);
  CHECK(worst <= 1e-13);
  CHECK(run("functions") > 1e-13);
}

TEST_CASE("a formula export writes LaTeX, names its functions and refuses unsupported nodes") {
  const auto all = cases();
  const auto spring = hnn::symbolic::formula_sources(all[0].formula, 1, "kan-l1", "kan 2-1-2", 2);
  CHECK(spring.latex.find("H(q, p) = " + all[0].formula.latex(1, 2)) != std::string::npos);
  CHECK(spring.latex.find("\\begin{equation}") != std::string::npos);
  CHECK(spring.c.find("double kan_l1_H(double q, double p)") != std::string::npos);
  CHECK(spring.cpp.find("namespace kan_l1_formula {") != std::string::npos);
  CHECK(spring.python.find("def hamiltonian(q, p):") != std::string::npos);
  GiNaC::realsymbol q("q"), r("r");
  const GiNaC::ex gamma = GiNaC::tgamma(q);
  CHECK_THROWS_WITH_AS(
      hnn::symbolic::source_expression(gamma, {q}, {"q"}, hnn::symbolic::SourceLanguage::kC),
      doctest::Contains("is not a supported function"), hnn::NotImplementedError);
  CHECK_THROWS_WITH_AS(
      hnn::symbolic::source_expression(q + r, {q}, {"q"}, hnn::symbolic::SourceLanguage::kPython),
      "formula source: 'r' is not one of the variables", hnn::NotImplementedError);
  // np (the module) and Python keywords are renamed; C++ keywords too.
  const auto renamed = hnn::symbolic::formula_sources(q * q, {q}, {"lambda"}, "int", {});
  CHECK(renamed.python.find("def hamiltonian(lambda_):") != std::string::npos);
  CHECK(renamed.python.find("return lambda_ ** 2.0 + np.zeros_like(lambda_)") != std::string::npos);
  CHECK(renamed.c.find("double int__H(double lambda)") != std::string::npos);
  CHECK(hnn::symbolic::source_expression(GiNaC::sin(q), {q}, {"q"},
                                         hnn::symbolic::SourceLanguage::kCpp) == "std::sin(q)");
}
