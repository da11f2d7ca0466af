// The input Hessian-vector product of KolmogorovArnoldNetwork (kan.h): the tangent of the
// backward pass of input_gradient() in a direction of the inputs.
#include <algorithm>

#include "edge_kernels.h"
#include "hnn/error.h"
#include "kan_layer.h"
#include "silu_bases.h"
#include "transpose.h"

namespace hnn::kan {

using Eigen::Index;
using internal::edge_forward;

void KolmogorovArnoldNetwork::ensure_first_layer_base2() {
  const Layer& layer = layers_[0];
  Workspace& w = work_[0];
  if (!first_layer_base2_ready_) {
    if (options_.base_function == BaseFunction::kSilu) {
      // forward() left the logistic sigma(x) in base2: b'' = SiLU'' from it, in place.
      const internal::SiluSecondFunction second = internal::silu_kernels().second_from_sigma;
      for (int i = 0; i < layer.inputs; ++i) {
        second(w.x.col(i).data(), samples_, w.base2.col(i).data());
      }
    } else {
      w.base2.setZero();
    }
    first_layer_base2_ready_ = true;
  }
}

void KolmogorovArnoldNetwork::ensure_first_layer_second_derivatives(int output) {
  const Layer& layer = layers_[0];
  Workspace& w = work_[0];
  if (w.phi2.cols() != layer.edges) w.phi2.resize(samples_, layer.edges);
  ensure_first_layer_base2();
  const int k = options_.k;
  const int pieces = options_.grid + 2 * k + 2;
  const bool only_output = layer_count() == 1;
  for (const int e : layer.active_edges) {
    if (first_layer_second_ready_[e] || (only_output && e / layer.inputs != output)) continue;
    const int i = e % layer.inputs;
    const int s = layer.slot_of_edge[e];
    const double m = layer.mask[e];
    const double* polynomial =
        layer.polynomial.data() + static_cast<std::size_t>(e) * pieces * (k + 1);
    // phi' is formed again, bit for bit as before.
    auto run = [&](auto kernel) {
      kernel(k, samples_, w.piece.col(s).data(), w.local.col(s).data(),
             layer.bases[s].inverse_widths(), polynomial, w.base.col(i).data(),
             w.base1.col(i).data(), w.base2.col(i).data(), m * layer.scale_base[e],
             m * layer.scale_spline[e], nullptr, w.phi1.col(e).data(), w.phi2.col(e).data());
    };
    k == 3 ? run(edge_forward<3, false, true, true>) : run(edge_forward<0, false, true, true>);
    first_layer_second_ready_[e] = 1;
    if (only_output) derivatives_ready_[e] = 1;
  }
}

void KolmogorovArnoldNetwork::input_hessian_vector_product(
    int output, const Eigen::Ref<const Eigen::MatrixXd>& directions,
    Eigen::Ref<Eigen::MatrixXd> products) {
  const char* method = "input_hessian_vector_product";
  require_forward(method);
  check_output_index(output, method);
  check_batch(method, "the directions matrix", directions.rows(), directions.cols(),
              input_dimension());
  check_batch(method, "the products matrix", products.rows(), products.cols(), input_dimension());
  if (backward_output_ != output) backward_from_output(output);
  ensure_last_layer_derivatives(output);
  ensure_first_layer_second_derivatives(output);
  const int last = layer_count() - 1;
  // Tangent pass in the direction V: xdot^(0) = V, xdot^(l+1)_j = sum_i phi'_e xdot^(l)_i.
  internal::transpose_into(directions, work_[0].tangent);
  for (int l = 0; l < last; ++l) {
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
  // The tangent of the backward pass u^(l)_i = sum_j u^(l+1)_j phi'_e(x_i), top down, into
  // the adjoint matrices: u^(L) = e_o is constant, so the last layer only has the phi'' term.
  for (int l = last; l >= 0; --l) {
    const Layer& layer = layers_[l];
    Workspace& w = work_[l];
    w.adjoint.setZero();
    for (const int e : layer.active_edges) {
      const int i = e % layer.inputs;
      const int j = e / layer.inputs;
      if (l == last) {
        if (j != output) continue;
        w.adjoint.col(i).array() += w.phi2.col(e).array() * w.tangent.col(i).array();
      } else {
        const Workspace& above = work_[l + 1];
        w.adjoint.col(i).array() +=
            above.adjoint.col(j).array() * w.phi1.col(e).array() +
            above.backward.col(j).array() * w.phi2.col(e).array() * w.tangent.col(i).array();
      }
    }
    w.adjoint_nonzero = false;  // not an adjoint of a reverse sweep
  }
  internal::transpose_into(work_[0].adjoint, products);
}

}  // namespace hnn::kan
