// EdgeActivations: what an edge network (a KAN) computed on every edge for a batch of
// inputs, the raw material of symbolic regression (kan.md §1.4 and §6.2).
//
// In an edge network every edge e from input node i to output node j of layer l carries a
// function phi_e of one variable, and node j of the next layer is
//
//   x_j^(l+1) = sum_i phi_e(x_i^(l)) + beta_j^(l),   e = j * n_l + i   (output-major),
//
// so the network is known once every phi_e is replaced by a formula and the biases are kept.
// For one forward pass over N samples the activations hold, per layer,
//
//   node_values   N x n_l        x^(l): the layer's inputs (layer 0: the network inputs;
//                                later layers include the previous layer's biases)
//   edge_values   N x n_l*n_l+1  phi_e(x_i^(l)) for every edge, the full edge output (0 for
//                                a masked edge)
//   scale         n_l*n_l+1      pykan's acts_scale: mean_n |phi_e| / (grid width + 1e-4),
//                                the edge strength that pruning compares with a threshold
//   bias          n_l+1          beta^(l)
//
// Example (the spring KAN [2, 1, 2]):
//
//   hnn::EdgeActivations acts = model.edge_activations(test_inputs);   // 2 x N inputs
//   const auto& hidden = acts.layers[0];      // 2 inputs -> 1 node
//   Eigen::VectorXd x = hidden.node_values.col(0);     // q samples
//   Eigen::VectorXd y = hidden.edge_values.col(0);     // phi(q) on edge q -> h
#ifndef HNN_EDGE_ACTIVATIONS_H_
#define HNN_EDGE_ACTIVATIONS_H_

#include <Eigen/Core>
#include <vector>

namespace hnn {

struct EdgeLayerActivations {
  int inputs = 0;               // n_l
  int outputs = 0;              // n_l+1
  Eigen::MatrixXd node_values;  // N x inputs
  Eigen::MatrixXd edge_values;  // N x (inputs * outputs), column e = j * inputs + i
  Eigen::VectorXd scale;        // inputs * outputs
  Eigen::VectorXd bias;         // outputs

  int edge_index(int input, int output) const { return output * inputs + input; }
};

struct EdgeActivations {
  std::vector<EdgeLayerActivations> layers;  // layer 0 first

  // The widths [n_0, n_1, ..., n_L].
  std::vector<int> width() const {
    std::vector<int> widths;
    for (const auto& layer : layers) widths.push_back(layer.inputs);
    if (!layers.empty()) widths.push_back(layers.back().outputs);
    return widths;
  }
};

}  // namespace hnn

#endif  // HNN_EDGE_ACTIVATIONS_H_
