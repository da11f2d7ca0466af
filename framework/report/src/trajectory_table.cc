#include "hnn/report/trajectory_table.h"

#include <cmath>

#include "hnn/report/csv_table.h"
#include "hnn/report/run_folder_error.h"

namespace hnn::report {

namespace {

const std::string kTruth = "truth_";

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// The rollout with columns <prefix><c>..., <prefix>energy and optionally <prefix>H.
Rollout read_rollout(const CsvTable& table, const std::string& prefix,
                     const std::vector<std::string>& coordinates) {
  Rollout rollout;
  for (const auto& name : coordinates) rollout.coordinates.push_back(table.reals(prefix + name));
  rollout.energy = table.reals(prefix + "energy");
  if (table.has_column(prefix + "H")) rollout.learned_hamiltonian = table.reals(prefix + "H");
  if (table.has_column(prefix + "dissipated_power") &&
      table.has_column(prefix + "supplied_power")) {
    rollout.dissipated_power = table.reals(prefix + "dissipated_power");
    rollout.supplied_power = table.reals(prefix + "supplied_power");
  }
  return rollout;
}

bool has_rollout(const CsvTable& table, const std::string& prefix,
                 const std::vector<std::string>& coordinates) {
  for (const auto& name : coordinates) {
    if (!table.has_column(prefix + name)) return false;
  }
  return table.has_column(prefix + "energy");
}

}  // namespace

std::vector<double> TrajectoryTable::squared_error(const Rollout& model) const {
  std::vector<double> error(times.size(), 0.0);
  const std::size_t n = coordinate_names.size();
  for (std::size_t k = 0; k < times.size(); ++k) {
    double sum = 0;
    for (std::size_t c = 0; c < n; ++c) {
      const double difference = model.coordinates[c][k] - truth.coordinates[c][k];
      sum += difference * difference;
    }
    error[k] = n == 0 ? 0.0 : sum / double(n);
  }
  return error;
}

TrajectoryTable read_trajectory_table(const std::filesystem::path& file,
                                      const std::vector<std::string>& model_names,
                                      std::vector<std::string>* missing_models) {
  const CsvTable table = CsvTable::read(file);
  TrajectoryTable trajectories;
  for (const auto& column : table.header()) {
    if (starts_with(column, kTruth) && column != kTruth + "energy" &&
        column != kTruth + "dissipated_power" && column != kTruth + "supplied_power") {
      trajectories.coordinate_names.push_back(column.substr(kTruth.size()));
    }
  }
  const std::size_t n = trajectories.coordinate_names.size();
  if (n == 0 || n % 2 != 0) {
    throw RunFolderError(file.string() + ":1: error: expected an even, non-zero number of " +
                         kTruth + "<coordinate> columns (positions, then momenta), found " +
                         std::to_string(n));
  }
  trajectories.times = table.reals("t");
  trajectories.truth = read_rollout(table, kTruth, trajectories.coordinate_names);
  trajectories.has_reference = has_rollout(table, "reference_", trajectories.coordinate_names);
  if (trajectories.has_reference) {
    trajectories.reference = read_rollout(table, "reference_", trajectories.coordinate_names);
  }
  for (const auto& model : model_names) {
    const std::string prefix = model + "_";
    if (!has_rollout(table, prefix, trajectories.coordinate_names)) {
      if (missing_models != nullptr) missing_models->push_back(model);
      continue;
    }
    trajectories.models.push_back(
        ModelRollout{model, read_rollout(table, prefix, trajectories.coordinate_names)});
  }
  return trajectories;
}

}  // namespace hnn::report
