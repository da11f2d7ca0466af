#include "hnn/host/sweep_definition.h"

#include <algorithm>
#include <map>
#include <set>

#include "config_decoding.h"
#include "hnn/host/pipeline_overrides.h"
#include "hnn/utf8.h"
#include "section_validation.h"

namespace hnn {
namespace fs = std::filesystem;
using namespace internal;

namespace {

const std::vector<std::string> kVaryingKeys = {"set", "grid", "list", "seeds"};

// The product a * b, saturated at kMaxSweepRuns + 1 (no overflow on a hostile grid).
std::size_t saturated_product(std::size_t a, std::size_t b) {
  constexpr std::size_t kCap = kMaxSweepRuns + 1;
  if (a == 0 || b == 0) return 0;
  if (a > kCap / b) return kCap;
  return std::min(kCap, a * b);
}

// Reads a map of key paths (`set`, `grid`, `list`) into `keys`. `lists`: each value must be
// a non-empty list, whose items are the values; else the value itself is the one value.
void read_keys(const ConfigNode& sweep, const std::string& name, bool lists,
               std::vector<SweepKey>& keys, Diagnostics& diagnostics) {
  const ConfigNode* node = sweep.find(name);
  if (node == nullptr || node->is_null()) return;
  const std::string path = "sweep." + name;
  if (!node->is_map()) {
    diagnostics.error(node->location(), path,
                      "expected a map of pipeline key paths (e.g. training.optimizer.epochs) to " +
                          std::string(lists ? "lists of values" : "values") + ", found " +
                          node->describe());
    return;
  }
  check_duplicates(*node, path, diagnostics);
  for (const auto& entry : node->entries()) {
    SweepKey key{entry.key, split_key_path(entry.key), entry.key_location, {}};
    if (key.keys.empty()) {
      diagnostics.error(entry.key_location, child_path(path, entry.key),
                        "expected a dotted pipeline key path such as training.optimizer.epochs; "
                        "it has an empty key");
      continue;
    }
    if (!lists) {
      key.values.push_back(entry.value);
    } else if (!entry.value.is_sequence() || entry.value.items().empty()) {
      diagnostics.error(
          entry.value.location(), child_path(path, entry.key),
          "expected a non-empty list of the values to run, found " + entry.value.describe());
      continue;
    } else {
      key.values = entry.value.items();
    }
    keys.push_back(std::move(key));
  }
}

// `seeds`: a count n (seeds 0 .. n-1) or a list of distinct integers >= 0.
void read_seeds(const ConfigNode& sweep, SweepDefinition& definition, Diagnostics& diagnostics) {
  const ConfigNode* node = sweep.find("seeds");
  if (node == nullptr || node->is_null()) return;
  definition.seeds_location = node->location();
  const Option count = Option::integer("seeds", 1, "").at_least(1).at_most(double(kMaxSweepRuns));
  if (node->is_scalar()) {
    const auto value = decode_option(*node, count, "sweep.seeds", diagnostics);
    if (!value) return;
    for (std::int64_t seed = 0; seed < std::get<std::int64_t>(*value); ++seed) {
      definition.seeds.push_back(seed);
    }
    return;
  }
  const Option list = Option::integer_list("seeds", {}, "").at_least(0).min_length(1);
  const auto value = decode_option(*node, list, "sweep.seeds", diagnostics);
  if (!value) return;
  definition.seeds = std::get<std::vector<std::int64_t>>(*value);
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < definition.seeds.size(); ++i) {
    if (!seen.insert(definition.seeds[i]).second) {
      diagnostics.error(node->items()[i].location(), "sweep.seeds[" + std::to_string(i) + "]",
                        "the seed " + std::to_string(definition.seeds[i]) +
                            " is given twice; expected distinct seeds");
    }
  }
}

}  // namespace

std::size_t SweepDefinition::setting_count() const {
  std::size_t count = 1;
  for (const auto& key : grid) count = saturated_product(count, key.values.size());
  if (!list.empty()) count = saturated_product(count, list.front().values.size());
  return count;
}

std::size_t SweepDefinition::run_count() const {
  return saturated_product(setting_count(), seeds.empty() ? 1 : seeds.size());
}

bool is_sweep_file(const ConfigNode& root) { return root.is_map() && root.find("sweep"); }

SweepDefinition read_sweep(const ConfigNode& root, const fs::path& file, Diagnostics& diagnostics) {
  SweepDefinition definition;
  definition.file = file;
  check_duplicates(root, "", diagnostics);
  for (const auto& entry : root.entries()) {
    if (entry.key != "sweep") {
      report_unknown_key(entry, "", {"sweep"}, "a sweep file", diagnostics);
    }
  }
  const ConfigNode* sweep = root.find("sweep");
  if (sweep == nullptr) return definition;
  definition.location = sweep->location();
  definition.seeds_location = sweep->location();
  definition.pipeline_location = sweep->location();
  if (sweep->is_map() && sweep->find("pipeline")) {
    definition.pipeline_location = sweep->find("pipeline")->location();
  }
  if (!sweep->is_map()) {
    diagnostics.error(
        sweep->location(), "sweep",
        "expected a map (pipeline, grid, list, seeds, ...), found " + sweep->describe());
    return definition;
  }
  const Options options = validate_options(*sweep, SweepSettings::binding().schema(), "sweep",
                                           "the sweep section", kVaryingKeys, diagnostics);
  definition.settings = decode_settings<SweepSettings>(options);
  if (definition.settings.name.empty()) definition.settings.name = file.stem().string();
  // The name becomes the default sweep folder's name, as a pipeline's.
  const std::string& name = definition.settings.name;
  const bool control = std::any_of(name.begin(), name.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (name.find('/') != std::string::npos || name == "." || name == ".." || control ||
      find_invalid_utf8(name)) {
    const ConfigNode* node = sweep->find("name");
    diagnostics.error(node ? node->location() : sweep->location(), "sweep.name",
                      "expected a sweep name of UTF-8 text without '/' or control characters, "
                      "found '" +
                          escape_for_message(name) + "'");
  }
  read_keys(*sweep, "set", false, definition.fixed, diagnostics);
  read_keys(*sweep, "grid", true, definition.grid, diagnostics);
  read_keys(*sweep, "list", true, definition.list, diagnostics);
  read_seeds(*sweep, definition, diagnostics);

  // Every list as long as the first.
  for (const auto& key : definition.list) {
    const std::size_t expected = definition.list.front().values.size();
    if (key.values.size() != expected) {
      diagnostics.error(key.key_location, "sweep.list." + key.path,
                        "has " + std::to_string(key.values.size()) + " values, the first list (" +
                            definition.list.front().path + ") " + std::to_string(expected) +
                            "; the lists are zipped, so they need the same length");
    }
  }
  // A key path set once: in set, grid, list or seed_keys.
  std::map<std::string, std::string> owner;
  const auto claim = [&](const std::string& path, const std::string& section,
                         const SourceLocation& location) {
    const auto [found, inserted] = owner.try_emplace(path, section);
    if (!inserted) {
      diagnostics.error(location, "sweep." + section + "." + path,
                        "the key is already set by sweep." + found->second +
                            "; a key can vary in one place only");
    }
  };
  for (const auto& key : definition.fixed) claim(key.path, "set", key.key_location);
  for (const auto& key : definition.grid) claim(key.path, "grid", key.key_location);
  for (const auto& key : definition.list) claim(key.path, "list", key.key_location);
  const ConfigNode* seed_keys = sweep->find("seed_keys");
  for (std::size_t i = 0; i < definition.settings.seed_keys.size(); ++i) {
    const std::string& path = definition.settings.seed_keys[i];
    const SourceLocation location =
        seed_keys && seed_keys->is_sequence() && i < seed_keys->items().size()
            ? seed_keys->items()[i].location()
            : definition.location;
    if (split_key_path(path).empty()) {
      diagnostics.error(
          location, "sweep.seed_keys[" + std::to_string(i) + "]",
          "expected a dotted pipeline key path such as data.seed, found '" + path + "'");
      continue;
    }
    claim(path, "seed_keys", location);
  }
  if (definition.run_count() > kMaxSweepRuns) {
    diagnostics.error(definition.location, "sweep",
                      "expands to more than " + std::to_string(kMaxSweepRuns) +
                          " runs (settings times seeds); split it into smaller sweeps");
  }
  return definition;
}

ConfigNode load_sweep_pipeline(const SweepDefinition& definition) {
  const std::string where = definition.pipeline_location.to_string() + ": error: sweep.pipeline: ";
  ConfigNode base;
  try {
    base = load_config_file(definition.settings.pipeline);
  } catch (const ConfigError& error) {
    throw ConfigError(where + "the base pipeline cannot be used: " + error.what());
  }
  if (is_sweep_file(base)) {
    throw ConfigError(where + definition.settings.pipeline +
                      " is a sweep file; expected a pipeline (sweeps do not nest)");
  }
  return base;
}

}  // namespace hnn
