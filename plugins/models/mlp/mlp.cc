#include "mlp.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>

#include "activation_kernels.h"
#include "batch_loops.h"
#include "first_layer_kernels.h"
#include "hnn/error.h"
#include "initialization.h"

namespace hnn::mlp {

using Eigen::Index;
using internal::activation_function;
using internal::ActivationFunction;
using internal::chunk_count;
using internal::InitializationStream;
using internal::kMaxFusedInputs;
using internal::kMaxFusedOutputs;
using internal::orthogonal_matrix;
using internal::parallel_slices;
using internal::slice_count;

namespace {

std::string join_widths(const std::vector<int>& widths) {
  std::ostringstream text;
  for (std::size_t i = 0; i < widths.size(); ++i) text << (i ? "-" : "") << widths[i];
  return text.str();
}

// The kernel HNN_PRODUCT_KERNEL selects; an hnn::Error for a value it refuses.
DenseProductKernel product_kernel_from_environment() {
  DenseProductKernel kernel = DenseProductKernel::kPortable;
  std::string error;
  if (!dense_product_kernel_from_environment(&kernel, &error)) throw Error("mlp: " + error);
  return kernel;
}

}  // namespace

MultilayerPerceptron::MultilayerPerceptron(const MultilayerPerceptronOptions& options)
    : options_(options),
      product_kernel_(product_kernel_from_environment()),
      multiply_dense_(dense_product_function(product_kernel_)) {
  MultilayerPerceptronOptions::binding().check(options_);
  if (options_.inputs == 0 || options_.outputs == 0) {
    throw Error("mlp: `" + std::string(options_.inputs == 0 ? "inputs" : "outputs") +
                "` is 0, which means \"filled in by the host\"; set it to the dimension "
                "when creating the model yourself");
  }
  widths_.push_back(options_.inputs);
  widths_.insert(widths_.end(), options_.hidden.begin(), options_.hidden.end());
  widths_.push_back(options_.outputs);
  Index offset = 0;
  for (int layer = 1; layer <= layer_count(); ++layer) {
    LayerLayout layout;
    layout.rows = widths_[layer];
    layout.columns = widths_[layer - 1];
    layout.weight_offset = offset;
    offset += Index{layout.rows} * layout.columns;
    if (layer < layer_count() || options_.output_bias) {
      layout.bias_offset = offset;
      offset += layout.rows;
    }
    layout_.push_back(layout);
  }
  if (offset > Index{2'000'000'000}) {
    throw Error("mlp " + join_widths(widths_) + ": " + std::to_string(offset) +
                " parameters exceed the supported 2e9");
  }
  parameters_.setZero(offset);
  fuses_first_layer_ = options_.inputs <= kMaxFusedInputs;
  fuses_output_layer_ =
      fuses_first_layer_ && layer_count() == 2 && options_.outputs <= kMaxFusedOutputs;
  if (fuses_first_layer_) first_weights_.resize(widths_[1], widths_[0]);
  initialize();
}

void MultilayerPerceptron::initialize() {
  InitializationStream stream(static_cast<std::uint64_t>(options_.seed));
  for (int layer = 1; layer <= layer_count(); ++layer) {
    const LayerLayout& layout = layout_[layer - 1];
    const double bound = 1.0 / std::sqrt(static_cast<double>(layout.columns));
    MutableWeightMap w(parameters_.data() + layout.weight_offset, layout.rows, layout.columns);
    if (options_.initialization == Initialization::kOrthogonal) {
      w = orthogonal_matrix(layout.rows, layout.columns, stream);
    } else {
      for (Index i = 0; i < w.rows(); ++i)
        for (Index j = 0; j < w.cols(); ++j) w(i, j) = stream.uniform(-bound, bound);
    }
    if (layout.bias_offset >= 0) {
      for (int i = 0; i < layout.rows; ++i)
        parameters_[layout.bias_offset + i] = stream.uniform(-bound, bound);
    }
  }
  has_forward_ = false;
  backward_output_ = -1;
  ++parameter_version_;
}

std::string MultilayerPerceptron::name() const {
  return "mlp " + join_widths(widths_) + " " + to_string(options_.activation);
}

void MultilayerPerceptron::get_parameters(Eigen::Ref<Eigen::VectorXd> parameters) const {
  check_gradient_size("get_parameters", parameters.size());
  parameters = parameters_;
}

void MultilayerPerceptron::set_parameters(const Eigen::Ref<const Eigen::VectorXd>& parameters) {
  check_gradient_size("set_parameters", parameters.size());
  parameters_ = parameters;
  has_forward_ = false;
  backward_output_ = -1;
  ++parameter_version_;
}

MultilayerPerceptron::WeightMap MultilayerPerceptron::weight(int layer) const {
  const LayerLayout& layout = layout_[layer - 1];
  return WeightMap(parameters_.data() + layout.weight_offset, layout.rows, layout.columns);
}

Eigen::Map<const Eigen::VectorXd> MultilayerPerceptron::bias(int layer) const {
  const LayerLayout& layout = layout_[layer - 1];
  return Eigen::Map<const Eigen::VectorXd>(parameters_.data() + layout.bias_offset, layout.rows);
}

MultilayerPerceptron::MutableWeightMap MultilayerPerceptron::weight_gradient(
    int layer, double* gradient) const {
  const LayerLayout& layout = layout_[layer - 1];
  return MutableWeightMap(gradient + layout.weight_offset, layout.rows, layout.columns);
}

Eigen::Map<Eigen::VectorXd> MultilayerPerceptron::bias_gradient(int layer, double* gradient) const {
  const LayerLayout& layout = layout_[layer - 1];
  return Eigen::Map<Eigen::VectorXd>(gradient + layout.bias_offset, layout.rows);
}

void MultilayerPerceptron::resize_workspace(Index samples) {
  const int layers = layer_count();
  if (samples != samples_) {
    // The per-pass buffers (those a pass slot holds).
    state_.resize(layers);
    backward_.resize(layers);
    first_derivative_.resize(layers);
    second_derivative_.resize(layers);
    upstream_.resize(layers);
    for (int layer = 0; layer < layers; ++layer) {
      const int width = widths_[layer];
      state_[layer].resize(width, 2 * samples);
      if (layer == 0) continue;
      backward_[layer].resize(width, 2 * samples);
      first_derivative_[layer].resize(width, samples);
      second_derivative_[layer].resize(width, samples);
      if (layer < layers - 1) upstream_[layer].resize(width, samples);
    }
    outputs_.resize(output_dimension(), samples);
    samples_ = samples;
  }
  resize_scratch(samples);
}

void MultilayerPerceptron::resize_scratch(Index samples) {
  if (samples == scratch_samples_) return;
  const int layers = layer_count();
  product_.resize(layers);
  for (int layer = 1; layer < layers; ++layer) product_[layer].resize(widths_[layer], samples);
  ones_.setOnes(samples);
  if (fuses_first_layer_)
    chunk_sums_.resize((widths_[0] + 2) * Index{widths_[1]}, chunk_count(samples));
  // Per-slice sums of the parameters of the layers run as products: from W_2 on with a fused
  // first layer (none with one hidden layer, whose fused loops sum in chunks), else all.
  const bool all_fused = fuses_first_layer_ && layers == 2;
  const Index first_product_offset = layout_[fuses_first_layer_ ? 1 : 0].weight_offset;
  slice_gradients_.resize(all_fused ? 0 : parameters_.size() - first_product_offset,
                          slice_count(samples));
  slice_work_ = samples * *std::max_element(widths_.begin(), widths_.end());
  scratch_samples_ = samples;
}

void MultilayerPerceptron::check_batch(const char* method, const char* what, Index rows,
                                       Index columns, Index expected_rows) const {
  if (rows != expected_rows || columns != samples_) {
    std::ostringstream message;
    message << name() << ": " << method << ": " << what << " is " << rows << " x " << columns
            << ", expected " << expected_rows << " x " << samples_
            << " (the batch of the last forward)";
    throw Error(message.str());
  }
}

void MultilayerPerceptron::check_gradient_size(const char* method, Index size) const {
  if (size != parameters_.size()) {
    throw Error(name() + ": " + method + ": vector has " + std::to_string(size) +
                " entries, the model has " + std::to_string(parameters_.size()) + " parameters");
  }
}

void MultilayerPerceptron::require_forward(const char* method) const {
  if (!has_forward_) {
    throw Error(name() + ": " + method +
                " called before forward() (or after set_parameters() without a new forward)");
  }
}

void MultilayerPerceptron::check_output_index(int output, const char* method) const {
  if (output < 0 || output >= output_dimension()) {
    throw Error(name() + ": " + method + ": output index " + std::to_string(output) +
                " is out of range [0, " + std::to_string(output_dimension()) + ")");
  }
}

DenseOperand MultilayerPerceptron::weight_operand(int layer) const {
  const LayerLayout& layout = layout_[layer - 1];
  return {parameters_.data() + layout.weight_offset, layout.columns, true};
}

DenseOperand MultilayerPerceptron::transposed_weight_operand(int layer) const {
  const LayerLayout& layout = layout_[layer - 1];
  return {parameters_.data() + layout.weight_offset, layout.columns, false};
}

void MultilayerPerceptron::forward(const Eigen::Ref<const Eigen::MatrixXd>& inputs) {
  if (inputs.rows() != input_dimension() || inputs.cols() < 1) {
    std::ostringstream message;
    message << name() << ": forward: inputs are " << inputs.rows() << " x " << inputs.cols()
            << ", expected " << input_dimension() << " x N with N >= 1";
    throw Error(message.str());
  }
  has_forward_ = false;
  backward_output_ = -1;
  resize_workspace(inputs.cols());
  state_[0].rightCols(samples_) = inputs;
  if (fuses_first_layer_) first_weights_ = weight(1);
  parallel_slices(samples_, slice_work_,
                  [this](Index, Index begin, Index count) { forward_slice(begin, count); });
  has_forward_ = true;
}

void MultilayerPerceptron::forward_slice(Index begin, Index count) {
  const Index n = samples_;
  const int last = layer_count();
  if (fuses_first_layer_) forward_first_layer(begin, count);
  const ActivationFunction activation = activation_function(options_.activation);
  for (int layer = fuses_first_layer_ ? 2 : 1; layer < last; ++layer) {
    const Index rows = widths_[layer];
    const Index columns = widths_[layer - 1];
    double* z = state_[layer].data() + (n + begin) * rows;  // right half: a_l
    multiply_dense_(z, rows, rows, count, columns, weight_operand(layer),
                    {state_[layer - 1].data() + (n + begin) * columns, columns, false}, false);
    activation(z, bias(layer).data(), first_derivative_[layer].data() + begin * rows,
               second_derivative_[layer].data() + begin * rows, rows, count);
  }
  if (!fuses_output_layer_) {
    const Index rows = widths_[last];
    const Index columns = widths_[last - 1];
    double* f = outputs_.data() + begin * rows;
    multiply_dense_(f, rows, rows, count, columns, weight_operand(last),
                    {state_[last - 1].data() + (n + begin) * columns, columns, false}, false);
    if (layout_[last - 1].bias_offset >= 0) {
      const double* b = bias(last).data();
      for (Index j = 0; j < count; ++j)
        for (Index i = 0; i < rows; ++i) f[j * rows + i] += b[i];
    }
  }
}

void MultilayerPerceptron::outputs(Eigen::Ref<Eigen::MatrixXd> outputs) const {
  require_forward("outputs");
  check_batch("outputs", "the outputs matrix", outputs.rows(), outputs.cols(), output_dimension());
  outputs = outputs_;
}

}  // namespace hnn::mlp
