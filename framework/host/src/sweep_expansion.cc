#include "hnn/host/sweep_expansion.h"

#include <set>

#include "hnn/error.h"
#include "hnn/host/pipeline_overrides.h"
#include "hnn/host/pipeline_validation.h"
#include "hnn/host/pipeline_yaml.h"

namespace hnn {
namespace {

// Writes `value` at `key`'s path, reporting a path through a non-map at the key.
void assign(ConfigNode& pipeline, const SweepKey& key, const ConfigNode& value,
            const std::string& section, Diagnostics& diagnostics) {
  try {
    set_key_path(pipeline, key.keys, value, key.key_location, key.key_location.to_string());
  } catch (const ConfigError& error) {
    const std::string text = error.what();
    const auto at = text.find(": error: ");
    diagnostics.error(key.key_location, "sweep." + section + "." + key.path,
                      at == std::string::npos ? text : text.substr(at + 9));
  }
}

// The index of every grid key and of the list in setting k: the grid's keys in file order,
// the last fastest, then the list's index fastest of all.
std::vector<std::size_t> setting_indices(const SweepDefinition& definition, std::size_t k) {
  std::vector<std::size_t> radices;
  for (const auto& key : definition.grid) radices.push_back(key.values.size());
  if (!definition.list.empty()) radices.push_back(definition.list.front().values.size());
  std::vector<std::size_t> indices(radices.size());
  for (std::size_t axis = radices.size(); axis-- > 0;) {
    indices[axis] = k % radices[axis];
    k /= radices[axis];
  }
  return indices;
}

std::string padded(std::size_t value, std::size_t width) {
  std::string text = std::to_string(value);
  return std::string(width > text.size() ? width - text.size() : 0, '0') + text;
}

}  // namespace

std::vector<std::string> default_seed_keys(const ConfigNode& pipeline, const Registry& registry) {
  std::vector<std::string> keys = {"data.seed", "training.batch_seed"};
  const ConfigNode* models = pipeline.find("models");
  if (models == nullptr || !models->is_map()) return keys;
  std::set<std::string> seen;
  for (const auto& entry : models->entries()) {
    if (!entry.value.is_map() || !seen.insert(entry.key).second) continue;
    const ConfigNode* plugin = entry.value.find("plugin");
    if (plugin == nullptr || !plugin->is_scalar()) continue;
    const PluginInfo* info = registry.find(PluginKind::kModel, plugin->text());
    if (info != nullptr && info->schema.find("seed") != nullptr) {
      keys.push_back("models." + entry.key + ".seed");
    }
  }
  return keys;
}

SweepPlan expand_sweep(const SweepDefinition& definition, const ConfigNode& base,
                       const std::vector<std::string>& overrides, const Registry& registry,
                       const ResourceLimits& limits, Diagnostics& diagnostics) {
  SweepPlan plan;
  plan.file = definition.file;
  plan.settings = definition.settings;
  // A malformed --set throws here, once, not once per run.
  {
    ConfigNode probe = base;
    for (const auto& assignment : overrides) apply_override(probe, assignment);
  }
  ConfigNode fixed = base;
  for (const auto& key : definition.fixed) {
    assign(fixed, key, key.values.front(), "set", diagnostics);
  }
  if (!definition.seeds.empty()) {
    plan.seed_keys = definition.settings.seed_keys.empty() ? default_seed_keys(fixed, registry)
                                                           : definition.settings.seed_keys;
    // A seed key cannot also be set or varied by the sweep.
    for (const auto* keys : {&definition.fixed, &definition.grid, &definition.list}) {
      for (const auto& key : *keys) {
        for (const auto& seed_key : plan.seed_keys) {
          if (key.path != seed_key) continue;
          diagnostics.error(key.key_location, key.path,
                            "the sweep's seeds are written to this key too; leave it out or "
                            "name the seed keys with seed_keys");
        }
      }
    }
  }
  if (!diagnostics.empty()) return plan;

  const std::size_t settings = definition.setting_count();
  const std::size_t width = std::to_string(settings == 0 ? 0 : settings - 1).size();
  std::set<std::string> reported;
  for (std::size_t k = 0; k < settings; ++k) {
    const auto indices = setting_indices(definition, k);
    std::vector<std::pair<const SweepKey*, const ConfigNode*>> values;
    std::vector<SweepAssignment> texts;
    for (std::size_t g = 0; g < definition.grid.size(); ++g) {
      values.emplace_back(&definition.grid[g], &definition.grid[g].values[indices[g]]);
    }
    for (const auto& key : definition.list) values.emplace_back(&key, &key.values[indices.back()]);
    for (const auto& [key, value] : values) texts.push_back({key->path, flow_text(*value)});
    plan.settings_values.push_back(texts);

    const std::size_t seed_count = definition.seeds.empty() ? 1 : definition.seeds.size();
    for (std::size_t s = 0; s < seed_count; ++s) {
      SweepRun run;
      run.setting = k;
      run.id = std::string("s").append(padded(k, width));
      ConfigNode pipeline = fixed;
      Diagnostics run_diagnostics;
      for (const auto& [key, value] : values) {
        const bool in_grid =
            key >= definition.grid.data() && key < definition.grid.data() + definition.grid.size();
        assign(pipeline, *key, *value, in_grid ? "grid" : "list", run_diagnostics);
      }
      if (!definition.seeds.empty()) {
        run.seed = definition.seeds[s];
        run.id += "_seed" + std::to_string(*run.seed);
        const ConfigNode seed =
            ConfigNode::scalar(std::to_string(*run.seed), false, definition.seeds_location);
        for (const auto& path : plan.seed_keys) {
          const SweepKey key{path, split_key_path(path), definition.seeds_location, {}};
          assign(pipeline, key, seed, "seed_keys", run_diagnostics);
        }
      }
      for (const auto& assignment : overrides) apply_override(pipeline, assignment);
      PipelineConfig config;
      if (run_diagnostics.empty()) {
        config = validate_pipeline(pipeline, definition.settings.pipeline, registry,
                                   run_diagnostics, limits);
      }
      if (run_diagnostics.empty()) {
        run.pipeline = to_yaml(config);
      }
      for (const Diagnostic& problem : run_diagnostics.all()) {
        if (!reported.insert(problem.format()).second) continue;
        diagnostics.error(problem.location, problem.path,
                          problem.message + " (run " + run.id + ")");
      }
      plan.runs.push_back(std::move(run));
    }
  }
  return plan;
}

}  // namespace hnn
