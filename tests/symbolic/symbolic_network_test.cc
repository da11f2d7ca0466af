// The symbolic network as data and as a model: fitting a whole edge network (manual,
// automatic, pruned), the symbolic.yaml round trip, the model's two modes, and the
// registration of plugin functions.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "hnn/error.h"
#include "hnn/registry.h"
#include "hnn/symbolic/formula.h"
#include "hnn/symbolic/network_file.h"
#include "hnn/symbolic/network_fit.h"
#include "hnn/symbolic/network_model.h"

namespace fs = std::filesystem;
using hnn::symbolic::EdgeFitReport;
using hnn::symbolic::SymbolicFormula;
using hnn::symbolic::SymbolicFunctionLibrary;
using hnn::symbolic::SymbolicLayer;
using hnn::symbolic::SymbolicNetworkModel;

namespace {

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(HNN_BINARY_DIR) / "tests" / "symbolic" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Activations of a [2, 1, 2] network that computes, exactly,
//   h = 1.5 q^2 + 0.5 sin(2 p + 0.3) + 0.1,   F1 = 1e-6 h (negligible),   F2 = -2 h + 4.
hnn::EdgeActivations synthetic_activations() {
  const int n = 200;
  hnn::EdgeActivations acts;
  hnn::EdgeLayerActivations hidden;
  hidden.inputs = 2;
  hidden.outputs = 1;
  hidden.node_values.resize(n, 2);
  for (int k = 0; k < n; ++k) {
    hidden.node_values(k, 0) = -1.0 + 2.0 * k / (n - 1);
    hidden.node_values(k, 1) = std::sin(0.37 * k);
  }
  hidden.edge_values.resize(n, 2);
  hidden.edge_values.col(0) = 1.5 * hidden.node_values.col(0).array().square();
  hidden.edge_values.col(1) = 0.5 * (2.0 * hidden.node_values.col(1).array() + 0.3).sin();
  hidden.bias = Eigen::VectorXd::Constant(1, 0.1);
  hidden.scale = hidden.edge_values.cwiseAbs().colwise().mean().transpose() / 2.0001;
  hnn::EdgeLayerActivations top;
  top.inputs = 1;
  top.outputs = 2;
  top.node_values = hidden.edge_values.rowwise().sum().array() + 0.1;
  top.edge_values.resize(n, 2);
  top.edge_values.col(0) = 1e-6 * top.node_values.col(0);
  top.edge_values.col(1) = -2.0 * top.node_values.col(0);
  top.bias = Eigen::Vector2d(0.0, 4.0);
  top.scale = top.edge_values.cwiseAbs().colwise().mean().transpose() / 2.0001;
  acts.layers = {hidden, top};
  return acts;
}

}  // namespace

TEST_CASE("fit_symbolic_network: manual, automatic and pruned edges compose to the truth") {
  const auto library = SymbolicFunctionLibrary::pykan();
  hnn::symbolic::NetworkFitOptions options;
  options.manual = {{0, 0, 0, "x^2"}, {1, 0, 1, "x"}};
  options.candidates = {"x", "x^2", "sin", "exp", "tanh"};
  const auto fit = hnn::symbolic::fit_symbolic_network(synthetic_activations(), library, options);
  REQUIRE(fit.edges.size() == 4);
  CHECK(fit.edges[0].choice == EdgeFitReport::Choice::kManual);
  CHECK(fit.edges[1].choice == EdgeFitReport::Choice::kAutomatic);
  CHECK(fit.edges[1].fit.function == "sin");
  CHECK(fit.edges[1].suggestions.size() == 5);
  CHECK(fit.edges[1].suggestions[0].r2 >= fit.edges[1].suggestions[1].r2);
  CHECK(fit.edges[2].choice == EdgeFitReport::Choice::kPruned);  // F1's edge, scale ~1e-6
  CHECK(fit.edges[3].choice == EdgeFitReport::Choice::kManual);
  CHECK(to_string(fit.edges[2].choice) == "pruned");

  const SymbolicFormula formula(fit.layers, {"q", "p"}, library);
  CHECK(formula.text(0) == "0");  // F1: the pruned edge and a zero bias
  // F2 = -2 (1.5 q^2 + 0.5 sin(2 p + 0.3) + 0.1) + 4, checked numerically.
  auto h = formula.compile(1);
  for (double q : {-0.9, 0.2, 0.7}) {
    for (double p : {-0.5, 0.1, 0.8}) {
      const double state[2] = {q, p};
      const double truth = -2.0 * (1.5 * q * q + 0.5 * std::sin(2.0 * p + 0.3) + 0.1) + 4.0;
      CHECK(h.value(state) == doctest::Approx(truth).epsilon(1e-4));  // the (a, b) grid's step
    }
  }
  CHECK_FALSE(formula.is_polynomial(1));
}

TEST_CASE("fit_symbolic_network: errors name the edge") {
  const auto library = SymbolicFunctionLibrary::pykan();
  const auto acts = synthetic_activations();
  hnn::symbolic::NetworkFitOptions options;
  options.manual = {{2, 0, 0, "x"}};
  CHECK_THROWS_WITH_AS(hnn::symbolic::fit_symbolic_network(acts, library, options),
                       doctest::Contains("edge (layer 2, input 0, output 0): the network has "
                                         "layers 0 to 1"),
                       hnn::Error);
  options.manual = {{0, 0, 0, "x^22"}};
  CHECK_THROWS_WITH_AS(hnn::symbolic::fit_symbolic_network(acts, library, options),
                       doctest::Contains("did you mean 'x^2'?"), hnn::Error);
  options.manual = {{0, 0, 0, "x"}, {0, 0, 0, "x^2"}};
  CHECK_THROWS_WITH_AS(hnn::symbolic::fit_symbolic_network(acts, library, options),
                       doctest::Contains("is assigned twice"), hnn::Error);
  options.manual = {{0, 0, 0, "x^2"}};
  options.automatic = false;
  CHECK_THROWS_WITH_AS(hnn::symbolic::fit_symbolic_network(acts, library, options),
                       doctest::Contains("edge (layer 0, input 1, output 0) has no function"),
                       hnn::Error);
}

TEST_CASE("symbolic.yaml: save then load gives the same network and model, bit for bit") {
  const auto library = SymbolicFunctionLibrary::pykan();
  hnn::symbolic::NetworkFitOptions options;
  options.candidates = {"x", "x^2", "sin", "sigmoid", "abs"};
  const auto fit = hnn::symbolic::fit_symbolic_network(synthetic_activations(), library, options);
  const fs::path file = scratch("round_trip") / "network.yaml";
  hnn::symbolic::SymbolicNetworkFile network{"synthetic", {"q", "p"}, {"F1", "F2"},
                                             fit.layers,  library,    fit.edges};
  hnn::symbolic::save_symbolic_network(file, network);
  const auto loaded = hnn::symbolic::load_symbolic_network(file);
  CHECK(loaded.model == "synthetic");
  CHECK(loaded.input_names == std::vector<std::string>{"q", "p"});
  REQUIRE(loaded.layers.size() == 2);
  for (std::size_t l = 0; l < 2; ++l) {
    CHECK(loaded.layers[l].biases() == fit.layers[l].biases());
    for (std::size_t e = 0; e < fit.layers[l].edges().size(); ++e) {
      const auto& a = fit.layers[l].edges()[e];
      const auto& b = loaded.layers[l].edges()[e];
      CHECK(a.function == b.function);
      CHECK(a.a == b.a);
      CHECK(a.b == b.b);
      CHECK(a.c == b.c);
      CHECK(a.d == b.d);
    }
  }
  SymbolicNetworkModel original(fit.layers, {"q", "p"}, library);
  SymbolicNetworkModel reloaded(loaded.layers, loaded.input_names, loaded.library);
  Eigen::MatrixXd x(2, 3);
  x << -0.5, 0.1, 0.9, 0.3, -0.7, 0.2;
  Eigen::MatrixXd y1(2, 3), y2(2, 3), g1(2, 3), g2(2, 3);
  original.forward(x);
  reloaded.forward(x);
  original.outputs(y1);
  reloaded.outputs(y2);
  CHECK((y1 - y2).cwiseAbs().maxCoeff() < 1e-14);
  original.input_gradient(1, g1);
  reloaded.input_gradient(1, g2);
  CHECK((g1 - g2).cwiseAbs().maxCoeff() < 1e-13);
  // The file shows the formulas and the choices.
  std::ifstream stream(file);
  const std::string text((std::istreambuf_iterator<char>(stream)),
                         std::istreambuf_iterator<char>());
  CHECK(text.find("choice: \"pruned\"") != std::string::npos);
  CHECK(text.find("formulas:") != std::string::npos);
}

TEST_CASE("symbolic.yaml: a malformed file is reported with file, line, column and key") {
  const fs::path file = scratch("malformed") / "network.yaml";
  std::ofstream(file)
      << "format: 1\n"
         "input_names: [q, p]\n"
         "output_names: [F1]\n"
         "functions: {\"x\": \"x\"}\n"
         "layers:\n"
         "  - biases: [0.0]\n"
         "    edges:\n"
         "      - {input: 0, output: 0, function: \"x\", a: 1, b: zero, c: 1, d: 0}\n";
  CHECK_THROWS_WITH_AS(hnn::symbolic::load_symbolic_network(file),
                       doctest::Contains("network.yaml:8:"), hnn::ConfigError);
  CHECK_THROWS_WITH_AS(hnn::symbolic::load_symbolic_network(file),
                       doctest::Contains("layers[0].edges[0].b: expected a real number"),
                       hnn::ConfigError);
  std::ofstream(file) << "format: 1\ninput_names: [q]\noutput_names: [F1]\n"
                         "functions: {\"f\": \"sin(x\"}\nlayers: []\n";
  CHECK_THROWS_WITH_AS(hnn::symbolic::load_symbolic_network(file),
                       doctest::Contains("functions.f: cannot read the formula \"sin(x\""),
                       hnn::ConfigError);
}

TEST_CASE("SymbolicNetworkModel: parameters are the affine values and biases; rounded mode") {
  const auto library = SymbolicFunctionLibrary::pykan();
  SymbolicLayer hidden(2, 1), top(1, 2);
  hidden.edge(0, 0) = {"x^2", 1.0, 0.0, 1.004, 0.0};
  hidden.edge(1, 0) = {"x^2", 1.0, 0.0, 0.996, 0.0};
  hidden.bias(0) = 0.5;
  top.edge(0, 1) = {"x", 1.0, 0.0, 1.0, 0.0};  // edge (0, 0) pruned
  SymbolicNetworkModel network({hidden, top}, {"q", "p"}, library);
  CHECK(network.parameter_count() == 3 * 4 + 1 + 2);
  Eigen::VectorXd theta(network.parameter_count());
  network.get_parameters(theta);
  CHECK(theta[2] == 1.004);  // c of edge (q -> h)
  CHECK(theta[8] == 0.5);    // the hidden bias, after the two edges of layer 0
  theta[2] = 2.0;
  network.set_parameters(theta);
  CHECK(network.layers()[0].edge(0, 0).c == 2.0);
  CHECK(network.formula().coefficient(1, "q^2") == doctest::Approx(2.0));

  SymbolicNetworkModel rounded({hidden, top}, {"q", "p"}, library, 2);
  CHECK(rounded.parameter_count() == 0);
  Eigen::MatrixXd x(2, 1), g(2, 1);
  x << 0.3, -0.4;
  rounded.forward(x);
  rounded.input_gradient(1, g);
  CHECK(g(0, 0) == doctest::Approx(2 * 0.3));  // 1.00 q^2 + 1.00 p^2 + 0.50
  CHECK(g(1, 0) == doctest::Approx(-2 * 0.4));
  CHECK_THROWS_WITH_AS(rounded.input_gradient(2, g), doctest::Contains("no output 2"), hnn::Error);
}

TEST_CASE("SymbolicNetworkModel: the network mode computes c f(a x + b) + d per edge, by hand") {
  const auto library = SymbolicFunctionLibrary::pykan();
  SymbolicLayer hidden(2, 1), top(1, 2);
  hidden.edge(0, 0) = {"sin", 2.0, 0.3, 1.5, -0.2};
  hidden.edge(1, 0) = {"x^2", 0.5, -1.0, 0.7, 0.1};
  hidden.bias(0) = 0.25;
  top.edge(0, 0) = {"x", 1.2, 0.4, -0.5, 0.05};
  top.edge(0, 1) = {"x^2", 0.8, -0.1, 2.0, 0.0};
  top.bias(1) = -0.3;
  SymbolicNetworkModel network({hidden, top}, {"q", "p"}, library);
  const double q = 0.3, p = -0.4;
  const double h =
      1.5 * std::sin(2.0 * q + 0.3) - 0.2 + 0.7 * std::pow(0.5 * p - 1.0, 2) + 0.1 + 0.25;
  const double dh_dq = 1.5 * 2.0 * std::cos(2.0 * q + 0.3);
  const double dh_dp = 0.7 * 2.0 * (0.5 * p - 1.0) * 0.5;
  const double f1 = -0.5 * (1.2 * h + 0.4) + 0.05;
  const double f2 = 2.0 * std::pow(0.8 * h - 0.1, 2) - 0.3;
  const double df2_dh = 2.0 * 2.0 * (0.8 * h - 0.1) * 0.8;
  Eigen::MatrixXd x(2, 1), out(2, 1), g(2, 1);
  x << q, p;
  network.forward(x);
  network.outputs(out);
  CHECK(out(0, 0) == doctest::Approx(f1).epsilon(1e-14));
  CHECK(out(1, 0) == doctest::Approx(f2).epsilon(1e-14));
  network.input_gradient(1, g);
  CHECK(g(0, 0) == doctest::Approx(df2_dh * dh_dq).epsilon(1e-14));
  CHECK(g(1, 0) == doctest::Approx(df2_dh * dh_dp).epsilon(1e-14));
}

TEST_CASE("a plugin's symbolic function is registered, selectable, and checked for clashes") {
  hnn::Registry registry;
  CHECK(registry.symbolic_functions().empty());
  CHECK(hnn::symbolic::SymbolicFunctionLibrary::with_registered({}).size() == 24);
  registry.add_symbolic_function({.name = "x^5",
                                  .evaluate = [](double x) { return std::pow(x, 5); },
                                  .formula = "x^5",
                                  .complexity = 3});
  const auto library =
      hnn::symbolic::SymbolicFunctionLibrary::with_registered(registry.symbolic_functions());
  CHECK(library.size() == 25);
  CHECK(library.at("x^5").evaluate(2.0) == 32.0);
  CHECK(library.at("x^5").expression(GiNaC::ex(2)) == GiNaC::ex(32));
  CHECK_THROWS_WITH_AS(
      registry.add_symbolic_function(
          {.name = "sin", .evaluate = [](double x) { return x; }, .formula = "x"}),
      doctest::Contains("symbolic function 'sin' is registered twice: by <built-in>"),
      hnn::PluginError);
  CHECK_THROWS_WITH_AS(
      registry.add_symbolic_function({.name = "nothing", .evaluate = nullptr, .formula = "x"}),
      doctest::Contains("`evaluate` is not set"), hnn::PluginError);
  // A formula that does not read is refused when the library is built, naming the function.
  hnn::Registry unreadable;
  unreadable.add_symbolic_function(
      {.name = "bad", .evaluate = [](double x) { return x; }, .formula = "x +* y"});
  CHECK_THROWS_WITH_AS(
      hnn::symbolic::SymbolicFunctionLibrary::with_registered(unreadable.symbolic_functions()),
      doctest::Contains("symbolic function 'bad': cannot read the formula"), hnn::Error);
  // Staged with a plugin: a clash drops the whole library's registrations.
  registry.begin_source("libclash.so", nullptr);
  registry.add_symbolic_function(
      {.name = "x^7", .evaluate = [](double x) { return std::pow(x, 7); }, .formula = "x^7"});
  registry.add_symbolic_function(
      {.name = "x^5", .evaluate = [](double x) { return x; }, .formula = "x"});
  CHECK_THROWS_WITH_AS(registry.commit_source(), doctest::Contains("by libclash.so"),
                       hnn::PluginError);
  CHECK(registry.symbolic_functions().size() == 1);
}

TEST_CASE("the SDK's list of built-in symbolic function names is the library's") {
  const auto names = hnn::symbolic::SymbolicFunctionLibrary::pykan().names();
  REQUIRE(names.size() == std::size(hnn::kBuiltinSymbolicFunctionNames));
  for (std::size_t i = 0; i < names.size(); ++i) {
    CHECK(names[i] == hnn::kBuiltinSymbolicFunctionNames[i]);
  }
}
