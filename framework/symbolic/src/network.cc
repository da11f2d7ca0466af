#include "hnn/symbolic/symbolic_network.h"

#include "hnn/error.h"

namespace hnn::symbolic {

SymbolicLayer::SymbolicLayer(int inputs, int outputs) : inputs_(inputs), outputs_(outputs) {
  if (inputs < 1 || outputs < 1) {
    throw Error("a symbolic layer needs at least one input and one output node, found " +
                std::to_string(inputs) + " -> " + std::to_string(outputs));
  }
  edges_.resize(static_cast<std::size_t>(inputs) * static_cast<std::size_t>(outputs));
  biases_.assign(static_cast<std::size_t>(outputs), 0.0);
}

void SymbolicLayer::check(int i, int j) const {
  if (i < 0 || i >= inputs_ || j < 0 || j >= outputs_) {
    throw Error("symbolic layer " + std::to_string(inputs_) + " -> " + std::to_string(outputs_) +
                ": no edge (" + std::to_string(i) + ", " + std::to_string(j) + ")");
  }
}

SymbolicEdge& SymbolicLayer::edge(int i, int j) {
  check(i, j);
  return edges_[static_cast<std::size_t>(j * inputs_ + i)];
}

const SymbolicEdge& SymbolicLayer::edge(int i, int j) const {
  check(i, j);
  return edges_[static_cast<std::size_t>(j * inputs_ + i)];
}

double& SymbolicLayer::bias(int j) {
  check(0, j);
  return biases_[static_cast<std::size_t>(j)];
}

double SymbolicLayer::bias(int j) const {
  check(0, j);
  return biases_[static_cast<std::size_t>(j)];
}

}  // namespace hnn::symbolic
