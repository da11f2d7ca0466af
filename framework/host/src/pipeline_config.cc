#include "hnn/host/pipeline_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <optional>
#include <set>

#include "hnn/error.h"
#include "hnn/symbolic/function_library.h"

namespace hnn {
namespace fs = std::filesystem;

OptionSchema data_schema() {
  return OptionSchema{
      Option::integer("trajectories", 50, "number of trajectories").at_least(1),
      Option::real_list("time_span", {0.0, 3.0}, "start and end time of every trajectory")
          .length(2),
      Option::integer("points", 30, "samples per trajectory, equally spaced, ends included")
          .at_least(2),
      Option::real("noise_std", 0.0,
                   "standard deviation of Gaussian noise added to q and p (not to the targets); "
                   "drawn even when 0, as the original code")
          .at_least(0.0),
      Option::integer("seed", 0, "seed of the random stream that samples initial states and noise")
          .at_least(0)
          .at_most(4294967295.0),
      Option::string("rng", "numpy",
                     "random stream: numpy replays NumPy's legacy np.random (MT19937) exactly; "
                     "mt19937_64 is the C++ 64-bit Mersenne Twister")
          .one_of({"numpy", "mt19937_64"}),
      Option::real("train_fraction", 0.5,
                   "fraction of the rows used for training; the first rows (trajectories) train")
          .greater_than(0.0)
          .less_than(1.0),
      Option::string("split", "train_first",
                     "train_first: the first rows train (spring, pendulum); test_first: the "
                     "first rows test (the original orbit tasks)")
          .one_of({"train_first", "test_first"}),
      Option::boolean("draw_zero_noise", true,
                      "draw the noise even when noise_std is 0, advancing the random stream as "
                      "the original spring and pendulum code; false as the orbit generators"),
  };
}

OptionSchema training_schema() {
  return OptionSchema{
      Option::boolean("enabled", true,
                      "train the model; false evaluates it as loaded from its checkpoint"),
      Option::string("objective", "hnn",
                     "hnn: fit the symplectic field of an output; baseline: fit dx/dt directly")
          .one_of({"hnn", "baseline"}),
      Option::string("field", "solenoidal",
                     "HNN field: solenoidal J grad(F_H); conservative grad(F_C); both: their sum")
          .one_of({"solenoidal", "conservative", "both"}),
      Option::integer("hamiltonian_output", 1, "model output used as H (0-based)").at_least(0),
      Option::integer("conservative_output", 0, "model output of the conservative field")
          .at_least(0),
      Option::real("l1", 0.0, "L1 penalty coefficient: adds l1 * sum |theta|").at_least(0.0),
      Option::real("l1_smoothing", 0.0,
                   "0: the exact |theta|; s > 0: sqrt(theta^2 + s^2) - s, smooth, so that "
                   "Ceres' L-BFGS does not stall at the kinks of the L1 penalty (hnn objective)")
          .at_least(0.0),
      Option::integer("test_every", 1, "record the test loss every this many epochs").at_least(1),
      Option::integer("batch_size", 0,
                      "samples per evaluation: a fresh random subset every evaluation (one Adam "
                      "step), as the original orbit tasks; 0 = the whole training set")
          .at_least(0),
      Option::integer("batch_seed", 0, "seed of the minibatch draws").at_least(0),
      Option::boolean("update_grid", false,
                      "update the model's grid from the training inputs before training "
                      "(models with a grid, e.g. kan)"),
  };
}

OptionSchema evaluation_schema() {
  return OptionSchema{
      Option::boolean("enabled", true, "roll out the trained models and the true system"),
      Option::real_list("initial_state", {1.0, 0.0}, "initial state [q..., p...] of the rollout")
          .min_length(1),
      Option::real_list("time_span", {0.0, 20.0}, "start and end time of the rollout").length(2),
      Option::integer("points", 2000, "output times, equally spaced, ends included").at_least(2),
      Option::integer("energy_trials", 0,
                      "the HNN paper's energy metric: this many rollouts from random initial "
                      "states, mean over time of (E_true - E_model)^2 with E the true H; 0 = off")
          .at_least(0),
      Option::string("trial_initial_states", "box",
                     "box: each coordinate uniform in (-1, -0.2] or [0.2, 1), as the paper's "
                     "spring and pendulum analysis; system: the system's own sampler, reseeded "
                     "per trial (trial_seed + i), as its orbit analysis")
          .one_of({"box", "system"}),
      Option::real_list("trial_time_span", {0.0, 20.0}, "time span of every trial").length(2),
      Option::integer("trial_points", 100, "output times of every trial").at_least(2),
      Option::integer("trial_seed", 0, "seed of the trials' initial states (NumPy's stream)")
          .at_least(0)
          .at_most(4294967295.0),
  };
}

OptionSchema output_schema() {
  return OptionSchema{
      Option::string("directory", "", "run folder; \"\" means runs/<pipeline name>"),
      Option::real("progress_seconds", 10.0,
                   "seconds between plain progress lines when not on a terminal")
          .greater_than(0.0),
  };
}

OptionSchema symbolic_schema() {
  return OptionSchema{
      Option::string("samples", "test",
                     "inputs of the forward pass whose edge activations are fitted (the "
                     "study fitted the test set)")
          .one_of({"train", "test", "all"}),
      Option::string_list("functions", {},
                          "library functions to choose from (kan.md 6.1 and plugin-registered); "
                          "empty = all"),
      Option::boolean("auto", true,
                      "choose the best function for every edge not listed in `edges`"),
      Option::integer("top_k", 5, "suggestions kept per automatically chosen edge").at_least(1),
      Option::real("tie_tolerance", 1e-6,
                   "r2 scores closer than this count as a tie, won by the simpler function")
          .at_least(0.0),
      Option::real("prune_threshold", 1e-2,
                   "edges whose strength (acts_scale) is below this become 0; 0 = keep all")
          .at_least(0.0),
      Option::real_list("a_range", {-10.0, 10.0}, "search range of a in c*f(a*x + b) + d")
          .length(2),
      Option::real_list("b_range", {-10.0, 10.0}, "search range of b").length(2),
      Option::integer("grid_points", 101, "grid points per coordinate of the (a, b) search")
          .at_least(3),
      Option::integer("iterations", 3, "zooming rounds of the (a, b) search").at_least(1),
      Option::string("boundary_rule", "shrink",
                     "best (a, b) on the grid boundary: shrink to the boundary cell (pykan "
                     "HEAD) or keep the ranges (pykan 0.0.5's typo)")
          .one_of({"shrink", "keep"}),
      Option::integer("digits", 2, "decimals of the printed formulas").at_least(0).at_most(15),
      Option::real("field_tolerance", 1e-2,
                   "the recovered field J grad H counts as exact when its largest difference "
                   "from the true field on the data, relative to the largest true field, is "
                   "at most this")
          .greater_than(0.0),
      Option::boolean("evaluate", true,
                      "roll the recovered formula out beside the models, as <model>_symbolic"),
      Option::string("rollout", "network",
                     "network: the fitted (or refined) network at full precision; rounded: the "
                     "printed formula, rounded to `digits`")
          .one_of({"network", "rounded"}),
  };
}

const OptionSchema* host_section_schema(const std::string& section) {
  static const OptionSchema symbolic = symbolic_schema();
  if (section == "symbolic") return &symbolic;
  static const OptionSchema data = data_schema();
  static const OptionSchema training = training_schema();
  static const OptionSchema evaluation = evaluation_schema();
  static const OptionSchema output = output_schema();
  if (section == "data") return &data;
  if (section == "training") return &training;
  if (section == "evaluation") return &evaluation;
  if (section == "output") return &output;
  return nullptr;
}

namespace {

const std::vector<std::string> kRootKeys = {"name",   "description", "plugins",
                                            "system", "data",        "training",
                                            "models", "evaluation",  "output"};

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : ", ") + word;
  return text;
}

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string article(const std::string& noun) {
  return (std::string("aeiou").find(noun[0]) != std::string::npos ? "an " : "a ") + noun;
}

// "an integer >= 1", "a list of reals (2 elements)", "a string (one of: a, b)".
std::string expected_text(const Option& option) {
  std::string text = article(to_string(option.type()));
  const std::string range = option.describe_range();
  if (option.type() == OptionType::kBoolean) return text + " (true or false)";
  if (range.empty()) return text;
  if (option.type() == OptionType::kInteger || option.type() == OptionType::kReal) {
    return text + " " + range;
  }
  return text + " (" + range + ")";
}

bool parse_boolean(const ConfigNode& node, bool* value) {
  if (!node.is_scalar() || node.quoted()) return false;
  const std::string& t = node.text();
  if (t == "true" || t == "True" || t == "TRUE") return *value = true, true;
  if (t == "false" || t == "False" || t == "FALSE") return *value = false, true;
  return false;
}

bool parse_integer(const ConfigNode& node, std::int64_t* value) {
  if (!node.is_scalar() || node.quoted() || node.text().empty()) return false;
  const std::string& t = node.text();
  std::size_t start = (t[0] == '-' || t[0] == '+') ? 1 : 0;
  if (start == t.size()) return false;
  for (std::size_t i = start; i < t.size(); ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
  }
  errno = 0;
  const long long parsed = std::strtoll(t.c_str(), nullptr, 10);
  if (errno == ERANGE) return false;
  *value = parsed;
  return true;
}

bool parse_real(const ConfigNode& node, double* value) {
  if (!node.is_scalar() || node.quoted() || node.text().empty()) return false;
  const std::string& t = node.text();
  if (t == ".inf" || t == ".Inf" || t == "+.inf") return *value = HUGE_VAL, true;
  if (t == "-.inf" || t == "-.Inf") return *value = -HUGE_VAL, true;
  if (t == ".nan" || t == ".NaN") return *value = std::nan(""), true;
  if (t.find_first_not_of("0123456789+-.eE") != std::string::npos) return false;
  char* end = nullptr;
  errno = 0;
  const double parsed = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || errno == ERANGE) return false;
  *value = parsed;
  return true;
}

// Decodes one scalar element of `type` (a scalar type). Returns false when it does not fit.
bool decode_scalar(const ConfigNode& node, OptionType type, OptionValue* value) {
  switch (type) {
    case OptionType::kBoolean: {
      bool b;
      if (!parse_boolean(node, &b)) return false;
      *value = b;
      return true;
    }
    case OptionType::kInteger: {
      std::int64_t i;
      if (!parse_integer(node, &i)) return false;
      *value = i;
      return true;
    }
    case OptionType::kReal: {
      double r;
      if (!parse_real(node, &r)) return false;
      *value = r;
      return true;
    }
    case OptionType::kString:
      if (!node.is_scalar()) return false;
      *value = node.text();
      return true;
    default:
      return false;
  }
}

OptionType element_type(OptionType list_type) {
  switch (list_type) {
    case OptionType::kIntegerList:
      return OptionType::kInteger;
    case OptionType::kRealList:
      return OptionType::kReal;
    default:
      return OptionType::kString;
  }
}

bool is_list_type(OptionType type) {
  return type == OptionType::kIntegerList || type == OptionType::kRealList ||
         type == OptionType::kStringList;
}

// A path as written in `file` (a pipeline, or "--set ..." for the command line), made
// absolute: relative to the file's folder, or to the working directory for --set.
std::string resolve_path(const std::string& path, const fs::path& file) {
  if (path.empty()) return path;
  const fs::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  const bool command_line = file.string().rfind("--set", 0) == 0;
  const fs::path base = command_line ? fs::current_path() : fs::absolute(file).parent_path();
  return (base / p).lexically_normal().string();
}

// Decodes and range-checks one option value; problems go to diagnostics.
std::optional<OptionValue> decode_option(const ConfigNode& node, const Option& option,
                                         const std::string& path, Diagnostics& diagnostics) {
  if (!is_list_type(option.type())) {
    OptionValue value;
    if (!decode_scalar(node, option.type(), &value)) {
      diagnostics.error(node.location(), path,
                        "expected " + expected_text(option) + ", found " + node.describe());
      return std::nullopt;
    }
    const std::string problem = option.check(value);
    if (!problem.empty()) {
      diagnostics.error(node.location(), path,
                        "expected " + expected_text(option) + ", found " + node.describe());
      return std::nullopt;
    }
    return value;
  }
  if (!node.is_sequence()) {
    diagnostics.error(node.location(), path,
                      "expected " + expected_text(option) + ", found " + node.describe());
    return std::nullopt;
  }
  const OptionType type = element_type(option.type());
  std::vector<std::int64_t> integers;
  std::vector<double> reals;
  std::vector<std::string> strings;
  bool ok = true;
  for (std::size_t i = 0; i < node.items().size(); ++i) {
    const ConfigNode& item = node.items()[i];
    OptionValue element;
    if (!decode_scalar(item, type, &element)) {
      diagnostics.error(item.location(), path + "[" + std::to_string(i) + "]",
                        "expected " + article(to_string(type)) + " (in " + expected_text(option) +
                            "), found " + item.describe());
      ok = false;
      continue;
    }
    if (type == OptionType::kInteger) integers.push_back(std::get<std::int64_t>(element));
    if (type == OptionType::kReal) reals.push_back(std::get<double>(element));
    if (type == OptionType::kString) strings.push_back(std::get<std::string>(element));
  }
  if (!ok) return std::nullopt;
  OptionValue value;
  if (type == OptionType::kInteger) value = integers;
  if (type == OptionType::kReal) value = reals;
  if (type == OptionType::kString) value = strings;
  std::size_t bad = node.items().size();
  const std::string problem = option.check(value, &bad);
  if (!problem.empty()) {
    if (bad < node.items().size()) {
      const ConfigNode& item = node.items()[bad];
      diagnostics.error(item.location(), path + "[" + std::to_string(bad) + "]",
                        "expected " + expected_text(option) + ", found " + item.describe());
    } else {
      diagnostics.error(node.location(), path,
                        "expected " + expected_text(option) + ", found a list of " +
                            std::to_string(node.items().size()) + " element" +
                            (node.items().size() == 1 ? "" : "s"));
    }
    return std::nullopt;
  }
  return value;
}

// Reports duplicate keys of a map (every later occurrence).
void check_duplicates(const ConfigNode& map, const std::string& path, Diagnostics& diagnostics) {
  for (std::size_t i = 0; i < map.entries().size(); ++i) {
    const auto& entry = map.entries()[i];
    for (std::size_t j = 0; j < i; ++j) {
      const auto& earlier = map.entries()[j];
      if (earlier.key == entry.key) {
        diagnostics.error(entry.key_location, child_path(path, entry.key),
                          "duplicate key; it is already set at line " +
                              std::to_string(earlier.key_location.line) + ", column " +
                              std::to_string(earlier.key_location.column));
        break;
      }
    }
  }
}

void report_unknown_key(const ConfigNode::Entry& entry, const std::string& path,
                        const std::vector<std::string>& allowed, const std::string& where,
                        Diagnostics& diagnostics) {
  std::string message = "unknown key '" + entry.key + "'";
  const std::string suggestion = did_you_mean(entry.key, allowed);
  if (!suggestion.empty()) message += " (did you mean '" + suggestion + "'?)";
  message += "; " + where + " " + (allowed.empty() ? "takes no keys" : "takes: " + join(allowed));
  diagnostics.error(entry.key_location, child_path(path, entry.key), message);
}

// Validates the keys of `section` against `schema`; `extra_keys` are read by the caller.
Options validate_options(const ConfigNode& section, const OptionSchema& schema,
                         const std::string& path, const std::string& where,
                         const std::vector<std::string>& extra_keys, Diagnostics& diagnostics) {
  Options options;
  std::vector<std::string> allowed = extra_keys;
  for (const auto& option : schema.options()) allowed.push_back(option.key());
  check_duplicates(section, path, diagnostics);
  for (const auto& entry : section.entries()) {
    const Option* option = schema.find(entry.key);
    if (option == nullptr) {
      if (std::find(extra_keys.begin(), extra_keys.end(), entry.key) == extra_keys.end()) {
        report_unknown_key(entry, path, allowed, where, diagnostics);
      }
      continue;
    }
    if (options.contains(entry.key)) continue;  // duplicate, reported above
    auto value = decode_option(entry.value, *option, child_path(path, entry.key), diagnostics);
    if (value && option->is_file_path()) {
      *value = resolve_path(std::get<std::string>(*value), entry.value.location().file);
    }
    if (value) options.set(entry.key, std::move(*value));
  }
  for (const auto& option : schema.options()) {
    if (options.contains(option.key()) || section.find(option.key()) != nullptr) continue;
    if (option.is_required()) {
      diagnostics.error(
          section.location(), child_path(path, option.key()),
          "missing required key; expected " + expected_text(option) + " (" + option.doc() + ")");
    } else {
      options.set(option.key(), option.default_value());
    }
  }
  return options;
}

// A section that must be a map; a missing (null) section is an empty map.
const ConfigNode* expect_map(const ConfigNode& node, const std::string& path,
                             Diagnostics& diagnostics) {
  if (node.is_map()) return &node;
  if (node.is_null()) return nullptr;
  diagnostics.error(node.location(), path, "expected a map of options, found " + node.describe());
  return nullptr;
}

// Validates a plugin section {plugin: NAME, <options>}. `default_plugin` is used when the
// key is absent ("" = required). `extra_keys` are host keys read by the caller.
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

// A copy of `base` with `overrides` merged over it, map by map. A nested plugin section
// whose `plugin` differs is replaced as a whole (the other plugin's options do not apply).
ConfigNode merge(const ConfigNode& base, const ConfigNode& overrides) {
  if (!base.is_map() || !overrides.is_map()) return overrides;
  const ConfigNode* base_plugin = base.find("plugin");
  const ConfigNode* override_plugin = overrides.find("plugin");
  if (base_plugin && override_plugin && base_plugin->text() != override_plugin->text()) {
    return overrides;
  }
  ConfigNode merged = base;
  for (const auto& entry : overrides.entries()) {
    const ConfigNode* existing = merged.find(entry.key);
    if (existing != nullptr && existing->is_map() && entry.value.is_map()) {
      merged.set(entry.key, entry.key_location, merge(*existing, entry.value));
    } else {
      merged.set(entry.key, entry.key_location, entry.value);
    }
  }
  // Keep duplicates of the override visible to the validator.
  for (std::size_t i = 0; i < overrides.entries().size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (overrides.entries()[j].key == overrides.entries()[i].key) {
        merged.add(overrides.entries()[i].key, overrides.entries()[i].key_location,
                   overrides.entries()[i].value);
        break;
      }
    }
  }
  return merged;
}

// A default plugin section {plugin: name, key: value...} as a tree.
ConfigNode default_section(const SourceLocation& where,
                           const std::vector<std::pair<std::string, std::string>>& keys) {
  ConfigNode node = ConfigNode::map(where);
  for (const auto& [key, value] : keys)
    node.add(key, where, ConfigNode::scalar(value, false, where));
  return node;
}

ConfigNode section_or_empty(const ConfigNode& root, const std::string& key) {
  const ConfigNode* node = root.find(key);
  if (node == nullptr) return ConfigNode::map(root.location());
  return *node;
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

TrainingConfig validate_training(const ConfigNode& section, const std::string& path,
                                 const Registry& registry, Diagnostics& diagnostics) {
  TrainingConfig training;
  ConfigNode map = section.is_map() ? section : ConfigNode::map(section.location());
  if (!section.is_map() && !section.is_null()) {
    diagnostics.error(section.location(), path,
                      "expected a map of options, found " + section.describe());
  }
  training.settings =
      validate_options(map, *host_section_schema("training"), path, "the training section",
                       {"optimizer", "stages"}, diagnostics);
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
    const OptionSchema stage_schema{Option::boolean(
        "update_grid", false, "update the model's grid from the training inputs first")};
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
  if (!training.stages.empty() && training.settings.contains("update_grid") &&
      training.settings.boolean("update_grid")) {
    training.stages.front().update_grid = true;
  }
  return training;
}

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

// models.<m>.symbolic: options, manual `edges` and the optional `refine` stage.
SymbolicConfig validate_symbolic(const ConfigNode& section, const std::string& path,
                                 const Registry& registry, Diagnostics& diagnostics) {
  SymbolicConfig symbolic;
  symbolic.enabled = true;
  const ConfigNode map = section.is_map() ? section : ConfigNode::map(section.location());
  if (!section.is_map() && !section.is_null()) {
    diagnostics.error(section.location(), path,
                      "expected a map of symbolic options, found " + section.describe());
  }
  symbolic.settings = validate_options(map, *host_section_schema("symbolic"), path,
                                       "the symbolic section", {"edges", "refine"}, diagnostics);
  for (const char* key : {"a_range", "b_range"}) {
    if (!symbolic.settings.contains(key)) continue;
    const auto& range = symbolic.settings.reals(key);
    if (range.size() == 2 && !(range[0] < range[1])) {
      const ConfigNode* node = map.find(key);
      diagnostics.error(
          node ? node->location() : map.location(), child_path(path, key),
          "expected [low, high] with low < high, found " + format_option_value(range));
    }
  }
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
        for (const auto& earlier : symbolic.edges) {
          if (earlier.layer == choice.layer && earlier.input == choice.input &&
              earlier.output == choice.output && choice.layer >= 0) {
            diagnostics.error(item.location(), item_path,
                              "this edge (layer " + std::to_string(choice.layer) + ", input " +
                                  std::to_string(choice.input) + ", output " +
                                  std::to_string(choice.output) + ") is assigned twice");
          }
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
// with one of the section's keys ("hamiltonian: ... at character 14: ...") is reported at
// that key's value, at the character it names.
std::shared_ptr<System> construct_system(const ConfigNode& section, const PluginChoice& choice,
                                         const Registry& registry, Diagnostics& diagnostics) {
  try {
    return registry.create_system(choice.plugin, choice.options);
  } catch (const Error& error) {
    std::string message = error.what();
    const std::string marker = "failed to construct: ";
    if (const auto at = message.find(marker); at != std::string::npos) {
      message = message.substr(at + marker.size());
    }
    SourceLocation location = section.location();
    std::string path = "system";
    for (const auto& entry : section.entries()) {
      const std::string& key = entry.key;
      if (message.rfind(key, 0) != 0 || message.size() <= key.size()) continue;
      const char next = message[key.size()];
      if (next != ':' && next != '[') continue;
      const ConfigNode* node = &entry.value;
      path = "system." + key;
      if (next == '[' && node->is_sequence()) {
        const std::size_t index = std::strtoul(message.c_str() + key.size() + 1, nullptr, 10);
        if (index < node->items().size()) {
          node = &node->items()[index];
          path += "[" + std::to_string(index) + "]";
        }
      }
      location = node->location();
      const std::string character = "at character ";
      if (const auto c = message.find(character); c != std::string::npos && node->is_scalar()) {
        const long offset = std::strtol(message.c_str() + c + character.size(), nullptr, 10);
        if (offset > 0) location.column += int(offset) - 1 + (node->quoted() ? 1 : 0);
      }
      message = message.substr(message.find(':', key.size()) + 1);
      if (!message.empty() && message[0] == ' ') message.erase(0, 1);
      break;
    }
    diagnostics.error(location, path,
                      "system '" + choice.plugin + "' rejects its options: " + message);
    return nullptr;
  }
}

}  // namespace

std::vector<std::string> read_plugin_paths(const ConfigNode& root, const fs::path& pipeline_file,
                                           Diagnostics& diagnostics) {
  std::vector<std::string> paths;
  const ConfigNode* node = root.find("plugins");
  if (node == nullptr || node->is_null()) return paths;
  const Option option = Option::string_list("plugins", {}, "plugin files or folders");
  auto value = decode_option(*node, option, "plugins", diagnostics);
  if (!value) return paths;
  for (const auto& path : std::get<std::vector<std::string>>(*value)) {
    const std::string& written_in = node->location().file;
    paths.push_back(resolve_path(path, written_in.empty() ? pipeline_file : fs::path(written_in)));
  }
  return paths;
}

void apply_override(ConfigNode& root, const std::string& assignment) {
  const std::string source = "--set '" + assignment + "'";
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw ConfigError(source +
                      ": error: expected key.path=value, e.g. training.optimizer.epochs=100");
  }
  const std::string path = assignment.substr(0, equals);
  const std::string text = assignment.substr(equals + 1);
  std::vector<std::string> keys;
  for (std::size_t start = 0;;) {
    const auto dot = path.find('.', start);
    keys.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  for (const auto& key : keys) {
    if (key.empty()) throw ConfigError(source + ": error: '" + path + "' has an empty key");
  }
  // Parse the value as YAML; its locations point into the assignment.
  ConfigNode value;
  try {
    const ConfigNode wrapper = parse_config("value: " + text, source);
    value = wrapper.entries().front().value;
  } catch (const ConfigError& error) {
    throw ConfigError(source + ": error: " + path + ": the value is not valid YAML");
  }
  const int column_offset = static_cast<int>(equals) + 1 - 7;  // "value: " is 7 characters
  std::function<void(ConfigNode&)> shift = [&](ConfigNode& node) {
    // Rebuild locations: file = source, line 1, column within the assignment.
    ConfigNode rebuilt;
    SourceLocation location{source, 1, node.location().column + column_offset};
    switch (node.kind()) {
      case ConfigNode::Kind::kNull:
        rebuilt = ConfigNode::null(location);
        break;
      case ConfigNode::Kind::kScalar:
        rebuilt = ConfigNode::scalar(node.text(), node.quoted(), location);
        break;
      case ConfigNode::Kind::kSequence:
        rebuilt = ConfigNode::sequence(location);
        for (auto item : node.items()) {
          shift(item);
          rebuilt.append(item);
        }
        break;
      case ConfigNode::Kind::kMap:
        rebuilt = ConfigNode::map(location);
        for (auto entry : node.entries()) {
          shift(entry.value);
          rebuilt.add(entry.key, location, entry.value);
        }
        break;
    }
    node = rebuilt;
  };
  shift(value);
  const SourceLocation key_location{source, 1, 1};
  ConfigNode* node = &root;
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    ConfigNode* child = node->find(keys[i]);
    if (child == nullptr || child->is_null()) {
      node->set(keys[i], key_location, ConfigNode::map(key_location));
      child = node->find(keys[i]);
    }
    if (!child->is_map()) {
      std::string prefix;
      for (std::size_t j = 0; j <= i; ++j) prefix += (j ? "." : "") + keys[j];
      throw ConfigError(source + ": error: " + prefix + " is " + child->describe() +
                        " in the pipeline, not a map; cannot set " + path);
    }
    node = child;
  }
  node->set(keys.back(), key_location, value);
}

PipelineConfig validate_pipeline(const ConfigNode& root, const fs::path& pipeline_file,
                                 const Registry& registry, Diagnostics& diagnostics) {
  PipelineConfig config;
  config.file = pipeline_file;
  check_duplicates(root, "", diagnostics);
  for (const auto& entry : root.entries()) {
    if (std::find(kRootKeys.begin(), kRootKeys.end(), entry.key) == kRootKeys.end()) {
      report_unknown_key(entry, "", kRootKeys, "a pipeline", diagnostics);
    }
  }

  const Options top = validate_options(
      [&] {
        ConfigNode names = ConfigNode::map(root.location());
        for (const auto& key : {"name", "description"}) {
          if (const ConfigNode* n = root.find(key)) names.add(key, n->location(), *n);
        }
        return names;
      }(),
      OptionSchema{Option::string("name", "", "run name"),
                   Option::string("description", "", "what the pipeline is for")},
      "", "a pipeline", {}, diagnostics);
  config.name = top.contains("name") ? top.string("name") : "";
  if (config.name.empty()) config.name = pipeline_file.stem().string();
  if (config.name.find('/') != std::string::npos || config.name == "." || config.name == "..") {
    diagnostics.error(root.find("name") ? root.find("name")->location() : root.location(), "name",
                      "expected a run name without '/', found '" + config.name + "'");
  }
  config.description = top.contains("description") ? top.string("description") : "";
  config.plugin_paths = read_plugin_paths(root, pipeline_file, diagnostics);

  // system: validated, then built, so that what only the plugin can check (a formula, say)
  // is reported with the rest, and --check catches it.
  std::shared_ptr<System> system_object;
  if (const ConfigNode* system = root.find("system")) {
    if (const ConfigNode* m = expect_map(*system, "system", diagnostics)) {
      const std::size_t problems_before = diagnostics.size();
      config.system =
          validate_plugin_section(*m, PluginKind::kSystem, "system", "", {}, registry, diagnostics);
      if (diagnostics.size() == problems_before && !config.system.plugin.empty()) {
        system_object = construct_system(*m, config.system, registry, diagnostics);
      }
    } else if (system->is_null()) {
      diagnostics.error(system->location(), "system.plugin",
                        "missing required key; expected the name of a system plugin "
                        "(registered: " +
                            join(registry.names(PluginKind::kSystem)) + ")");
    }
  } else {
    diagnostics.error(root.location(), "system",
                      "missing required section; expected a map with the key 'plugin' "
                      "(registered systems: " +
                          join(registry.names(PluginKind::kSystem)) + ")");
  }

  // data
  {
    const ConfigNode section = section_or_empty(root, "data");
    const ConfigNode* m = expect_map(section, "data", diagnostics);
    const ConfigNode map = m ? *m : ConfigNode::map(section.location());
    config.data = validate_options(map, *host_section_schema("data"), "data", "the data section",
                                   {"integrator"}, diagnostics);
    config.data_integrator = validate_integrator(
        map, "integrator", "data",
        default_section(map.location(), {{"plugin", "rk45"}, {"rtol", "1e-10"}, {"atol", "1e-6"}}),
        registry, diagnostics);
  }

  // training defaults
  const ConfigNode training_section = section_or_empty(root, "training");
  {
    config.training_defaults =
        validate_training(training_section, "training", registry, diagnostics);
  }

  // models
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
      if (entry.key.empty() || entry.key.find_first_of("/\\ ") != std::string::npos) {
        diagnostics.error(entry.key_location, path,
                          "expected a model name without spaces or '/', found '" + entry.key + "'");
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
      config.models.push_back(std::move(model));
    }
  }

  // evaluation
  {
    const ConfigNode section = section_or_empty(root, "evaluation");
    const ConfigNode* m = expect_map(section, "evaluation", diagnostics);
    const ConfigNode map = m ? *m : ConfigNode::map(section.location());
    config.evaluation = validate_options(map, *host_section_schema("evaluation"), "evaluation",
                                         "the evaluation section",
                                         {"integrator", "reference_integrator"}, diagnostics);
    config.evaluation_integrator = validate_integrator(
        map, "integrator", "evaluation",
        default_section(map.location(), {{"plugin", "rk45"}, {"rtol", "1e-12"}, {"atol", "1e-6"}}),
        registry, diagnostics);
    config.reference_integrator = validate_integrator(
        map, "reference_integrator", "evaluation",
        default_section(map.location(), {{"plugin", "rk45"}, {"rtol", "1e-12"}, {"atol", "1e-12"}}),
        registry, diagnostics);
    if (system_object && config.evaluation.contains("initial_state")) {
      const auto size = config.evaluation.reals("initial_state").size();
      if (int(size) != system_object->state_dimension()) {
        const ConfigNode* node = map.find("initial_state");
        std::string names;
        for (const auto& name : system_object->coordinate_names()) {
          names += (names.empty() ? "" : ", ") + name;
        }
        diagnostics.error(node ? node->location() : map.location(), "evaluation.initial_state",
                          "expected " + std::to_string(system_object->state_dimension()) +
                              " values (" + names + ") for system '" + config.system.plugin +
                              "', found " + std::to_string(size));
      }
    }
  }

  // output
  {
    const ConfigNode section = section_or_empty(root, "output");
    const ConfigNode* m = expect_map(section, "output", diagnostics);
    const ConfigNode map = m ? *m : ConfigNode::map(section.location());
    config.output = validate_options(map, *host_section_schema("output"), "output",
                                     "the output section", {}, diagnostics);
  }
  return config;
}

namespace {

void emit_options(std::string& out, const Options& options, const OptionSchema* schema,
                  int indent) {
  const std::string pad(indent, ' ');
  if (schema != nullptr) {
    for (const auto& option : schema->options()) {
      if (!options.contains(option.key())) continue;
      out += pad + option.key() + ": " + format_option_value(options.value(option.key())) + "\n";
    }
    return;
  }
  for (const auto& [key, value] : options.values()) {
    out += pad + key + ": " + format_option_value(value) + "\n";
  }
}

void emit_plugin(std::string& out, const std::string& key, const PluginChoice& choice, int indent) {
  const std::string pad(indent, ' ');
  out += pad + key + ":\n";
  out += pad + "  plugin: " + format_option_value(choice.plugin) + "\n";
  emit_options(out, choice.options, nullptr, indent + 2);
}

void emit_training(std::string& out, const TrainingConfig& training, int indent) {
  const std::string pad(indent, ' ');
  // The stages carry update_grid; the section-level shorthand is written as false.
  Options settings = training.settings;
  if (settings.contains("update_grid")) settings.set("update_grid", false);
  emit_options(out, settings, host_section_schema("training"), indent);
  out += pad + "stages:\n";
  for (const auto& stage : training.stages) {
    out += pad + "  - update_grid: " + (stage.update_grid ? "true" : "false") + "\n";
    emit_plugin(out, "optimizer", stage.optimizer, indent + 4);
  }
}

void emit_plugin_options(std::string& out, const PluginChoice& choice, int indent) {
  const std::string pad(indent, ' ');
  out += pad + "plugin: " + format_option_value(choice.plugin) + "\n";
  emit_options(out, choice.options, nullptr, indent);
}

}  // namespace

std::string to_yaml(const PipelineConfig& config) {
  std::string out;
  out += "# Resolved pipeline: every option with its value, defaults filled in.\n";
  out += "name: " + format_option_value(config.name) + "\n";
  out += "description: " + format_option_value(config.description) + "\n";
  out += "plugins: " + format_option_value(config.plugin_paths) + "\n";
  out += "system:\n";
  emit_plugin_options(out, config.system, 2);
  out += "data:\n";
  emit_options(out, config.data, host_section_schema("data"), 2);
  emit_plugin(out, "integrator", config.data_integrator, 2);
  out += "training:\n";
  emit_training(out, config.training_defaults, 2);
  out += "models:\n";
  for (const auto& model : config.models) {
    out += "  " + model.name + ":\n";
    emit_plugin_options(out, model.model, 4);
    out += "    checkpoint: " + format_option_value(model.checkpoint) + "\n";
    out += "    training:\n";
    emit_training(out, model.training, 6);
    if (model.symbolic.enabled) {
      out += "    symbolic:\n";
      emit_options(out, model.symbolic.settings, host_section_schema("symbolic"), 6);
      out += "      edges:";
      if (model.symbolic.edges.empty()) out += " []";
      out += "\n";
      for (const auto& edge : model.symbolic.edges) {
        out += "        - {layer: " + std::to_string(edge.layer) +
               ", input: " + std::to_string(edge.input) +
               ", output: " + std::to_string(edge.output) +
               ", function: " + format_option_value(edge.function) + "}\n";
      }
      if (!model.symbolic.refine.empty()) {
        out += "      refine:\n";
        emit_plugin(out, "optimizer", model.symbolic.refine.front().optimizer, 8);
      }
    }
  }
  out += "evaluation:\n";
  emit_options(out, config.evaluation, host_section_schema("evaluation"), 2);
  emit_plugin(out, "integrator", config.evaluation_integrator, 2);
  emit_plugin(out, "reference_integrator", config.reference_integrator, 2);
  out += "output:\n";
  emit_options(out, config.output, host_section_schema("output"), 2);
  return out;
}

}  // namespace hnn
