// Turning a trained edge network into a symbolic one (kan.md §6.2-§6.4): every edge is
// pruned, fixed to a function the user named, or given the best function of a library.
//
// For every edge (layer l, input node i, output node j) of the activations of one forward
// pass (hnn/edge_activations.h), in the order l, then j, then i (pykan's edge order):
//
//   1. pruned when its strength (pykan's acts_scale) is below `prune_threshold`: the edge
//      contributes 0 (also when a function was assigned to it; the report says so);
//   2. otherwise, when `manual` names the edge, that function is fitted (affine_fit.h) to
//      the samples (x = node_values of input i, y = the edge output);
//   3. otherwise, when `automatic`, the library (or its `candidates`) is ranked by
//      suggest_functions()
//      (suggestion.h: r2 with near-ties to the simpler entry) and the first is kept;
//   4. otherwise the call fails, naming the edge.
//
// Like pykan, every layer is fitted on the activations of the same (numeric) forward pass:
// fixing layer 0 does not change the samples of layer 1. The node biases are kept as they
// are. The result composes with SymbolicFormula and runs as a SymbolicNetworkModel.
//
// Example (the study's assignment on the spring KAN [2, 1, 2]):
//
//   hnn::symbolic::NetworkFitOptions options;
//   options.manual = {{0, 0, 0, "x^2"}, {0, 1, 0, "x^2"}, {1, 0, 0, "x"}, {1, 0, 1, "x"}};
//   hnn::symbolic::NetworkFit fit = hnn::symbolic::fit_symbolic_network(
//       model.edge_activations(test_inputs), SymbolicFunctionLibrary::pykan(), options);
//   hnn::symbolic::SymbolicFormula formula(fit.layers, {"q", "p"});
#ifndef HNN_SYMBOLIC_NETWORK_FIT_H_
#define HNN_SYMBOLIC_NETWORK_FIT_H_

#include <string>
#include <vector>

#include "hnn/edge_activations.h"
#include "hnn/symbolic/affine_fit.h"
#include "hnn/symbolic/function_library.h"
#include "hnn/symbolic/suggestion.h"
#include "hnn/symbolic/symbolic_network.h"

namespace hnn::symbolic {

// A function the user assigns to the edge from input node `input` to output node `output`
// of layer `layer`.
struct EdgeAssignment {
  int layer = 0;
  int input = 0;
  int output = 0;
  std::string function;
};

struct NetworkFitOptions {
  std::vector<EdgeAssignment> manual;  // at most one per edge
  bool automatic = true;               // choose a function for the edges not in `manual`
  // Names the automatic choice picks from (empty: the whole library); manual assignments
  // may use any function of the library.
  std::vector<std::string> candidates;
  SuggestionOptions suggestion;   // top_k, tie tolerance and the affine fit's options
  double prune_threshold = 1e-2;  // >= 0; 0 prunes nothing
};

// What happened to one edge.
struct EdgeFitReport {
  enum class Choice { kPruned, kManual, kAutomatic };

  int layer = 0, input = 0, output = 0;
  double scale = 0.0;  // acts_scale of the edge
  Choice choice = Choice::kPruned;
  std::string assigned;                 // the manual function of a pruned edge, else ""
  AffineFit fit;                        // function, a, b, c, d, r2 (kManual, kAutomatic)
  std::vector<Suggestion> suggestions;  // the ranked top-k (kAutomatic)
};

// "pruned", "manual", "auto".
std::string to_string(EdgeFitReport::Choice choice);

struct NetworkFit {
  std::vector<SymbolicLayer> layers;
  std::vector<EdgeFitReport> edges;  // in the order of the header comment
};

// Throws hnn::Error for empty activations, an assignment outside the network or given twice,
// an unknown function (with the library's did-you-mean), invalid options, or an edge left
// without a function when !automatic.
NetworkFit fit_symbolic_network(const EdgeActivations& activations,
                                const SymbolicFunctionLibrary& library,
                                const NetworkFitOptions& options);

}  // namespace hnn::symbolic

#endif  // HNN_SYMBOLIC_NETWORK_FIT_H_
