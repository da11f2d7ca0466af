#include "kan.h"

#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <sstream>

#include "edge_kernels.h"
#include "hnn/error.h"
#include "hnn/random.h"
#include "parameter_file.h"

namespace hnn::kan {

using Eigen::Index;
using internal::edge_forward;
using internal::edge_output;
using internal::edge_reverse;

constexpr int kMaxOrder = 10;  // the largest k the options accept

struct KolmogorovArnoldNetwork::Layer {
  int inputs = 0;
  int outputs = 0;
  int edges = 0;
  std::vector<double> bias;          // outputs
  std::vector<double> coef;          // edges x (G + k)
  std::vector<double> scale_base;    // edges
  std::vector<double> scale_spline;  // edges
  std::vector<double> mask;          // edges
  std::vector<double> grid;          // edges x (G + 1)
  // Bases: one per input node when all its edges share the grid, else one per edge.
  std::vector<BSplineBasis> bases;
  std::vector<int> slot_of_edge;
  std::vector<int> input_of_slot;
  std::vector<int> active_edges;  // mask != 0
  // Per edge, pieces x (k + 1): the spline's Taylor coefficients on each piece, and the
  // gradient of a reverse sweep with respect to them (of S_e, i.e. without the factor
  // mask * scale_sp, which map_polynomial_gradient applies).
  std::vector<double> polynomial;
  std::vector<double> polynomial_gradient;
  std::vector<double> penalty_scale;  // per edge, d(penalty)/d|phi_e(x_n)|
  // Offsets in the parameter vector; -1 when the tensor is not trainable.
  int bias_offset = -1;
  int coef_offset = -1;
  int scale_base_offset = -1;
  int scale_spline_offset = -1;
};

// Forward state of layer l (x, adjoint also for l = L: the outputs). Column = node/edge,
// row = sample, so that every per-node or per-edge loop runs over contiguous memory.
struct KolmogorovArnoldNetwork::Workspace {
  Eigen::MatrixXd x;        // N x n_l, layer input x^(l)
  Eigen::MatrixXd adjoint;  // N x n_l, reverse-mode adjoint of x^(l)
  bool adjoint_nonzero = false;
  Eigen::MatrixXd base, base1, base2;  // N x n_l: b, b', b'' at x^(l) (no b'' for l = 0)
  Eigen::MatrixXi piece;               // N x slots
  Eigen::MatrixXd local;               // N x slots
  // N x edges: phi_e', phi_e'' (no phi'' for l = 0: only needed to propagate adjoints to
  // x^(l)). For the last layer they are computed on demand (derivatives_ready_).
  Eigen::MatrixXd phi1, phi2;
  Eigen::MatrixXd backward;  // N x n_l: u^(l) of the last backward pass
  Eigen::MatrixXd tangent;   // N x n_l: xdot^(l)
  Eigen::VectorXd r;         // N: scratch of the reverse sweep
};

namespace {

std::string join_widths(const std::vector<int>& widths) {
  std::ostringstream text;
  for (std::size_t i = 0; i < widths.size(); ++i) text << (i ? "-" : "") << widths[i];
  return text.str();
}

// torch.linspace in float64 (symmetric: the second half is computed from the end point).
std::vector<double> torch_linspace(double start, double end, int steps) {
  std::vector<double> values(steps);
  const double step = (end - start) / (steps - 1);
  const int halfway = steps / 2;
  for (int i = 0; i < steps; ++i) {
    values[i] = i < halfway ? start + step * i : end - step * (steps - i - 1);
  }
  return values;
}

// Minimum-norm least-squares coefficients of the spline on `basis` through (x_n, y_n)
// (torch.linalg.lstsq / pykan curve2coef).
std::vector<double> fit_coefficients(const BSplineBasis& basis, const std::vector<double>& x,
                                     const std::vector<double>& y) {
  const int count = basis.basis_count();
  Eigen::MatrixXd collocation(static_cast<Index>(x.size()), count);
  std::vector<double> row(count);
  for (std::size_t n = 0; n < x.size(); ++n) {
    basis.evaluate(x[n], row.data(), nullptr, nullptr);
    for (int m = 0; m < count; ++m) collocation(static_cast<Index>(n), m) = row[m];
  }
  const Eigen::Map<const Eigen::VectorXd> rhs(y.data(), static_cast<Index>(y.size()));
  const Eigen::VectorXd c = collocation.completeOrthogonalDecomposition().solve(rhs);
  return {c.data(), c.data() + c.size()};
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Options.

bool KolmogorovArnoldNetworkOptions::is_valid(std::string* error) const {
  auto fail = [error](const std::string& message) {
    if (error != nullptr) *error = "kan: " + message;
    return false;
  };
  if (width.size() < 2) {
    return fail("width has " + std::to_string(width.size()) + " entries, must have at least 2");
  }
  for (std::size_t i = 0; i < width.size(); ++i) {
    if (width[i] < 1) {
      return fail("width[" + std::to_string(i) + "] = " + std::to_string(width[i]) +
                  ", must be >= 1");
    }
  }
  if (grid < 1) return fail("grid = " + std::to_string(grid) + ", must be >= 1");
  if (k < 1 || k > kMaxOrder) return fail("k = " + std::to_string(k) + ", must be in [1, 10]");
  if (!std::isfinite(grid_min) || !std::isfinite(grid_max) || !(grid_min < grid_max)) {
    return fail("grid_range = [" + std::to_string(grid_min) + ", " + std::to_string(grid_max) +
                "], must be finite and increasing");
  }
  auto non_negative = [&](const char* key, double value) {
    return std::isfinite(value) && value >= 0.0
               ? true
               : fail(std::string(key) + " = " + std::to_string(value) +
                      ", must be finite and >= 0");
  };
  if (!non_negative("noise_scale", noise_scale) ||
      !non_negative("noise_scale_base", noise_scale_base) ||
      !non_negative("reg_lambda", reg_lambda) || !non_negative("reg_l1", reg_l1) ||
      !non_negative("reg_entropy", reg_entropy) || !non_negative("reg_coef", reg_coef) ||
      !non_negative("reg_coefdiff", reg_coefdiff)) {
    return false;
  }
  if (!(grid_eps >= 0.0 && grid_eps <= 1.0)) {
    return fail("grid_eps = " + std::to_string(grid_eps) + ", must be in [0, 1]");
  }
  return true;
}

OptionSchema KolmogorovArnoldNetwork::schema() {
  return OptionSchema{
      Option::integer_list("width", {2, 1, 2},
                           "node counts per layer: width[0] inputs, ..., last = outputs")
          .at_least(1)
          .min_length(2),
      Option::integer("grid", 3, "G, number of grid intervals").at_least(1),
      Option::integer("k", 3, "spline order").at_least(1).at_most(10),
      Option::real_list("grid_range", {-1.0, 1.0}, "initial grid [min, max]").length(2),
      Option::string("base_function", "silu", "base function b(x) of every edge")
          .one_of({"silu", "none"}),
      Option::boolean("train_scale_base", true, "whether scale_base is trained"),
      Option::boolean("train_scale_spline", true, "whether scale_sp is trained"),
      Option::boolean("train_bias", true, "whether the node biases are trained"),
      Option::real("noise_scale", 0.1, "spline noise of the initialisation").at_least(0.0),
      Option::real("noise_scale_base", 0.1, "scale_base noise of the initialisation").at_least(0.0),
      Option::real("grid_eps", 1.0, "grid update: 1 = uniform grid, 0 = percentile grid")
          .at_least(0.0)
          .at_most(1.0),
      Option::integer("seed", 0,
                      "seed of the initialisation (std::mt19937_64; does not replay PyTorch)")
          .at_least(0),
      Option::string(
          "initial_parameters", "",
          "file with parameters, grids and masks in the layout of "
          "kan_2_1_2_seed0_init.yaml (plugins/models/kan/parameter_file.h); \"\" = seed; "
          "relative to the pipeline file")
          .file_path(),
      Option::real("reg_lambda", 0.0, "pykan regulariser weight lamb (0 = off)").at_least(0.0),
      Option::real("reg_l1", 1.0, "lamb_l1 of the regulariser").at_least(0.0),
      Option::real("reg_entropy", 2.0, "lamb_entropy of the regulariser").at_least(0.0),
      Option::real("reg_coef", 0.0, "lamb_coef of the regulariser").at_least(0.0),
      Option::real("reg_coefdiff", 0.0, "lamb_coefdiff of the regulariser").at_least(0.0),
  };
}

KolmogorovArnoldNetworkOptions KolmogorovArnoldNetwork::from_options(const Options& options) {
  KolmogorovArnoldNetworkOptions result;
  auto narrow = [](const char* key, std::int64_t value) {
    if (value < 0 || value > 1'000'000) {
      throw Error("kan: " + std::string(key) + " = " + std::to_string(value) +
                  " is out of range [0, 1e6]");
    }
    return static_cast<int>(value);
  };
  result.width.clear();
  for (std::int64_t w : options.integers("width")) result.width.push_back(narrow("width", w));
  result.grid = narrow("grid", options.integer("grid"));
  result.k = narrow("k", options.integer("k"));
  const auto& range = options.reals("grid_range");
  if (range.size() != 2) {
    throw Error("kan: grid_range has " + std::to_string(range.size()) + " entries, must have 2");
  }
  result.grid_min = range[0];
  result.grid_max = range[1];
  result.base_function =
      options.string("base_function") == "none" ? BaseFunction::kNone : BaseFunction::kSilu;
  result.train_scale_base = options.boolean("train_scale_base");
  result.train_scale_spline = options.boolean("train_scale_spline");
  result.train_bias = options.boolean("train_bias");
  result.noise_scale = options.real("noise_scale");
  result.noise_scale_base = options.real("noise_scale_base");
  result.grid_eps = options.real("grid_eps");
  const std::int64_t seed = options.integer("seed");
  if (seed < 0) throw Error("kan: seed = " + std::to_string(seed) + ", must be >= 0");
  result.seed = static_cast<std::uint64_t>(seed);
  result.initial_parameters = options.string("initial_parameters");
  result.reg_lambda = options.real("reg_lambda");
  result.reg_l1 = options.real("reg_l1");
  result.reg_entropy = options.real("reg_entropy");
  result.reg_coef = options.real("reg_coef");
  result.reg_coefdiff = options.real("reg_coefdiff");
  return result;
}

// ---------------------------------------------------------------------------------------
// Construction and state.

KolmogorovArnoldNetwork::KolmogorovArnoldNetwork(const KolmogorovArnoldNetworkOptions& options)
    : options_(options) {
  std::string error;
  if (!options_.is_valid(&error)) throw Error(error);
  const int layer_count = static_cast<int>(options_.width.size()) - 1;
  const int coefficients = options_.grid + options_.k;
  const int pieces = options_.grid + 2 * options_.k + 2;
  layers_.resize(layer_count);
  int offset = 0;
  for (int l = 0; l < layer_count; ++l) {
    Layer& layer = layers_[l];
    layer.inputs = options_.width[l];
    layer.outputs = options_.width[l + 1];
    layer.edges = layer.inputs * layer.outputs;
    layer.bias.assign(layer.outputs, 0.0);
    layer.coef.assign(static_cast<std::size_t>(layer.edges) * coefficients, 0.0);
    layer.scale_base.assign(layer.edges, 0.0);
    layer.scale_spline.assign(layer.edges, 1.0);
    layer.mask.assign(layer.edges, 1.0);
    layer.polynomial.assign(static_cast<std::size_t>(layer.edges) * pieces * (options_.k + 1), 0.0);
    layer.polynomial_gradient.assign(2 * layer.polynomial.size(), 0.0);  // two banks
    layer.penalty_scale.assign(layer.edges, 0.0);
    const std::vector<double> grid =
        torch_linspace(options_.grid_min, options_.grid_max, options_.grid + 1);
    for (int e = 0; e < layer.edges; ++e)
      layer.grid.insert(layer.grid.end(), grid.begin(), grid.end());
    if (options_.train_bias) {
      layer.bias_offset = offset;
      offset += layer.outputs;
    }
  }
  for (Layer& layer : layers_) {
    layer.coef_offset = offset;
    offset += layer.edges * coefficients;
    if (options_.train_scale_base) {
      layer.scale_base_offset = offset;
      offset += layer.edges;
    }
    if (options_.train_scale_spline) {
      layer.scale_spline_offset = offset;
      offset += layer.edges;
    }
  }
  parameter_count_ = offset;
  if (options_.initial_parameters.empty()) {
    for (int l = 0; l < layer_count; ++l) rebuild_bases(l);
    initialize_from_seed();
  } else {
    load_parameter_file();
    for (int l = 0; l < layer_count; ++l) rebuild_bases(l);
  }
  work_.resize(layer_count + 1);
  derivatives_ready_.assign(layers_.back().edges, 0);
}

KolmogorovArnoldNetwork::~KolmogorovArnoldNetwork() = default;

void KolmogorovArnoldNetwork::initialize_from_seed() {
  Mt19937Random random(options_.seed);
  const int g = options_.grid;
  for (Layer& layer : layers_) {
    for (int e = 0; e < layer.edges; ++e) {
      layer.scale_base[e] = 1.0 / std::sqrt(static_cast<double>(layer.inputs)) +
                            (random.normal() * 2.0 - 1.0) * options_.noise_scale_base;
    }
    for (int e = 0; e < layer.edges; ++e) {
      std::vector<double> noise(g + 1);
      for (double& value : noise) value = (random.uniform() - 0.5) * options_.noise_scale / g;
      const std::vector<double> grid(layer.grid.begin() + e * (g + 1),
                                     layer.grid.begin() + (e + 1) * (g + 1));
      const std::vector<double> c =
          fit_coefficients(layer.bases[layer.slot_of_edge[e]], grid, noise);
      std::copy(c.begin(), c.end(), layer.coef.begin() + e * (g + options_.k));
    }
  }
  polynomials_current_ = false;
}

void KolmogorovArnoldNetwork::load_parameter_file() {
  const auto values =
      read_parameter_file(options_.initial_parameters, options_.width, options_.grid, options_.k,
                          options_.base_function == BaseFunction::kSilu ? "silu" : "none");
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    Layer& layer = layers_[l];
    layer.bias = values[l].bias;
    layer.grid = values[l].grid;
    layer.coef = values[l].coef;
    layer.scale_base = values[l].scale_base;
    layer.scale_spline = values[l].scale_spline;
    layer.mask = values[l].mask;
  }
  polynomials_current_ = false;
}

void KolmogorovArnoldNetwork::rebuild_bases(int l) {
  Layer& layer = layers_[l];
  const int points = options_.grid + 1;
  layer.bases.clear();
  layer.input_of_slot.clear();
  layer.slot_of_edge.assign(layer.edges, -1);
  layer.active_edges.clear();
  std::vector<int> first_edge_of_slot;
  for (int e = 0; e < layer.edges; ++e) {
    const int i = e % layer.inputs;
    const double* grid = layer.grid.data() + e * points;
    for (std::size_t s = 0; s < layer.bases.size(); ++s) {
      if (layer.input_of_slot[s] != i) continue;
      const double* other = layer.grid.data() + first_edge_of_slot[s] * points;
      if (std::equal(grid, grid + points, other)) {
        layer.slot_of_edge[e] = static_cast<int>(s);
        break;
      }
    }
    if (layer.slot_of_edge[e] < 0) {
      std::vector<double> values(grid, grid + points);
      try {
        layer.bases.emplace_back(extend_grid(values, options_.k), options_.k);
      } catch (const Error& failure) {
        throw Error(name() + ": layer " + std::to_string(l) + ", edge " + std::to_string(e) + ": " +
                    failure.what());
      }
      layer.slot_of_edge[e] = static_cast<int>(layer.bases.size()) - 1;
      layer.input_of_slot.push_back(i);
      first_edge_of_slot.push_back(e);
    }
    if (layer.mask[e] != 0.0) layer.active_edges.push_back(e);
  }
  polynomials_current_ = false;
  has_forward_ = false;
  samples_ = 0;  // slot counts may have changed: resize the workspace on the next forward
  input_state_current_ = false;
}

void KolmogorovArnoldNetwork::update_spline_polynomials() {
  const int k = options_.k;
  const int width = k + 1;
  const int coefficients = options_.grid + k;
  const int pieces = options_.grid + 2 * k + 2;
  for (Layer& layer : layers_) {
    for (int e = 0; e < layer.edges; ++e) {
      const BSplineBasis& basis = layer.bases[layer.slot_of_edge[e]];
      const double* c = layer.coef.data() + e * coefficients;
      double* alpha = layer.polynomial.data() + static_cast<std::size_t>(e) * pieces * width;
      for (int piece = 1; piece + 1 < pieces; ++piece) {
        const double* table = basis.taylor(piece);
        const int first = basis.first_basis(piece);
        for (int q = 0; q < width; ++q) {
          double sum = 0.0;
          for (int r = 0; r < width; ++r) {
            const int j = first + r;
            if (j >= 0 && j < coefficients) sum += table[q * width + r] * c[j];
          }
          alpha[piece * width + q] = sum;
        }
      }
    }
  }
  polynomials_current_ = true;
}

std::string KolmogorovArnoldNetwork::name() const {
  return "kan " + join_widths(options_.width) + " G=" + std::to_string(options_.grid) +
         " k=" + std::to_string(options_.k) +
         (options_.base_function == BaseFunction::kSilu ? " silu" : " no-base");
}

void KolmogorovArnoldNetwork::check_gradient_size(const char* method, Index size) const {
  if (size != parameter_count_) {
    throw Error(name() + ": " + method + ": vector has " + std::to_string(size) +
                " entries, the model has " + std::to_string(parameter_count_) + " parameters");
  }
}

void KolmogorovArnoldNetwork::require_forward(const char* method) const {
  if (!has_forward_) {
    throw Error(name() + ": " + method +
                " called before forward() (or after a change of parameters or grids without a "
                "new forward)");
  }
}

void KolmogorovArnoldNetwork::check_output_index(int output, const char* method) const {
  if (output < 0 || output >= output_dimension()) {
    throw Error(name() + ": " + method + ": output index " + std::to_string(output) +
                " is out of range [0, " + std::to_string(output_dimension()) + ")");
  }
}

void KolmogorovArnoldNetwork::check_batch(const char* method, const char* what, Index rows,
                                          Index columns, Index expected_rows) const {
  if (rows != expected_rows || columns != samples_) {
    throw Error(name() + ": " + method + ": " + what + " is " + std::to_string(rows) + " x " +
                std::to_string(columns) + ", expected " + std::to_string(expected_rows) + " x " +
                std::to_string(samples_) + " (one sample per column)");
  }
}

void KolmogorovArnoldNetwork::get_parameters(Eigen::Ref<Eigen::VectorXd> parameters) const {
  check_gradient_size("get_parameters", parameters.size());
  for (const Layer& layer : layers_) {
    auto put = [&](int offset, const std::vector<double>& values) {
      if (offset < 0) return;
      for (std::size_t i = 0; i < values.size(); ++i) parameters[offset + Index(i)] = values[i];
    };
    put(layer.bias_offset, layer.bias);
    put(layer.coef_offset, layer.coef);
    put(layer.scale_base_offset, layer.scale_base);
    put(layer.scale_spline_offset, layer.scale_spline);
  }
}

void KolmogorovArnoldNetwork::set_parameters(const Eigen::Ref<const Eigen::VectorXd>& parameters) {
  check_gradient_size("set_parameters", parameters.size());
  for (Layer& layer : layers_) {
    auto take = [&](int offset, std::vector<double>& values) {
      if (offset < 0) return;
      for (std::size_t i = 0; i < values.size(); ++i) values[i] = parameters[offset + Index(i)];
    };
    take(layer.bias_offset, layer.bias);
    take(layer.coef_offset, layer.coef);
    take(layer.scale_base_offset, layer.scale_base);
    take(layer.scale_spline_offset, layer.scale_spline);
  }
  polynomials_current_ = false;
  has_forward_ = false;
}

std::vector<double> KolmogorovArnoldNetwork::grid(int layer, int edge) const {
  if (layer < 0 || layer >= layer_count() || edge < 0 || edge >= layers_[layer].edges) {
    throw Error(name() + ": grid(" + std::to_string(layer) + ", " + std::to_string(edge) +
                "): no such layer or edge");
  }
  const int points = options_.grid + 1;
  const auto begin = layers_[layer].grid.begin() + edge * points;
  return {begin, begin + points};
}

std::vector<double> KolmogorovArnoldNetwork::auxiliary_state() const {
  std::vector<double> state;
  for (const Layer& layer : layers_)
    state.insert(state.end(), layer.grid.begin(), layer.grid.end());
  for (const Layer& layer : layers_)
    state.insert(state.end(), layer.mask.begin(), layer.mask.end());
  for (const Layer& layer : layers_) {
    if (layer.bias_offset < 0) state.insert(state.end(), layer.bias.begin(), layer.bias.end());
  }
  for (const Layer& layer : layers_) {
    if (layer.scale_base_offset < 0) {
      state.insert(state.end(), layer.scale_base.begin(), layer.scale_base.end());
    }
    if (layer.scale_spline_offset < 0) {
      state.insert(state.end(), layer.scale_spline.begin(), layer.scale_spline.end());
    }
  }
  return state;
}

void KolmogorovArnoldNetwork::set_auxiliary_state(const std::vector<double>& state) {
  const std::size_t expected = auxiliary_state().size();
  if (state.size() != expected) {
    throw Error(name() + ": set_auxiliary_state: " + std::to_string(state.size()) +
                " values, expected " + std::to_string(expected) +
                " (grids, masks and non-trainable tensors)");
  }
  std::size_t at = 0;
  auto take = [&](std::vector<double>& values) {
    std::copy(state.begin() + Index(at), state.begin() + Index(at + values.size()), values.begin());
    at += values.size();
  };
  const std::vector<Layer> previous = layers_;
  try {
    for (Layer& layer : layers_) take(layer.grid);
    for (Layer& layer : layers_) take(layer.mask);
    for (Layer& layer : layers_) {
      if (layer.bias_offset < 0) take(layer.bias);
    }
    for (Layer& layer : layers_) {
      if (layer.scale_base_offset < 0) take(layer.scale_base);
      if (layer.scale_spline_offset < 0) take(layer.scale_spline);
    }
    for (int l = 0; l < layer_count(); ++l) rebuild_bases(l);
  } catch (...) {
    layers_ = previous;
    throw;
  }
}

// ---------------------------------------------------------------------------------------
// Forward pass.

void KolmogorovArnoldNetwork::resize_workspace(Index samples) {
  if (samples == samples_) return;
  const int count = layer_count();
  for (int l = 0; l <= count; ++l) {
    Workspace& w = work_[l];
    const Index nodes = options_.width[l];
    w.x.resize(samples, nodes);
    w.adjoint.resize(samples, nodes);
    if (l == count) continue;
    const Layer& layer = layers_[l];
    const Index slots = static_cast<Index>(layer.bases.size());
    w.base.resize(samples, nodes);
    w.base1.resize(samples, nodes);
    w.base2.resize(samples, nodes);
    w.piece.resize(samples, slots);
    w.local.resize(samples, slots);
    w.phi1.resize(samples, layer.edges);
    w.phi2.resize(samples, l > 0 ? layer.edges : 0);
    w.backward.resize(samples, nodes);
    w.tangent.resize(samples, nodes);
    w.r.resize(samples);
  }
  ones_.setOnes(samples);
  input_copy_.resize(options_.width.front(), samples);
  samples_ = samples;
  input_state_current_ = false;
}

void KolmogorovArnoldNetwork::forward(const Eigen::Ref<const Eigen::MatrixXd>& inputs) {
  if (inputs.rows() != input_dimension() || inputs.cols() < 1) {
    throw Error(name() + ": forward: inputs are " + std::to_string(inputs.rows()) + " x " +
                std::to_string(inputs.cols()) + ", expected " + std::to_string(input_dimension()) +
                " x N with N >= 1 (one sample per column)");
  }
  const Index n = inputs.cols();
  resize_workspace(n);
  if (!polynomials_current_) update_spline_polynomials();
  if (input_state_current_) {
    const Index d = inputs.rows();
    if (inputs.outerStride() == d) {
      input_state_current_ =
          std::memcmp(inputs.data(), input_copy_.data(), sizeof(double) * d * n) == 0;
    } else {
      for (Index s = 0; s < n && input_state_current_; ++s) {
        input_state_current_ =
            std::memcmp(inputs.col(s).data(), input_copy_.col(s).data(), sizeof(double) * d) == 0;
      }
    }
  }
  if (!input_state_current_) {
    input_copy_ = inputs;
    work_[0].x = inputs.transpose();
  }
  const int k = options_.k;
  const int pieces = options_.grid + 2 * k + 2;
  const int last = layer_count() - 1;
  for (int l = 0; l <= last; ++l) {
    const Layer& layer = layers_[l];
    Workspace& w = work_[l];
    const bool second = l > 0;  // phi'' only propagates adjoints to x^(l), never for l = 0
    if (l > 0 || !input_state_current_) {
      if (options_.base_function == BaseFunction::kSilu) {
        for (int i = 0; i < layer.inputs; ++i) {
          const auto x = w.x.col(i).array();
          auto sigma = w.base2.col(i).array();  // scratch for sigma, overwritten below
          sigma = 1.0 / (1.0 + (-x).exp());
          w.base.col(i).array() = x * sigma;
          w.base1.col(i).array() = sigma * (1.0 + x * (1.0 - sigma));
          if (second) sigma = sigma * (1.0 - sigma) * (2.0 + x * (1.0 - 2.0 * sigma));
        }
      } else {
        w.base.setZero();
        w.base1.setZero();
        w.base2.setZero();
      }
      for (std::size_t s = 0; s < layer.bases.size(); ++s) {
        const BSplineBasis& basis = layer.bases[s];
        const double* x = w.x.col(layer.input_of_slot[s]).data();
        int* piece = w.piece.col(Index(s)).data();
        double* local = w.local.col(Index(s)).data();
        basis.locate_all(x, static_cast<long>(n), piece, local);
      }
    }
    Eigen::MatrixXd& next = work_[l + 1].x;
    for (int j = 0; j < layer.outputs; ++j) next.col(j).setConstant(layer.bias[j]);
    for (const int e : layer.active_edges) {
      const int i = e % layer.inputs;
      const int j = e / layer.inputs;
      const int s = layer.slot_of_edge[e];
      const double m = layer.mask[e];
      const double* polynomial =
          layer.polynomial.data() + static_cast<std::size_t>(e) * pieces * (k + 1);
      auto run = [&](auto kernel) {
        kernel(k, n, w.piece.col(s).data(), w.local.col(s).data(), layer.bases[s].inverse_widths(),
               polynomial, w.base.col(i).data(), w.base1.col(i).data(), w.base2.col(i).data(),
               m * layer.scale_base[e], m * layer.scale_spline[e], next.col(j).data(),
               w.phi1.col(e).data(), second ? w.phi2.col(e).data() : nullptr);
      };
      // The last layer's derivatives wait for the output they are needed for.
      if (l == last) {
        k == 3 ? run(edge_forward<3, true, false, false>)
               : run(edge_forward<0, true, false, false>);
      } else if (second) {
        k == 3 ? run(edge_forward<3, true, true, true>) : run(edge_forward<0, true, true, true>);
      } else {
        k == 3 ? run(edge_forward<3, true, true, false>) : run(edge_forward<0, true, true, false>);
      }
    }
  }
  input_state_current_ = true;
  std::fill(derivatives_ready_.begin(), derivatives_ready_.end(), 0);
  has_forward_ = true;
  backward_output_ = -1;
}

void KolmogorovArnoldNetwork::outputs(Eigen::Ref<Eigen::MatrixXd> outputs) const {
  require_forward("outputs");
  check_batch("outputs", "the outputs matrix", outputs.rows(), outputs.cols(), output_dimension());
  outputs = work_[layer_count()].x.transpose();
}

// ---------------------------------------------------------------------------------------
// Derivatives.

void KolmogorovArnoldNetwork::ensure_last_layer_derivatives(int output) {
  const int last = layer_count() - 1;
  const Layer& layer = layers_[last];
  Workspace& w = work_[last];
  const int k = options_.k;
  const int pieces = options_.grid + 2 * k + 2;
  const bool second = last > 0;
  for (const int e : layer.active_edges) {
    if (derivatives_ready_[e] || (output >= 0 && e / layer.inputs != output)) continue;
    const int i = e % layer.inputs;
    const int s = layer.slot_of_edge[e];
    const double m = layer.mask[e];
    const double* polynomial =
        layer.polynomial.data() + static_cast<std::size_t>(e) * pieces * (k + 1);
    auto run = [&](auto kernel) {
      kernel(k, samples_, w.piece.col(s).data(), w.local.col(s).data(),
             layer.bases[s].inverse_widths(), polynomial, w.base.col(i).data(),
             w.base1.col(i).data(), w.base2.col(i).data(), m * layer.scale_base[e],
             m * layer.scale_spline[e], nullptr, w.phi1.col(e).data(),
             second ? w.phi2.col(e).data() : nullptr);
    };
    if (second) {
      k == 3 ? run(edge_forward<3, false, true, true>) : run(edge_forward<0, false, true, true>);
    } else {
      k == 3 ? run(edge_forward<3, false, true, false>) : run(edge_forward<0, false, true, false>);
    }
    derivatives_ready_[e] = 1;
  }
}

void KolmogorovArnoldNetwork::backward_from_output(int output) {
  const int last = layer_count() - 1;
  ensure_last_layer_derivatives(output);
  {
    const Layer& layer = layers_[last];
    Workspace& w = work_[last];
    for (int i = 0; i < layer.inputs; ++i) {
      const int e = output * layer.inputs + i;
      if (layer.mask[e] != 0.0) {
        w.backward.col(i) = w.phi1.col(e);
      } else {
        w.backward.col(i).setZero();
      }
    }
  }
  for (int l = last - 1; l >= 0; --l) {
    const Layer& layer = layers_[l];
    Workspace& w = work_[l];
    const Eigen::MatrixXd& upstream = work_[l + 1].backward;
    w.backward.setZero();
    for (const int e : layer.active_edges) {
      const int i = e % layer.inputs;
      const int j = e / layer.inputs;
      w.backward.col(i).array() += upstream.col(j).array() * w.phi1.col(e).array();
    }
  }
  backward_output_ = output;
}

void KolmogorovArnoldNetwork::input_gradient(int output, Eigen::Ref<Eigen::MatrixXd> gradient) {
  require_forward("input_gradient");
  check_output_index(output, "input_gradient");
  check_batch("input_gradient", "the gradient matrix", gradient.rows(), gradient.cols(),
              input_dimension());
  backward_from_output(output);
  gradient = work_[0].backward.transpose();
}

void KolmogorovArnoldNetwork::reverse_sweep(const Eigen::Ref<const Eigen::MatrixXd>* top,
                                            bool with_tangent, bool with_penalty, int output,
                                            double* gradient) {
  const int count = layer_count();
  const int k = options_.k;
  const int width = k + 1;
  const int pieces = options_.grid + 2 * k + 2;
  const Index n = samples_;
  // Adjoints of the edge outputs reach the last layer's inputs through phi' of every edge.
  if (count > 1 && (top != nullptr || with_penalty)) ensure_last_layer_derivatives(-1);
  Workspace& last = work_[count];
  if (top != nullptr) {
    last.adjoint = top->transpose();
  }
  last.adjoint_nonzero = top != nullptr;
  for (int l = count - 1; l >= 0; --l) {
    Layer& layer = layers_[l];
    Workspace& w = work_[l];
    const Workspace& above = work_[l + 1];
    const bool propagate = l > 0;
    if (propagate) w.adjoint.setZero();
    w.adjoint_nonzero = false;
    std::fill(layer.polynomial_gradient.begin(), layer.polynomial_gradient.end(), 0.0);
    for (const int e : layer.active_edges) {
      const int i = e % layer.inputs;
      const int j = e / layer.inputs;
      const int s = layer.slot_of_edge[e];
      const double m = layer.mask[e];
      // r: adjoint of the edge output phi_e; upstream * tangent: its coefficient in the
      // tangent pass.
      bool primal = above.adjoint_nonzero;
      const double* r = primal ? above.adjoint.col(j).data() : nullptr;
      if (with_penalty && layer.penalty_scale[e] != 0.0) {
        const double scale = layer.penalty_scale[e];
        const double sb = m * layer.scale_base[e];
        const double sp = m * layer.scale_spline[e];
        const double* polynomial =
            layer.polynomial.data() + static_cast<std::size_t>(e) * pieces * width;
        auto phi = w.r.array();
        auto run = [&](auto kernel) {
          kernel(k, n, w.piece.col(s).data(), w.local.col(s).data(), polynomial,
                 w.base.col(i).data(), sb, sp, w.r.data());
        };
        k == 3 ? run(edge_output<3>) : run(edge_output<0>);
        const auto sign = (phi > 0.0).cast<double>() - (phi < 0.0).cast<double>();
        if (primal) {
          phi = above.adjoint.col(j).array() + scale * sign;
        } else {
          phi = scale * sign;
        }
        r = w.r.data();
        primal = true;
      }
      const double* upstream = nullptr;
      const double* tangent = nullptr;
      if (with_tangent) {
        if (l == count - 1) {
          if (j == output) {
            upstream = ones_.data();
            tangent = w.tangent.col(i).data();
          }
        } else {
          upstream = above.backward.col(j).data();
          tangent = w.tangent.col(i).data();
        }
      }
      if (!primal && tangent == nullptr) continue;
      double sb_sum = 0.0;
      const std::size_t bank = static_cast<std::size_t>(pieces) * width;
      double* polynomial_gradient = layer.polynomial_gradient.data() + 2 * e * bank;
      double* adjoint = propagate ? w.adjoint.col(i).data() : nullptr;
      const double* phi2 = propagate ? w.phi2.col(e).data() : nullptr;
      auto run = [&](auto kernel) {
        kernel(k, n, w.piece.col(s).data(), w.local.col(s).data(), layer.bases[s].inverse_widths(),
               r, upstream, tangent, w.base.col(i).data(), w.base1.col(i).data(),
               w.phi1.col(e).data(), phi2, polynomial_gradient, bank, adjoint, &sb_sum);
      };
      auto dispatch = [&]<bool kPropagate>() {
        if (k == 3) {
          if (primal && tangent)
            run(edge_reverse<3, true, true, kPropagate>);
          else if (primal)
            run(edge_reverse<3, true, false, kPropagate>);
          else
            run(edge_reverse<3, false, true, kPropagate>);
        } else {
          if (primal && tangent)
            run(edge_reverse<0, true, true, kPropagate>);
          else if (primal)
            run(edge_reverse<0, true, false, kPropagate>);
          else
            run(edge_reverse<0, false, true, kPropagate>);
        }
      };
      if (propagate) {
        dispatch.template operator()<true>();
      } else {
        dispatch.template operator()<false>();
      }
      if (layer.scale_base_offset >= 0) gradient[layer.scale_base_offset + e] += m * sb_sum;
      if (propagate) w.adjoint_nonzero = true;
    }
    if (layer.bias_offset >= 0 && above.adjoint_nonzero) {
      for (int j = 0; j < layer.outputs; ++j) {
        gradient[layer.bias_offset + j] += above.adjoint.col(j).sum();
      }
    }
  }
  map_polynomial_gradient(gradient);
}

void KolmogorovArnoldNetwork::map_polynomial_gradient(double* gradient) {
  const int k = options_.k;
  const int width = k + 1;
  const int coefficients = options_.grid + k;
  const int pieces = options_.grid + 2 * k + 2;
  for (Layer& layer : layers_) {
    for (const int e : layer.active_edges) {
      const BSplineBasis& basis = layer.bases[layer.slot_of_edge[e]];
      const std::size_t bank = static_cast<std::size_t>(pieces) * width;
      const double* g_even = layer.polynomial_gradient.data() + 2 * e * bank;
      const double* g_odd = g_even + bank;
      const double* alpha = layer.polynomial.data() + e * bank;
      const double sp = layer.mask[e] * layer.scale_spline[e];
      double* g = gradient + layer.coef_offset + e * coefficients;
      // d/d sp of sum_n (r_n S(x_n) + a_n S'(x_n)) = sum over pieces of alpha . g_alpha.
      double sp_sum = 0.0;
      for (int piece = 1; piece + 1 < pieces; ++piece) {
        const double* table = basis.taylor(piece);
        const int first = basis.first_basis(piece);
        double ga[kMaxOrder + 1];
        for (int q = 0; q < width; ++q) {
          ga[q] = g_even[piece * width + q] + g_odd[piece * width + q];
          sp_sum += alpha[piece * width + q] * ga[q];
        }
        for (int r = 0; r < width; ++r) {
          const int j = first + r;
          if (j < 0 || j >= coefficients) continue;
          double sum = 0.0;
          for (int q = 0; q < width; ++q) sum += table[q * width + r] * ga[q];
          g[j] += sp * sum;
        }
      }
      if (layer.scale_spline_offset >= 0) {
        gradient[layer.scale_spline_offset + e] += layer.mask[e] * sp_sum;
      }
    }
  }
}

void KolmogorovArnoldNetwork::add_parameter_gradient_of_input_gradient(
    int output, const Eigen::Ref<const Eigen::MatrixXd>& weights,
    Eigen::Ref<Eigen::VectorXd> gradient) {
  const char* method = "add_parameter_gradient_of_input_gradient";
  require_forward(method);
  check_output_index(output, method);
  check_batch(method, "the weights matrix", weights.rows(), weights.cols(), input_dimension());
  check_gradient_size(method, gradient.size());
  if (backward_output_ != output) backward_from_output(output);
  // Tangent pass in the direction of the weights.
  work_[0].tangent = weights.transpose();
  for (int l = 0; l + 1 < layer_count(); ++l) {
    const Layer& layer = layers_[l];
    const Workspace& w = work_[l];
    Eigen::MatrixXd& next = work_[l + 1].tangent;
    next.setZero();
    for (const int e : layer.active_edges) {
      const int i = e % layer.inputs;
      const int j = e / layer.inputs;
      next.col(j).array() += w.phi1.col(e).array() * w.tangent.col(i).array();
    }
  }
  reverse_sweep(nullptr, true, false, output, gradient.data());
}

void KolmogorovArnoldNetwork::add_parameter_gradient_of_outputs(
    const Eigen::Ref<const Eigen::MatrixXd>& weights, Eigen::Ref<Eigen::VectorXd> gradient) {
  const char* method = "add_parameter_gradient_of_outputs";
  require_forward(method);
  check_batch(method, "the weights matrix", weights.rows(), weights.cols(), output_dimension());
  check_gradient_size(method, gradient.size());
  reverse_sweep(&weights, false, false, -1, gradient.data());
}

// ---------------------------------------------------------------------------------------
// Regulariser (kan.md 5.1).

EdgeActivations KolmogorovArnoldNetwork::edge_activations(
    const Eigen::Ref<const Eigen::MatrixXd>& inputs) {
  forward(inputs);
  const Index n = samples_;
  const int k = options_.k;
  const int points = options_.grid + 1;
  constexpr double kEpsilon = 1e-4;
  EdgeActivations result;
  for (int l = 0; l < layer_count(); ++l) {
    const Layer& layer = layers_[l];
    Workspace& w = work_[l];
    EdgeLayerActivations acts;
    acts.inputs = layer.inputs;
    acts.outputs = layer.outputs;
    acts.node_values = w.x;
    acts.edge_values.setZero(n, layer.edges);
    acts.scale.setZero(layer.edges);
    acts.bias = Eigen::Map<const Eigen::VectorXd>(layer.bias.data(), layer.outputs);
    for (int e = 0; e < layer.edges; ++e) {
      if (layer.mask[e] == 0.0) continue;
      const int i = e % layer.inputs;
      const int s = layer.slot_of_edge[e];
      const double* polynomial = layer.polynomial.data() + static_cast<std::size_t>(e) *
                                                               (options_.grid + 2 * k + 2) *
                                                               (k + 1);
      auto run = [&](auto kernel) {
        kernel(k, n, w.piece.col(s).data(), w.local.col(s).data(), polynomial, w.base.col(i).data(),
               layer.mask[e] * layer.scale_base[e], layer.mask[e] * layer.scale_spline[e],
               acts.edge_values.col(e).data());
      };
      k == 3 ? run(edge_output<3>) : run(edge_output<0>);
      const double range = layer.grid[(e + 1) * points - 1] - layer.grid[e * points] + kEpsilon;
      acts.scale[e] = acts.edge_values.col(e).cwiseAbs().sum() / (double(n) * range);
    }
    result.layers.push_back(std::move(acts));
  }
  return result;
}

double KolmogorovArnoldNetwork::add_penalty(Eigen::Ref<Eigen::VectorXd> gradient) {
  if (!has_penalty()) {
    throw NotImplementedError("model '" + name() + "' has no penalty (reg_lambda = 0)");
  }
  require_forward("add_penalty");
  check_gradient_size("add_penalty", gradient.size());
  const double lambda = options_.reg_lambda;
  const Index n = samples_;
  const int k = options_.k;
  const int coefficients = options_.grid + k;
  constexpr double kEpsilon = 1e-4;
  double reg = 0.0;
  for (int l = 0; l < layer_count(); ++l) {
    Layer& layer = layers_[l];
    Workspace& w = work_[l];
    const int points = options_.grid + 1;
    // v_e = mean |phi_e| / (grid range + 1e-4), and the divisor of d v_e / d|phi_e(x_n)|.
    double total = 0.0;
    std::vector<double>& scale = layer.penalty_scale;  // holds v_e, then the adjoint scale
    for (int e = 0; e < layer.edges; ++e) {
      const double range = layer.grid[(e + 1) * points - 1] - layer.grid[e * points] + kEpsilon;
      double v = 0.0;
      if (layer.mask[e] != 0.0) {
        const int i = e % layer.inputs;
        const int s = layer.slot_of_edge[e];
        const double sb = layer.mask[e] * layer.scale_base[e];
        const double sp = layer.mask[e] * layer.scale_spline[e];
        const double* polynomial = layer.polynomial.data() + static_cast<std::size_t>(e) *
                                                                 (options_.grid + 2 * k + 2) *
                                                                 (k + 1);
        auto run = [&](auto kernel) {
          kernel(k, n, w.piece.col(s).data(), w.local.col(s).data(), polynomial,
                 w.base.col(i).data(), sb, sp, w.r.data());
        };
        k == 3 ? run(edge_output<3>) : run(edge_output<0>);
        v = w.r.array().abs().sum() / (double(n) * range);
      }
      scale[e] = v;
      total += v;
    }
    // d reg / d v_e = reg_l1 + reg_entropy * d entropy / d v_e.
    double entropy = 0.0, weighted = 0.0;
    for (int e = 0; e < layer.edges; ++e) {
      const double p = scale[e] / total;
      entropy -= p * std::log2(p + kEpsilon);
      const double q = -(std::log2(p + kEpsilon) + p / ((p + kEpsilon) * std::numbers::ln2));
      weighted += q * p;
    }
    for (int e = 0; e < layer.edges; ++e) {
      const double p = scale[e] / total;
      const double q = -(std::log2(p + kEpsilon) + p / ((p + kEpsilon) * std::numbers::ln2));
      const double range = layer.grid[(e + 1) * points - 1] - layer.grid[e * points] + kEpsilon;
      const double derivative = options_.reg_l1 + options_.reg_entropy * (q - weighted) / total;
      scale[e] = layer.mask[e] != 0.0 ? lambda * derivative / (double(n) * range) : 0.0;
    }
    reg += options_.reg_l1 * total + options_.reg_entropy * entropy;
    // Coefficient terms.
    if (options_.reg_coef > 0.0 || options_.reg_coefdiff > 0.0) {
      for (int e = 0; e < layer.edges; ++e) {
        const double* c = layer.coef.data() + e * coefficients;
        double* g = gradient.data() + layer.coef_offset + e * coefficients;
        auto sign = [](double v) { return double((v > 0.0) - (v < 0.0)); };
        if (options_.reg_coef > 0.0) {
          double sum = 0.0;
          for (int m = 0; m < coefficients; ++m) {
            sum += std::abs(c[m]);
            g[m] += lambda * options_.reg_coef * sign(c[m]) / coefficients;
          }
          reg += options_.reg_coef * sum / coefficients;
        }
        if (options_.reg_coefdiff > 0.0 && coefficients > 1) {
          const int differences = coefficients - 1;
          double sum = 0.0;
          for (int m = 0; m < differences; ++m) {
            const double d = c[m + 1] - c[m];
            sum += std::abs(d);
            const double step = lambda * options_.reg_coefdiff * sign(d) / differences;
            g[m + 1] += step;
            g[m] -= step;
          }
          reg += options_.reg_coefdiff * sum / differences;
        }
      }
    }
  }
  reverse_sweep(nullptr, false, true, -1, gradient.data());
  return lambda * reg;
}

// ---------------------------------------------------------------------------------------
// Grid update (kan.md 4.1).

void KolmogorovArnoldNetwork::update_grid(const Eigen::Ref<const Eigen::MatrixXd>& inputs) {
  const int g = options_.grid;
  const int k = options_.k;
  const int coefficients = g + k;
  for (int l = 0; l < layer_count(); ++l) {
    forward(inputs);
    Layer& layer = layers_[l];
    const Eigen::MatrixXd& x = work_[l].x;
    const Index n = x.rows();
    std::vector<std::vector<double>> sorted(layer.inputs);
    for (int i = 0; i < layer.inputs; ++i) {
      sorted[i].assign(x.col(i).data(), x.col(i).data() + n);
      std::sort(sorted[i].begin(), sorted[i].end());
    }
    for (int e = 0; e < layer.edges; ++e) {
      const std::vector<double>& xs = sorted[e % layer.inputs];
      const BSplineBasis& old_basis = layers_[l].bases[layer.slot_of_edge[e]];
      const double* c = layer.coef.data() + e * coefficients;
      std::vector<double> y(xs.size());
      std::vector<double> row(coefficients);
      for (std::size_t s = 0; s < xs.size(); ++s) {
        old_basis.evaluate(xs[s], row.data(), nullptr, nullptr);
        double sum = 0.0;
        for (int m = 0; m < coefficients; ++m) sum += c[m] * row[m];
        y[s] = sum;
      }
      // pykan: ids = [int(N / G * i) for i < G] + [-1]; margin 0.01; numpy linspace(0, 1).
      std::vector<double> adaptive(g + 1), uniform(g + 1), grid(g + 1);
      for (int i = 0; i < g; ++i) {
        adaptive[i] = xs[static_cast<std::size_t>(double(n) / double(g) * double(i))];
      }
      adaptive[g] = xs.back();
      const double low = adaptive[0] - 0.01;
      const double span = adaptive[g] - adaptive[0] + 2.0 * 0.01;
      const double step = 1.0 / g;
      for (int i = 0; i <= g; ++i) {
        const double fraction = i == g ? 1.0 : i * step;
        uniform[i] = low + span * fraction;
        grid[i] = options_.grid_eps * uniform[i] + (1.0 - options_.grid_eps) * adaptive[i];
      }
      BSplineBasis new_basis = [&] {
        try {
          return BSplineBasis(extend_grid(grid, k), k);
        } catch (const Error& failure) {
          throw Error(name() + ": update_grid: layer " + std::to_string(l) + ", edge " +
                      std::to_string(e) + ": " + failure.what() +
                      " (too few distinct samples for a percentile grid?)");
        }
      }();
      const std::vector<double> refit = fit_coefficients(new_basis, xs, y);
      std::copy(refit.begin(), refit.end(), layer.coef.begin() + e * coefficients);
      std::copy(grid.begin(), grid.end(), layer.grid.begin() + e * (g + 1));
    }
    rebuild_bases(l);
  }
  has_forward_ = false;
}

}  // namespace hnn::kan
