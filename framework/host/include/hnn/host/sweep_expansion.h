// Expanding a sweep into its runs and validating every run's pipeline before any starts
// (docs/sweeps.md): the sweep's `set`, one setting's grid and list values, the seed and
// hnn-host's --set assignments written into the base pipeline, then validate_pipeline.
#ifndef HNN_HOST_SWEEP_EXPANSION_H_
#define HNN_HOST_SWEEP_EXPANSION_H_

#include <string>
#include <vector>

#include "hnn/config_tree.h"
#include "hnn/host/diagnostics.h"
#include "hnn/host/resource_limits.h"
#include "hnn/host/sweep_definition.h"
#include "hnn/host/sweep_plan.h"
#include "hnn/registry.h"

namespace hnn {

// The keys a seed is written to when the sweep does not name them (seed_keys: []):
// data.seed, training.batch_seed, and models.<m>.seed of every model of `pipeline` whose
// plugin (registered in `registry`) has a `seed` option, in the pipeline's order.
std::vector<std::string> default_seed_keys(const ConfigNode& pipeline, const Registry& registry);

// The runs of `definition` (read_sweep without problems), each validated. `base` is the base
// pipeline parsed (load_config_file(definition.settings.pipeline)); `overrides` are
// hnn-host's --set assignments, applied last to every run (the command line wins, as for a
// pipeline). A run's pipeline is base <- set <- its setting's values <- its seed <- overrides.
//
// Settings are numbered with the grid's keys in file order, the last fastest, then the list's
// index fastest of all. Run ids: "s<setting>" (zero-padded to the same width), with
// "_seed<seed>" when the sweep has seeds.
//
// Every problem goes to `diagnostics`, located where its value was written (the sweep file
// for a sweep value, the base pipeline, or --set), with the path of the pipeline key and the
// first run that has it ("... (run s1_seed0)"); a problem that many runs share is reported
// once. Throws ConfigError for a malformed --set assignment. The plan is meaningful only
// when diagnostics is empty.
SweepPlan expand_sweep(const SweepDefinition& definition, const ConfigNode& base,
                       const std::vector<std::string>& overrides, const Registry& registry,
                       const ResourceLimits& limits, Diagnostics& diagnostics);

}  // namespace hnn

#endif  // HNN_HOST_SWEEP_EXPANSION_H_
