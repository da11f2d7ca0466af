// Validation of the data section: its own options, the integrator, the source (default:
// the simulation, whose options are the section's simulation keys) and the derivative
// estimator; a source that needs no system (a file) is loaded, checked, and its samples
// estimated and split as the run will, so that --check refuses what the run would.
#include "config_decoding.h"
#include "data_assembly.h"
#include "resource_check.h"
#include "section_validation.h"

namespace hnn::internal {
namespace {

const char* kSimulation = "simulation";

// The simulation's options: the data section's simulation keys, or the same keys given in
// data.source (not both).
void merge_simulation_options(const ConfigNode& data_map, const ConfigNode* source_map,
                              PipelineConfig& config, Diagnostics& diagnostics) {
  Options data_options = DataSettings::binding().encode(config.data);
  for (const std::string& key : simulation_keys()) {
    const ConfigNode* in_source = source_map ? source_map->find(key) : nullptr;
    const ConfigNode* in_data = data_map.find(key);
    if (in_source != nullptr && in_data != nullptr) {
      diagnostics.error(in_source->location(), "data.source." + key,
                        "the simulation's option '" + key + "' is also given at data." + key +
                            " (" + in_data->location().to_string() + "); give it in one place");
    } else if (in_source != nullptr && config.data_source.options.contains(key)) {
      data_options.set(key, config.data_source.options.value(key));
    }
    config.data_source.options.set(key, data_options.value(key));
  }
  try {
    config.data = DataSettings::binding().decode(data_options);
  } catch (const Error&) {
    // The simulation's own schema reported the problem.
  }
}

// A source that needs no system: loaded, checked and split now.
void check_loaded_source(const ConfigNode& source_node, const Registry& registry,
                         PipelineConfig& config, ResourceBudget& budget, Diagnostics& diagnostics) {
  const std::string where = "data source '" + config.data_source.plugin + "': ";
  try {
    const auto random = make_random_source(config.data);
    const TrajectorySet set =
        load_data_source(config, registry, config.system_object.get(), *random);
    const std::string problem =
        trajectory_set_problem(set, config.system_object.get(), config.derivatives);
    if (!problem.empty()) {
      diagnostics.error(source_node.location(), "data.source", where + problem);
      return;
    }
    if (config.system_object == nullptr) config.coordinate_names = set.coordinate_names;
    const TrajectoryDataset dataset = assemble_dataset(set, config, *random);
    config.held_out_pieces = long(held_out_pieces(set, dataset).size());
    budget.samples = std::int64_t(dataset.train.size() + dataset.test.size());
  } catch (const ConfigError& error) {
    diagnostics.add(error, source_node.location(), "data.source");
  } catch (const std::exception& error) {
    diagnostics.error(source_node.location(), "data.source", where + error.what());
  }
}

}  // namespace

void validate_data(const ConfigNode& root, const Registry& registry, PipelineConfig& config,
                   ResourceBudget& budget, Diagnostics& diagnostics) {
  const std::size_t section_problems_before = diagnostics.size();
  const ConfigNode section = section_or_empty(root, "data");
  const ConfigNode* m = expect_map(section, "data", diagnostics);
  const ConfigNode map = m ? *m : ConfigNode::map(section.location());
  config.data = decode_settings<DataSettings>(
      validate_options(map, *host_section_schema("data"), "data", "the data section",
                       {"integrator", "source", "derivatives"}, diagnostics));
  config.data_integrator = validate_integrator(
      map, "integrator", "data",
      default_section(map.location(), {{"plugin", "rk45"}, {"rtol", "1e-10"}, {"atol", "1e-6"}}),
      registry, diagnostics);

  const ConfigNode derivatives = section_or_empty(map, "derivatives");
  if (const ConfigNode* d = expect_map(derivatives, "data.derivatives", diagnostics)) {
    config.derivatives = decode_settings<DerivativeSettings>(
        validate_options(*d, *host_section_schema("derivatives"), "data.derivatives",
                         "the data.derivatives section", {}, diagnostics));
  }

  const ConfigNode* source = map.find("source");
  const ConfigNode source_node =
      source ? *source : default_section(map.location(), {{"plugin", kSimulation}});
  const ConfigNode* source_map = expect_map(source_node, "data.source", diagnostics);
  if (source_map == nullptr) return;
  // Until the source is built, only the simulation is known to need a system: a source that
  // is unknown or misconfigured is reported as such, not also as a missing system.
  if (const ConfigNode* plugin = source_map->find("plugin"); plugin && plugin->is_scalar()) {
    config.data_needs_system = plugin->text() == kSimulation;
  }
  const std::size_t problems_before = diagnostics.size();
  config.data_source = validate_plugin_section(*source_map, PluginKind::kDataSource, "data.source",
                                               "", {}, registry, diagnostics);
  if (config.data_source.plugin.empty()) return;
  if (config.data_source.plugin == kSimulation) {
    merge_simulation_options(map, source ? source_map : nullptr, config, diagnostics);
  } else {
    for (const std::string& key : simulation_keys()) {
      if (const ConfigNode* given = map.find(key)) {
        diagnostics.error(given->location(), "data." + key,
                          "'" + key +
                              "' is an option of the simulation source; this pipeline's "
                              "data source is '" +
                              config.data_source.plugin + "'");
      }
    }
  }
  if (diagnostics.size() != problems_before) return;

  std::shared_ptr<DataSource> object;
  try {
    object = registry.create_data_source(config.data_source.plugin, config.data_source.options);
  } catch (const ConfigError& error) {
    diagnostics.add(error, source_map->location(), "data.source");
    return;
  } catch (const Error& error) {
    diagnostics.error(source_map->location(), "data.source", error.what());
    return;
  }
  // A simulation is generated by the run from options already checked: its size is
  // estimated here.
  config.data_needs_system = object->needs_system();
  if (object->needs_system()) {
    budget.samples = config.data.trajectories * config.data.points;
    if (config.system_object != nullptr && diagnostics.size() == section_problems_before) {
      check_data_resources(map, config.data, budget, diagnostics);
    }
    return;
  }
  check_loaded_source(*source_map, registry, config, budget, diagnostics);
}

}  // namespace hnn::internal
