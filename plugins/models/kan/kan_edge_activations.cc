// The edge activations of KolmogorovArnoldNetwork (kan.h): what the symbolic stage and
// the figures read of every edge.
#include "edge_kernels.h"
#include "kan_layer.h"

namespace hnn::kan {

using Eigen::Index;
using internal::edge_output;

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

}  // namespace hnn::kan
