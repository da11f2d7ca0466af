// Validation of the sections that choose plugins: a plugin section, an integrator, a
// training section with its optimizer stages.
#include "config_decoding.h"
#include "hnn/host/inline_schemas.h"
#include "section_validation.h"

namespace hnn::internal {

PluginChoice validate_plugin_section(const ConfigNode& section, PluginKind kind,
                                     const std::string& path, const std::string& default_plugin,
                                     const std::vector<std::string>& extra_keys,
                                     const Registry& registry, Diagnostics& diagnostics) {
  PluginChoice choice;
  choice.kind = kind;
  const std::string kind_name = to_string(kind);
  const ConfigNode* plugin_node = section.find("plugin");
  SourceLocation plugin_location = section.location();
  if (plugin_node == nullptr) {
    if (default_plugin.empty()) {
      diagnostics.error(section.location(), child_path(path, "plugin"),
                        "missing required key; expected the name of a " + kind_name +
                            " plugin (registered: " + join(registry.names(kind)) + ")");
      check_duplicates(section, path, diagnostics);
      return choice;
    }
    choice.plugin = default_plugin;
  } else if (!plugin_node->is_scalar()) {
    diagnostics.error(
        plugin_node->location(), child_path(path, "plugin"),
        "expected the name of a " + kind_name + " plugin, found " + plugin_node->describe());
    check_duplicates(section, path, diagnostics);
    return choice;
  } else {
    choice.plugin = plugin_node->text();
    plugin_location = plugin_node->location();
  }
  const PluginInfo* info = registry.find(kind, choice.plugin);
  if (info == nullptr) {
    std::string message = "unknown " + kind_name + " '" + choice.plugin + "'";
    const auto names = registry.names(kind);
    const std::string suggestion = did_you_mean(choice.plugin, names);
    if (!suggestion.empty()) message += " (did you mean '" + suggestion + "'?)";
    message += "; registered " + kind_name + "s: " + (names.empty() ? "none" : join(names));
    diagnostics.error(plugin_location, child_path(path, "plugin"), message);
    check_duplicates(section, path, diagnostics);
    choice.plugin.clear();
    return choice;
  }
  std::vector<std::string> extra = extra_keys;
  extra.push_back("plugin");
  choice.options = validate_options(section, info->schema, path,
                                    kind_name + " '" + choice.plugin + "'", extra, diagnostics);
  return choice;
}

TrainingStage validate_stage(const ConfigNode& map, const std::string& path,
                             const Registry& registry, Diagnostics& diagnostics) {
  TrainingStage stage;
  const ConfigNode* optimizer = map.find("optimizer");
  const ConfigNode optimizer_node =
      optimizer ? *optimizer : default_section(map.location(), {{"plugin", "lbfgs"}});
  if (const ConfigNode* m =
          expect_map(optimizer_node, child_path(path, "optimizer"), diagnostics)) {
    stage.optimizer =
        validate_plugin_section(*m, PluginKind::kOptimizer, child_path(path, "optimizer"), "lbfgs",
                                {}, registry, diagnostics);
  }
  return stage;
}

ConfigNode default_evaluation_integrator(const SourceLocation& where) {
  return default_section(where, {{"plugin", "rk45"}, {"rtol", "1e-12"}, {"atol", "1e-6"}});
}

TrainingConfig validate_training(const ConfigNode& section, const std::string& path,
                                 const Registry& registry, Diagnostics& diagnostics) {
  TrainingConfig training;
  ConfigNode map = section.is_map() ? section : ConfigNode::map(section.location());
  if (!section.is_map() && !section.is_null()) {
    diagnostics.error(section.location(), path,
                      "expected a map of options, found " + section.describe());
  }
  training.settings = decode_settings<TrainingSettings>(
      validate_options(map, *host_section_schema("training"), path, "the training section",
                       {"optimizer", "stages", "dissipation", "trajectory"}, diagnostics));
  if (const ConfigNode* dissipation = map.find("dissipation")) {
    const std::string dissipation_path = child_path(path, "dissipation");
    if (const ConfigNode* block = expect_map(*dissipation, dissipation_path, diagnostics)) {
      training.settings.dissipation = decode_settings<DissipationSettings>(
          validate_options(*block, *host_section_schema("dissipation"), dissipation_path,
                           "the dissipation section", {}, diagnostics));
    }
  }
  if (const ConfigNode* trajectory = map.find("trajectory")) {
    const std::string trajectory_path = child_path(path, "trajectory");
    // Validated always; used by the models whose objective is trajectory.
    if (const ConfigNode* block = expect_map(*trajectory, trajectory_path, diagnostics)) {
      training.settings.trajectory = decode_settings<TrajectorySettings>(
          validate_options(*block, *host_section_schema("trajectory"), trajectory_path,
                           "the trajectory section", {}, diagnostics));
    }
  }
  const ConfigNode* stages = map.find("stages");
  if (stages == nullptr) {
    training.stages.push_back(validate_stage(map, path, registry, diagnostics));
  } else if (map.find("optimizer") != nullptr) {
    diagnostics.error(stages->location(), child_path(path, "stages"),
                      "expected either `optimizer` (one stage) or `stages`, found both");
  } else if (!stages->is_sequence() || stages->items().empty()) {
    diagnostics.error(stages->location(), child_path(path, "stages"),
                      "expected a list of stages, each {optimizer: {...}, update_grid: false}, "
                      "found " +
                          (stages->is_sequence() ? "an empty list" : stages->describe()));
  } else {
    const OptionSchema& stage_schema = training_stage_schema();
    for (std::size_t i = 0; i < stages->items().size(); ++i) {
      const std::string stage_path = child_path(path, "stages") + "[" + std::to_string(i) + "]";
      const ConfigNode& item = stages->items()[i];
      if (!item.is_map()) {
        diagnostics.error(
            item.location(), stage_path,
            "expected a map {optimizer: {...}, update_grid: false}, found " + item.describe());
        continue;
      }
      const Options options = validate_options(item, stage_schema, stage_path, "a training stage",
                                               {"optimizer"}, diagnostics);
      TrainingStage stage = validate_stage(item, stage_path, registry, diagnostics);
      stage.update_grid = options.contains("update_grid") && options.boolean("update_grid");
      training.stages.push_back(std::move(stage));
    }
  }
  if (!training.stages.empty() && training.settings.update_grid) {
    training.stages.front().update_grid = true;
  }
  return training;
}

PluginChoice validate_integrator(const ConfigNode& section, const std::string& key,
                                 const std::string& path, const ConfigNode& default_node,
                                 const Registry& registry, Diagnostics& diagnostics) {
  const ConfigNode* given = section.find(key);
  const ConfigNode& node = given ? *given : default_node;
  PluginChoice choice;
  choice.kind = PluginKind::kIntegrator;
  if (const ConfigNode* m = expect_map(node, child_path(path, key), diagnostics)) {
    choice = validate_plugin_section(*m, PluginKind::kIntegrator, child_path(path, key), "rk45", {},
                                     registry, diagnostics);
  }
  return choice;
}

// Builds the system to let it check what only it can. A construction error that starts

}  // namespace hnn::internal
