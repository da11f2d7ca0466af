// The derivatives of KolmogorovArnoldNetwork (kan.h): the backward pass of
// input_gradient(), the reverse sweeps of the parameter gradients and their map from piece
// polynomials to coefficients.
#include <algorithm>

#include "edge_kernels.h"
#include "kan_layer.h"
#include "transpose.h"

namespace hnn::kan {

using Eigen::Index;
using internal::edge_forward;
using internal::edge_output;
using internal::edge_reverse;

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
  internal::transpose_into(work_[0].backward, gradient);
}

void KolmogorovArnoldNetwork::reverse_sweep(const Eigen::Ref<const Eigen::MatrixXd>* top,
                                            bool with_tangent, bool with_penalty, int output,
                                            double* gradient, bool to_inputs) {
  const int count = layer_count();
  const int k = options_.k;
  const int width = k + 1;
  const int pieces = options_.grid + 2 * k + 2;
  const Index n = samples_;
  // Adjoints of the edge outputs reach the last layer's inputs through phi' of every edge.
  if (count > 1 && (top != nullptr || with_penalty)) ensure_last_layer_derivatives(-1);
  Workspace& last = work_[count];
  if (top != nullptr) {
    internal::transpose_into(*top, last.adjoint);
  }
  last.adjoint_nonzero = top != nullptr;
  for (int l = count - 1; l >= 0; --l) {
    Layer& layer = layers_[l];
    Workspace& w = work_[l];
    const Workspace& above = work_[l + 1];
    const bool propagate = l > 0 || to_inputs;
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
      // Layer 0 keeps no phi'' (kan.h): the kernel forms it where it propagates the adjoint,
      // from b'' (ensure_first_layer_base2()).
      const bool inline_second = propagate && l == 0;
      internal::SecondDerivative second;
      if (inline_second) {
        second.polynomial = layer.polynomial.data() + static_cast<std::size_t>(e) * bank;
        second.b2 = w.base2.col(i).data();
        second.sb = m * layer.scale_base[e];
        second.sp = m * layer.scale_spline[e];
      } else if (propagate) {
        second.phi2 = w.phi2.col(e).data();
      }
      auto run = [&](auto kernel) {
        kernel(k, n, w.piece.col(s).data(), w.local.col(s).data(), layer.bases[s].inverse_widths(),
               r, upstream, tangent, w.base.col(i).data(), w.base1.col(i).data(),
               w.phi1.col(e).data(), second, polynomial_gradient, bank, adjoint, &sb_sum);
      };
      auto dispatch = [&]<bool kPropagate, bool kInline>() {
        if (k == 3) {
          if (primal && tangent)
            run(edge_reverse<3, true, true, kPropagate, kInline>);
          else if (primal)
            run(edge_reverse<3, true, false, kPropagate, kInline>);
          else
            run(edge_reverse<3, false, true, kPropagate, kInline>);
        } else {
          if (primal && tangent)
            run(edge_reverse<0, true, true, kPropagate, kInline>);
          else if (primal)
            run(edge_reverse<0, true, false, kPropagate, kInline>);
          else
            run(edge_reverse<0, false, true, kPropagate, kInline>);
        }
      };
      if (inline_second) {
        dispatch.template operator()<true, true>();
      } else if (propagate) {
        dispatch.template operator()<true, false>();
      } else {
        dispatch.template operator()<false, false>();
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
  parameter_gradient_of_input_gradient(output, weights, gradient, false);
}

void KolmogorovArnoldNetwork::add_parameter_gradient_and_input_hessian_vector_product(
    int output, const Eigen::Ref<const Eigen::MatrixXd>& weights,
    Eigen::Ref<Eigen::MatrixXd> products, Eigen::Ref<Eigen::VectorXd> gradient) {
  const char* method = "add_parameter_gradient_and_input_hessian_vector_product";
  require_forward(method);
  check_output_index(output, method);
  check_batch(method, "the weights matrix", weights.rows(), weights.cols(), input_dimension());
  check_batch(method, "the products matrix", products.rows(), products.cols(), input_dimension());
  check_gradient_size(method, gradient.size());
  // The reverse sweep's adjoint of x^(0) is the tangent of the backward pass in the direction
  // of the weights (input_hessian_vector_product()); it needs phi'' of layer 0's edges, which
  // the sweep forms from b''.
  if (backward_output_ != output) backward_from_output(output);
  ensure_first_layer_base2();
  parameter_gradient_of_input_gradient(output, weights, gradient, true);
  internal::transpose_into(work_[0].adjoint, products);
  work_[0].adjoint_nonzero = false;  // not an adjoint of x^(0) for another sweep
}

void KolmogorovArnoldNetwork::parameter_gradient_of_input_gradient(
    int output, const Eigen::Ref<const Eigen::MatrixXd>& weights,
    Eigen::Ref<Eigen::VectorXd> gradient, bool to_inputs) {
  if (backward_output_ != output) backward_from_output(output);
  // Tangent pass in the direction of the weights.
  internal::transpose_into(weights, work_[0].tangent);
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
  reverse_sweep(nullptr, true, false, output, gradient.data(), to_inputs);
}

void KolmogorovArnoldNetwork::add_parameter_gradient_of_outputs(
    const Eigen::Ref<const Eigen::MatrixXd>& weights, Eigen::Ref<Eigen::VectorXd> gradient) {
  const char* method = "add_parameter_gradient_of_outputs";
  require_forward(method);
  check_batch(method, "the weights matrix", weights.rows(), weights.cols(), output_dimension());
  check_gradient_size(method, gradient.size());
  reverse_sweep(&weights, false, false, -1, gradient.data());
}

}  // namespace hnn::kan
