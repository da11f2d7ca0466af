// Construction and state of KolmogorovArnoldNetwork (kan.h): layout, parameters,
// auxiliary state, checks.
#include <algorithm>
#include <sstream>

#include "hnn/error.h"
#include "kan_layer.h"
#include "spline_fit.h"

namespace hnn::kan {

using Eigen::Index;

namespace {

std::string join_widths(const std::vector<int>& widths) {
  std::ostringstream text;
  for (std::size_t i = 0; i < widths.size(); ++i) text << (i ? "-" : "") << widths[i];
  return text.str();
}

}  // namespace

KolmogorovArnoldNetwork::KolmogorovArnoldNetwork(const KolmogorovArnoldNetworkOptions& options)
    : options_(options) {
  KolmogorovArnoldNetworkOptions::binding().check(options_);
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
        torch_linspace(options_.grid_range[0], options_.grid_range[1], options_.grid + 1);
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
  first_layer_second_ready_.assign(layers_.front().edges, 0);
}

KolmogorovArnoldNetwork::~KolmogorovArnoldNetwork() = default;

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
  ++parameter_version_;
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

}  // namespace hnn::kan
