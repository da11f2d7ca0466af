#include "hnn/symbolic/network_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "hnn/atomic_file.h"
#include "hnn/config_tree.h"
#include "hnn/error.h"
#include "hnn/input_limits.h"
#include "hnn/options.h"
#include "hnn/symbolic/compiled_expression.h"
#include "hnn/symbolic/formula.h"
#include "hnn/symbolic/formula_parser.h"

namespace hnn::symbolic {
namespace {

std::string real(double value) { return format_option_value(value); }
std::string quoted(const std::string& text) { return format_option_value(text); }

std::string text_of(const GiNaC::ex& expression) {
  std::ostringstream out;
  out << expression;
  return out.str();
}

// Located errors while reading.
[[noreturn]] void fail(const ConfigNode& node, const std::string& path, const std::string& what) {
  throw ConfigError(node.location().to_string() + ": error: " + path + ": " + what);
}

const ConfigNode& require(const ConfigNode& map, const std::string& key, const std::string& path) {
  if (!map.is_map()) fail(map, path, "expected a map, found " + map.describe());
  const ConfigNode* node = map.find(key);
  if (node == nullptr) {
    fail(map, path.empty() ? key : path + "." + key, "missing required key of a symbolic network");
  }
  return *node;
}

std::string read_string(const ConfigNode& node, const std::string& path) {
  if (!node.is_scalar()) fail(node, path, "expected a string, found " + node.describe());
  return node.text();
}

double read_real(const ConfigNode& node, const std::string& path) {
  if (node.is_scalar()) {
    const std::string& text = node.text();
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size()) return value;
  }
  fail(node, path, "expected a real number, found " + node.describe());
}

int read_integer(const ConfigNode& node, const std::string& path) {
  if (node.is_scalar()) {
    const std::string& text = node.text();
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (!text.empty() && end == text.c_str() + text.size() && value >= 0 && value < (1 << 20)) {
      return int(value);
    }
  }
  fail(node, path, "expected a non-negative integer, found " + node.describe());
}

const std::vector<ConfigNode>& read_list(const ConfigNode& node, const std::string& path) {
  if (!node.is_sequence()) fail(node, path, "expected a list, found " + node.describe());
  return node.items();
}

std::vector<std::string> read_strings(const ConfigNode& node, const std::string& path) {
  std::vector<std::string> values;
  const auto& items = read_list(node, path);
  for (std::size_t k = 0; k < items.size(); ++k) {
    values.push_back(read_string(items[k], path + "[" + std::to_string(k) + "]"));
  }
  return values;
}

// A library entry that evaluates a formula in x read from a file.
SymbolicFunction function_from_text(const std::string& name, const std::string& text,
                                    const ConfigNode& node, const std::string& path) {
  std::function<GiNaC::ex(const GiNaC::ex&)> expression;
  try {
    expression = expression_of_formula(text);
  } catch (const Error& error) {
    fail(node, path, error.what());
  }
  const GiNaC::realsymbol x("x");
  std::shared_ptr<const CompiledExpression> tape;
  try {
    tape = std::make_shared<const CompiledExpression>(expression(x), std::vector<GiNaC::ex>{x});
  } catch (const Error& error) {
    fail(node, path, "cannot evaluate the formula " + quoted_formula(text) + ": " + error.what());
  }
  const SymbolicFunctionLibrary builtin = SymbolicFunctionLibrary::pykan();
  const int complexity = builtin.contains(name) ? builtin.at(name).complexity : 3;
  return SymbolicFunction{.name = name,
                          .evaluate = [tape](double value) { return tape->value(&value); },
                          .expression = std::move(expression),
                          .complexity = complexity};
}

}  // namespace

void save_symbolic_network(const std::filesystem::path& file, const SymbolicNetworkFile& network,
                           int digits) {
  const SymbolicFormula formula(network.layers, network.input_names, network.library);
  std::size_t edge_total = 0;
  std::set<std::string> used;
  for (const auto& layer : network.layers) {
    edge_total += layer.edges().size();
    for (const auto& edge : layer.edges()) {
      if (!edge.pruned()) used.insert(edge.function);
    }
  }
  if (!network.reports.empty() && network.reports.size() != edge_total) {
    throw Error("symbolic network file " + file.string() + ": " +
                std::to_string(network.reports.size()) + " edge reports for " +
                std::to_string(edge_total) + " edges");
  }
  if (network.output_names.size() != formula.output_count()) {
    throw Error("symbolic network file " + file.string() + ": " +
                std::to_string(network.output_names.size()) + " output names for " +
                std::to_string(formula.output_count()) + " outputs");
  }
  std::ostringstream out;
  out << "# hnn symbolic network: closed-form edges c*f(a*x + b) + d recovered from model '"
      << network.model << "'.\n"
      << "# Load it as a model: models: {h: {plugin: symbolic, file: <this file>}}\n";
  out << "format: 1\n";
  out << "model: " << quoted(network.model) << "\n";
  std::vector<std::int64_t> width{network.layers.front().inputs()};
  for (const auto& layer : network.layers) width.push_back(layer.outputs());
  out << "width: " << format_option_value(width) << "\n";
  out << "input_names: " << format_option_value(network.input_names) << "\n";
  out << "output_names: " << format_option_value(network.output_names) << "\n";
  out << "functions: {";
  const GiNaC::realsymbol x("x");
  bool first = true;
  for (const auto& name : used) {
    out << (first ? "" : ", ") << quoted(name) << ": "
        << quoted(text_of(network.library.at(name).expression(x)));
    first = false;
  }
  out << "}\n";
  out << "layers:\n";
  std::size_t report = 0;
  for (const auto& layer : network.layers) {
    out << "  - biases: " << format_option_value(layer.biases()) << "\n";
    out << "    edges:\n";
    for (int j = 0; j < layer.outputs(); ++j) {
      for (int i = 0; i < layer.inputs(); ++i) {
        const SymbolicEdge& edge = layer.edge(i, j);
        out << "      - {input: " << i << ", output: " << j
            << ", function: " << quoted(edge.function);
        if (!edge.pruned()) {
          out << ", a: " << real(edge.a) << ", b: " << real(edge.b) << ", c: " << real(edge.c)
              << ", d: " << real(edge.d);
        }
        if (!network.reports.empty()) {
          const EdgeFitReport& r = network.reports[report++];
          out << ", choice: " << quoted(to_string(r.choice));
          if (r.choice != EdgeFitReport::Choice::kPruned) out << ", r2: " << real(r.fit.r2);
          out << ", scale: " << real(r.scale);
        }
        out << "}\n";
      }
    }
  }
  out << "formulas:\n";
  for (std::size_t o = 0; o < formula.output_count(); ++o) {
    out << "  - {output: " << quoted(network.output_names[o])
        << ", text: " << quoted(formula.text(o, digits))
        << ", text_full: " << quoted(formula.text(o, SymbolicFormula::kFull))
        << ", latex: " << quoted(formula.latex(o, digits)) << "}\n";
  }
  write_file_atomically(file, out.str());
}

SymbolicNetworkFile load_symbolic_network(const std::filesystem::path& file) {
  const ConfigNode root = load_config_file(file);
  if (!root.is_map())
    fail(root, "(top level)", "expected a symbolic network, found " + root.describe());
  const ConfigNode& format = require(root, "format", "");
  if (!format.is_scalar() || format.text() != "1") {
    fail(format, "format", "this host reads symbolic network format 1, found " + format.describe());
  }
  SymbolicNetworkFile network;
  if (const ConfigNode* model = root.find("model")) network.model = read_string(*model, "model");
  network.input_names = read_strings(require(root, "input_names", ""), "input_names");
  network.output_names = read_strings(require(root, "output_names", ""), "output_names");

  const ConfigNode& functions = require(root, "functions", "");
  if (!functions.is_map()) fail(functions, "functions", "expected a map name: formula in x");
  std::map<std::string, int> function_depth;  // each formula's nesting, for the limit below
  for (const auto& entry : functions.entries()) {
    const std::string path = "functions." + entry.key;
    const std::string text = read_string(entry.value, path);
    network.library.add(function_from_text(entry.key, text, entry.value, path));
    function_depth[entry.key] = formula_nesting_depth(text);
  }

  const ConfigNode& layers = require(root, "layers", "");
  const auto& layer_nodes = read_list(layers, "layers");
  if (layer_nodes.empty()) fail(layers, "layers", "expected at least one layer");
  int inputs = int(network.input_names.size());
  // What the composed formula and its derivatives will be: bounded before anything is built.
  std::size_t edge_count = 0;
  int composed_depth = 0;
  for (std::size_t l = 0; l < layer_nodes.size(); ++l) {
    const std::string path = "layers[" + std::to_string(l) + "]";
    const ConfigNode& node = layer_nodes[l];
    const ConfigNode& biases_node = require(node, "biases", path);
    const auto& bias_items = read_list(biases_node, path + ".biases");
    if (inputs < 1 || bias_items.empty()) {
      fail(biases_node, path + ".biases", "expected a layer with at least one input and output");
    }
    edge_count += std::size_t(inputs) * bias_items.size();
    if (edge_count > kMaxSymbolicNetworkEdges) {
      fail(biases_node, path + ".biases",
           "the network has more than " + std::to_string(kMaxSymbolicNetworkEdges) +
               " edges with this layer (the limit for a symbolic network)");
    }
    SymbolicLayer layer(inputs, int(bias_items.size()));
    int layer_depth = 1;  // c*f(a*x + b) + d around the deepest function of the layer
    for (std::size_t j = 0; j < bias_items.size(); ++j) {
      layer.bias(int(j)) = read_real(bias_items[j], path + ".biases[" + std::to_string(j) + "]");
    }
    const auto& edges = read_list(require(node, "edges", path), path + ".edges");
    std::set<std::pair<int, int>> seen;
    for (std::size_t k = 0; k < edges.size(); ++k) {
      const std::string edge_path = path + ".edges[" + std::to_string(k) + "]";
      const ConfigNode& edge_node = edges[k];
      const int i = read_integer(require(edge_node, "input", edge_path), edge_path + ".input");
      const int j = read_integer(require(edge_node, "output", edge_path), edge_path + ".output");
      if (i >= layer.inputs() || j >= layer.outputs()) {
        fail(edge_node, edge_path,
             "no edge from input " + std::to_string(i) + " to output " + std::to_string(j) +
                 " in a layer with " + std::to_string(layer.inputs()) + " inputs and " +
                 std::to_string(layer.outputs()) + " outputs");
      }
      if (!seen.insert({i, j}).second) fail(edge_node, edge_path, "the edge is listed twice");
      SymbolicEdge& edge = layer.edge(i, j);
      edge.function =
          read_string(require(edge_node, "function", edge_path), edge_path + ".function");
      if (edge.pruned()) continue;
      if (!network.library.contains(edge.function)) {
        fail(require(edge_node, "function", edge_path), edge_path + ".function",
             "the function '" + edge.function + "' is not in `functions`");
      }
      if (const auto depth = function_depth.find(edge.function); depth != function_depth.end()) {
        layer_depth = std::max(layer_depth, depth->second + 3);
      }
      edge.a = read_real(require(edge_node, "a", edge_path), edge_path + ".a");
      edge.b = read_real(require(edge_node, "b", edge_path), edge_path + ".b");
      edge.c = read_real(require(edge_node, "c", edge_path), edge_path + ".c");
      edge.d = read_real(require(edge_node, "d", edge_path), edge_path + ".d");
    }
    composed_depth += layer_depth;
    if (composed_depth > kMaxFormulaDepth) {
      fail(node, path,
           "the network's composed formula is nested deeper than " +
               std::to_string(kMaxFormulaDepth) +
               " levels with this layer (the limit; each layer adds its deepest function and "
               "3 levels for c*f(a*x + b) + d)");
    }
    inputs = layer.outputs();
    network.layers.push_back(std::move(layer));
  }
  if (int(network.output_names.size()) != network.layers.back().outputs()) {
    fail(require(root, "output_names", ""), "output_names",
         std::to_string(network.output_names.size()) + " names for " +
             std::to_string(network.layers.back().outputs()) + " outputs");
  }
  return network;
}

}  // namespace hnn::symbolic
