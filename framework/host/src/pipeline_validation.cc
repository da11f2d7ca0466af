// validate_pipeline: the pipeline's root keys and each section in turn (the sections'
// own validation is in plugin_sections.cc, symbolic_section.cc, model_sections.cc and
// model_checks.cc; the option decoding in config_decoding.cc).
#include "hnn/host/pipeline_validation.h"

#include <algorithm>

#include "config_decoding.h"
#include "hnn/error.h"
#include "hnn/host/inline_schemas.h"
#include "hnn/parallelism.h"
#include "hnn/utf8.h"
#include "resource_check.h"
#include "section_validation.h"

namespace hnn {
namespace fs = std::filesystem;
using namespace internal;

namespace {

const std::vector<std::string> kRootKeys = {"name",   "description", "plugins",
                                            "system", "data",        "training",
                                            "models", "evaluation",  "output"};

// Builds the system to let it check what only it can. A rejected option it names with a
// located problem (ConfigError::problems(): its key path and the character of its value)
// is reported at that key's value, at that character; any other failure at the section.
// `key` is the section's path ("system", "evaluation.reference_hamiltonian").
std::shared_ptr<System> construct_system(const ConfigNode& section, const PluginChoice& choice,
                                         const Registry& registry, Diagnostics& diagnostics,
                                         const std::string& key = "system") {
  const std::string rejects = "system '" + choice.plugin + "' rejects its options: ";
  try {
    return registry.create_system(choice.plugin, choice.options);
  } catch (const ConfigError& error) {
    for (const ConfigProblem& problem : error.problems()) {
      const ConfigNode* node = find_path(section, problem.path);
      if (node == nullptr || problem.path.empty()) {
        diagnostics.error(
            section.location(), key,
            rejects + (problem.path.empty() ? "" : problem.path + ": ") + problem.message);
        continue;
      }
      SourceLocation location = node->location();
      if (problem.column > 0 && node->is_scalar()) {
        location.column += problem.column - 1 + (node->quoted() ? 1 : 0);
      }
      diagnostics.error(location, key + "." + problem.path, rejects + problem.message);
    }
    if (error.problems().empty()) diagnostics.error(section.location(), key, error.what());
  } catch (const Error& error) {
    diagnostics.error(section.location(), key, error.what());
  }
  return nullptr;
}

// name and description.
void validate_names(const ConfigNode& root, const fs::path& pipeline_file, PipelineConfig& config,
                    Diagnostics& diagnostics) {
  const Options top = validate_options(
      [&] {
        ConfigNode names = ConfigNode::map(root.location());
        for (const auto& key : {"name", "description"}) {
          if (const ConfigNode* n = root.find(key)) names.add(key, n->location(), *n);
        }
        return names;
      }(),
      pipeline_names_schema(), "", "a pipeline", {}, diagnostics);
  config.name = top.contains("name") ? top.string("name") : "";
  if (config.name.empty()) config.name = pipeline_file.stem().string();
  if (config.name.find('/') != std::string::npos || config.name == "." || config.name == "..") {
    diagnostics.error(root.find("name") ? root.find("name")->location() : root.location(), "name",
                      "expected a run name without '/', found '" + config.name + "'");
  }
  // The name (by default the file's) becomes a folder name and the report's title.
  const bool control = std::any_of(config.name.begin(), config.name.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (control || find_invalid_utf8(config.name)) {
    diagnostics.error(root.find("name") ? root.find("name")->location() : root.location(), "name",
                      "expected a run name of UTF-8 text without control characters, found '" +
                          escape_for_message(config.name) +
                          (root.find("name") ? "'" : "' (the pipeline file's name; set name:)"));
  }
  config.description = top.contains("description") ? top.string("description") : "";
}

// system (when present): validated, then built, so that what only the plugin can check (a formula,
// say) is reported with the rest, and --check catches it. The built system is kept.
void validate_system(const ConfigNode& root, const Registry& registry, PipelineConfig& config,
                     Diagnostics& diagnostics) {
  if (const ConfigNode* system = root.find("system")) {
    if (const ConfigNode* m = expect_map(*system, "system", diagnostics)) {
      const std::size_t problems_before = diagnostics.size();
      config.system =
          validate_plugin_section(*m, PluginKind::kSystem, "system", "", {}, registry, diagnostics);
      if (diagnostics.size() == problems_before && !config.system.plugin.empty()) {
        config.system_object = construct_system(*m, config.system, registry, diagnostics);
        if (config.system_object)
          config.coordinate_names = config.system_object->coordinate_names();
      }
    } else if (system->is_null()) {
      diagnostics.error(system->location(), "system.plugin",
                        "missing required key; expected the name of a system plugin "
                        "(registered: " +
                            join(registry.names(PluginKind::kSystem)) + ")");
    }
  }
}

// A pipeline whose data source needs a system (the simulation) must have one; with a file
// source `system:` is optional (the models' sizes come from the file, the evaluation
// compares with the held-out measurements).
void require_system(const ConfigNode& root, const Registry& registry, const PipelineConfig& config,
                    Diagnostics& diagnostics) {
  if (root.find("system") != nullptr || !config.data_needs_system) return;
  diagnostics.error(root.location(), "system",
                    "missing required section; expected a map with the key 'plugin' "
                    "(registered systems: " +
                        join(registry.names(PluginKind::kSystem)) + ")");
}

// evaluation.reference_hamiltonian: a system plugin (e.g. expression) whose H is the
// reference of the energy error against measurements; only without `system:` (with one,
// the system's H is the reference), and with the data's coordinate count.
void validate_reference_hamiltonian(const ConfigNode& root, const ConfigNode& evaluation,
                                    const Registry& registry, PipelineConfig& config,
                                    Diagnostics& diagnostics) {
  const ConfigNode* node = evaluation.find("reference_hamiltonian");
  if (node == nullptr) return;
  const std::string key = "evaluation.reference_hamiltonian";
  if (root.find("system") != nullptr) {
    diagnostics.error(node->location(), key,
                      "a reference Hamiltonian is for pipelines without a system (the energy "
                      "error against measurements); with `system:` the system's H is the "
                      "reference");
    return;
  }
  const ConfigNode* m = expect_map(*node, key, diagnostics);
  if (m == nullptr) return;
  const std::size_t problems_before = diagnostics.size();
  config.reference_hamiltonian =
      validate_plugin_section(*m, PluginKind::kSystem, key, "", {}, registry, diagnostics);
  if (diagnostics.size() != problems_before || config.reference_hamiltonian.plugin.empty()) return;
  auto built = construct_system(*m, config.reference_hamiltonian, registry, diagnostics, key);
  if (built == nullptr) return;
  const auto dimension = config.coordinate_names.size();
  if (dimension > 0 && std::size_t(built->state_dimension()) != dimension) {
    diagnostics.error(m->location(), key,
                      "the reference Hamiltonian has " + std::to_string(built->state_dimension()) +
                          " coordinates (" + join(built->coordinate_names()) + "), the data have " +
                          std::to_string(dimension) + " (" + join(config.coordinate_names) + ")");
    return;
  }
  config.reference_hamiltonian_object = std::move(built);
}

void validate_evaluation(const ConfigNode& root, const Registry& registry, PipelineConfig& config,
                         const ResourceBudget& budget, Diagnostics& diagnostics) {
  const ConfigNode section = section_or_empty(root, "evaluation");
  const ConfigNode* m = expect_map(section, "evaluation", diagnostics);
  const ConfigNode map = m ? *m : ConfigNode::map(section.location());
  const std::size_t problems_before = diagnostics.size();
  config.evaluation = decode_settings<EvaluationSettings>(validate_options(
      map, *host_section_schema("evaluation"), "evaluation", "the evaluation section",
      {"integrator", "reference_integrator", "reference_hamiltonian"}, diagnostics));
  const bool settings_valid = diagnostics.size() == problems_before;
  config.evaluation_integrator =
      validate_integrator(map, "integrator", "evaluation",
                          default_evaluation_integrator(map.location()), registry, diagnostics);
  config.reference_integrator = validate_integrator(
      map, "reference_integrator", "evaluation",
      default_section(map.location(), {{"plugin", "rk45"}, {"rtol", "1e-12"}, {"atol", "1e-12"}}),
      registry, diagnostics);
  validate_reference_hamiltonian(root, map, registry, config, diagnostics);
  if (root.find("system") == nullptr && settings_valid && config.evaluation.energy_trials > 0) {
    const ConfigNode* node = map.find("energy_trials");
    diagnostics.error(node ? node->location() : map.location(), "evaluation.energy_trials",
                      "the energy trials roll out the system from random initial states; this "
                      "pipeline has no system (give 0, or evaluation.reference_hamiltonian for "
                      "the energy error against the measurements)");
  }
  if (root.find("system") == nullptr && settings_valid && config.evaluation.enabled &&
      config.held_out_pieces == 0) {
    const ConfigNode* node = map.find("enabled");
    diagnostics.error(node ? node->location() : map.location(), "evaluation.enabled",
                      "without a system the evaluation rolls the models out from the held-out "
                      "pieces of the data, and this split holds out no 2 consecutive samples "
                      "(a random split holds out isolated samples); use data.split "
                      "train_first, test_first, trajectory or time_block, or "
                      "evaluation.enabled: false");
  }
  const System* system = config.system_object.get();
  if (system != nullptr && settings_valid) {
    check_evaluation_resources(map, config.evaluation, config.models.size(), budget, diagnostics);
    const auto size = config.evaluation.initial_state.size();
    if (int(size) != system->state_dimension()) {
      const ConfigNode* node = map.find("initial_state");
      diagnostics.error(node ? node->location() : map.location(), "evaluation.initial_state",
                        "expected " + std::to_string(system->state_dimension()) + " values (" +
                            join(system->coordinate_names()) + ") for system '" +
                            config.system.plugin + "', found " + std::to_string(size));
    }
  }
}

void validate_output(const ConfigNode& root, PipelineConfig& config, Diagnostics& diagnostics) {
  const ConfigNode section = section_or_empty(root, "output");
  const ConfigNode* m = expect_map(section, "output", diagnostics);
  const ConfigNode map = m ? *m : ConfigNode::map(section.location());
  config.output = decode_settings<OutputSettings>(validate_options(
      map, *host_section_schema("output"), "output", "the output section", {}, diagnostics));
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

PipelineConfig validate_pipeline(const ConfigNode& root, const fs::path& pipeline_file,
                                 const Registry& registry, Diagnostics& diagnostics,
                                 const ResourceLimits& limits) {
  PipelineConfig config;
  config.file = pipeline_file;
  check_duplicates(root, "", diagnostics);
  for (const auto& entry : root.entries()) {
    if (std::find(kRootKeys.begin(), kRootKeys.end(), entry.key) == kRootKeys.end()) {
      report_unknown_key(entry, "", kRootKeys, "a pipeline", diagnostics);
    }
  }
  validate_names(root, pipeline_file, config, diagnostics);
  config.plugin_paths = read_plugin_paths(root, pipeline_file, diagnostics);
  validate_system(root, registry, config, diagnostics);
  ResourceBudget budget;
  budget.limit_bytes = limits.memory_bytes > 0 ? limits.memory_bytes : default_memory_limit();
  budget.threads = available_threads();
  if (config.system_object) budget.state_dimension = config.system_object->state_dimension();
  validate_data(root, registry, config, budget, diagnostics);
  require_system(root, registry, config, diagnostics);
  if (budget.state_dimension == 0) budget.state_dimension = int(config.coordinate_names.size());
  const ConfigNode training = section_or_empty(root, "training");
  config.training_defaults = validate_training(training, "training", registry, diagnostics);
  config.models = validate_models(root, training, int(config.coordinate_names.size()), registry,
                                  budget, diagnostics);
  validate_evaluation(root, registry, config, budget, diagnostics);
  validate_output(root, config, diagnostics);
  return config;
}

}  // namespace hnn
