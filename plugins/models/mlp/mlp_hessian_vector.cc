// The input Hessian-vector product of MultilayerPerceptron (see mlp.h): forward-over-reverse
// on the stored forward and backward passes.
#include "batch_loops.h"
#include "mlp.h"

namespace hnn::mlp {

using Eigen::Index;
using internal::parallel_slices;

void MultilayerPerceptron::input_hessian_vector_product(
    int output, const Eigen::Ref<const Eigen::MatrixXd>& directions,
    Eigen::Ref<Eigen::MatrixXd> products) {
  const char* method = "input_hessian_vector_product";
  require_forward(method);
  check_output_index(output, method);
  check_batch(method, "the directions matrix", directions.rows(), directions.cols(),
              input_dimension());
  check_batch(method, "the products matrix", products.rows(), products.cols(), input_dimension());
  const bool recompute_backward = backward_output_ != output;
  parallel_slices(samples_, slice_work_, [&](Index, Index begin, Index count) {
    if (recompute_backward) backward_slice(output, begin, count);
    hessian_vector_slice(output, directions, products, begin, count);
  });
  backward_output_ = output;
}

void MultilayerPerceptron::hessian_vector_slice(int output,
                                                const Eigen::Ref<const Eigen::MatrixXd>& directions,
                                                Eigen::Ref<Eigen::MatrixXd> products, Index begin,
                                                Index count) {
  const Index n = samples_;
  const int last = layer_count();
  if (fuses_first_layer_ && last == 2) {
    hessian_vector_first_layer(output, directions, products, begin, count);
    return;
  }
  const double* w_output = weight(last).data() + Index{output} * widths_[last - 1];

  // Tangent pass: T_0 = V, P_l = W_l T_{l-1}, T_l = sigma'(z_l) . P_l, and the first term of
  // the tangent of v_l = sigma'(z_l) . u_l: adjoint(z_l) = sigma''(z_l) . u_l . P_l.
  if (fuses_first_layer_) {
    tangent_first_layer(directions, begin, count);
  } else {
    state_[0].middleCols(begin, count) = directions.middleCols(begin, count);
  }
  for (int layer = fuses_first_layer_ ? 2 : 1; layer < last; ++layer) {
    const Index rows = widths_[layer];
    const Index columns = widths_[layer - 1];
    double* p = product_[layer].data() + begin * rows;
    multiply_dense_(p, rows, rows, count, columns, weight_operand(layer),
                    {state_[layer - 1].data() + begin * columns, columns, false}, false);
    const double* first = first_derivative_[layer].data() + begin * rows;
    const double* second = second_derivative_[layer].data() + begin * rows;
    double* adjoint = backward_[layer].data() + (n + begin) * rows;
    if (layer < last - 1) {
      double* tangent = state_[layer].data() + begin * rows;
      const double* u = upstream_[layer].data() + begin * rows;
      for (Index k = 0; k < rows * count; ++k) {
        tangent[k] = first[k] * p[k];
        adjoint[k] = second[k] * u[k] * p[k];
      }
    } else {
      for (Index j = 0; j < count; ++j) {
        for (Index i = 0; i < rows; ++i) {
          const Index k = j * rows + i;
          adjoint[k] = second[k] * w_output[i] * p[k];
        }
      }
    }
  }

  // The tangent of the backward pass, top down: adjoint(z_l) += sigma'(z_l) . W_{l+1}^T
  // adjoint(z_{l+1}) (the product formed by the layer above in product_[l]).
  for (int layer = last - 1; layer >= 1; --layer) {
    if (layer == 1 && fuses_first_layer_) {
      hessian_vector_first_layer(output, directions, products, begin, count);
      return;
    }
    const Index rows = widths_[layer];
    const Index columns = widths_[layer - 1];
    double* adjoint = backward_[layer].data() + (n + begin) * rows;
    if (layer < last - 1) {
      const double* above = product_[layer].data() + begin * rows;
      const double* first = first_derivative_[layer].data() + begin * rows;
      for (Index k = 0; k < rows * count; ++k) adjoint[k] += first[k] * above[k];
    }
    if (layer > 1) {
      multiply_dense_(product_[layer - 1].data() + begin * columns, columns, columns, count, rows,
                      transposed_weight_operand(layer), {adjoint, rows, false}, false);
    } else {
      multiply_dense_(products.data() + begin * products.outerStride(), products.outerStride(),
                      columns, count, rows, transposed_weight_operand(1), {adjoint, rows, false},
                      false);
    }
  }
}

}  // namespace hnn::mlp
