// The `mlp` model plugin, loaded through the registry, with the framework's
// HamiltonianObjective, BaselineObjective and gradient checker.
#include <doctest/doctest.h>
#include <omp.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "hnn/baseline_objective.h"
#include "hnn/error.h"
#include "hnn/gradient_check.h"
#include "hnn/hamiltonian_objective.h"
#include "initialization.h"  // the plugin's header-only random stream
#include "mlp_test_support.h"

namespace {

using hnn::testing::make_mlp;
using hnn::testing::MlpSpec;
using hnn::testing::uniform_matrix;

constexpr double kGradientTolerance = 1e-6;
const std::vector<std::string> kActivations = {"tanh", "relu",  "sigmoid", "softplus",
                                               "silu", "swish", "elu",     "sin"};

// relu and elu have a kink in sigma' or sigma'' at 0: a small step keeps the stencil on
// one side of it for the random pre-activations used here (the losses are piecewise
// polynomial in each parameter for relu, so truncation error is not the issue).
hnn::GradientCheckOptions check_options_for(const std::string& activation) {
  hnn::GradientCheckOptions options;
  if (activation == "relu" || activation == "elu") options.step = 1e-5;
  return options;
}

Eigen::VectorXd parameters_of(hnn::Model& model) {
  Eigen::VectorXd theta(model.parameter_count());
  model.get_parameters(theta);
  return theta;
}

// The L1 term is not differentiable at 0: move parameters that a finite-difference stencil
// could carry across 0 to +-0.01, and return them (also set in the model).
Eigen::VectorXd parameters_away_from_zero(hnn::Model& model) {
  Eigen::VectorXd theta = parameters_of(model);
  for (Eigen::Index i = 0; i < theta.size(); ++i) {
    if (std::abs(theta[i]) < 0.01) theta[i] = theta[i] < 0.0 ? -0.01 : 0.01;
  }
  model.set_parameters(theta);
  return theta;
}

Eigen::MatrixXd rows_of(const YAML::Node& node) {
  Eigen::MatrixXd result(node[0].size(), node.size());  // one sample per column
  for (std::size_t j = 0; j < node.size(); ++j)
    for (std::size_t i = 0; i < node[j].size(); ++i) result(i, j) = node[j][i].as<double>();
  return result;
}

struct Golden {
  YAML::Node root;
  Eigen::VectorXd parameters, gradient, gradient_with_l1;
};

Golden load_golden() {
  Golden golden;
  golden.root = YAML::LoadFile(std::string(HNN_GOLDEN_DIR) + "/mlp_small_reference.yaml");
  std::vector<double> values, gradient, gradient_with_l1;
  for (const YAML::Node& key : golden.root["parameter_order"]) {
    const YAML::Node tensor = golden.root["parameters"][key.as<std::string>()];
    for (const YAML::Node& v : tensor["values"]) values.push_back(v.as<double>());
    for (const YAML::Node& v : tensor["grad_loss"]) gradient.push_back(v.as<double>());
    for (const YAML::Node& v : tensor["grad_loss_with_l1"])
      gradient_with_l1.push_back(v.as<double>());
  }
  golden.parameters = Eigen::Map<Eigen::VectorXd>(values.data(), values.size());
  golden.gradient = Eigen::Map<Eigen::VectorXd>(gradient.data(), gradient.size());
  golden.gradient_with_l1 =
      Eigen::Map<Eigen::VectorXd>(gradient_with_l1.data(), gradient_with_l1.size());
  return golden;
}

}  // namespace

TEST_CASE("the plugin registers `mlp` with its schema") {
  const hnn::PluginInfo* info = hnn::testing::mlp_registry().find(hnn::PluginKind::kModel, "mlp");
  REQUIRE(info != nullptr);
  for (const char* key :
       {"inputs", "outputs", "hidden", "activation", "initialization", "output_bias", "seed"}) {
    CHECK_MESSAGE(info->schema.find(key) != nullptr, key);
  }
  auto model = make_mlp({.hidden = {200, 200}});
  CHECK(model->parameter_count() == 41202);
  CHECK(model->name() == "mlp 2-200-200-2 tanh");
  auto original = make_mlp({.hidden = {200, 200}, .output_bias = false});
  CHECK(original->parameter_count() == 41200);
}

TEST_CASE("inputs and outputs left at 0 (host-filled) are refused by the factory") {
  const hnn::Registry& registry = hnn::testing::mlp_registry();
  const hnn::PluginInfo* info = registry.find(hnn::PluginKind::kModel, "mlp");
  hnn::Options options = hnn::Options::defaults(info->schema);
  CHECK_THROWS_WITH_AS(registry.create_model("mlp", options),
                       doctest::Contains("filled in by the host"), hnn::PluginError);
}

TEST_CASE("golden: 2-4-3-2 tanh MLP against torch (mlp_small_reference.yaml)") {
  const Golden golden = load_golden();
  auto model = make_mlp({.hidden = {4, 3}});
  REQUIRE(model->parameter_count() == golden.parameters.size());
  model->set_parameters(golden.parameters);
  const Eigen::MatrixXd x = rows_of(golden.root["inputs"]);
  const Eigen::MatrixXd dxdt = rows_of(golden.root["targets"]);
  REQUIRE(x.cols() == 20);

  model->forward(x);
  Eigen::MatrixXd outputs(2, 20), gradient(2, 20);
  model->outputs(outputs);
  CHECK((outputs - rows_of(golden.root["outputs"])).cwiseAbs().maxCoeff() < 1e-14);
  model->input_gradient(1, gradient);
  CHECK((gradient - rows_of(golden.root["input_gradient_of_output1"])).cwiseAbs().maxCoeff() <
        1e-14);

  SUBCASE("HNN loss and parameter gradient") {
    hnn::HamiltonianObjective objective(*model, x, dxdt);
    Eigen::VectorXd g(objective.parameter_count());
    double loss = 0.0;
    REQUIRE(objective.evaluate(golden.parameters.data(), &loss, g.data()));
    CHECK(std::abs(loss - golden.root["loss"].as<double>()) < 1e-12);
    CHECK((g - golden.gradient).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((objective.last_field() - rows_of(golden.root["hnn_field"])).cwiseAbs().maxCoeff() <
          1e-14);
    CHECK(objective.last_parts().penalty == 0.0);
    // Value only (test loss): the same value.
    double value_only = 0.0;
    REQUIRE(objective.evaluate(golden.parameters.data(), &value_only, nullptr));
    CHECK(value_only == loss);
  }
  SUBCASE("with L1 1e-5") {
    hnn::HamiltonianObjectiveOptions options;
    options.l1 = 1e-5;
    hnn::HamiltonianObjective objective(*model, x, dxdt, options);
    Eigen::VectorXd g(objective.parameter_count());
    double loss = 0.0;
    REQUIRE(objective.evaluate(golden.parameters.data(), &loss, g.data()));
    CHECK(std::abs(loss - golden.root["loss_with_l1"].as<double>()) < 1e-12);
    CHECK(std::abs(objective.last_parts().penalty - golden.root["l1_penalty"].as<double>()) <
          1e-16);
    CHECK(std::abs(objective.last_parts().data_loss - golden.root["loss"].as<double>()) < 1e-12);
    CHECK((g - golden.gradient_with_l1).cwiseAbs().maxCoeff() < 1e-12);
  }
}

TEST_CASE("objective gradient matches finite differences for every activation") {
  Eigen::MatrixXd x, dxdt;
  hnn::testing::spring_like_data(24, 7, x, dxdt);
  for (const std::string& activation : kActivations) {
    CAPTURE(activation);
    // Three hidden layers: exercises the inner layers of the backward and tangent passes.
    auto model = make_mlp({.hidden = {6, 5, 4}, .activation = activation, .seed = 3});
    for (double l1 : {0.0, 1e-3}) {
      CAPTURE(l1);
      hnn::HamiltonianObjectiveOptions options;
      options.l1 = l1;
      hnn::HamiltonianObjective objective(*model, x, dxdt, options);
      const auto result = hnn::check_objective_gradient(
          objective, parameters_away_from_zero(*model), check_options_for(activation));
      CHECK_MESSAGE(result.passed(kGradientTolerance), result.report());
    }
  }
}

TEST_CASE("conservative and combined fields, other outputs, four-dimensional states") {
  Eigen::MatrixXd x = uniform_matrix(4, 15, 11);
  Eigen::MatrixXd dxdt = uniform_matrix(4, 15, 12);
  auto model = make_mlp({.inputs = 4, .outputs = 3, .hidden = {7, 5}, .activation = "softplus"});
  for (hnn::FieldType type :
       {hnn::FieldType::kSolenoidal, hnn::FieldType::kConservative, hnn::FieldType::kBoth}) {
    CAPTURE(hnn::to_string(type));
    hnn::HamiltonianObjectiveOptions options;
    options.field_type = type;
    options.hamiltonian_output = 2;
    options.conservative_output = 0;
    hnn::HamiltonianObjective objective(*model, x, dxdt, options);
    const auto result = hnn::check_objective_gradient(objective, parameters_of(*model));
    CHECK_MESSAGE(result.passed(kGradientTolerance), result.report());

    // The field is what the options say, built from the model's input gradients.
    double value = 0.0;
    REQUIRE(objective.evaluate(parameters_of(*model).data(), &value, nullptr));
    Eigen::MatrixXd g_h(4, 15), g_c(4, 15), expected = Eigen::MatrixXd::Zero(4, 15);
    model->forward(x);
    model->input_gradient(2, g_h);
    model->input_gradient(0, g_c);
    if (type != hnn::FieldType::kConservative) {
      expected.topRows(2) += g_h.bottomRows(2);
      expected.bottomRows(2) -= g_h.topRows(2);
    }
    if (type != hnn::FieldType::kSolenoidal) expected += g_c;
    CHECK((objective.last_field() - expected).cwiseAbs().maxCoeff() < 1e-15);
    CHECK(std::abs(value - (expected - dxdt).squaredNorm() / 60.0) < 1e-15);
  }
}

TEST_CASE("baseline objective gradient matches finite differences") {
  Eigen::MatrixXd x, dxdt;
  hnn::testing::spring_like_data(20, 5, x, dxdt);
  for (const std::string& activation : kActivations) {
    CAPTURE(activation);
    auto model = make_mlp({.hidden = {6, 5}, .activation = activation, .seed = 9});
    hnn::BaselineObjective objective(*model, x, dxdt, 1e-4);
    const auto result = hnn::check_objective_gradient(objective, parameters_away_from_zero(*model),
                                                      check_options_for(activation));
    CHECK_MESSAGE(result.passed(kGradientTolerance), result.report());
    double value = 0.0;
    REQUIRE(objective.evaluate(parameters_of(*model).data(), &value, nullptr));
    Eigen::MatrixXd outputs(2, 20);
    model->outputs(outputs);
    CHECK(std::abs(objective.last_parts().data_loss - (outputs - dxdt).squaredNorm() / 40.0) <
          1e-15);
    CHECK(std::abs(objective.last_parts().penalty - 1e-4 * parameters_of(*model).lpNorm<1>()) <
          1e-15);
  }
}

TEST_CASE("baseline objective with l1_smoothing: the smooth penalty and its gradient") {
  Eigen::MatrixXd x, dxdt;
  hnn::testing::spring_like_data(20, 5, x, dxdt);
  auto model = make_mlp({.hidden = {6, 5}, .activation = "tanh", .seed = 9});
  constexpr double l1 = 1e-3, s = 1e-2;
  hnn::BaselineObjective objective(*model, x, dxdt, l1, s);
  const Eigen::VectorXd theta = parameters_of(*model);
  double value = 0.0;
  REQUIRE(objective.evaluate(theta.data(), &value, nullptr));
  // l1 * sum(sqrt(theta^2 + s^2) - s), written out; the data loss is unchanged.
  double penalty = 0.0;
  for (double t : theta) penalty += std::sqrt(t * t + s * s) - s;
  penalty *= l1;
  CHECK(objective.last_parts().penalty == doctest::Approx(penalty).epsilon(1e-14));
  CHECK(std::abs(objective.last_parts().penalty - l1 * theta.lpNorm<1>()) > 1e-6);
  Eigen::MatrixXd outputs(2, 20);
  model->outputs(outputs);
  CHECK(std::abs(objective.last_parts().data_loss - (outputs - dxdt).squaredNorm() / 40.0) < 1e-15);
  const auto result = hnn::check_objective_gradient(objective, parameters_away_from_zero(*model),
                                                    check_options_for("tanh"));
  CHECK_MESSAGE(result.passed(kGradientTolerance), result.report());
  CHECK_THROWS_WITH_AS(hnn::BaselineObjective(*model, x, dxdt, l1, -1.0),
                       doctest::Contains("l1_smoothing = -1, must be finite and >= 0"), hnn::Error);
}

TEST_CASE("model derivatives match finite differences (input, mixed and output gradients)") {
  const Eigen::MatrixXd x = uniform_matrix(3, 13, 21);
  for (const std::string& activation : kActivations) {
    CAPTURE(activation);
    for (bool output_bias : {true, false}) {
      auto model = make_mlp({.inputs = 3,
                             .outputs = 2,
                             .hidden = {5, 4, 6},
                             .activation = activation,
                             .output_bias = output_bias,
                             .seed = 17});
      const hnn::GradientCheckOptions options = check_options_for(activation);
      for (int output : {0, 1}) {
        auto input = hnn::check_model_input_gradient(*model, x, output, options);
        CHECK_MESSAGE(input.passed(kGradientTolerance), input.report());
        auto mixed = hnn::check_model_mixed_gradient(*model, x, output,
                                                     uniform_matrix(3, 13, 22 + output), options);
        CHECK_MESSAGE(mixed.passed(kGradientTolerance), mixed.report());
      }
      auto outputs =
          hnn::check_model_output_gradient(*model, x, uniform_matrix(2, 13, 30), options);
      CHECK_MESSAGE(outputs.passed(kGradientTolerance), outputs.report());
    }
  }
}

TEST_CASE("the parameter gradients do not depend on the number of threads") {
  // Wide layers and a batch large enough that every product is split over the threads
  // (plugins/models/mlp/batch_loops.h); the gradients of one and of two threads must agree
  // bit for bit (docs/determinism.md). Before the baseline's products were split at
  // multiples of the kernel's register blocks, the output gradient of the 2-200-200-2
  // network differed in its last bits for every one of these weights (checked by hand).
  const int threads_before = omp_get_max_threads();
  for (const std::vector<std::int64_t>& hidden :
       {std::vector<std::int64_t>{200, 200}, std::vector<std::int64_t>{200},
        std::vector<std::int64_t>{100, 60, 150}}) {
    CAPTURE(hidden.size());
    auto model = make_mlp({.hidden = hidden, .seed = 3});
    const Eigen::MatrixXd x = uniform_matrix(2, 750, 40);
    const Eigen::Index p = model->parameter_count();
    for (unsigned draw = 0; draw < 8; ++draw) {
      CAPTURE(draw);
      const Eigen::MatrixXd weights = uniform_matrix(2, 750, 50 + draw);
      Eigen::MatrixXd outputs_gradient = Eigen::MatrixXd::Zero(p, 2);
      Eigen::MatrixXd mixed_gradient = Eigen::MatrixXd::Zero(p, 2);
      for (int threads : {1, 2}) {
        omp_set_num_threads(threads);
        model->forward(x);
        model->add_parameter_gradient_of_outputs(weights, outputs_gradient.col(threads - 1));
        model->add_parameter_gradient_of_input_gradient(1, weights,
                                                        mixed_gradient.col(threads - 1));
      }
      CHECK(std::memcmp(outputs_gradient.col(0).data(), outputs_gradient.col(1).data(),
                        sizeof(double) * std::size_t(p)) == 0);
      CHECK(std::memcmp(mixed_gradient.col(0).data(), mixed_gradient.col(1).data(),
                        sizeof(double) * std::size_t(p)) == 0);
    }
  }
  omp_set_num_threads(threads_before);
}

TEST_CASE("one hidden layer and a single sample") {
  auto model = make_mlp({.hidden = {3}, .activation = "sin"});
  Eigen::MatrixXd x = uniform_matrix(2, 1, 3), dxdt = uniform_matrix(2, 1, 4);
  hnn::HamiltonianObjective objective(*model, x, dxdt);
  const auto result = hnn::check_objective_gradient(objective, parameters_of(*model));
  CHECK_MESSAGE(result.passed(kGradientTolerance), result.report());
}

TEST_CASE("the batch size may change between forward passes") {
  auto model = make_mlp({.hidden = {8, 8}});
  for (int samples : {5, 40, 5, 1}) {
    CAPTURE(samples);
    Eigen::MatrixXd x, dxdt;
    hnn::testing::spring_like_data(samples, samples, x, dxdt);
    hnn::HamiltonianObjective objective(*model, x, dxdt);
    const auto result = hnn::check_objective_gradient(objective, parameters_of(*model));
    CHECK_MESSAGE(result.passed(kGradientTolerance), result.report());
  }
}

// The orthogonally initialised MLP of the two tests below (seed 5): 3 -> 6 (tall), 6 -> 4
// (wide), 4 -> 4 (square), 4 -> 2 (wide, the HNN output layer, no bias).
namespace {
const std::vector<int> kOrthogonalWidths = {3, 6, 4, 4, 2};
std::shared_ptr<hnn::Model> orthogonal_mlp() {
  return make_mlp({.inputs = 3,
                   .outputs = 2,
                   .hidden = {6, 4, 4},
                   .initialization = "orthogonal",
                   .output_bias = false,
                   .seed = 5});
}
}  // namespace

TEST_CASE("orthogonal initialisation gives (semi-)orthogonal weights and torch biases") {
  const Eigen::VectorXd theta = parameters_of(*orthogonal_mlp());
  const std::vector<int> widths = kOrthogonalWidths;
  Eigen::Index offset = 0;
  for (std::size_t layer = 1; layer < widths.size(); ++layer) {
    CAPTURE(layer);
    const int rows = widths[layer], columns = widths[layer - 1];
    using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const RowMajor w = Eigen::Map<const RowMajor>(theta.data() + offset, rows, columns);
    offset += rows * columns;
    if (rows >= columns) {
      CHECK((w.transpose() * w - Eigen::MatrixXd::Identity(columns, columns)).norm() < 1e-13);
    } else {
      CHECK((w * w.transpose() - Eigen::MatrixXd::Identity(rows, rows)).norm() < 1e-13);
    }
    if (layer + 1 < widths.size()) {
      const Eigen::VectorXd b = theta.segment(offset, rows);
      offset += rows;
      CHECK(b.cwiseAbs().maxCoeff() <= 1.0 / std::sqrt(double(columns)));
    }
  }
  CHECK(offset == theta.size());
}

// torch.nn.init.orthogonal_ draws a tall x narrow Gaussian G, takes G = QR and returns Q
// (transposed for a wide layer) with each column's sign chosen so that diag(R) > 0: the Q
// that Gram-Schmidt makes from G's columns. This test draws the same Gaussians from the
// plugin's stream and orthonormalises them here; the biases are the stream's next uniforms.
TEST_CASE("orthogonal initialisation equals Gram-Schmidt of the stream's Gaussians") {
  const Eigen::VectorXd theta = parameters_of(*orthogonal_mlp());
  const std::vector<int> widths = kOrthogonalWidths;
  hnn::mlp::internal::InitializationStream stream(5);
  Eigen::Index offset = 0;
  for (std::size_t layer = 1; layer < widths.size(); ++layer) {
    CAPTURE(layer);
    const int rows = widths[layer], columns = widths[layer - 1];
    const int tall = std::max(rows, columns), narrow = std::min(rows, columns);
    Eigen::MatrixXd q(tall, narrow);
    for (int i = 0; i < tall; ++i)
      for (int j = 0; j < narrow; ++j) q(i, j) = stream.normal();
    for (int j = 0; j < narrow; ++j) {  // modified Gram-Schmidt
      for (int i = 0; i < j; ++i) q.col(j) -= q.col(i).dot(q.col(j)) * q.col(i);
      q.col(j) /= q.col(j).norm();
    }
    const Eigen::MatrixXd expected = rows >= columns ? q : Eigen::MatrixXd(q.transpose());
    using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const RowMajor w = Eigen::Map<const RowMajor>(theta.data() + offset, rows, columns);
    offset += rows * columns;
    CHECK((w - expected).cwiseAbs().maxCoeff() < 1e-13);
    if (layer + 1 < widths.size()) {
      const double bound = 1.0 / std::sqrt(double(columns));
      for (int i = 0; i < rows; ++i) CHECK(theta[offset + i] == stream.uniform(-bound, bound));
      offset += rows;
    }
  }
  CHECK(offset == theta.size());
}

TEST_CASE("torch_default initialisation: bounded, seeded, reproducible") {
  auto a = make_mlp({.hidden = {200, 200}, .seed = 1});
  auto b = make_mlp({.hidden = {200, 200}, .seed = 1});
  auto c = make_mlp({.hidden = {200, 200}, .seed = 2});
  const Eigen::VectorXd ta = parameters_of(*a);
  CHECK(ta == parameters_of(*b));
  CHECK(ta != parameters_of(*c));
  // W1, b1: bound 1/sqrt(2); W2, b2, W3, b3: bound 1/sqrt(200). Uniform: mean ~ 0, and the
  // second moment is bound^2 / 3.
  const Eigen::VectorXd first = ta.head(600);
  const Eigen::VectorXd rest = ta.tail(ta.size() - 600);
  CHECK(first.cwiseAbs().maxCoeff() <= 1.0 / std::sqrt(2.0));
  CHECK(rest.cwiseAbs().maxCoeff() <= 1.0 / std::sqrt(200.0));
  CHECK(first.cwiseAbs().maxCoeff() > 0.95 / std::sqrt(2.0));
  CHECK(std::abs(rest.squaredNorm() / rest.size() / (1.0 / 600.0) - 1.0) < 0.03);
}

TEST_CASE("size errors name the model and both sizes") {
  auto model = make_mlp({.hidden = {4, 3}});
  const Eigen::MatrixXd x = uniform_matrix(2, 5, 1);
  CHECK_THROWS_WITH_AS(model->forward(uniform_matrix(3, 5, 1)),
                       doctest::Contains("mlp 2-4-3-2 tanh: forward: inputs are 3 x 5, expected 2"),
                       hnn::Error);
  Eigen::MatrixXd gradient(2, 5);
  CHECK_THROWS_WITH_AS(model->input_gradient(0, gradient), doctest::Contains("before forward"),
                       hnn::Error);
  model->forward(x);
  CHECK_THROWS_WITH_AS(model->input_gradient(2, gradient),
                       doctest::Contains("output index 2 is out of range [0, 2)"), hnn::Error);
  Eigen::MatrixXd wrong(2, 4);
  CHECK_THROWS_WITH_AS(model->input_gradient(1, wrong),
                       doctest::Contains("is 2 x 4, expected 2 x 5"), hnn::Error);
  Eigen::VectorXd theta(7);
  CHECK_THROWS_WITH_AS(model->set_parameters(theta),
                       doctest::Contains("7 entries, the model has 35 parameters"), hnn::Error);

  CHECK_THROWS_WITH_AS(hnn::HamiltonianObjective(*model, x, uniform_matrix(2, 4, 1)),
                       doctest::Contains("time derivatives are 2 x 4, expected 2 x 5"), hnn::Error);
  CHECK_THROWS_WITH_AS(
      hnn::HamiltonianObjective(*model, uniform_matrix(3, 5, 1), uniform_matrix(3, 5, 1)),
      doctest::Contains("states are 3 x 5, expected 2 x N"), hnn::Error);
  hnn::HamiltonianObjectiveOptions options;
  options.hamiltonian_output = 2;
  CHECK_THROWS_WITH_AS(hnn::HamiltonianObjective(*model, x, x, options),
                       doctest::Contains("hamiltonian_output = 2 needs a model with at least 3 "
                                         "outputs (counted from 0); the model has 2"),
                       hnn::Error);
  options = {};
  options.l1 = -1.0;
  CHECK_THROWS_WITH_AS(hnn::HamiltonianObjective(*model, x, x, options),
                       doctest::Contains("l1 = -1, must be finite and >= 0"), hnn::Error);
  auto three = make_mlp({.inputs = 3, .outputs = 3, .hidden = {4}});
  CHECK_THROWS_WITH_AS(
      hnn::HamiltonianObjective(*three, uniform_matrix(3, 5, 1), uniform_matrix(3, 5, 2)),
      doctest::Contains("even state dimension"), hnn::Error);
  auto four_outputs = make_mlp({.outputs = 4, .hidden = {4}});
  CHECK_THROWS_WITH_AS(hnn::BaselineObjective(*four_outputs, x, x),
                       doctest::Contains("the model has 4 outputs"), hnn::Error);
}

TEST_CASE("a non-finite loss is reported by returning false") {
  auto model = make_mlp({.hidden = {4, 3}});
  Eigen::MatrixXd x = uniform_matrix(2, 5, 1);
  Eigen::MatrixXd dxdt = x;
  dxdt(0, 0) = std::numeric_limits<double>::quiet_NaN();
  hnn::HamiltonianObjective objective(*model, x, dxdt);
  Eigen::VectorXd theta = parameters_of(*model), gradient(theta.size());
  double value = 0.0;
  CHECK_FALSE(objective.evaluate(theta.data(), &value, gradient.data()));
}
