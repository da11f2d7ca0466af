// The `kan` model plugin, loaded through the registry: golden values of pykan 0.0.5
// (tests/golden/kan_2_1_2_seed0_*), finite-difference checks of every derivative (also the
// input Hessian-vector product) for several shapes, the regulariser, the grid update and the
// checkpoint round trip.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "hnn/baseline_objective.h"
#include "hnn/error.h"
#include "hnn/gradient_check.h"
#include "hnn/hamiltonian_objective.h"
#include "kan_test_support.h"

namespace {

using hnn::testing::make_kan;
using hnn::testing::uniform_matrix;
using Settings = std::map<std::string, hnn::OptionValue>;

constexpr double kGradientTolerance = 1e-6;

Eigen::VectorXd parameters_of(hnn::Model& model) {
  Eigen::VectorXd theta(model.parameter_count());
  model.get_parameters(theta);
  return theta;
}

Eigen::MatrixXd outputs_at(hnn::Model& model, const Eigen::MatrixXd& x) {
  model.forward(x);
  Eigen::MatrixXd out(model.output_dimension(), x.cols());
  model.outputs(out);
  return out;
}

std::vector<double> values_of(const YAML::Node& node) {
  std::vector<double> values;
  for (const YAML::Node& v : node) values.push_back(v.as<double>());
  return values;
}

// The golden init with only layer 0: a [2, 1] KAN whose output is the hidden node h.
std::string write_hidden_layer_file() {
  YAML::Node root = YAML::LoadFile(hnn::testing::kGoldenInit);
  YAML::Node out;
  out["model"]["width"] = std::vector<int>{2, 1};
  out["model"]["grid"] = 3;
  out["model"]["k"] = 3;
  out["layers"].push_back(root["layers"][0]);
  const std::string path = std::string(HNN_BINARY_DIR) + "/kan_test_hidden_layer.yaml";
  YAML::Emitter emitter;
  emitter.SetDoublePrecision(17);
  emitter << out;
  std::ofstream(path) << emitter.c_str() << "\n";
  return path;
}

// The splines are C^(k-1): for k = 3, S'' has kinks at the knots (its derivative jumps),
// so the mixed second derivative is only piecewise smooth in the parameters once a layer
// input moves across a knot. A small step keeps each stencil on one side of the knots for
// these samples (fourth-order truncation error ~h^4, round-off ~1e-16 / h).
hnn::GradientCheckOptions kink_safe() {
  hnn::GradientCheckOptions options;
  options.step = 1e-5;
  return options;
}

// Every derivative of `model` against finite differences on `inputs`.
void check_all_derivatives(hnn::Model& model, const Eigen::MatrixXd& inputs,
                           const hnn::GradientCheckOptions& options = kink_safe()) {
  CAPTURE(model.name());
  const Eigen::Index n = inputs.cols();
  const int d = model.input_dimension();
  const Eigen::MatrixXd weights = uniform_matrix(d, n, 17);
  for (int output = 0; output < model.output_dimension(); ++output) {
    CAPTURE(output);
    const auto input = hnn::check_model_input_gradient(model, inputs, output, options);
    CHECK_MESSAGE(input.passed(kGradientTolerance), input.report());
    const auto mixed = hnn::check_model_mixed_gradient(model, inputs, output, weights, options);
    CHECK_MESSAGE(mixed.passed(kGradientTolerance), mixed.report());
    REQUIRE(model.has_input_hessian_vector_product());
    const auto hessian = hnn::check_model_input_hessian_vector_product(
        model, inputs, output, uniform_matrix(d, n, 21 + output), options);
    CHECK_MESSAGE(hessian.passed(kGradientTolerance), hessian.report());
  }
  const auto outputs = hnn::check_model_output_gradient(
      model, inputs, uniform_matrix(model.output_dimension(), n, 18), options);
  CHECK_MESSAGE(outputs.passed(kGradientTolerance), outputs.report());
  if (d % 2 == 0) {
    hnn::HamiltonianObjectiveOptions objective_options;
    objective_options.hamiltonian_output = model.output_dimension() - 1;
    hnn::HamiltonianObjective objective(model, inputs, uniform_matrix(d, n, 19), objective_options);
    const auto result = hnn::check_objective_gradient(objective, parameters_of(model), options);
    CHECK_MESSAGE(result.passed(kGradientTolerance), result.report());
  }
  if (model.output_dimension() == d) {
    hnn::BaselineObjective baseline(model, inputs, uniform_matrix(d, n, 20));
    const auto result = hnn::check_objective_gradient(baseline, parameters_of(model), options);
    CHECK_MESSAGE(result.passed(kGradientTolerance), result.report());
  }
}

}  // namespace

TEST_CASE("defaults: [2, 1, 2], G = 3, k = 3, 35 parameters in pykan's order") {
  const auto model = make_kan();
  CHECK(model->input_dimension() == 2);
  CHECK(model->output_dimension() == 2);
  CHECK(model->parameter_count() == 35);
  CHECK(model->name() == "kan 2-1-2 G=3 k=3 silu");
  CHECK_FALSE(model->has_penalty());
  CHECK(model->has_grid_update());
  CHECK(model->auxiliary_state().size() == 4 * 4 + 4);
  // Without trainable scales and biases only the coefficients remain.
  const auto coefficients_only =
      make_kan({{"train_scale_base", false}, {"train_scale_spline", false}, {"train_bias", false}});
  CHECK(coefficients_only->parameter_count() == 24);
  CHECK(coefficients_only->auxiliary_state().size() == 20 + 3 + 4 + 4);
}

TEST_CASE("options: grid_range must increase and the reals be finite (schema and factory)") {
  using hnn::testing::kan_plugins;
  const hnn::PluginInfo* info = kan_plugins().registry().find(hnn::PluginKind::kModel, "kan");
  REQUIRE(info != nullptr);
  auto problems = [&](const hnn::testing::BundledPlugins::Overrides& overrides) {
    return info->schema.check_constraints(
        kan_plugins().options(hnn::PluginKind::kModel, "kan", overrides));
  };
  CHECK(problems({}).empty());
  const std::vector<double> decreasing = {1.0, -1.0};
  CHECK(problems({{"grid_range", decreasing}}) ==
        std::vector<std::string>{"grid_range = [1.0, -1.0], must be finite and increasing"});
  CHECK_THROWS_WITH_AS(make_kan({{"grid_range", decreasing}}),
                       doctest::Contains("kan: grid_range = [1.0, -1.0], must be finite"),
                       hnn::PluginError);
  // Every real option is finite by default (Option::allow_non_finite opts out): the schema
  // refuses an infinite value before any constraint or factory sees it.
  const double infinity = std::numeric_limits<double>::infinity();
  for (const char* key : {"reg_coef", "noise_scale", "reg_lambda"}) {
    CAPTURE(key);
    CHECK(info->schema.find(key)->check(infinity) == "must be finite");
  }
}

TEST_CASE("seed initialisation: deterministic, scale_base around 1/sqrt(n_l) - 0.1") {
  const auto a = make_kan({{"width", std::vector<std::int64_t>{4, 30, 1}}});
  const auto b = make_kan({{"width", std::vector<std::int64_t>{4, 30, 1}}});
  const auto c = make_kan({{"width", std::vector<std::int64_t>{4, 30, 1}}, {"seed", 5}});
  const Eigen::VectorXd ta = parameters_of(*a);
  CHECK(ta == parameters_of(*b));
  CHECK(ta != parameters_of(*c));
  // Layout: biases 30 + 1, coef layer 0 (120 x 6), sb 120, sp 120, coef layer 1 (30 x 6), ...
  const Eigen::Index sb0 = 31 + 120 * 6;
  const double mean = ta.segment(sb0, 120).mean();
  CHECK(mean == doctest::Approx(0.5 - 0.1).epsilon(0.05 / 0.4));
  CHECK(ta.segment(sb0 + 120, 120).isOnes());
  CHECK(ta.head(31).isZero());
  // Minimum-norm fit of noise in +-noise_scale / (2G): small coefficients.
  CHECK(ta.segment(31, 120 * 6).cwiseAbs().maxCoeff() < 0.05);
  CHECK(ta.segment(31, 120 * 6).cwiseAbs().maxCoeff() > 1e-4);
}

TEST_CASE("noise_scale, noise_scale_base and grid_range shape the seed initialisation") {
  const std::vector<std::int64_t> width = {4, 30, 1};
  const auto init = [&](double noise, double noise_base) {
    return parameters_of(
        *make_kan({{"width", width}, {"noise_scale", noise}, {"noise_scale_base", noise_base}}));
  };
  // Layout: biases 30 + 1, coef layer 0 (120 x 6), scale_base of layer 0 (120), ...
  const Eigen::Index coef0 = 31, sb0 = 31 + 120 * 6;
  const Eigen::VectorXd standard = init(0.1, 0.1);
  // The spline coefficients are a least-squares fit of noise in +-noise_scale / (2G): none
  // without noise, twice as large with twice the noise (the same draws), whatever the
  // scale_base noise.
  CHECK(init(0.0, 0.1).segment(coef0, 720).isZero(0.0));
  CHECK(init(0.2, 0.1).segment(coef0, 720).isApprox(2.0 * standard.segment(coef0, 720), 1e-12));
  CHECK(init(0.1, 0.0).segment(coef0, 720) == standard.segment(coef0, 720));
  // scale_base: one value for every edge of a layer without noise; the noise's deviation from
  // it grows in proportion to noise_scale_base.
  const Eigen::VectorXd quiet = init(0.1, 0.0).segment(sb0, 120);
  CHECK(quiet.maxCoeff() == quiet.minCoeff());
  CHECK(standard.segment(sb0, 120).maxCoeff() > standard.segment(sb0, 120).minCoeff());
  const Eigen::VectorXd deviation = standard.segment(sb0, 120) - quiet;
  CHECK((init(0.1, 0.3).segment(sb0, 120) - quiet).isApprox(3.0 * deviation, 1e-12));
  // grid_range: the initial grid of every edge is G + 1 equally spaced points over it.
  const auto shifted = make_kan({{"grid_range", std::vector<double>{-2.0, 4.0}}});
  const std::vector<double> grid = shifted->auxiliary_state();
  for (int edge = 0; edge < 4; ++edge) {
    CAPTURE(edge);
    for (int i = 0; i < 4; ++i)
      CHECK(grid[std::size_t(4 * edge + i)] == doctest::Approx(-2.0 + 2.0 * i));
  }
  const std::vector<double> standard_grid = make_kan()->auxiliary_state();
  for (int i = 0; i < 4; ++i) {
    CHECK(standard_grid[std::size_t(i)] == doctest::Approx(-1.0 + 2.0 * i / 3.0));
  }
}

TEST_CASE("the golden initial parameters load exactly") {
  const auto model = make_kan({{"initial_parameters", hnn::testing::kGoldenInit}});
  const YAML::Node tensors = YAML::LoadFile(hnn::testing::kGoldenInit)["tensors"];
  std::vector<double> expected;
  for (const char* name :
       {"biases.0.weight", "biases.1.weight", "act_fun.0.coef", "act_fun.0.scale_base",
        "act_fun.0.scale_sp", "act_fun.1.coef", "act_fun.1.scale_base", "act_fun.1.scale_sp"}) {
    for (double v : values_of(tensors[name]["values"])) expected.push_back(v);
  }
  const Eigen::VectorXd theta = parameters_of(*model);
  REQUIRE(theta.size() == Eigen::Index(expected.size()));
  for (Eigen::Index i = 0; i < theta.size(); ++i) CHECK(theta[i] == expected[i]);
  const std::vector<double> state = model->auxiliary_state();
  const std::vector<double> grid0 = values_of(tensors["act_fun.0.grid"]["values"]);
  for (std::size_t i = 0; i < grid0.size(); ++i) CHECK(state[i] == grid0[i]);
}

TEST_CASE("initial_parameters errors name the file, key and sizes") {
  CHECK_THROWS_WITH_AS(make_kan({{"initial_parameters", hnn::testing::kGoldenInit},
                                 {"width", std::vector<std::int64_t>{2, 2, 2}}}),
                       doctest::Contains("model.width[1]: the file has 1, the model has 2"),
                       hnn::Error);
  CHECK_THROWS_WITH_AS(make_kan({{"initial_parameters", hnn::testing::kGoldenInit}, {"grid", 4}}),
                       doctest::Contains("model.grid: the file has 3, the model has 4"),
                       hnn::Error);
  CHECK_THROWS_AS(make_kan({{"initial_parameters", std::string("/nonexistent/kan.yaml")}}),
                  hnn::Error);
}

TEST_CASE("golden forward values and input gradients (kan_2_1_2_seed0_forward.csv) to 1e-10") {
  const auto table =
      hnn::testing::read_csv(std::string(HNN_GOLDEN_DIR) + "/kan_2_1_2_seed0_forward.csv");
  const Eigen::Index n = static_cast<Eigen::Index>(table.rows.size());
  REQUIRE(n == 27);
  Eigen::MatrixXd x(2, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    x(0, j) = table.number(j, "q");
    x(1, j) = table.number(j, "p");
  }
  const auto model = make_kan({{"initial_parameters", hnn::testing::kGoldenInit}});
  const auto hidden = make_kan({{"width", std::vector<std::int64_t>{2, 1}},
                                {"initial_parameters", write_hidden_layer_file()}});
  const Eigen::MatrixXd h = outputs_at(*hidden, x);
  const Eigen::MatrixXd f = outputs_at(*model, x);
  Eigen::MatrixXd g1(2, n), g2(2, n);
  model->input_gradient(0, g1);
  model->input_gradient(1, g2);
  double worst = 0.0;
  for (Eigen::Index j = 0; j < n; ++j) {
    const double computed[] = {h(0, j), f(0, j), f(1, j), g1(0, j), g1(1, j), g2(0, j), g2(1, j)};
    const char* names[] = {"h", "F1", "F2", "dF1dq", "dF1dp", "dF2dq", "dF2dp"};
    for (int c = 0; c < 7; ++c) {
      const double deviation = std::abs(computed[c] - table.number(j, names[c]));
      CAPTURE(j);
      CAPTURE(names[c]);
      CHECK(deviation <= 1e-10);
      worst = std::max(worst, deviation);
    }
  }
  MESSAGE("max |deviation| from kan_2_1_2_seed0_forward.csv: " << worst);
}

TEST_CASE("golden initial HNN loss and gradient (kan_2_1_2_seed0_hnn_gradient.yaml)") {
  Eigen::MatrixXd x, dxdt;
  hnn::testing::spring_train_rows(750, x, dxdt);
  const auto model = make_kan({{"initial_parameters", hnn::testing::kGoldenInit}});
  hnn::HamiltonianObjective objective(*model, x, dxdt);  // output 1, solenoidal
  const Eigen::VectorXd theta = parameters_of(*model);
  Eigen::VectorXd gradient(theta.size());
  double loss = 0.0;
  REQUIRE(objective.evaluate(theta.data(), &loss, gradient.data()));
  const YAML::Node golden =
      YAML::LoadFile(std::string(HNN_GOLDEN_DIR) + "/kan_2_1_2_seed0_hnn_gradient.yaml");
  const double expected_loss = golden["loss"].as<double>();
  MESSAGE("loss " << loss << " (golden " << expected_loss << "), relative deviation "
                  << std::abs(loss - expected_loss) / expected_loss);
  CHECK(std::abs(loss - expected_loss) <= 1e-8 * expected_loss);
  std::vector<double> expected;
  for (const char* name :
       {"biases.0.weight", "biases.1.weight", "act_fun.0.coef", "act_fun.0.scale_base",
        "act_fun.0.scale_sp", "act_fun.1.coef", "act_fun.1.scale_base", "act_fun.1.scale_sp"}) {
    for (double v : values_of(golden["gradient"][name]["values"])) expected.push_back(v);
  }
  REQUIRE(gradient.size() == Eigen::Index(expected.size()));
  const Eigen::VectorXd reference = Eigen::Map<Eigen::VectorXd>(expected.data(), expected.size());
  const double scale = reference.cwiseAbs().maxCoeff();
  const double worst = (gradient - reference).cwiseAbs().maxCoeff();
  MESSAGE("gradient: max |deviation| " << worst << ", relative to max |gradient| "
                                       << worst / scale);
  CHECK(worst <= 1e-8 * scale);
  // The entries torch leaves at None (biases.1) and the F1 edge of layer 1 are exactly 0.
  CHECK(gradient.segment(1, 2).isZero(0.0));
  CHECK(gradient.segment(1 + 2 + 12 + 4, 6).isZero(0.0));
  // Test loss on the other 750 rows.
}

TEST_CASE("finite differences: [2, 1, 2] with the golden init and inputs inside and outside") {
  const auto model = make_kan({{"initial_parameters", hnn::testing::kGoldenInit}});
  check_all_derivatives(*model, uniform_matrix(2, 16, 1, -3.5, 3.5));
}

TEST_CASE("finite differences: several shapes, grids, base functions") {
  const std::vector<Settings> cases = {
      {{"width", std::vector<std::int64_t>{2, 1, 2}}},
      {{"width", std::vector<std::int64_t>{2, 5, 1}}},
      {{"width", std::vector<std::int64_t>{4, 8, 1}}},
      {{"width", std::vector<std::int64_t>{2, 3, 2, 2}}, {"grid", 5}},
      {{"width", std::vector<std::int64_t>{2, 3, 2, 2}},
       {"grid", 5},
       {"base_function", std::string("none")}},
      {{"width", std::vector<std::int64_t>{2, 4, 2}}, {"base_function", std::string("none")}},
      {{"width", std::vector<std::int64_t>{2, 3, 2}}, {"k", 4}, {"grid", 4}},
      {{"width", std::vector<std::int64_t>{2, 3, 2}},
       {"train_scale_base", false},
       {"train_bias", false}},
  };
  for (const Settings& settings : cases) {
    const auto model = make_kan(settings);
    // Larger spline coefficients than the initial noise, so that the splines matter.
    Eigen::VectorXd theta = parameters_of(*model);
    theta += 0.3 * uniform_matrix(theta.size(), 1, 3);
    model->set_parameters(theta);
    check_all_derivatives(*model, uniform_matrix(model->input_dimension(), 12, 2, -1.5, 1.5));
  }
}

TEST_CASE("finite differences: one-layer KANs (layer 0 is the last layer)") {
  const auto hidden = make_kan({{"width", std::vector<std::int64_t>{2, 1}},
                                {"initial_parameters", write_hidden_layer_file()}});
  check_all_derivatives(*hidden, uniform_matrix(2, 12, 5, -1.5, 1.5));
  for (const std::string base : {"silu", "none"}) {
    const auto model = make_kan(
        {{"width", std::vector<std::int64_t>{2, 2}}, {"grid", 4}, {"base_function", base}});
    Eigen::VectorXd theta = parameters_of(*model);
    theta += 0.3 * uniform_matrix(theta.size(), 1, 3);
    model->set_parameters(theta);
    check_all_derivatives(*model, uniform_matrix(2, 12, 6, -1.5, 1.5));
  }
}

TEST_CASE("the regulariser: value of kan.md 5.1 and its gradient") {
  for (const Settings& extra : {Settings{}, Settings{{"reg_coef", 0.5}, {"reg_coefdiff", 0.25}}}) {
    Settings settings = {{"width", std::vector<std::int64_t>{2, 3, 2}}, {"reg_lambda", 0.01}};
    settings.insert(extra.begin(), extra.end());
    const auto model = make_kan(settings);
    REQUIRE(model->has_penalty());
    Eigen::VectorXd theta = parameters_of(*model);
    theta += 0.3 * uniform_matrix(theta.size(), 1, 3);
    model->set_parameters(theta);
    const Eigen::MatrixXd x = uniform_matrix(2, 12, 4, -1.5, 1.5);
    hnn::GradientCheckOptions options;
    options.step = 1e-5;  // |phi| has kinks where phi = 0: keep the stencil away from them
    hnn::HamiltonianObjective objective(*model, x, uniform_matrix(2, 12, 5));
    const auto result = hnn::check_objective_gradient(objective, theta, options);
    CHECK_MESSAGE(result.passed(kGradientTolerance), result.report());
    double loss = 0.0;
    objective.evaluate(theta.data(), &loss, nullptr);
    CHECK(objective.last_parts().penalty > 0.0);
  }
  // Value against a direct computation for a [2, 1, 2] model, l1 and entropy only.
  const auto model =
      make_kan({{"initial_parameters", hnn::testing::kGoldenInit}, {"reg_lambda", 1.0}});
  const auto plain = make_kan({{"initial_parameters", hnn::testing::kGoldenInit},
                               {"width", std::vector<std::int64_t>{2, 1, 2}}});
  const auto hidden = make_kan({{"width", std::vector<std::int64_t>{2, 1}},
                                {"initial_parameters", write_hidden_layer_file()}});
  const Eigen::MatrixXd x = uniform_matrix(2, 40, 6, -1.0, 1.0);
  model->forward(x);
  Eigen::VectorXd sink = Eigen::VectorXd::Zero(model->parameter_count());
  const double penalty = model->add_penalty(sink);
  // Edge outputs from single-edge differences: phi_0(q) + phi_1(p) = h, so use the
  // spline values through one-input evaluations: h(q, 0) - h(0, 0) etc. are not separable
  // exactly; instead recompute acts_scale from the layer-1 edges, which see only h.
  const Eigen::MatrixXd h = outputs_at(*hidden, x);
  const Eigen::MatrixXd f = outputs_at(*plain, x);  // biases 0: F_j = chi_j(h)
  double v[2] = {f.row(0).cwiseAbs().mean() / (2.0 + 1e-4),
                 f.row(1).cwiseAbs().mean() / (2.0 + 1e-4)};
  const double total = v[0] + v[1];
  double entropy = 0.0;
  for (double value : v) entropy -= value / total * std::log2(value / total + 1e-4);
  const double layer1 = total + 2.0 * entropy;
  // Layer 0 edges: phi_e(x_i) with the other input at a point where its edge is known:
  // phi_0(q) = h(q, p) - phi_1(p); phi_1(p) = h(0, p) - phi_0(0), and phi_0(0) = 0 + S_0(0).
  // That needs S_0(0); skip layer 0 and check that the total exceeds layer 1's share.
  CHECK(penalty > layer1);
  CHECK(std::isfinite(penalty));
}

TEST_CASE("grid update: the function stays close, a second update changes nothing") {
  const auto model = make_kan({{"width", std::vector<std::int64_t>{2, 3, 2}}, {"grid", 5}});
  Eigen::VectorXd theta = parameters_of(*model);
  theta += 0.3 * uniform_matrix(theta.size(), 1, 3);
  model->set_parameters(theta);
  const Eigen::MatrixXd x = uniform_matrix(2, 200, 7, -1.6, 1.6);
  const Eigen::MatrixXd before = outputs_at(*model, x);
  model->update_grid(x);
  const Eigen::MatrixXd after = outputs_at(*model, x);
  const double change = (after - before).cwiseAbs().maxCoeff();
  MESSAGE("max output change after a grid update: " << change << " (outputs up to "
                                                    << before.cwiseAbs().maxCoeff() << ")");
  CHECK(change < 0.05 * before.cwiseAbs().maxCoeff());
  const std::vector<double> grid = model->auxiliary_state();
  CHECK(grid[0] == doctest::Approx(x.row(0).minCoeff() - 0.01).epsilon(1e-12));
  // grid_eps = 1 (the default): pykan's uniform grid from min - 0.01 to max + 0.01 of each
  // input, G + 1 = 6 points per edge; layer 0's edge e reads input e % 2.
  for (int e = 0; e < 6; ++e) {
    const double low = x.row(e % 2).minCoeff(), high = x.row(e % 2).maxCoeff();
    for (int i = 0; i <= 5; ++i) {
      CAPTURE(e);
      CAPTURE(i);
      const double expected = low - 0.01 + (high - low + 0.02) * i / 5.0;
      CHECK(grid[std::size_t(6 * e + i)] == doctest::Approx(expected).epsilon(1e-12));
    }
  }
  model->update_grid(x);
  const Eigen::MatrixXd again = outputs_at(*model, x);
  CHECK((again - after).cwiseAbs().maxCoeff() <= 1e-10);
}

TEST_CASE("finite differences after a grid update to a non-uniform grid") {
  for (double eps : {0.0, 0.4}) {
    CAPTURE(eps);
    const auto model =
        make_kan({{"width", std::vector<std::int64_t>{2, 3, 2}}, {"grid", 5}, {"grid_eps", eps}});
    Eigen::VectorXd theta = parameters_of(*model);
    theta += 0.3 * uniform_matrix(theta.size(), 1, 3);
    model->set_parameters(theta);
    const Eigen::MatrixXd samples = uniform_matrix(2, 300, 8, -1.6, 1.6).array().cube() / 2.0;
    model->update_grid(samples);
    const std::vector<double> state = model->auxiliary_state();
    // Non-uniform: the first two grid intervals differ.
    CHECK(std::abs((state[2] - state[1]) - (state[1] - state[0])) > 1e-3);
    check_all_derivatives(*model, uniform_matrix(2, 12, 9, -1.5, 1.5));
  }
}

TEST_CASE("checkpoint round trip: auxiliary state and parameters reproduce the outputs exactly") {
  const Settings settings = {{"width", std::vector<std::int64_t>{2, 3, 2}},
                             {"grid", 5},
                             {"grid_eps", 0.3},
                             {"train_scale_spline", false}};
  const auto model = make_kan(settings);
  const Eigen::MatrixXd x = uniform_matrix(2, 100, 10, -2.0, 2.0);
  model->update_grid(x);
  const Eigen::MatrixXd expected = outputs_at(*model, x);
  const auto copy = make_kan(settings);
  CHECK(outputs_at(*copy, x) != expected);
  copy->set_auxiliary_state(model->auxiliary_state());
  copy->set_parameters(parameters_of(*model));
  CHECK(outputs_at(*copy, x) == expected);
  CHECK_THROWS_WITH_AS(copy->set_auxiliary_state({1.0, 2.0}),
                       doctest::Contains("set_auxiliary_state: 2 values, expected"), hnn::Error);
  std::vector<double> bad = model->auxiliary_state();
  bad[1] = bad[0];  // a repeated grid point
  CHECK_THROWS_WITH_AS(copy->set_auxiliary_state(bad), doctest::Contains("strictly increasing"),
                       hnn::Error);
  CHECK(outputs_at(*copy, x) == expected);  // unchanged after a failed set
}

TEST_CASE("errors name the model and the sizes") {
  const auto model = make_kan();
  CHECK_THROWS_WITH_AS(model->forward(Eigen::MatrixXd::Zero(3, 4)),
                       doctest::Contains("kan 2-1-2 G=3 k=3 silu: forward: inputs are 3 x 4"),
                       hnn::Error);
  Eigen::MatrixXd gradient(2, 4);
  CHECK_THROWS_WITH_AS(model->input_gradient(0, gradient),
                       doctest::Contains("called before forward()"), hnn::Error);
  model->forward(Eigen::MatrixXd::Zero(2, 4));
  CHECK_THROWS_WITH_AS(model->input_gradient(2, gradient),
                       doctest::Contains("output index 2 is out of range [0, 2)"), hnn::Error);
  Eigen::VectorXd small(3);
  CHECK_THROWS_WITH_AS(model->set_parameters(small),
                       doctest::Contains("vector has 3 entries, the model has 35 parameters"),
                       hnn::Error);
  CHECK_THROWS_AS(model->add_penalty(small), hnn::NotImplementedError);
}

// The batched paths (two samples per instruction for k = 3, with a scalar tail for an odd
// batch), the layer-0 state kept across forward passes with the same inputs and the last
// layer's derivatives (and layer 0's phi'') computed on demand must agree with one-sample
// passes.
TEST_CASE("a batch agrees with one sample at a time; repeated and changed inputs") {
  for (const std::int64_t k : {3, 2}) {
    CAPTURE(k);
    const Settings settings = {
        {"width", std::vector<std::int64_t>{2, 3, 2}}, {"grid", 5}, {"k", k}, {"seed", 4}};
    const auto batch = make_kan(settings);
    const auto single = make_kan(settings);
    Eigen::MatrixXd x = uniform_matrix(2, 7, 21, -2.5, 2.5);  // some outside the grid
    const Eigen::MatrixXd w = uniform_matrix(2, 7, 22);
    const Eigen::MatrixXd v = uniform_matrix(2, 7, 23);
    const int p = batch->parameter_count();
    for (int pass = 0; pass < 3; ++pass) {
      CAPTURE(pass);
      if (pass == 2) x(1, 3) += 0.25;  // new inputs: the layer-0 state must be redone
      batch->forward(x);
      batch->forward(x);
      Eigen::MatrixXd out(2, 7), gradient0(2, 7), gradient1(2, 7);
      batch->outputs(out);
      batch->input_gradient(1, gradient1);
      batch->input_gradient(0, gradient0);
      // The Hessian-vector products, output 1 first (its backward pass is recomputed).
      Eigen::MatrixXd hessian1(2, 7), hessian0(2, 7);
      batch->input_hessian_vector_product(1, w, hessian1);
      batch->input_hessian_vector_product(0, v, hessian0);
      Eigen::VectorXd mixed1 = Eigen::VectorXd::Zero(p), mixed0 = Eigen::VectorXd::Zero(p);
      Eigen::VectorXd plain = Eigen::VectorXd::Zero(p);
      batch->add_parameter_gradient_of_input_gradient(1, w, mixed1);
      batch->add_parameter_gradient_of_input_gradient(0, w, mixed0);
      batch->add_parameter_gradient_of_outputs(v, plain);
      Eigen::VectorXd expected_mixed1 = Eigen::VectorXd::Zero(p);
      Eigen::VectorXd expected_mixed0 = Eigen::VectorXd::Zero(p);
      Eigen::VectorXd expected_plain = Eigen::VectorXd::Zero(p);
      for (Eigen::Index s = 0; s < x.cols(); ++s) {
        CAPTURE(s);
        Eigen::MatrixXd one_out(2, 1), one_gradient(2, 1);
        single->forward(x.col(s));
        single->outputs(one_out);
        CHECK(one_out.isApprox(out.col(s), 1e-13));
        single->add_parameter_gradient_of_outputs(v.col(s), expected_plain);
        for (const int o : {0, 1}) {
          single->input_gradient(o, one_gradient);
          CHECK(one_gradient.isApprox((o == 0 ? gradient0 : gradient1).col(s), 1e-13));
          single->add_parameter_gradient_of_input_gradient(
              o, w.col(s), o == 0 ? expected_mixed0 : expected_mixed1);
          Eigen::MatrixXd one_hessian(2, 1);
          single->input_hessian_vector_product(o, o == 0 ? v.col(s) : w.col(s), one_hessian);
          CHECK(one_hessian.isApprox((o == 0 ? hessian0 : hessian1).col(s), 1e-13));
        }
      }
      CHECK(mixed1.isApprox(expected_mixed1, 1e-12));
      CHECK(mixed0.isApprox(expected_mixed0, 1e-12));
      CHECK(plain.isApprox(expected_plain, 1e-12));
    }
  }
}
