// SweepPlan: a sweep expanded into its runs, every run's pipeline validated (expand_sweep,
// hnn/host/sweep_expansion.h). What `hnn-host --check sweep.yaml` prints and the sweep
// folder's sweep.yaml holds (to_yaml), and what the sweep runs (hnn/host/sweep_runner.h).
#ifndef HNN_HOST_SWEEP_PLAN_H_
#define HNN_HOST_SWEEP_PLAN_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "hnn/config_tree.h"
#include "hnn/host/sweep_settings.h"

namespace hnn {

// One pipeline value of a setting: its key path and the value as YAML flow text.
struct SweepAssignment {
  std::string path;   // "models.mlp.hidden"
  std::string value;  // "[16, 16]"
  bool operator==(const SweepAssignment&) const = default;
};

// One run: a setting with a seed.
struct SweepRun {
  std::string id;       // its folder's name under <sweep folder>/runs: "s1_seed2", "s1"
  std::size_t setting;  // index into SweepPlan::settings
  std::optional<std::int64_t> seed;  // absent without `seeds`
  std::string pipeline;              // the validated, resolved pipeline (its pipeline.yaml)
};

struct SweepPlan {
  std::filesystem::path file;          // the sweep file
  SweepSettings settings;              // as read (pipeline absolute, name filled in)
  std::vector<std::string> seed_keys;  // resolved: where every seed is written
  // Per setting, the grid's and the list's values (grid keys first, in file order).
  std::vector<std::vector<SweepAssignment>> settings_values;
  std::vector<SweepRun> runs;  // setting by setting, seed by seed
};

// A parsed value as YAML flow text: scalars as written (quoted ones, and plain ones that
// would change meaning in a flow collection, double-quoted), lists "[a, b]", maps "{k: v}".
std::string flow_text(const ConfigNode& node);

// The plan as YAML: the sweep's name, file, base pipeline, seed keys, workers, every
// setting with its values and every run with its setting and seed (not the pipelines).
std::string to_yaml(const SweepPlan& plan);

}  // namespace hnn

#endif  // HNN_HOST_SWEEP_PLAN_H_
