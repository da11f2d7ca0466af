// A model-independent description of a KAN whose edges have been made symbolic: per layer,
// per edge (i, j) from input node i to output node j, either a fitted function
// c * f(a * x + b) + d or a pruned edge (contributing 0), and a bias per output node,
//
//   x_j^(l+1) = sum_i [c_lij f_lij(a_lij x_i^(l) + b_lij) + d_lij] + beta_j^(l)
//
// (kan.md §1.3 and §6.5). SymbolicFormula (hnn/symbolic/formula.h) composes it.
//
// Example (the spring KAN [2, 1, 2] with the author's x^2, x^2, x, x assignment):
//
//   hnn::symbolic::SymbolicLayer hidden(2, 1), output(1, 2);
//   hidden.edge(0, 0) = {"x^2", a0, b0, c0, d0};   // q -> h
//   hidden.edge(1, 0) = {"x^2", a1, b1, c1, d1};   // p -> h
//   hidden.bias(0) = beta0;
//   output.edge(0, 1) = {"x", a3, b3, c3, d3};     // h -> H; edge (0, 0) stays pruned
//   std::vector<hnn::symbolic::SymbolicLayer> network{hidden, output};
#ifndef HNN_SYMBOLIC_SYMBOLIC_NETWORK_H_
#define HNN_SYMBOLIC_SYMBOLIC_NETWORK_H_

#include <string>
#include <vector>

namespace hnn::symbolic {

// One edge. An empty `function` marks a pruned edge; (a, b, c, d) are then ignored.
struct SymbolicEdge {
  std::string function;  // a name of the function library used to compose
  double a = 0.0, b = 0.0, c = 0.0, d = 0.0;

  bool pruned() const { return function.empty(); }
};

// One layer: inputs() -> outputs() nodes, every edge pruned and every bias 0 at first.
// Edges are stored output-major, index j * inputs() + i, like pykan 0.0.5's flattening
// (kan.md conventions), so edges()[e] is pykan's edge e.
class SymbolicLayer {
 public:
  // inputs, outputs >= 1; throws hnn::Error otherwise.
  SymbolicLayer(int inputs, int outputs);

  int inputs() const { return inputs_; }
  int outputs() const { return outputs_; }

  // The edge from input node i to output node j. Throws hnn::Error when out of range.
  SymbolicEdge& edge(int i, int j);
  const SymbolicEdge& edge(int i, int j) const;
  // Node bias beta_j. Throws hnn::Error when out of range.
  double& bias(int j);
  double bias(int j) const;

  const std::vector<SymbolicEdge>& edges() const { return edges_; }
  const std::vector<double>& biases() const { return biases_; }

 private:
  void check(int i, int j) const;

  int inputs_;
  int outputs_;
  std::vector<SymbolicEdge> edges_;
  std::vector<double> biases_;
};

}  // namespace hnn::symbolic

#endif  // HNN_SYMBOLIC_SYMBOLIC_NETWORK_H_
