// Validation of a model's symbolic section (models.<m>.symbolic): its options, the manual
// edge assignments and the refine stage. What needs the model (an edge network, edges
// that exist) is checked with the model (model_checks.cc).
#include <algorithm>
#include <map>
#include <tuple>

#include "config_decoding.h"
#include "hnn/symbolic/function_library.h"
#include "section_validation.h"

namespace hnn::internal {
namespace {

int read_index(const ConfigNode& map, const std::string& key, const std::string& path,
               Diagnostics& diagnostics) {
  const Option option = Option::required(key, OptionType::kInteger, "index").at_least(0);
  const ConfigNode* node = map.find(key);
  if (node == nullptr) {
    diagnostics.error(map.location(), child_path(path, key),
                      "missing required key; expected an integer >= 0");
    return -1;
  }
  auto value = decode_option(*node, option, child_path(path, key), diagnostics);
  return value ? int(std::get<std::int64_t>(*value)) : -1;
}

}  // namespace

SymbolicConfig validate_symbolic(const ConfigNode& section, const std::string& path,
                                 const Registry& registry, Diagnostics& diagnostics) {
  SymbolicConfig symbolic;
  symbolic.enabled = true;
  const ConfigNode map = section.is_map() ? section : ConfigNode::map(section.location());
  if (!section.is_map() && !section.is_null()) {
    diagnostics.error(section.location(), path,
                      "expected a map of symbolic options, found " + section.describe());
  }
  symbolic.settings = decode_settings<SymbolicSettings>(
      validate_options(map, *host_section_schema("symbolic"), path, "the symbolic section",
                       {"edges", "refine"}, diagnostics));
  symbolic::SymbolicFunctionLibrary library;
  try {
    library = symbolic::SymbolicFunctionLibrary::with_registered(registry.symbolic_functions());
  } catch (const Error& error) {
    diagnostics.error(section.location(), path, error.what());
    return symbolic;
  }
  const std::vector<std::string> known = library.names();
  auto check_function = [&](const ConfigNode& node, const std::string& name,
                            const std::string& where) {
    if (library.contains(name)) return true;
    std::string message = "unknown symbolic function '" + name + "'";
    const std::string suggestion = did_you_mean(name, known);
    if (!suggestion.empty()) message += " (did you mean '" + suggestion + "'?)";
    diagnostics.error(node.location(), where, message + "; known: " + join(known));
    return false;
  };
  if (const ConfigNode* functions = map.find("functions"); functions && functions->is_sequence()) {
    for (std::size_t k = 0; k < functions->items().size(); ++k) {
      const ConfigNode& item = functions->items()[k];
      if (item.is_scalar()) {
        check_function(item, item.text(),
                       child_path(path, "functions") + "[" + std::to_string(k) + "]");
      }
    }
  }
  if (const ConfigNode* edges = map.find("edges")) {
    if (!edges->is_sequence()) {
      diagnostics.error(
          edges->location(), child_path(path, "edges"),
          "expected a list of {layer, input, output, function}, found " + edges->describe());
    } else {
      std::map<std::tuple<int, int, int>, SourceLocation> first_assignment;
      for (std::size_t k = 0; k < edges->items().size(); ++k) {
        const std::string item_path = child_path(path, "edges") + "[" + std::to_string(k) + "]";
        const ConfigNode& item = edges->items()[k];
        if (!item.is_map()) {
          diagnostics.error(item.location(), item_path,
                            "expected {layer: 0, input: 0, output: 0, function: \"x^2\"}, found " +
                                item.describe());
          continue;
        }
        check_duplicates(item, item_path, diagnostics);
        const std::vector<std::string> allowed = {"layer", "input", "output", "function"};
        for (const auto& entry : item.entries()) {
          if (std::find(allowed.begin(), allowed.end(), entry.key) == allowed.end()) {
            report_unknown_key(entry, item_path, allowed, "an edge assignment", diagnostics);
          }
        }
        SymbolicEdgeChoice choice;
        choice.layer = read_index(item, "layer", item_path, diagnostics);
        choice.input = read_index(item, "input", item_path, diagnostics);
        choice.output = read_index(item, "output", item_path, diagnostics);
        const ConfigNode* function = item.find("function");
        if (function == nullptr) {
          diagnostics.error(item.location(), child_path(item_path, "function"),
                            "missing required key; expected the name of a symbolic function");
        } else if (!function->is_scalar()) {
          diagnostics.error(
              function->location(), child_path(item_path, "function"),
              "expected the name of a symbolic function, found " + function->describe());
        } else {
          choice.function = function->text();
          check_function(*function, choice.function, child_path(item_path, "function"));
        }
        // Each edge's first assignment: a duplicate is reported once, naming it.
        const auto [first, inserted] = first_assignment.try_emplace(
            std::tuple{choice.layer, choice.input, choice.output}, item.location());
        if (!inserted && choice.layer >= 0) {
          diagnostics.error(
              item.location(), item_path,
              "this edge (layer " + std::to_string(choice.layer) + ", input " +
                  std::to_string(choice.input) + ", output " + std::to_string(choice.output) +
                  ") is assigned twice; first at line " + std::to_string(first->second.line));
        }
        symbolic.edges.push_back(std::move(choice));
      }
    }
  }
  if (const ConfigNode* refine = map.find("refine")) {
    if (refine->is_map()) {
      check_duplicates(*refine, child_path(path, "refine"), diagnostics);
      for (const auto& entry : refine->entries()) {
        if (entry.key != "optimizer") {
          report_unknown_key(entry, child_path(path, "refine"), {"optimizer"}, "the refine section",
                             diagnostics);
        }
      }
      symbolic.refine.push_back(
          validate_stage(*refine, child_path(path, "refine"), registry, diagnostics));
    } else if (!refine->is_null()) {
      diagnostics.error(refine->location(), child_path(path, "refine"),
                        "expected {optimizer: {plugin: lbfgs, ...}}, found " + refine->describe());
    }
  }
  return symbolic;
}

}  // namespace hnn::internal
