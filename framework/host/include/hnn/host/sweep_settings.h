// SweepSettings: the scalar keys of a sweep file's `sweep:` section (docs/sweeps.md),
// declared once with hnn::OptionBinding like the host's pipeline sections: the source of
// `hnn-host --describe sweep` and of the section's validation.
//
// What varies (`set`, `grid`, `list`, `seeds`) is read beside these keys
// (hnn/host/sweep_definition.h), because its values are pipeline values of any type.
//
//   sweep:
//     pipeline: ../configs/spring_mlp.yaml   # relative to the sweep file
//     grid: {models.mlp.hidden: [[16, 16], [32, 32]]}
//     seeds: 5
//     workers: 2
#ifndef HNN_HOST_SWEEP_SETTINGS_H_
#define HNN_HOST_SWEEP_SETTINGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "hnn/option_binding.h"

namespace hnn {

struct SweepSettings {
  // The base pipeline, absolute once validated (written relative to the sweep file).
  std::string pipeline;
  std::string name;    // "" = the sweep file's name without its extension
  std::string output;  // the sweep folder; "" = runs/<name>
  // Runs at the same time; 0 = the cores this process may use / threads_per_run (at least 1).
  std::int64_t workers = 0;
  std::int64_t threads_per_run = 1;  // OMP_NUM_THREADS of every run
  bool reports = false;              // every run writes its figures and report.html
  // The pipeline keys a seed is written to; empty = data.seed, training.batch_seed and the
  // `seed` of every model whose plugin has one.
  std::vector<std::string> seed_keys;

  static const OptionBinding<SweepSettings>& binding();
};

}  // namespace hnn

#endif  // HNN_HOST_SWEEP_SETTINGS_H_
