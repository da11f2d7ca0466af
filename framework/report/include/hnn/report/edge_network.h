// network/<model>.yaml and .csv of a run folder: the edges of an edge network (a KAN),
// each with its learned activation and, when made, its fitted symbolic function.
#ifndef HNN_REPORT_EDGE_NETWORK_H_
#define HNN_REPORT_EDGE_NETWORK_H_

#include <filesystem>
#include <string>
#include <vector>

namespace hnn::report {

// The edge from node `input` of layer `layer` to node `output` of layer `layer + 1`.
// `scale` is the edge's strength (pykan's acts_scale: mean |phi| over the samples divided
// by the grid width), `function` the fitted symbolic function ("" when none was fitted)
// with its coefficient of determination `r2`. `x`, `y` sample the learned activation phi,
// sorted by x; both are empty when network/<model>.csv has no samples of the edge.
struct NetworkEdge {
  int layer = 0;
  int input = 0;
  int output = 0;
  double scale = 0;
  std::string function;
  double r2 = 0;
  bool pruned = false;
  std::vector<double> x;
  std::vector<double> y;
};

// width[l] nodes in layer l; layer 0 are the inputs (input_names), the last layer the
// outputs (output_names).
struct EdgeNetwork {
  std::string model;
  std::vector<int> width;
  std::vector<std::string> input_names;
  std::vector<std::string> output_names;
  std::vector<NetworkEdge> edges;
};

// Reads `yaml_file` (model, width, input_names, output_names, edges) and, when
// `samples_file` exists, its samples (columns layer, input, output, x, y). Validates
// everything once: at least two layers of at least one node, as many names as nodes, every
// edge and every sample inside the network, no edge given twice. Throws RunFolderError
// naming the file, line and key otherwise.
EdgeNetwork read_edge_network(const std::filesystem::path& yaml_file,
                              const std::filesystem::path& samples_file);

}  // namespace hnn::report

#endif  // HNN_REPORT_EDGE_NETWORK_H_
