// The mlp as C++ source (Model::cpp_export, hnn/cpp_export.h): the weights of every layer,
// the activation with its derivative, and H = F_o with its input gradient by one forward and
// one backward pass per point, the same formulas as mlp.cc and mlp_gradients.cc.
#include <sstream>

#include "hnn/error.h"
#include "mlp.h"

namespace hnn::mlp {
namespace {

// The body of detail::activation(z, &derivative) for each activation, the formulas of
// activation_kernels.cc (std::tanh and std::exp where the model has its own exp).
std::string activation_body(Activation activation) {
  const std::string logistic =
      "  const double s = z >= 0.0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + "
      "std::exp(z));\n";
  switch (activation) {
    case Activation::kTanh:
      return "  const double t = std::tanh(z);\n  *derivative = 1.0 - t * t;\n  return t;\n";
    case Activation::kRelu:
      return "  *derivative = z > 0.0 ? 1.0 : 0.0;\n  return z > 0.0 ? z : 0.0;\n";
    case Activation::kSigmoid:
      return "  const double s = 1.0 / (1.0 + std::exp(-z));\n  *derivative = s * (1.0 - s);\n"
             "  return s;\n";
    case Activation::kSoftplus:
      return logistic +
             "  *derivative = s;\n"
             "  return std::fmax(z, 0.0) + std::log1p(std::exp(-std::fabs(z)));\n";
    case Activation::kSilu:
      return logistic + "  *derivative = s + z * (s * (1.0 - s));\n  return z * s;\n";
    case Activation::kElu:
      return "  if (z > 0.0) {\n    *derivative = 1.0;\n    return z;\n  }\n"
             "  *derivative = std::exp(z);\n  return std::expm1(z);\n";
    case Activation::kSin:
      return "  *derivative = std::cos(z);\n  return std::sin(z);\n";
  }
  return "";
}

}  // namespace

std::string MultilayerPerceptron::cpp_export(const CppExportRequest& request) const {
  check_output_index(request.output, "cpp_export");
  const int layers = layer_count();
  const int o = request.output;
  std::ostringstream out;
  out << "namespace detail {\n\n";
  // W_l row-major (rows = fan_out) and b_l; of the output layer only row o and b_L[o].
  for (int l = 1; l <= layers; ++l) {
    const auto w = weight(l);
    std::vector<double> weights, biases;
    if (l < layers) {
      weights.assign(w.data(), w.data() + w.size());
      const auto b = bias(l);
      biases.assign(b.data(), b.data() + b.size());
    } else {
      for (int j = 0; j < w.cols(); ++j) weights.push_back(w(o, j));
      biases.push_back(layout_[l - 1].bias_offset >= 0 ? bias(l)(o) : 0.0);
    }
    out << "// Layer " << l << ": " << (l < layers ? std::to_string(w.rows()) : "1 (output)")
        << " x " << w.cols() << ".\n"
        << cpp_double_array(std::string("W") + std::to_string(l), weights)
        << cpp_double_array(std::string("b") + std::to_string(l), biases) << "\n";
  }
  out << "// The activation " << to_string(options_.activation)
      << " at z, its derivative into *derivative.\n"
      << "inline double activation(double z, double* derivative) {\n"
      << activation_body(options_.activation) << "}\n\n}  // namespace detail\n\n";

  out << "// H at x (kInputDimension values) and, unless dHdx is null, its gradient.\n"
      << "inline double evaluate(const double* x, double* dHdx) {\n"
      << "  using namespace detail;\n";
  // Forward: a_l = sigma(W_l a_{l-1} + b_l), sigma' kept in d_l.
  out << "  const double* a0 = x;\n";
  for (int l = 1; l < layers; ++l) {
    const int rows = widths_[l], columns = widths_[l - 1];
    out << "  double a" << l << "[" << rows << "], d" << l << "[" << rows << "];\n"
        << "  for (int i = 0; i < " << rows << "; ++i) {\n"
        << "    double z = 0.0;\n"
        << "    for (int j = 0; j < " << columns << "; ++j) z += W" << l << "[i * " << columns
        << " + j] * a" << l - 1 << "[j];\n"
        << "    a" << l << "[i] = activation(z + b" << l << "[i], &d" << l << "[i]);\n"
        << "  }\n";
  }
  const int last_width = widths_[layers - 1];
  out << "  double H = 0.0;\n"
      << "  for (int j = 0; j < " << last_width << "; ++j) H += W" << layers << "[j] * a"
      << layers - 1 << "[j];\n"
      << "  H += b" << layers << "[0];\n"
      << "  if (dHdx == nullptr) return H;\n";
  // Backward: v_l = sigma'(z_l) . u_l with u_{L-1} = W_L(o, :), u_{l-1} = W_l^T v_l, and
  // dH/dx = W_1^T v_1.
  out << "  const double* u" << layers - 1 << " = W" << layers << ";\n";
  for (int l = layers - 1; l >= 1; --l) {
    const int rows = widths_[l], columns = widths_[l - 1];
    out << "  double v" << l << "[" << rows << "];\n"
        << "  for (int i = 0; i < " << rows << "; ++i) v" << l << "[i] = d" << l << "[i] * u" << l
        << "[i];\n";
    const std::string target =
        l > 1 ? std::string("u") + std::to_string(l - 1) : std::string("dHdx");
    if (l > 1) out << "  double u" << l - 1 << "[" << columns << "];\n";
    out << "  for (int j = 0; j < " << columns << "; ++j) {\n"
        << "    double sum = 0.0;\n"
        << "    for (int i = 0; i < " << rows << "; ++i) sum += W" << l << "[i * " << columns
        << " + j] * v" << l << "[i];\n"
        << "    " << target << "[j] = sum;\n"
        << "  }\n";
  }
  out << "  return H;\n}\n";
  return cpp_header(request, name(), input_dimension(), out.str());
}

}  // namespace hnn::mlp
