// The forward pass of KolmogorovArnoldNetwork (kan.h).
#include <cstring>

#include "edge_kernels.h"
#include "hnn/error.h"
#include "kan_layer.h"
#include "silu_bases.h"
#include "transpose.h"

namespace hnn::kan {

using Eigen::Index;
using internal::edge_forward;

void KolmogorovArnoldNetwork::resize_workspace(Index samples) {
  if (samples == samples_) return;
  const int count = layer_count();
  for (int l = 0; l <= count; ++l) {
    Workspace& w = work_[l];
    const Index nodes = options_.width[l];
    w.x.resize(samples, nodes);
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
    if (l > 0) w.backward.resize(samples, nodes);
  }
  resize_scratch(samples);
  ones_.setOnes(samples);
  input_copy_.resize(options_.width.front(), samples);
  samples_ = samples;
  input_state_current_ = false;
}

void KolmogorovArnoldNetwork::resize_scratch(Index samples) {
  const int count = layer_count();
  for (int l = 0; l <= count; ++l) {
    Workspace& w = work_[l];
    const Index nodes = options_.width[l];
    w.adjoint.resize(samples, nodes);
    w.adjoint_nonzero = false;
    if (l == count) continue;
    w.tangent.resize(samples, nodes);
    w.r.resize(samples);
    if (l == 0) w.backward.resize(samples, nodes);
  }
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
    // Contiguous inputs (the usual d x N matrix) are copied as one block: Eigen assigns a
    // Ref with a run-time outer stride column by column, 2 entries at a time for d = 2, which
    // cost about 5 % of a fresh evaluation.
    if (inputs.outerStride() == inputs.rows()) {
      input_copy_ = Eigen::Map<const Eigen::MatrixXd>(inputs.data(), inputs.rows(), n);
    } else {
      input_copy_ = inputs;
    }
    internal::transpose_into(inputs, work_[0].x);
  }
  const int k = options_.k;
  const int pieces = options_.grid + 2 * k + 2;
  const int last = layer_count() - 1;
  for (int l = 0; l <= last; ++l) {
    const Layer& layer = layers_[l];
    Workspace& w = work_[l];
    const bool second = l > 0;  // phi'' only propagates adjoints to x^(l), never for l = 0
    if (l > 0 || !input_state_current_) {
      if (l == 0) first_layer_base2_ready_ = false;  // base2 gets sigma (scratch) below
      if (options_.base_function == BaseFunction::kSilu) {
        // base2 gets sigma, or b'' where it propagates adjoints (second).
        const internal::SiluBasesFunction silu = internal::silu_kernels().bases;
        for (int i = 0; i < layer.inputs; ++i) {
          silu(w.x.col(i).data(), n, w.base.col(i).data(), w.base1.col(i).data(),
               w.base2.col(i).data(), second);
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
  std::fill(first_layer_second_ready_.begin(), first_layer_second_ready_.end(), 0);
  has_forward_ = true;
  backward_output_ = -1;
}

void KolmogorovArnoldNetwork::outputs(Eigen::Ref<Eigen::MatrixXd> outputs) const {
  require_forward("outputs");
  check_batch("outputs", "the outputs matrix", outputs.rows(), outputs.cols(), output_dimension());
  internal::transpose_into(work_[layer_count()].x, outputs);
}

}  // namespace hnn::kan
