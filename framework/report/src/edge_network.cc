#include "hnn/report/edge_network.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <tuple>

#include "hnn/host/run_folder_reading.h"
#include "hnn/report/csv_table.h"
#include "hnn/report/run_folder_error.h"

namespace hnn::report {

namespace {

using EdgeKey = std::tuple<int, int, int>;

std::string describe(const EdgeKey& key) {
  return "layer " + std::to_string(std::get<0>(key)) + ", input " +
         std::to_string(std::get<1>(key)) + ", output " + std::to_string(std::get<2>(key));
}

// Checks that the edge lies inside a network of `width`; returns the problem or "".
std::string check_edge(const std::vector<int>& width, int layer, int input, int output) {
  const int layers = int(width.size());
  if (layer < 0 || layer + 1 >= layers) {
    return "layer " + std::to_string(layer) + " is outside [0, " + std::to_string(layers - 2) + "]";
  }
  if (input < 0 || input >= width[std::size_t(layer)]) {
    return "input " + std::to_string(input) + " is outside [0, " +
           std::to_string(width[std::size_t(layer)] - 1) + "] (layer " + std::to_string(layer) +
           " has " + std::to_string(width[std::size_t(layer)]) + " nodes)";
  }
  if (output < 0 || output >= width[std::size_t(layer) + 1]) {
    return "output " + std::to_string(output) + " is outside [0, " +
           std::to_string(width[std::size_t(layer) + 1] - 1) + "] (layer " +
           std::to_string(layer + 1) + " has " + std::to_string(width[std::size_t(layer) + 1]) +
           " nodes)";
  }
  return "";
}

void read_samples(const std::filesystem::path& file, EdgeNetwork& network,
                  const std::map<EdgeKey, std::size_t>& edge_index) {
  const CsvTable table = CsvTable::read(file);
  const auto layer = table.reals("layer");
  const auto input = table.reals("input");
  const auto output = table.reals("output");
  const auto x = table.reals("x");
  const auto y = table.reals("y");
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    const std::string line = file.string() + ":" + std::to_string(row + 2) + ": error: ";
    const EdgeKey key{int(layer[row]), int(input[row]), int(output[row])};
    if (double(std::get<0>(key)) != layer[row] || double(std::get<1>(key)) != input[row] ||
        double(std::get<2>(key)) != output[row]) {
      throw RunFolderError(line + "layer, input and output must be integers");
    }
    const auto found = edge_index.find(key);
    if (found == edge_index.end()) {
      const std::string problem =
          check_edge(network.width, std::get<0>(key), std::get<1>(key), std::get<2>(key));
      throw RunFolderError(line + "a sample of an edge that " +
                           (problem.empty() ? "network/" + network.model + ".yaml does not list ("
                                            : "is not in the network (") +
                           (problem.empty() ? describe(key) : problem) + ")");
    }
    NetworkEdge& edge = network.edges[found->second];
    edge.x.push_back(x[row]);
    edge.y.push_back(y[row]);
  }
  // Sorted by x within an edge, as promised; the file should already be.
  for (auto& edge : network.edges) {
    std::vector<std::size_t> order(edge.x.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return edge.x[a] < edge.x[b]; });
    std::vector<double> x_sorted, y_sorted;
    for (const std::size_t i : order) {
      x_sorted.push_back(edge.x[i]);
      y_sorted.push_back(edge.y[i]);
    }
    edge.x = std::move(x_sorted);
    edge.y = std::move(y_sorted);
  }
}

}  // namespace

EdgeNetwork read_edge_network(const std::filesystem::path& yaml_file,
                              const std::filesystem::path& samples_file) {
  const YamlDocument document(yaml_file);
  const YAML::Node& root = document.root();
  if (!root.IsMap()) document.fail(root, "network", "expected a map (model, width, edges, ...)");
  EdgeNetwork network;
  network.model = document.text(root, "model", "model", "");
  if (network.model.empty()) document.fail(root, "model", "missing; expected the model's name");
  for (const long nodes : document.integers(root, "width", "width")) {
    if (nodes < 1 || nodes > 100000) {
      document.fail(root["width"], "width",
                    "every layer needs at least 1 node, found " + std::to_string(nodes));
    }
    network.width.push_back(int(nodes));
  }
  if (network.width.size() < 2) {
    document.fail(root["width"], "width",
                  "expected at least 2 layers, found " + std::to_string(network.width.size()));
  }
  network.input_names = document.texts(root, "input_names", "input_names");
  network.output_names = document.texts(root, "output_names", "output_names");
  if (int(network.input_names.size()) != network.width.front()) {
    document.fail(root["input_names"], "input_names",
                  "expected " + std::to_string(network.width.front()) +
                      " names (width[0]), found " + std::to_string(network.input_names.size()));
  }
  if (int(network.output_names.size()) != network.width.back()) {
    document.fail(root["output_names"], "output_names",
                  "expected " + std::to_string(network.width.back()) +
                      " names (the last width), found " +
                      std::to_string(network.output_names.size()));
  }
  const YAML::Node edges = document.child(root, "edges", "edges");
  if (!edges.IsDefined()) document.fail(root, "edges", "missing; expected a list of edges");
  if (!edges.IsSequence()) document.fail(edges, "edges", "expected a list of edges");
  std::map<EdgeKey, std::size_t> edge_index;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const std::string path = "edges[" + std::to_string(i) + "]";
    const YAML::Node& entry = edges[i];
    NetworkEdge edge;
    edge.layer = int(document.integer(entry, "layer", path + ".layer", -1));
    edge.input = int(document.integer(entry, "input", path + ".input", -1));
    edge.output = int(document.integer(entry, "output", path + ".output", -1));
    const std::string problem = check_edge(network.width, edge.layer, edge.input, edge.output);
    if (!problem.empty()) document.fail(entry, path, problem);
    edge.scale = document.real(entry, "scale", path + ".scale", 0.0);
    if (!std::isfinite(edge.scale) || edge.scale < 0) {
      document.fail(entry, path + ".scale", "expected a finite real >= 0");
    }
    edge.function = document.text(entry, "function", path + ".function", "");
    edge.r2 = document.real(entry, "r2", path + ".r2", 0.0);
    edge.pruned = document.boolean(entry, "pruned", path + ".pruned", false);
    const EdgeKey key{edge.layer, edge.input, edge.output};
    if (!edge_index.emplace(key, network.edges.size()).second) {
      document.fail(entry, path, "the edge (" + describe(key) + ") is listed twice");
    }
    network.edges.push_back(std::move(edge));
  }
  std::error_code error_code;
  if (std::filesystem::exists(samples_file, error_code)) {
    read_samples(samples_file, network, edge_index);
  }
  return network;
}

}  // namespace hnn::report
