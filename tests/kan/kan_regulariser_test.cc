// pykan's activation regulariser (kan.md 5.1) of the `kan` plugin against a second, plain
// implementation written here from the spec: a [2, 3, 2] network read from a parameter file
// made here (grids of different ranges per edge, a masked edge, non-zero biases), evaluated
// with SiLU and the Cox-de Boor recursion of kan.md 2.1-2.2, then per layer
//   v_e = mean_n |phi_e(x_n)| / (g_G - g_0 + 1e-4),  p_e = v_e / sum v,
//   l1_l = sum_e v_e,  entropy_l = -sum_e p_e log2(p_e + 1e-4),
//   coef_l = sum_e mean_m |c_em|,  coefdiff_l = sum_e mean_m |c_e,m+1 - c_em|,
//   penalty = reg_lambda * sum_l (reg_l1 l1_l + reg_entropy entropy_l + reg_coef coef_l
//                                 + reg_coefdiff coefdiff_l),
// with every weight set to a value other than its default; and the penalty's parameter
// gradient against finite differences of its value.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "hnn/gradient_check.h"
#include "hnn/objective.h"
#include "kan_test_support.h"

namespace {

using hnn::testing::make_kan;
using hnn::testing::uniform_matrix;
using Settings = std::map<std::string, hnn::OptionValue>;

constexpr int kGrid = 3;
constexpr int kOrder = 3;

struct Edge {
  std::vector<double> grid;  // G + 1 stored points
  std::vector<double> coef;  // G + k
  double scale_base = 0.0, scale_sp = 0.0, mask = 1.0;
};
struct Layer {
  int inputs = 0, outputs = 0;
  std::vector<Edge> edges;  // e = j * inputs + i
  std::vector<double> bias;
};

// The test network: [2, 3, 2], every number chosen here.
std::vector<Layer> test_network() {
  std::vector<Layer> layers;
  const int width[] = {2, 3, 2};
  for (int l = 0; l < 2; ++l) {
    Layer layer;
    layer.inputs = width[l];
    layer.outputs = width[l + 1];
    for (int e = 0; e < layer.inputs * layer.outputs; ++e) {
      Edge edge;
      // Uniform grids of different ranges; layer 1 sees the hidden nodes, wider.
      const double low = (l == 0 ? -1.0 : -2.0) - 0.1 * e;
      const double high = (l == 0 ? 1.0 : 2.5) + 0.05 * e;
      for (int g = 0; g <= kGrid; ++g) edge.grid.push_back(low + (high - low) * g / kGrid);
      for (int m = 0; m < kGrid + kOrder; ++m) {
        edge.coef.push_back(0.4 * std::sin(1.3 * m + 0.7 * e + 2.1 * l));
      }
      edge.scale_base = 0.3 + 0.15 * e - 0.2 * l;
      edge.scale_sp = 1.1 - 0.1 * e;
      layer.edges.push_back(edge);
    }
    for (int j = 0; j < layer.outputs; ++j) layer.bias.push_back(0.1 * (j + 1) * (l == 0 ? 1 : -1));
    layers.push_back(layer);
  }
  layers[0].edges[3].mask = 0.0;  // hidden node 1 ignores input 1
  return layers;
}

std::string write_network_file(const std::vector<Layer>& layers) {
  const std::string path = std::string(HNN_BINARY_DIR) + "/kan_regulariser_test_network.yaml";
  std::ofstream out(path);
  out.precision(17);
  auto list = [&](const std::vector<double>& values) {
    out << "[";
    for (std::size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << values[i];
    out << "]";
  };
  out << "model: {width: [2, 3, 2], grid: " << kGrid << ", k: " << kOrder << "}\nlayers:\n";
  for (std::size_t l = 0; l < layers.size(); ++l) {
    out << "  - {layer: " << l << ", n_in: " << layers[l].inputs << ", n_out: " << layers[l].outputs
        << ", bias: ";
    list(layers[l].bias);
    out << ",\n     edges: [\n";
    for (std::size_t e = 0; e < layers[l].edges.size(); ++e) {
      const Edge& edge = layers[l].edges[e];
      out << "       {e: " << e << ", grid: ";
      list(edge.grid);
      out << ", coef: ";
      list(edge.coef);
      out << ", scale_base: " << edge.scale_base << ", scale_sp: " << edge.scale_sp
          << ", mask: " << edge.mask << "},\n";
    }
    out << "     ]}\n";
  }
  return path;
}

// S(x) = sum_m c_m B_m(x) by the Cox-de Boor recursion on the grid extended by k steps
// h = (g_G - g_0) / G on each side, half-open intervals (kan.md 2.1-2.2).
double spline(const Edge& edge, double x) {
  const double h = (edge.grid.back() - edge.grid.front()) / kGrid;
  std::vector<double> t;
  for (int i = kOrder; i > 0; --i) t.push_back(edge.grid.front() - i * h);
  t.insert(t.end(), edge.grid.begin(), edge.grid.end());
  for (int i = 1; i <= kOrder; ++i) t.push_back(edge.grid.back() + i * h);
  std::vector<double> b(t.size() - 1);
  for (std::size_t m = 0; m + 1 < t.size(); ++m) b[m] = (t[m] <= x && x < t[m + 1]) ? 1.0 : 0.0;
  for (int p = 1; p <= kOrder; ++p) {
    for (std::size_t m = 0; m + p + 1 < t.size(); ++m) {
      b[m] = (x - t[m]) / (t[m + p] - t[m]) * b[m] +
             (t[m + p + 1] - x) / (t[m + p + 1] - t[m + 1]) * b[m + 1];
    }
  }
  double s = 0.0;
  for (int m = 0; m < kGrid + kOrder; ++m) s += edge.coef[m] * b[m];
  return s;
}

double phi(const Edge& edge, double x) {
  const double silu = x / (1.0 + std::exp(-x));
  return edge.mask * (edge.scale_base * silu + edge.scale_sp * spline(edge, x));
}

struct Reference {
  std::vector<std::vector<double>> scale;  // v_e per layer
  std::vector<double> l1, entropy, coef, coefdiff;
  Eigen::MatrixXd outputs;
};

Reference reference(const std::vector<Layer>& layers, const Eigen::MatrixXd& inputs) {
  Reference r;
  Eigen::MatrixXd x = inputs;
  for (const Layer& layer : layers) {
    Eigen::MatrixXd next(layer.outputs, x.cols());
    std::vector<double> v(layer.edges.size(), 0.0);
    for (int j = 0; j < layer.outputs; ++j) {
      for (Eigen::Index n = 0; n < x.cols(); ++n) next(j, n) = layer.bias[j];
      for (int i = 0; i < layer.inputs; ++i) {
        const Edge& edge = layer.edges[j * layer.inputs + i];
        for (Eigen::Index n = 0; n < x.cols(); ++n) {
          const double value = phi(edge, x(i, n));
          next(j, n) += value;
          v[j * layer.inputs + i] += std::abs(value);
        }
      }
    }
    double total = 0.0, coef = 0.0, coefdiff = 0.0;
    for (std::size_t e = 0; e < v.size(); ++e) {
      const Edge& edge = layer.edges[e];
      v[e] /= double(x.cols()) * (edge.grid.back() - edge.grid.front() + 1e-4);
      total += v[e];
      for (std::size_t m = 0; m < edge.coef.size(); ++m) {
        coef += std::abs(edge.coef[m]) / double(edge.coef.size());
        if (m + 1 < edge.coef.size()) {
          coefdiff += std::abs(edge.coef[m + 1] - edge.coef[m]) / double(edge.coef.size() - 1);
        }
      }
    }
    double entropy = 0.0;
    for (double value : v) entropy -= value / total * std::log2(value / total + 1e-4);
    r.scale.push_back(v);
    r.l1.push_back(total);
    r.entropy.push_back(entropy);
    r.coef.push_back(coef);
    r.coefdiff.push_back(coefdiff);
    x = next;
  }
  r.outputs = x;
  return r;
}

// theta -> the model's penalty on fixed inputs, as an Objective for the gradient checker.
class PenaltyObjective final : public hnn::Objective {
 public:
  PenaltyObjective(hnn::Model& model, Eigen::MatrixXd inputs)
      : model_(model), inputs_(std::move(inputs)) {}
  int parameter_count() const override { return model_.parameter_count(); }
  bool evaluate(const double* parameters, double* value, double* gradient) override {
    const int p = model_.parameter_count();
    model_.set_parameters(Eigen::Map<const Eigen::VectorXd>(parameters, p));
    model_.forward(inputs_);
    Eigen::VectorXd g = Eigen::VectorXd::Zero(p);
    *value = model_.add_penalty(g);
    if (gradient != nullptr) Eigen::Map<Eigen::VectorXd>(gradient, p) = g;
    return std::isfinite(*value);
  }
  hnn::LossParts last_parts() const override { return {}; }

 private:
  hnn::Model& model_;
  Eigen::MatrixXd inputs_;
};

}  // namespace

TEST_CASE("the regulariser's value, both layers, against a plain implementation of kan.md 5.1") {
  const std::vector<Layer> layers = test_network();
  const std::string file = write_network_file(layers);
  // Inputs over and beyond layer 0's grids (into the extension, where the bases decay).
  const Eigen::MatrixXd x = uniform_matrix(2, 37, 21, -1.8, 1.8);
  const Reference r = reference(layers, x);
  // The plain implementation is the same network: the model's outputs agree.
  const Settings common = {{"width", std::vector<std::int64_t>{2, 3, 2}},
                           {"initial_parameters", file},
                           {"reg_lambda", 0.3}};
  {
    const auto model = make_kan(common);
    model->forward(x);
    Eigen::MatrixXd outputs(2, x.cols());
    model->outputs(outputs);
    CHECK((outputs - r.outputs).cwiseAbs().maxCoeff() < 1e-12);
    // pykan's acts_scale of every edge, both layers (the masked edge 0).
    const hnn::EdgeActivations acts = model->edge_activations(x);
    for (int l = 0; l < 2; ++l) {
      for (std::size_t e = 0; e < r.scale[l].size(); ++e) {
        CAPTURE(l);
        CAPTURE(e);
        CHECK(acts.layers[l].scale[Eigen::Index(e)] ==
              doctest::Approx(r.scale[l][e]).epsilon(1e-12));
      }
    }
    CHECK(r.scale[0][3] == 0.0);
  }
  // The terms one at a time, then together, every weight away from its default
  // (reg_l1 1, reg_entropy 2, reg_coef 0, reg_coefdiff 0).
  struct Case {
    double l1, entropy, coef, coefdiff;
  };
  for (const Case& c :
       {Case{0.7, 0.0, 0.0, 0.0}, Case{0.0, 1.6, 0.0, 0.0}, Case{0.0, 0.0, 0.45, 0.0},
        Case{0.0, 0.0, 0.0, 0.35}, Case{0.7, 1.6, 0.45, 0.35}}) {
    CAPTURE(c.l1);
    CAPTURE(c.entropy);
    CAPTURE(c.coef);
    CAPTURE(c.coefdiff);
    Settings settings = common;
    settings["reg_l1"] = c.l1;
    settings["reg_entropy"] = c.entropy;
    settings["reg_coef"] = c.coef;
    settings["reg_coefdiff"] = c.coefdiff;
    const auto model = make_kan(settings);
    model->forward(x);
    Eigen::VectorXd sink = Eigen::VectorXd::Zero(model->parameter_count());
    double expected = 0.0;
    for (int l = 0; l < 2; ++l) {
      expected += c.l1 * r.l1[l] + c.entropy * r.entropy[l] + c.coef * r.coef[l] +
                  c.coefdiff * r.coefdiff[l];
    }
    CHECK(model->add_penalty(sink) == doctest::Approx(0.3 * expected).epsilon(1e-12));
  }
  // Both layers contribute to each term (the layer-0 entropy includes the masked edge's 0).
  CHECK(r.entropy[0] > 0.1);
  CHECK(r.entropy[1] > 0.1);
  CHECK(r.l1[0] > 0.1);
  CHECK(r.l1[1] > 0.1);
}

TEST_CASE("the regulariser's parameter gradient against finite differences of its value") {
  const std::string file = write_network_file(test_network());
  const auto model = make_kan({{"width", std::vector<std::int64_t>{2, 3, 2}},
                               {"initial_parameters", file},
                               {"reg_lambda", 0.3},
                               {"reg_l1", 0.7},
                               {"reg_entropy", 1.6}});
  Eigen::VectorXd theta(model->parameter_count());
  model->get_parameters(theta);
  PenaltyObjective objective(*model, uniform_matrix(2, 23, 22, -1.8, 1.8));
  hnn::GradientCheckOptions options;
  options.step = 1e-5;  // |phi| has kinks where phi = 0: keep the stencil away from them
  const auto result = hnn::check_objective_gradient(objective, theta, options);
  CHECK_MESSAGE(result.passed(1e-6), result.report());
}
