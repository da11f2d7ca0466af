// The fused first layer of MultilayerPerceptron (see mlp.h and first_layer_kernels.h).
#include <algorithm>

#include "activation_kernels.h"
#include "batch_loops.h"
#include "first_layer_kernels.h"
#include "mlp.h"

namespace hnn::mlp {

using Eigen::Index;
using internal::activation_function;
using internal::ActivationFunction;
using internal::chunk_count;
using internal::first_layer_product;
using internal::first_layer_reverse;
using internal::first_layer_tangent;
using internal::FirstLayer;
using internal::for_each_chunk;
using internal::with_fused_inputs;

void MultilayerPerceptron::forward_first_layer(Index begin, Index count) {
  const Index rows = widths_[1];
  const int inputs = widths_[0];
  const double* w = first_weights_.data();
  const double* x = state_[0].data() + inputs * samples_;  // right half: the inputs
  double* a = state_[1].data() + rows * samples_;
  const double* b = bias(1).data();
  double* first = first_derivative_[1].data();
  double* second = second_derivative_[1].data();
  const ActivationFunction activation = activation_function(options_.activation);
  // The output layer, when fused: F = W_2 a_1 (+ b_2), one dot product per output.
  const bool outputs = fuses_output_layer_;
  const int output_count = output_dimension();
  const double* w_output = weight(layer_count()).data();
  const int last = layer_count();
  const double* b_output = layout_[last - 1].bias_offset >= 0 ? bias(last).data() : nullptr;
  with_fused_inputs(inputs, [&](auto input_count) {
    constexpr int kInputs = decltype(input_count)::value;
    for (Index j = begin; j < begin + count; ++j) {
      double* a_j = a + j * rows;
      first_layer_product<kInputs>(w, x + j * kInputs, a_j, rows);
      activation(a_j, b, first + j * rows, second + j * rows, rows, 1);
      if (!outputs) continue;
      const Eigen::Map<const Eigen::VectorXd> activations(a_j, rows);
      for (int r = 0; r < output_count; ++r) {
        double value =
            Eigen::Map<const Eigen::VectorXd>(w_output + r * rows, rows).dot(activations);
        if (b_output != nullptr) value += b_output[r];
        outputs_(r, j) = value;
      }
    }
  });
}

void MultilayerPerceptron::input_gradient_first_layer(int output,
                                                      Eigen::Ref<Eigen::MatrixXd> gradient,
                                                      Index begin, Index count) const {
  const Index rows = widths_[1];
  const int inputs = widths_[0];
  const bool one_hidden_layer = layer_count() == 2;
  const double* u = one_hidden_layer ? weight(2).data() + output * rows : upstream_[1].data();
  const Index u_stride = one_hidden_layer ? 0 : rows;
  const Eigen::Map<const Eigen::ArrayXXd> w(first_weights_.data(), rows, inputs);
  const double* first = first_derivative_[1].data();
  double* g = gradient.data();
  const Index g_stride = gradient.outerStride();
  for (Index j = begin; j < begin + count; ++j) {
    const Eigen::Map<const Eigen::ArrayXd> d1(first + j * rows, rows);
    const Eigen::Map<const Eigen::ArrayXd> u_j(u + j * u_stride, rows);
    for (int c = 0; c < inputs; ++c) g[j * g_stride + c] = (w.col(c) * (d1 * u_j)).sum();
  }
}

void MultilayerPerceptron::tangent_first_layer(const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                               Index begin, Index count) {
  FirstLayer layer;
  layer.rows = widths_[1];
  layer.weights = first_weights_.data();
  layer.tangent = weights.data();
  layer.tangent_stride = weights.outerStride();
  layer.first = first_derivative_[1].data();
  double* tangent = state_[1].data();  // left half: T_1
  with_fused_inputs(widths_[0], [&](auto input_count) {
    constexpr int kInputs = decltype(input_count)::value;
    first_layer_tangent<kInputs>(layer, tangent, begin, count);
  });
}

void MultilayerPerceptron::reverse_first_layer(int output,
                                               const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                               Eigen::Ref<Eigen::MatrixXd>* products, Index begin,
                                               Index count) {
  const Index n = samples_;
  const Index rows = widths_[1];
  const int inputs = widths_[0];
  const bool one_hidden_layer = layer_count() == 2;
  FirstLayer layer;
  layer.rows = rows;
  layer.weights = first_weights_.data();
  layer.inputs = state_[0].data() + inputs * n;
  layer.tangent = weights.data();
  layer.tangent_stride = weights.outerStride();
  layer.first = first_derivative_[1].data();
  layer.second = second_derivative_[1].data();
  layer.upstream = one_hidden_layer ? weight(2).data() + output * rows : upstream_[1].data();
  layer.upstream_stride = one_hidden_layer ? 0 : rows;
  layer.above = one_hidden_layer ? nullptr : product_[1].data();
  layer.adjoint = backward_[1].data() + n * rows;  // right half: scratch
  const Index sum_rows = chunk_sums_.rows();
  double* sums = chunk_sums_.data();
  with_fused_inputs(inputs, [&](auto input_count) {
    constexpr int kInputs = decltype(input_count)::value;
    for_each_chunk(begin, count, [&](Index chunk, Index first, Index size) {
      double* chunk_sums = sums + chunk * sum_rows;
      if (products == nullptr) {
        if (one_hidden_layer) {
          first_layer_reverse<kInputs, false>(layer, chunk_sums, first, size);
        } else {
          first_layer_reverse<kInputs, true>(layer, chunk_sums, first, size);
        }
      } else if (one_hidden_layer) {
        first_layer_reverse<kInputs, false, true>(layer, chunk_sums, first, size);
      } else {
        first_layer_reverse<kInputs, true, true>(layer, chunk_sums, first, size);
      }
    });
    if (products == nullptr) return;
    // The input Hessian-vector product W_1^T adjoint(z_1), as hessian_vector_first_layer().
    const Eigen::Map<const Eigen::ArrayXXd> w_columns(first_weights_.data(), rows, kInputs);
    const Index out_stride = products->outerStride();
    for (Index j = begin; j < begin + count; ++j) {
      const Eigen::Map<const Eigen::ArrayXd> adjoint_j(layer.adjoint + j * rows, rows);
      for (int c = 0; c < kInputs; ++c)
        products->data()[j * out_stride + c] = (w_columns.col(c) * adjoint_j).sum();
    }
  });
}

void MultilayerPerceptron::hessian_vector_first_layer(
    int output, const Eigen::Ref<const Eigen::MatrixXd>& directions,
    Eigen::Ref<Eigen::MatrixXd> products, Index begin, Index count) {
  const Index n = samples_;
  const Index rows = widths_[1];
  const int inputs = widths_[0];
  const bool one_hidden_layer = layer_count() == 2;
  const double* w = first_weights_.data();
  const double* u = one_hidden_layer ? weight(2).data() + output * rows : upstream_[1].data();
  const Index u_stride = one_hidden_layer ? 0 : rows;
  const double* above = one_hidden_layer ? nullptr : product_[1].data();
  const double* first = first_derivative_[1].data();
  const double* second = second_derivative_[1].data();
  const Index v_stride = directions.outerStride();
  const Index out_stride = products.outerStride();
  const Eigen::Map<const Eigen::ArrayXXd> w_columns(w, rows, inputs);
  with_fused_inputs(inputs, [&](auto input_count) {
    constexpr int kInputs = decltype(input_count)::value;
    for (Index j = begin; j < begin + count; ++j) {
      double v[kInputs];
      for (int c = 0; c < kInputs; ++c) v[c] = directions.data()[j * v_stride + c];
      double* adjoint = backward_[1].data() + (n + j) * rows;  // right half: scratch
      const double* first_j = first + j * rows;
      const double* second_j = second + j * rows;
      const double* u_j = u + j * u_stride;
      for (Index i = 0; i < rows; ++i) {
        double p = w[i] * v[0];
        for (int c = 1; c < kInputs; ++c) p += w[c * rows + i] * v[c];
        adjoint[i] = second_j[i] * u_j[i] * p;
      }
      if (above != nullptr) {
        const double* above_j = above + j * rows;
        for (Index i = 0; i < rows; ++i) adjoint[i] += first_j[i] * above_j[i];
      }
      const Eigen::Map<const Eigen::ArrayXd> adjoint_j(adjoint, rows);
      for (int c = 0; c < kInputs; ++c)
        products.data()[j * out_stride + c] = (w_columns.col(c) * adjoint_j).sum();
    }
  });
}

void MultilayerPerceptron::add_first_layer_sums(int output, double* gradient) {
  const Index rows = widths_[1];
  const int inputs = widths_[0];
  const Index chunks = chunk_count(samples_);
  for (Index chunk = 1; chunk < chunks; ++chunk) chunk_sums_.col(0) += chunk_sums_.col(chunk);
  const auto total = chunk_sums_.col(0);
  MutableWeightMap weight_sums = weight_gradient(1, gradient);
  for (int c = 0; c < inputs; ++c) weight_sums.col(c) += total.segment(c * rows, rows);
  bias_gradient(1, gradient) += total.segment(inputs * rows, rows);
  // With one hidden layer, dF_o/dx depends on W_2 through its row o: sum over samples of T_1.
  if (layer_count() == 2) {
    weight_gradient(2, gradient).row(output).transpose() +=
        total.segment((inputs + 1) * rows, rows);
  }
}

}  // namespace hnn::mlp
