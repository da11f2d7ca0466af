// The derivatives of MultilayerPerceptron: input_gradient() and the parameter gradients
// (see mlp.h).
#include <algorithm>

#include "batch_loops.h"
#include "hnn/error.h"
#include "mlp.h"

namespace hnn::mlp {

using Eigen::Index;
using internal::multiply;
using internal::parallel_for;
using internal::parallel_slices;
using internal::slice_count;

void MultilayerPerceptron::backward_slice(int output, Index begin, Index count) {
  const int last = layer_count();
  // v_{L-1} = sigma'(z_{L-1}) . W_L(o, :)^T, the same weights in every column. The fused
  // first layer forms v_1 = sigma'(z_1) . u_1 in its own passes.
  if (!(fuses_first_layer_ && last == 2)) {
    const Index rows = widths_[last - 1];
    const double* w = weight(last).data() + Index{output} * rows;
    const double* first = first_derivative_[last - 1].data() + begin * rows;
    double* v = backward_[last - 1].data() + begin * rows;
    for (Index j = 0; j < count; ++j)
      for (Index i = 0; i < rows; ++i) v[j * rows + i] = first[j * rows + i] * w[i];
  }
  for (int layer = last - 1; layer >= 2; --layer) {
    // u_{l-1} = W_l^T v_l, v_{l-1} = sigma'(z_{l-1}) . u_{l-1}
    const Index rows = widths_[layer];
    const Index below = widths_[layer - 1];
    double* u = upstream_[layer - 1].data() + begin * below;
    multiply_dense_(u, below, below, count, rows, transposed_weight_operand(layer),
                    {backward_[layer].data() + begin * rows, rows, false}, false);
    if (layer == 2 && fuses_first_layer_) break;
    const double* first = first_derivative_[layer - 1].data() + begin * below;
    double* v = backward_[layer - 1].data() + begin * below;
    for (Index k = 0; k < below * count; ++k) v[k] = first[k] * u[k];
  }
}

void MultilayerPerceptron::input_gradient(int output, Eigen::Ref<Eigen::MatrixXd> gradient) {
  require_forward("input_gradient");
  check_output_index(output, "input_gradient");
  check_batch("input_gradient", "the gradient matrix", gradient.rows(), gradient.cols(),
              input_dimension());
  parallel_slices(samples_, slice_work_, [&](Index, Index begin, Index count) {
    backward_slice(output, begin, count);
    if (fuses_first_layer_) {
      input_gradient_first_layer(output, gradient, begin, count);
    } else {
      const Index rows = widths_[1];
      multiply_dense_(gradient.data() + begin * gradient.outerStride(), gradient.outerStride(),
                      input_dimension(), count, rows, transposed_weight_operand(1),
                      {backward_[1].data() + begin * rows, rows, false}, false);
    }
  });
  backward_output_ = output;
}

void MultilayerPerceptron::add_parameter_gradient_of_input_gradient(
    int output, const Eigen::Ref<const Eigen::MatrixXd>& weights,
    Eigen::Ref<Eigen::VectorXd> gradient) {
  const char* method = "add_parameter_gradient_of_input_gradient";
  require_forward(method);
  check_output_index(output, method);
  check_batch(method, "the weights matrix", weights.rows(), weights.cols(), input_dimension());
  check_gradient_size(method, gradient.size());
  parameter_gradient_of_input_gradient(output, weights, nullptr, gradient);
}

void MultilayerPerceptron::add_parameter_gradient_and_input_hessian_vector_product(
    int output, const Eigen::Ref<const Eigen::MatrixXd>& weights,
    Eigen::Ref<Eigen::MatrixXd> products, Eigen::Ref<Eigen::VectorXd> gradient) {
  const char* method = "add_parameter_gradient_and_input_hessian_vector_product";
  require_forward(method);
  check_output_index(output, method);
  check_batch(method, "the weights matrix", weights.rows(), weights.cols(), input_dimension());
  check_batch(method, "the products matrix", products.rows(), products.cols(), input_dimension());
  check_gradient_size(method, gradient.size());
  parameter_gradient_of_input_gradient(output, weights, &products, gradient);
}

void MultilayerPerceptron::parameter_gradient_of_input_gradient(
    int output, const Eigen::Ref<const Eigen::MatrixXd>& weights,
    Eigen::Ref<Eigen::MatrixXd>* products, Eigen::Ref<Eigen::VectorXd> gradient) {
  const bool recompute_backward = backward_output_ != output;
  parallel_slices(samples_, slice_work_, [&](Index slice, Index begin, Index count) {
    if (recompute_backward) backward_slice(output, begin, count);
    reverse_slice(output, weights, products, slice, begin, count);
  });
  backward_output_ = output;

  // The sums over samples, in slice (chunk) order.
  double* g = gradient.data();
  const Index partial_rows = slice_gradients_.rows();
  if (partial_rows > 0) {
    const Index offset = parameters_.size() - partial_rows;
    const Index slices = slice_count(samples_);
    const double* partial = slice_gradients_.data();
    constexpr Index kBlock = 4096;
    parallel_for((partial_rows + kBlock - 1) / kBlock, partial_rows * slices, [&](Index block) {
      const Index end = std::min(partial_rows, (block + 1) * kBlock);
      for (Index k = block * kBlock; k < end; ++k) {
        double sum = partial[k];
        for (Index slice = 1; slice < slices; ++slice) sum += partial[slice * partial_rows + k];
        g[offset + k] += sum;
      }
    });
  }
  if (fuses_first_layer_) add_first_layer_sums(output, g);
}

void MultilayerPerceptron::reverse_slice(int output,
                                         const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                         Eigen::Ref<Eigen::MatrixXd>* products, Index slice,
                                         Index begin, Index count) {
  const Index n = samples_;
  const int last = layer_count();
  if (fuses_first_layer_ && last == 2) {
    reverse_first_layer(output, weights, products, begin, count);
    return;
  }
  // This slice's sums over samples of the layers run as products, laid out like the
  // parameters from the first such layer on (slice_gradients_).
  const Index partial_rows = slice_gradients_.rows();
  const Index partial_offset = parameters_.size() - partial_rows;
  double* slice_sums = slice_gradients_.col(slice).data();
  std::fill(slice_sums, slice_sums + partial_rows, 0.0);
  // The entry of parameter `offset` (an offset of layout_) in slice_sums.
  auto partial = [&](Index offset) { return slice_sums + (offset - partial_offset); };
  const double* w_output = weight(last).data() + Index{output} * widths_[last - 1];

  // Tangent pass: T_0 = Omega, P_l = W_l T_{l-1}, T_l = sigma'(z_l) . P_l; the backward
  // pass sees the same tangent through sigma'(z_l), which gives the adjoint of z_l from the
  // backward pass, sigma''(z_l) . u_l . P_l (stored in the right half of backward_[l]).
  if (fuses_first_layer_) {
    tangent_first_layer(weights, begin, count);
  } else {
    state_[0].middleCols(begin, count) = weights.middleCols(begin, count);
  }
  for (int layer = fuses_first_layer_ ? 2 : 1; layer < last; ++layer) {
    const Index rows = widths_[layer];
    const Index columns = widths_[layer - 1];
    double* p = product_[layer].data() + begin * rows;
    multiply_dense_(p, rows, rows, count, columns, weight_operand(layer),
                    {state_[layer - 1].data() + begin * columns, columns, false}, false);
    const double* first = first_derivative_[layer].data() + begin * rows;
    const double* second = second_derivative_[layer].data() + begin * rows;
    double* tangent = state_[layer].data() + begin * rows;
    double* adjoint = backward_[layer].data() + (n + begin) * rows;
    if (layer < last - 1) {
      const double* u = upstream_[layer].data() + begin * rows;
      for (Index k = 0; k < rows * count; ++k) {
        tangent[k] = first[k] * p[k];
        adjoint[k] = second[k] * u[k] * p[k];
      }
    } else {
      // dF_o/dx depends on W_L only through its row o: sum over samples of T_{L-1}.
      double* row_sums = partial(layout_[last - 1].weight_offset + Index{output} * rows);
      for (Index j = 0; j < count; ++j) {
        for (Index i = 0; i < rows; ++i) {
          const Index k = j * rows + i;
          tangent[k] = first[k] * p[k];
          adjoint[k] = second[k] * w_output[i] * p[k];
          row_sums[i] += tangent[k];
        }
      }
    }
  }

  // Reverse pass over the forward network: adjoint(z_l) += sigma'(z_l) . W_{l+1}^T
  // adjoint(z_{l+1}); dW_l += v_l T_{l-1}^T + adjoint(z_l) a_{l-1}^T; db_l += row sums of
  // adjoint(z_l). dW_l is row-major: its transpose, T_{l-1} v_l^T + a_{l-1} adjoint^T, is
  // what the products form.
  for (int layer = last - 1; layer >= 1; --layer) {
    if (layer == 1 && fuses_first_layer_) {
      reverse_first_layer(output, weights, products, begin, count);
      break;
    }
    const Index rows = widths_[layer];
    const Index columns = widths_[layer - 1];
    double* adjoint = backward_[layer].data() + (n + begin) * rows;
    const double* v = backward_[layer].data() + begin * rows;
    if (layer < last - 1) {
      const double* a = product_[layer].data() + begin * rows;
      const double* first = first_derivative_[layer].data() + begin * rows;
      for (Index k = 0; k < rows * count; ++k) adjoint[k] += first[k] * a[k];
    }
    double* weight_sums = partial(layout_[layer - 1].weight_offset);
    multiply_dense_(weight_sums, columns, columns, rows, count,
                    {state_[layer - 1].data() + begin * columns, columns, false}, {v, rows, true},
                    true);
    multiply_dense_(weight_sums, columns, columns, rows, count,
                    {state_[layer - 1].data() + (n + begin) * columns, columns, false},
                    {adjoint, rows, true}, true);
    double* bias_sums = partial(layout_[layer - 1].bias_offset);
    for (Index j = 0; j < count; ++j)
      for (Index i = 0; i < rows; ++i) bias_sums[i] += adjoint[j * rows + i];
    if (layer > 1) {
      multiply_dense_(product_[layer - 1].data() + begin * columns, columns, columns, count, rows,
                      transposed_weight_operand(layer), {adjoint, rows, false}, false);
    } else if (products != nullptr) {
      // The input Hessian-vector product W_1^T adjoint(z_1), as hessian_vector_slice().
      multiply_dense_(products->data() + begin * products->outerStride(), products->outerStride(),
                      columns, count, rows, transposed_weight_operand(1), {adjoint, rows, false},
                      false);
    }
  }
}

void MultilayerPerceptron::add_parameter_gradient_of_outputs(
    const Eigen::Ref<const Eigen::MatrixXd>& weights, Eigen::Ref<Eigen::VectorXd> gradient) {
  const char* method = "add_parameter_gradient_of_outputs";
  require_forward(method);
  check_batch(method, "the weights matrix", weights.rows(), weights.cols(), output_dimension());
  check_gradient_size(method, gradient.size());

  const Index n = samples_;
  const int last = layer_count();
  double* g = gradient.data();
  multiply(multiply_dense_, weight_gradient(last, g), weights,
           state_[last - 1].rightCols(n).transpose(), true);
  if (layout_[last - 1].bias_offset >= 0) bias_gradient(last, g).noalias() += weights * ones_;
  multiply(multiply_dense_, product_[last - 1], weight(last).transpose(), weights, false);
  // delta_l = sigma'(z_l) . product_l is kept in the right half of backward_[l] (scratch).
  for (int layer = last - 1; layer >= 1; --layer) {
    auto delta = backward_[layer].rightCols(n);
    {
      const Index size = delta.size();
      const double* p = product_[layer].data();
      const double* first = first_derivative_[layer].data();
      double* d = delta.data();
      parallel_for(size, size, [=](Index k) { d[k] = first[k] * p[k]; });
    }
    multiply(multiply_dense_, weight_gradient(layer, g), delta,
             state_[layer - 1].rightCols(n).transpose(), true);
    bias_gradient(layer, g).noalias() += delta * ones_;
    if (layer > 1)
      multiply(multiply_dense_, product_[layer - 1], weight(layer).transpose(), delta, false);
  }
}

}  // namespace hnn::mlp
