// SweepDefinition: a sweep file read and checked on its own, before the base pipeline and
// the plugins are loaded (docs/sweeps.md). A sweep file is a YAML map with the single key
// `sweep:`; hnn-host recognises one by that key (is_sweep_file).
//
//   sweep:
//     pipeline: ../configs/spring_mlp.yaml     # the base pipeline, relative to this file
//     set: {training.optimizer.epochs: 50}     # every run
//     grid:                                    # the cartesian product, the last key fastest
//       training.optimizer.memory: [5, 20]
//       models.mlp.hidden: [[16, 16], [32, 32]]
//     list:                                    # zipped: the i-th values together
//       models.mlp.activation: [tanh, sin]
//       data.noise_std: [0.0, 0.1]
//     seeds: 3                                 # or a list: [1390, 7, 11]
//
// Keys are `--set`-style dotted pipeline key paths. The settings are the grid's product
// times the list's length (one axis after the grid's); every setting runs once per seed.
#ifndef HNN_HOST_SWEEP_DEFINITION_H_
#define HNN_HOST_SWEEP_DEFINITION_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hnn/config_tree.h"
#include "hnn/host/diagnostics.h"
#include "hnn/host/sweep_settings.h"

namespace hnn {

// The most runs a sweep may expand to (settings times seeds): every run is validated
// before any starts, so a hostile grid must not cost unbounded time or memory.
inline constexpr std::size_t kMaxSweepRuns = 10000;

// One pipeline key a sweep sets: its path and its values (one for `set`), located in the
// sweep file.
struct SweepKey {
  std::string path;                // "models.mlp.hidden"
  std::vector<std::string> keys;   // the path split at its dots
  SourceLocation key_location;     // where the sweep file names the path
  std::vector<ConfigNode> values;  // `set`: one value; `grid`, `list`: at least one
};

struct SweepDefinition {
  std::filesystem::path file;        // the sweep file
  SweepSettings settings;            // pipeline absolute, name filled in
  std::vector<SweepKey> fixed;       // `set`: the same value in every run
  std::vector<SweepKey> grid;        // `grid`, in file order
  std::vector<SweepKey> list;        // `list`, in file order, values of equal counts
  std::vector<std::int64_t> seeds;   // empty: every setting runs once with the base's seeds
  SourceLocation seeds_location;     // the `seeds` value (or the sweep section)
  SourceLocation location;           // the `sweep` section
  SourceLocation pipeline_location;  // the `pipeline` value (or the sweep section)

  // The settings: the grid's product times the list's length (1 for an empty grid/list).
  std::size_t setting_count() const;
  // setting_count() times the seeds (at least 1).
  std::size_t run_count() const;
};

// True when the file's top level has the key `sweep` (the whole file is then a sweep).
bool is_sweep_file(const ConfigNode& root);

// Reads the `sweep:` section of a parsed sweep file: its options (SweepSettings), `set`,
// `grid`, `list` (maps of dotted key paths to a value, to lists of values) and `seeds` (a
// count n >= 1, the seeds 0 .. n-1, or a list of distinct integers >= 0). Every problem goes
// to `diagnostics`, located: another top-level key, an unknown option, a malformed key path,
// a path given twice (in set, grid, list or seed_keys), a grid or list value that is not a
// non-empty list, lists of different lengths, more than kMaxSweepRuns runs. The result is
// meaningful only when diagnostics is empty.
SweepDefinition read_sweep(const ConfigNode& root, const std::filesystem::path& file,
                           Diagnostics& diagnostics);

// The base pipeline of `definition`, parsed. Throws ConfigError located at the sweep file's
// `pipeline` value ("sweep.yaml:2:13: error: sweep.pipeline: <why>") when it cannot be read
// or parsed, or when it is itself a sweep file.
ConfigNode load_sweep_pipeline(const SweepDefinition& definition);

}  // namespace hnn

#endif  // HNN_HOST_SWEEP_DEFINITION_H_
