// Validation of the `models` section: per model, its plugin, its training (the training
// section merged with the model's overrides), its checkpoint path and its symbolic stage;
// then the model built and checked (model_checks.cc).
#include <algorithm>
#include <functional>
#include <set>

#include "config_decoding.h"
#include "hnn/utf8.h"
#include "section_validation.h"

namespace hnn::internal {

std::vector<ModelConfig> validate_models(const ConfigNode& root, const ConfigNode& training_section,
                                         int state_dimension, const Registry& registry,
                                         const ResourceBudget& budget, Diagnostics& diagnostics) {
  std::vector<ModelConfig> configs;
  const ConfigNode* models = root.find("models");
  if (models == nullptr || models->is_null()) {
    diagnostics.error(models ? models->location() : root.location(), "models",
                      "missing required section; expected a map of named models, e.g. "
                      "models: {mlp: {plugin: mlp}} (registered models: " +
                          join(registry.names(PluginKind::kModel)) + ")");
  } else if (!models->is_map()) {
    diagnostics.error(models->location(), "models",
                      "expected a map of named models, found " + models->describe());
  } else {
    check_duplicates(*models, "models", diagnostics);
    if (models->entries().empty()) {
      diagnostics.error(models->location(), "models", "expected at least one model, found none");
    }
    std::set<std::string> seen;
    for (const auto& entry : models->entries()) {
      if (!seen.insert(entry.key).second) continue;
      const std::string path = "models." + entry.key;
      ModelConfig model;
      model.name = entry.key;
      const std::size_t problems_before = diagnostics.size();
      // The name becomes file names (checkpoints/<name>.yaml) and labels of the report.
      const bool control = std::any_of(entry.key.begin(), entry.key.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      });
      if (entry.key.empty() || entry.key.find_first_of("/\\ ") != std::string::npos || control ||
          find_invalid_utf8(entry.key)) {
        diagnostics.error(entry.key_location, "models." + escape_for_message(entry.key),
                          "expected a model name of UTF-8 text without spaces, '/', '\\' or "
                          "control characters, found '" +
                              escape_for_message(entry.key) + "'");
      }
      const ConfigNode* m = expect_map(entry.value, path, diagnostics);
      if (m == nullptr) {
        if (entry.value.is_null()) {
          diagnostics.error(entry.value.location(), path + ".plugin",
                            "missing required key; expected the name of a model plugin "
                            "(registered: " +
                                join(registry.names(PluginKind::kModel)) + ")");
        }
        continue;
      }
      model.model =
          validate_plugin_section(*m, PluginKind::kModel, path, "",
                                  {"training", "checkpoint", "symbolic"}, registry, diagnostics);
      if (const ConfigNode* symbolic = m->find("symbolic")) {
        model.symbolic = validate_symbolic(*symbolic, path + ".symbolic", registry, diagnostics);
      }
      ConfigNode training =
          training_section.is_map() ? training_section : ConfigNode::map(root.location());
      if (const ConfigNode* overrides = m->find("training")) {
        if (overrides->is_map()) {
          training = merge(training, *overrides);
          // One form or the other: the model's choice replaces the section's.
          if (overrides->find("stages")) training.erase("optimizer");
          if (overrides->find("optimizer")) training.erase("stages");
        } else if (!overrides->is_null()) {
          diagnostics.error(overrides->location(), path + ".training",
                            "expected a map of training options, found " + overrides->describe());
        }
      }
      // Errors in the shared training section are reported once, under "training".
      Diagnostics training_diagnostics;
      model.training =
          validate_training(training, path + ".training", registry, training_diagnostics);
      // Only diagnostics located inside this model's own training overrides are new.
      if (const ConfigNode* overrides = m->find("training"); overrides && overrides->is_map()) {
        std::set<std::pair<int, int>> own;
        std::function<void(const ConfigNode&)> collect = [&](const ConfigNode& node) {
          own.insert({node.location().line, node.location().column});
          for (const auto& e : node.entries()) {
            own.insert({e.key_location.line, e.key_location.column});
            collect(e.value);
          }
          for (const auto& item : node.items()) collect(item);
        };
        collect(*overrides);
        for (const auto& d : training_diagnostics.all()) {
          if (own.count({d.location.line, d.location.column}) &&
              d.location.file == overrides->location().file) {
            diagnostics.error(d.location, d.path, d.message);
          }
        }
      }
      if (const ConfigNode* checkpoint = m->find("checkpoint")) {
        const Option option = Option::string("checkpoint", "", "checkpoint file to load");
        if (auto value = decode_option(*checkpoint, option, path + ".checkpoint", diagnostics)) {
          model.checkpoint =
              resolve_path(std::get<std::string>(*value), checkpoint->location().file);
        }
      }
      // The model is built only when all it is built from is valid.
      if (state_dimension > 0 && diagnostics.size() == problems_before &&
          training_diagnostics.empty() && !model.model.plugin.empty()) {
        check_model(model, *m, training, path, state_dimension, registry, budget, diagnostics);
      }
      configs.push_back(std::move(model));
    }
  }
  return configs;
}

}  // namespace hnn::internal
