// The bundled models written as C++ headers (Model::cpp_export): every export is compiled
// with the build's compiler, run at fixed points, and compared with the model's own H and
// input gradient, for every mlp activation and kan variant (silu and no base, masked edges,
// a non-uniform grid, points outside the grid); a changed coefficient must be caught.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bundled_plugins.h"
#include "compiled_source.h"
#include "hnn/cpp_export.h"
#include "hnn/error.h"
#include "hnn/model.h"
#include "uniform_matrix.h"

namespace {

using hnn::testing::uniform_matrix;

const hnn::testing::BundledPlugins& plugins() {
  static const auto* loaded = new hnn::testing::BundledPlugins({"hnn_mlp", "hnn_kan"});
  return *loaded;
}

struct ExportCase {
  std::string name;  // the namespace of the export
  std::shared_ptr<hnn::Model> model;
  int output = 1;
};

// Parameters uniform in [-scale, scale] from `seed`.
void randomize(hnn::Model& model, unsigned seed, double scale) {
  model.set_parameters(scale * uniform_matrix(model.parameter_count(), 1, seed).col(0));
}

std::vector<ExportCase> mlp_cases() {
  std::vector<ExportCase> cases;
  unsigned seed = 10;
  for (const std::string activation :
       {"tanh", "relu", "sigmoid", "softplus", "silu", "elu", "sin"}) {
    auto model = plugins().model("mlp", {{"inputs", std::int64_t{2}},
                                         {"outputs", std::int64_t{2}},
                                         {"hidden", std::vector<std::int64_t>{7, 5}},
                                         {"activation", activation}});
    randomize(*model, ++seed, 1.0);
    cases.push_back({"mlp_" + activation, model, 1});
  }
  // One hidden layer (the model's fused path), no output bias, output 0; four inputs.
  auto fused = plugins().model("mlp", {{"inputs", std::int64_t{2}},
                                       {"outputs", std::int64_t{2}},
                                       {"hidden", std::vector<std::int64_t>{9}},
                                       {"output_bias", false}});
  randomize(*fused, 31, 1.0);
  cases.push_back({"mlp_one_hidden", fused, 0});
  auto wide = plugins().model("mlp", {{"inputs", std::int64_t{4}},
                                      {"outputs", std::int64_t{1}},
                                      {"hidden", std::vector<std::int64_t>{12, 6, 3}},
                                      {"activation", std::string("softplus")}});
  randomize(*wide, 32, 0.8);
  cases.push_back({"mlp_four_inputs", wide, 0});
  return cases;
}

std::vector<ExportCase> kan_cases() {
  std::vector<ExportCase> cases;
  auto spring = plugins().model("kan", {});  // [2, 1, 2], G = 3, k = 3, silu
  randomize(*spring, 41, 0.7);
  cases.push_back({"kan_spring", spring, 1});
  auto no_base = plugins().model("kan", {{"width", std::vector<std::int64_t>{2, 3, 2}},
                                         {"grid", std::int64_t{5}},
                                         {"k", std::int64_t{2}},
                                         {"base_function", std::string("none")}});
  randomize(*no_base, 42, 0.7);
  cases.push_back({"kan_no_base", no_base, 0});
  // A non-uniform grid (percentile) and a masked edge (layer 0, edge 1) on [2, 2, 1].
  auto masked = plugins().model("kan", {{"width", std::vector<std::int64_t>{2, 2, 1}},
                                        {"grid", std::int64_t{4}},
                                        {"grid_eps", 0.0}});
  randomize(*masked, 43, 0.7);
  masked->update_grid(uniform_matrix(2, 200, 44, -1.5, 1.5).array().cube() / 2.0);
  std::vector<double> state = masked->auxiliary_state();
  const std::size_t grid_values = (4 + 2) * 5;  // edges x (G + 1)
  state[grid_values + 1] = 0.0;                 // mask of layer 0, edge 1
  masked->set_auxiliary_state(state);
  cases.push_back({"kan_masked", masked, 0});
  return cases;
}

// Fixed points: inside and outside the kans' grids, the origin, a grid point.
Eigen::MatrixXd points(int dimension) {
  Eigen::MatrixXd x = uniform_matrix(dimension, 9, 50, -1.2, 1.2);
  x.col(0).setZero();
  x.col(1).setConstant(1.0);
  x.col(2).setConstant(-3.5);
  x(0, 3) = 2.5;
  return x;
}

// A driver that prints, per case and point, H and dH/dx with 17 digits.
std::string driver(const std::vector<ExportCase>& cases) {
  std::string text = "#include <cstdio>\n";
  for (const auto& c : cases) text += "#include \"" + c.name + ".hpp\"\n";
  text += "int main() {\n  double g[8];\n";
  for (const auto& c : cases) {
    const Eigen::MatrixXd x = points(c.model->input_dimension());
    for (Eigen::Index n = 0; n < x.cols(); ++n) {
      text += "  {\n    const double x[] = {";
      for (Eigen::Index i = 0; i < x.rows(); ++i) {
        text += (i ? ", " : "") + hnn::cpp_double_literal(x(i, n));
      }
      text += "};\n    std::printf(\"%.17g\", " + c.name + "::evaluate(x, g));\n";
      text += "    for (int i = 0; i < " + c.name +
              "::kInputDimension; ++i) std::printf(\" %.17g\", g[i]);\n";
      // hamiltonian(), gradient() and the batch agree with evaluate() exactly.
      text += "    double h, b[8];\n    " + c.name + "::hamiltonian_batch(x, 1, &h, b);\n";
      text += "    " + c.name + "::gradient(x, g);\n";
      text += "    std::printf(\" %d\\n\", h == " + c.name + "::hamiltonian(x) && b[0] == g[0]);\n";
      text += "  }\n";
    }
  }
  return text + "}\n";
}

// The largest difference between the exports' output and the models', relative to
// max(1, |value|), over every case, point, H and gradient entry.
double compare(const std::vector<ExportCase>& cases, const std::string& output) {
  const auto lines = hnn_test::number_lines(output);
  std::size_t line = 0;
  double worst = 0.0;
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const Eigen::MatrixXd x = points(c.model->input_dimension());
    const int d = c.model->input_dimension();
    c.model->forward(x);
    Eigen::MatrixXd outputs(c.model->output_dimension(), x.cols()), gradient(d, x.cols());
    c.model->outputs(outputs);
    c.model->input_gradient(c.output, gradient);
    for (Eigen::Index n = 0; n < x.cols(); ++n, ++line) {
      REQUIRE(line < lines.size());
      const auto& printed = lines[line];
      REQUIRE(printed.size() == std::size_t(d + 2));
      CHECK(printed[d + 1] == 1.0);
      auto difference = [](double a, double b) {
        return std::abs(a - b) / std::max(1.0, std::abs(b));
      };
      worst = std::max(worst, difference(printed[0], outputs(c.output, n)));
      for (int i = 0; i < d; ++i)
        worst = std::max(worst, difference(printed[1 + i], gradient(i, n)));
    }
  }
  CHECK(line == lines.size());
  return worst;
}

hnn::CppExportRequest request_for(const ExportCase& c) {
  hnn::CppExportRequest request;
  request.name = c.name;
  request.output = c.output;
  for (int i = 0; i < c.model->input_dimension(); ++i) {
    request.coordinate_names.push_back("x" + std::to_string(i + 1));
  }
  return request;
}

double export_and_compare(const std::vector<ExportCase>& cases, const std::string& scratch,
                          const std::string& changed_case = "") {
  std::map<std::string, std::string> files;
  for (const auto& c : cases) {
    REQUIRE(c.model->has_cpp_export());
    std::string header = c.model->cpp_export(request_for(c));
    if (c.name == changed_case) {
      // The first literal of the first array of doubles, changed in its 12th digit.
      const std::size_t array = header.find("double", header.find("namespace detail"));
      REQUIRE(array != std::string::npos);
      const std::size_t open = header.find("[] = {\n    ", array);
      const std::size_t start = open + 11;
      const std::size_t end = header.find_first_of(",}", start);
      const double value = std::stod(header.substr(start, end - start));
      header.replace(start, end - start, hnn::cpp_double_literal(value * (1.0 + 1e-11) + 1e-11));
    }
    files[c.name + ".hpp"] = header;
  }
  files["driver.cc"] = driver(cases);
  const auto result =
      hnn_test::compile_and_run(hnn_test::export_scratch(scratch), files, "driver.cc");
  INFO(result.err);
  REQUIRE(result.status == 0);
  return compare(cases, result.out);
}

}  // namespace

TEST_CASE("an exported mlp compiles and agrees with the model to round-off, every activation") {
  const double worst = export_and_compare(mlp_cases(), "mlp");
  MESSAGE("mlp exports: largest relative difference " << worst);
  CHECK(worst <= 1e-13);
}

TEST_CASE("an exported kan compiles and agrees with the model to round-off") {
  const double worst = export_and_compare(kan_cases(), "kan");
  MESSAGE("kan exports: largest relative difference " << worst);
  CHECK(worst <= 1e-13);
}

TEST_CASE("a changed coefficient in an export is caught by the comparison") {
  std::vector<ExportCase> mlp = mlp_cases();
  mlp.resize(1);
  CHECK(export_and_compare(mlp, "mlp_changed", mlp.front().name) > 1e-13);
  std::vector<ExportCase> kan = kan_cases();
  kan.resize(1);
  CHECK(export_and_compare(kan, "kan_changed", kan.front().name) > 1e-13);
}

TEST_CASE("an export refuses an output the model does not have and names the model") {
  const auto model = plugins().model("kan", {});
  hnn::CppExportRequest request;
  request.name = "kan";
  request.output = 2;
  CHECK_THROWS_WITH_AS(model->cpp_export(request),
                       doctest::Contains("kan 2-1-2 G=3 k=3 silu: cpp_export: output index 2"),
                       hnn::Error);
  request.output = -1;
  CHECK_THROWS_AS(plugins()
                      .model("mlp", {{"inputs", std::int64_t{2}}, {"outputs", std::int64_t{2}}})
                      ->cpp_export(request),
                  hnn::Error);
}

TEST_CASE("export literals read back to the same double and names become identifiers") {
  for (double value : {0.1, -1.0 / 3.0, 1e-300, 5e-324, 1.7976931348623157e308, 0.0, -2.0, 3e20}) {
    const std::string literal = hnn::cpp_double_literal(value);
    CAPTURE(literal);
    CHECK(std::strtod(literal.c_str(), nullptr) == value);
    CHECK(literal.find_first_of(".e") != std::string::npos);
  }
  CHECK_THROWS_AS(hnn::cpp_double_literal(std::nan("")), hnn::Error);
  CHECK(hnn::cpp_identifier("kan") == "kan");
  CHECK(hnn::cpp_identifier("kan-l1.b") == "kan_l1_b");
  CHECK(hnn::cpp_identifier("2kan") == "_2kan");
  CHECK(hnn::cpp_identifier("int") == "int_");
  CHECK(hnn::cpp_identifier("") == "_");
}
