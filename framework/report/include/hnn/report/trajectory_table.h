// trajectories.csv of a run folder: the truth's and every model's rollout over time.
#ifndef HNN_REPORT_TRAJECTORY_TABLE_H_
#define HNN_REPORT_TRAJECTORY_TABLE_H_

#include <filesystem>
#include <string>
#include <vector>

namespace hnn::report {

// A rollout: one vector per coordinate (in the order of TrajectoryTable::coordinate_names),
// the true H along it, the learned H when the model has one (else empty), and the power
// dissipated and supplied along it (the truth's of a system with damping or forcing, a
// model's of its learned dissipation; else empty). Every vector has one value per time.
struct Rollout {
  std::vector<std::vector<double>> coordinates;
  std::vector<double> energy;
  std::vector<double> learned_hamiltonian;
  std::vector<double> dissipated_power;
  std::vector<double> supplied_power;
};

struct ModelRollout {
  std::string model;
  Rollout rollout;
};

// The columns of trajectories.csv: t, truth_<c>..., truth_energy, reference_<c>...,
// reference_energy, then per model <m>_<c>..., <m>_energy and optionally <m>_H; the truth
// and a model may have <prefix>dissipated_power and <prefix>supplied_power.
// Coordinate names come from the system: positions first, then their momenta
// (coordinate_names.size() is even; the first pair is coordinate 0 and coordinate n/2).
struct TrajectoryTable {
  std::vector<std::string> coordinate_names;
  std::vector<double> times;
  Rollout truth;
  bool has_reference = false;
  Rollout reference;
  std::vector<ModelRollout> models;  // in the order of `model_names` given to the reader

  // Mean over coordinates of (model - truth)^2 at every time.
  std::vector<double> squared_error(const Rollout& model) const;
};

// Reads trajectories.csv. Columns are matched by exact name, built from the coordinate
// names (found from the truth_ columns) and `model_names` (from summary.yaml), so that a
// model named "kan" is not confused with one named "kan_l1". A model without columns
// (e.g. its rollout failed) is left out and its name added to `missing_models` when that
// is not null. Throws RunFolderError naming the file when it cannot be read, has no t or
// truth columns, or a cell is not a real.
TrajectoryTable read_trajectory_table(const std::filesystem::path& file,
                                      const std::vector<std::string>& model_names,
                                      std::vector<std::string>* missing_models = nullptr);

}  // namespace hnn::report

#endif  // HNN_REPORT_TRAJECTORY_TABLE_H_
