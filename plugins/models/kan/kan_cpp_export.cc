// The kan as C++ source (Model::cpp_export, hnn/cpp_export.h). Every active edge is written
// in the piecewise-polynomial form the model evaluates (bspline.h): its extended knots, the
// inverse width and the Taylor coefficients of its spline on every piece, and its weights
// mask * scale_base and mask * scale_sp; the header locates a point's piece, runs the same
// Horner pass and adds the edges into their nodes in the model's order (kan_forward.cc), then
// runs the backward pass of input_gradient (kan_gradients.cc). Masked edges are left out, as
// the model skips them. pykan's symbolic branch is not modelled by the kan (kan.h), so there
// is none to export: a fitted formula is exported by the symbolic stage's formula export.
#include <sstream>

#include "hnn/error.h"
#include "kan_layer.h"

namespace hnn::kan {
namespace {

std::string int_array(const std::string& name, const std::vector<int>& values) {
  std::ostringstream out;
  out << "inline constexpr int " << name << "[] = {";
  if (values.empty()) out << "0";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out << (i > 0 ? "," : "") << (i % 16 == 0 ? "\n    " : " ") << values[i];
  }
  out << "};\n";
  return out.str();
}

// The generic part: one edge's phi and phi', one layer forward and backward.
constexpr const char* kLayerFunctions =
    R"(// Piece of x on the extended knots t[0 .. kKnots) (0: x < t[0] or NaN, kKnots: x >= the
// last knot, m + 1: t[m] <= x < t[m + 1]) and the local coordinate f = (x - t[m]) / width.
inline int locate(const double* t, const double* inverse_width, double x, double* f) {
  *f = 0.0;
  if (!(x >= t[0])) return 0;
  if (x >= t[kKnots - 1]) return kKnots;
  int low = 0, high = kKnots - 1;  // t[low] <= x < t[high]
  while (high - low > 1) {
    const int middle = (low + high) / 2;
    if (x >= t[middle]) {
      low = middle;
    } else {
      high = middle;
    }
  }
  *f = (x - t[low]) * inverse_width[low + 1];
  return low + 1;
}

// The base function b(x) and b'(x).
inline double base(double x, double* derivative) {
  if (!kSiluBase) {
    *derivative = 0.0;
    return 0.0;
  }
  const double sigma = 1.0 / (1.0 + std::exp(-x));
  *derivative = sigma * (1.0 + x * (1.0 - sigma));
  return x * sigma;
}

// One layer: next[j] = bias[j] + sum of phi_e(x[input[e]]) over the edges e into j (in edge
// order), phi_e' into derivative[e].
inline void layer_forward(int edges, const int* input, const int* output,
                          const double* base_weight, const double* spline_weight,
                          const double* knots, const double* inverse_width,
                          const double* polynomial, const double* bias, int outputs,
                          const double* x, double* next, double* derivative) {
  for (int j = 0; j < outputs; ++j) next[j] = bias[j];
  for (int e = 0; e < edges; ++e) {
    const double value = x[input[e]];
    double f;
    const double* widths = inverse_width + e * kPieces;
    const int piece = locate(knots + e * kKnots, widths, value, &f);
    const double* a = polynomial + (e * kPieces + piece) * (kOrder + 1);
    double spline = a[kOrder], first = 0.0;
    for (int q = kOrder - 1; q >= 0; --q) {
      first = first * f + spline;
      spline = spline * f + a[q];
    }
    double b1;
    const double b0 = base(value, &b1);
    next[output[e]] += base_weight[e] * b0 + spline_weight[e] * spline;
    derivative[e] = base_weight[e] * b1 + spline_weight[e] * (first * widths[piece]);
  }
}

// The backward pass through one layer: u[i] = sum of upstream[output[e]] * phi_e' over the
// edges e out of node i (in edge order); inputs: the layer's input nodes.
inline void layer_backward(int edges, const int* input, const int* output,
                           const double* derivative, const double* upstream, int inputs,
                           double* u) {
  for (int i = 0; i < inputs; ++i) u[i] = 0.0;
  for (int e = 0; e < edges; ++e) u[input[e]] += upstream[output[e]] * derivative[e];
}
)";

}  // namespace

std::string KolmogorovArnoldNetwork::cpp_export(const CppExportRequest& request) const {
  check_output_index(request.output, "cpp_export");
  const int k = options_.k;
  const int width = k + 1;
  const int coefficients = options_.grid + k;
  const int knot_count = options_.grid + 2 * k + 1;
  const int pieces = knot_count + 1;
  const int count = layer_count();
  std::ostringstream out;
  out << "namespace detail {\n\n"
      << "inline constexpr int kOrder = " << k << ";              // spline order k\n"
      << "inline constexpr int kKnots = " << knot_count << ";             // G + 2k + 1\n"
      << "inline constexpr int kPieces = kKnots + 1;\n"
      << "inline constexpr bool kSiluBase = "
      << (options_.base_function == BaseFunction::kSilu ? "true" : "false") << ";\n\n";
  std::vector<int> active_count(count);
  for (int l = 0; l < count; ++l) {
    const Layer& layer = layers_[l];
    std::vector<int> inputs, outputs;
    std::vector<double> base_weight, spline_weight, knots, inverse_width, polynomial;
    for (const int e : layer.active_edges) {
      const BSplineBasis& basis = layer.bases[layer.slot_of_edge[e]];
      const double m = layer.mask[e];
      inputs.push_back(e % layer.inputs);
      outputs.push_back(e / layer.inputs);
      base_weight.push_back(m * layer.scale_base[e]);
      spline_weight.push_back(m * layer.scale_spline[e]);
      knots.insert(knots.end(), basis.knots().begin(), basis.knots().end());
      inverse_width.insert(inverse_width.end(), basis.inverse_widths(),
                           basis.inverse_widths() + pieces);
      std::vector<double> alpha(static_cast<std::size_t>(pieces) * width, 0.0);
      internal::spline_polynomials(basis, layer.coef.data() + e * coefficients, coefficients,
                                   alpha.data());
      polynomial.insert(polynomial.end(), alpha.begin(), alpha.end());
    }
    active_count[l] = static_cast<int>(inputs.size());
    const std::string p = "layer" + std::to_string(l) + "_";
    out << "// Layer " << l << ": " << layer.inputs << " -> " << layer.outputs << " nodes, "
        << active_count[l] << " active edges (of " << layer.edges << ").\n"
        << int_array(p + "input", inputs) << int_array(p + "output", outputs)
        << cpp_double_array(p + "base_weight", base_weight)
        << cpp_double_array(p + "spline_weight", spline_weight)
        << cpp_double_array(p + "bias", layer.bias) << cpp_double_array(p + "knots", knots)
        << cpp_double_array(p + "inverse_width", inverse_width)
        << cpp_double_array(p + "polynomial", polynomial) << "\n";
  }
  out << kLayerFunctions << "\n}  // namespace detail\n\n";

  out << "// H at x (kInputDimension values) and, unless dHdx is null, its gradient.\n"
      << "inline double evaluate(const double* x, double* dHdx) {\n"
      << "  using namespace detail;\n"
      << "  const double* x0 = x;\n";
  auto size = [](int n) { return std::to_string(n > 0 ? n : 1); };
  for (int l = 0; l < count; ++l) {
    const std::string p = "layer" + std::to_string(l) + "_", L = std::to_string(l),
                      next = std::to_string(l + 1);
    out << "  double x" << next << "[" << size(options_.width[l + 1]) << "], phi" << L << "["
        << size(active_count[l]) << "];\n"
        << "  layer_forward(" << active_count[l] << ", " << p << "input, " << p << "output, " << p
        << "base_weight, " << p << "spline_weight, " << p << "knots, " << p << "inverse_width, "
        << p << "polynomial, " << p << "bias, " << options_.width[l + 1] << ", x" << L << ", x"
        << next << ", phi" << L << ");\n";
  }
  out << "  const double H = x" << count << "[" << request.output << "];\n"
      << "  if (dHdx == nullptr) return H;\n"
      << "  double u" << count << "[" << options_.width[count] << "] = {};\n"
      << "  u" << count << "[" << request.output << "] = 1.0;\n";
  for (int l = count - 1; l >= 0; --l) {
    const std::string p = "layer" + std::to_string(l) + "_", L = std::to_string(l);
    const std::string target = l > 0 ? "u" + L : "dHdx";
    if (l > 0) out << "  double u" << L << "[" << options_.width[l] << "];\n";
    out << "  layer_backward(" << active_count[l] << ", " << p << "input, " << p << "output, phi"
        << L << ", u" << l + 1 << ", " << options_.width[l] << ", " << target << ");\n";
  }
  out << "  return H;\n}\n";
  return cpp_header(request, name(), input_dimension(), out.str());
}

}  // namespace hnn::kan
