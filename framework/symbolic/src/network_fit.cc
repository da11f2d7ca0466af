#include "hnn/symbolic/network_fit.h"

#include <map>
#include <tuple>

#include "hnn/error.h"

namespace hnn::symbolic {
namespace {

std::string edge_text(int layer, int input, int output) {
  return "edge (layer " + std::to_string(layer) + ", input " + std::to_string(input) + ", output " +
         std::to_string(output) + ")";
}

}  // namespace

std::string to_string(EdgeFitReport::Choice choice) {
  switch (choice) {
    case EdgeFitReport::Choice::kPruned:
      return "pruned";
    case EdgeFitReport::Choice::kManual:
      return "manual";
    case EdgeFitReport::Choice::kAutomatic:
      return "auto";
  }
  return "?";
}

NetworkFit fit_symbolic_network(const EdgeActivations& activations,
                                const SymbolicFunctionLibrary& library,
                                const NetworkFitOptions& options) {
  if (activations.layers.empty()) throw Error("symbolic fit: the network has no layer");
  if (!(options.prune_threshold >= 0.0)) {
    throw Error("symbolic fit: prune_threshold = " + std::to_string(options.prune_threshold) +
                " must be >= 0");
  }
  std::string problem;
  if (!options.suggestion.IsValid(&problem)) throw Error("symbolic fit: " + problem);
  if (options.automatic && library.empty()) {
    throw Error("symbolic fit: the function library is empty");
  }
  const SymbolicFunctionLibrary candidates =
      options.candidates.empty() ? library : library.subset(options.candidates);
  const int layer_count = static_cast<int>(activations.layers.size());
  std::map<std::tuple<int, int, int>, std::string> manual;
  for (const EdgeAssignment& assignment : options.manual) {
    const std::string edge = edge_text(assignment.layer, assignment.input, assignment.output);
    if (assignment.layer < 0 || assignment.layer >= layer_count) {
      throw Error("symbolic fit: " + edge + ": the network has layers 0 to " +
                  std::to_string(layer_count - 1));
    }
    const EdgeLayerActivations& layer = activations.layers[std::size_t(assignment.layer)];
    if (assignment.input < 0 || assignment.input >= layer.inputs || assignment.output < 0 ||
        assignment.output >= layer.outputs) {
      throw Error("symbolic fit: " + edge + ": layer " + std::to_string(assignment.layer) +
                  " has inputs 0 to " + std::to_string(layer.inputs - 1) + " and outputs 0 to " +
                  std::to_string(layer.outputs - 1));
    }
    try {
      library.at(assignment.function);
    } catch (const Error& error) {
      throw Error("symbolic fit: " + edge + ": " + error.what());
    }
    if (!manual
             .emplace(std::make_tuple(assignment.layer, assignment.input, assignment.output),
                      assignment.function)
             .second) {
      throw Error("symbolic fit: " + edge + " is assigned twice");
    }
  }

  NetworkFit result;
  for (int l = 0; l < layer_count; ++l) {
    const EdgeLayerActivations& acts = activations.layers[std::size_t(l)];
    SymbolicLayer layer(acts.inputs, acts.outputs);
    for (int j = 0; j < acts.outputs; ++j) layer.bias(j) = acts.bias[j];
    for (int j = 0; j < acts.outputs; ++j) {
      for (int i = 0; i < acts.inputs; ++i) {
        const int e = acts.edge_index(i, j);
        EdgeFitReport report;
        report.layer = l;
        report.input = i;
        report.output = j;
        report.scale = acts.scale[e];
        const auto assigned = manual.find(std::make_tuple(l, i, j));
        const Eigen::VectorXd x = acts.node_values.col(i);
        const Eigen::VectorXd y = acts.edge_values.col(e);
        if (report.scale < options.prune_threshold) {
          report.choice = EdgeFitReport::Choice::kPruned;
          if (assigned != manual.end()) report.assigned = assigned->second;
        } else if (assigned != manual.end()) {
          report.choice = EdgeFitReport::Choice::kManual;
          report.fit =
              fit_affine_parameters(x, y, library.at(assigned->second), options.suggestion.fit);
        } else if (options.automatic) {
          report.choice = EdgeFitReport::Choice::kAutomatic;
          report.suggestions = suggest_functions(x, y, candidates, options.suggestion);
          report.fit = report.suggestions.front().fit;
        } else {
          throw Error("symbolic fit: " + edge_text(l, i, j) +
                      " has no function: assign one or turn the automatic choice on");
        }
        if (report.choice != EdgeFitReport::Choice::kPruned) {
          SymbolicEdge& edge = layer.edge(i, j);
          edge.function = report.fit.function;
          edge.a = report.fit.a;
          edge.b = report.fit.b;
          edge.c = report.fit.c;
          edge.d = report.fit.d;
        }
        result.edges.push_back(std::move(report));
      }
    }
    result.layers.push_back(std::move(layer));
  }
  return result;
}

}  // namespace hnn::symbolic
