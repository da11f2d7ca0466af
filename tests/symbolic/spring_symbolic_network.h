// The spring KAN [2, 1, 2] with the author's manual assignment x^2, x^2 (layer 0) and x, x
// (layer 1), with chosen parameters, as symbolic layers (shared by symbolic_formula_test.cc
// and bench/symbolic_benchmark.cc):
//   h  = 0.4 (1.5 q + 0.2)^2 + 0.1 + 0.9 (-0.8 p + 0.3)^2 - 0.05 + 0.25
//      = 0.9 q^2 + 0.24 q + 0.576 p^2 - 0.432 p + 0.397
//   F1 = 0.3 (2 h + 0.5) + 0.1 + 0.05 = 0.6 h + 0.3
//   H  = 0.8 (1.25 h - 0.4) + 0.2 + 0.3 = h + 0.18
#ifndef HNN_TESTS_SYMBOLIC_SPRING_SYMBOLIC_NETWORK_H_
#define HNN_TESTS_SYMBOLIC_SPRING_SYMBOLIC_NETWORK_H_

#include <vector>

#include "hnn/symbolic/symbolic_network.h"

namespace hnn::testing {

inline std::vector<symbolic::SymbolicLayer> spring_symbolic_network() {
  symbolic::SymbolicLayer hidden(2, 1), output(1, 2);
  hidden.edge(0, 0) = {"x^2", 1.5, 0.2, 0.4, 0.1};
  hidden.edge(1, 0) = {"x^2", -0.8, 0.3, 0.9, -0.05};
  hidden.bias(0) = 0.25;
  output.edge(0, 0) = {"x", 2.0, 0.5, 0.3, 0.1};
  output.edge(0, 1) = {"x", 1.25, -0.4, 0.8, 0.2};
  output.bias(0) = 0.05;
  output.bias(1) = 0.3;
  return {hidden, output};
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_SYMBOLIC_SPRING_SYMBOLIC_NETWORK_H_
