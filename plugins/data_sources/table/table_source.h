// The `table` data source: measured trajectories from CSV, whitespace-separated text (the
// Schmidt-Lipson format included) and NumPy .npy/.npz files.
//
// Example (the real pendulum of spec real_data.md, θ and ω taken as q and p):
//
//   data:
//     source: table
//     table:
//       file: real_pend_h_1.txt
//       format: schmidt_lipson      # columns trial, t, then the header's names o, v
//       trajectory: trial
//       positions: [o]
//       momenta: [v]
//
// or the same by index with format text: trajectory: 0, time: 1, positions: [2],
// momenta: [3].
//
// The trajectories keep the file's times (non-uniform steps and gaps are fine; times must
// strictly increase within a trajectory). Derivatives are returned only when the file has
// derivative columns (`derivatives`); otherwise the host estimates them.
#ifndef HNN_PLUGINS_TABLE_TABLE_SOURCE_H_
#define HNN_PLUGINS_TABLE_TABLE_SOURCE_H_

#include "hnn/data_source.h"
#include "table_settings.h"

namespace hnn::data_sources {

class TableSource final : public DataSource {
 public:
  using Settings = TableSourceSettings;

  // Throws hnn::Error when !TableSourceSettings::binding().is_valid(settings).
  explicit TableSource(const Settings& settings);

  // Reads every file (relative names against context.base_directory). Throws
  // hnn::ConfigError listing the located problems of all files (at most
  // TableProblems::kMaxListed, then their count): a missing, unreadable or too large file,
  // and the readers' problems (see text_table_reader.h, npy_reader.h, table_trajectories.h).
  TrajectorySet load(const DataSourceContext& context) const override;

  const Settings& settings() const { return settings_; }

 private:
  Settings settings_;
};

}  // namespace hnn::data_sources

#endif  // HNN_PLUGINS_TABLE_TABLE_SOURCE_H_
