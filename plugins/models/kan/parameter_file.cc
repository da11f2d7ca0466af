#include "parameter_file.h"

#include <cerrno>
#include <cstdlib>

#include "hnn/config_tree.h"
#include "hnn/error.h"

namespace hnn::kan {
namespace {

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const ConfigNode& node, const std::string& key,
                         const std::string& message) const {
    const std::string where = node.location().line > 0 ? node.location().to_string() : path_;
    throw Error(where + ": error: kan initial_parameters: " + key + ": " + message);
  }

  const ConfigNode& require(const ConfigNode& map, const std::string& key,
                            const std::string& path) const {
    const ConfigNode* node = map.is_map() ? map.find(key) : nullptr;
    if (node == nullptr) fail(map, path, "missing key '" + key + "'");
    return *node;
  }

  double real(const ConfigNode& node, const std::string& key) const {
    if (!node.is_scalar()) fail(node, key, "expected a real, found " + node.describe());
    const std::string& text = node.text();
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE) {
      fail(node, key, "expected a real, found " + node.describe());
    }
    return value;
  }

  std::vector<double> reals(const ConfigNode& node, const std::string& key,
                            std::size_t expected) const {
    if (!node.is_sequence()) fail(node, key, "expected a list of reals, found " + node.describe());
    if (node.items().size() != expected) {
      fail(node, key,
           "expected " + std::to_string(expected) + " values, found " +
               std::to_string(node.items().size()));
    }
    std::vector<double> values;
    for (const ConfigNode& item : node.items()) values.push_back(real(item, key));
    return values;
  }

  void check_integer(const ConfigNode& map, const std::string& key, const std::string& path,
                     long expected) const {
    const ConfigNode* node = map.find(key);
    if (node == nullptr) return;
    const double value = real(*node, path);
    if (value != static_cast<double>(expected)) {
      fail(*node, path,
           "the file has " + node->text() + ", the model has " + std::to_string(expected));
    }
  }

 private:
  std::string path_;
};

}  // namespace

std::vector<LayerValues> read_parameter_file(const std::string& path, const std::vector<int>& width,
                                             int grid, int k, const std::string& base_function) {
  const ConfigNode root = load_config_file(path);
  const Reader reader(path);
  if (const ConfigNode* model = root.find("model"); model != nullptr && model->is_map()) {
    if (const ConfigNode* w = model->find("width")) {
      if (!w->is_sequence() || w->items().size() != width.size()) {
        reader.fail(*w, "model.width",
                    "the file has " + w->describe() + " (" + std::to_string(w->items().size()) +
                        " entries), the model has " + std::to_string(width.size()) + " entries");
      }
      for (std::size_t l = 0; l < width.size(); ++l) {
        if (reader.real(w->items()[l], "model.width") != width[l]) {
          reader.fail(w->items()[l], "model.width[" + std::to_string(l) + "]",
                      "the file has " + w->items()[l].text() + ", the model has " +
                          std::to_string(width[l]));
        }
      }
    }
    reader.check_integer(*model, "grid", "model.grid", grid);
    reader.check_integer(*model, "k", "model.k", k);
    if (const ConfigNode* base = model->find("base_fun"); base != nullptr && base->is_scalar()) {
      const std::string& text = base->text();
      const bool silu = text == "SiLU" || text == "silu";
      const bool none = text == "none" || text == "zero";
      if ((silu && base_function != "silu") || (none && base_function != "none") ||
          (!silu && !none)) {
        reader.fail(
            *base, "model.base_fun",
            "the file has '" + text + "', the model has base_function '" + base_function + "'");
      }
    }
  }
  const ConfigNode& layers = reader.require(root, "layers", "layers");
  const std::size_t layer_count = width.size() - 1;
  if (!layers.is_sequence() || layers.items().size() != layer_count) {
    reader.fail(
        layers, "layers",
        "expected a list of " + std::to_string(layer_count) + " layers, found " +
            layers.describe() +
            (layers.is_sequence() ? " of " + std::to_string(layers.items().size()) + " entries"
                                  : std::string()));
  }
  std::vector<LayerValues> result(layer_count);
  for (std::size_t l = 0; l < layer_count; ++l) {
    const ConfigNode& layer = layers.items()[l];
    const std::string at = "layers[" + std::to_string(l) + "]";
    const int n_in = width[l];
    const int n_out = width[l + 1];
    const std::size_t edges = static_cast<std::size_t>(n_in) * n_out;
    reader.check_integer(layer, "n_in", at + ".n_in", n_in);
    reader.check_integer(layer, "n_out", at + ".n_out", n_out);
    LayerValues& values = result[l];
    values.bias = reader.reals(reader.require(layer, "bias", at), at + ".bias", n_out);
    const ConfigNode& edge_list = reader.require(layer, "edges", at);
    if (!edge_list.is_sequence() || edge_list.items().size() != edges) {
      reader.fail(edge_list, at + ".edges",
                  "expected " + std::to_string(edges) +
                      " edges (n_in * n_out = " + std::to_string(n_in) + " * " +
                      std::to_string(n_out) + "), found " + edge_list.describe());
    }
    for (std::size_t e = 0; e < edges; ++e) {
      const ConfigNode& edge = edge_list.items()[e];
      const std::string edge_at = at + ".edges[" + std::to_string(e) + "]";
      reader.check_integer(edge, "e", edge_at + ".e", static_cast<long>(e));
      const auto grid_values =
          reader.reals(reader.require(edge, "grid", edge_at), edge_at + ".grid", grid + 1);
      values.grid.insert(values.grid.end(), grid_values.begin(), grid_values.end());
      const auto coef =
          reader.reals(reader.require(edge, "coef", edge_at), edge_at + ".coef", grid + k);
      values.coef.insert(values.coef.end(), coef.begin(), coef.end());
      values.scale_base.push_back(
          reader.real(reader.require(edge, "scale_base", edge_at), edge_at + ".scale_base"));
      values.scale_spline.push_back(
          reader.real(reader.require(edge, "scale_sp", edge_at), edge_at + ".scale_sp"));
      const ConfigNode* mask = edge.find("mask");
      values.mask.push_back(mask ? reader.real(*mask, edge_at + ".mask") : 1.0);
      if (const ConfigNode* symbolic = edge.find("symbolic_mask")) {
        if (reader.real(*symbolic, edge_at + ".symbolic_mask") != 0.0) {
          reader.fail(*symbolic, edge_at + ".symbolic_mask",
                      "is " + symbolic->text() + "; symbolic edges are not supported");
        }
      }
    }
  }
  return result;
}

}  // namespace hnn::kan
