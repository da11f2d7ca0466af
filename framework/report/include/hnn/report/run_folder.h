// Everything a report shows, read back from a run folder's files.
#ifndef HNN_REPORT_RUN_FOLDER_H_
#define HNN_REPORT_RUN_FOLDER_H_

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "hnn/host/run_summary.h"
#include "hnn/report/csv_table.h"
#include "hnn/report/dataset_table.h"
#include "hnn/report/edge_network.h"
#include "hnn/report/training_history.h"
#include "hnn/report/trajectory_table.h"

namespace hnn::report {

struct RunFolder {
  std::filesystem::path directory;
  std::string pipeline_text;  // pipeline.yaml, as written
  RunSummary summary;         // summary.yaml (hnn/host/run_summary.h)
  TrainingHistory history;
  DatasetTable dataset;
  // Absent when the run did not evaluate (evaluation.enabled: false): no trajectories.csv.
  std::optional<TrajectoryTable> trajectories;
  // A run without a system, evaluated: measured_trajectories.csv (columns piece, t, the
  // measured coordinates, then <model>_<coordinate> per rolled-out model).
  std::optional<CsvTable> measured_trajectories;
  // One per model with a network/<model>.yaml, in the order of summary.models.
  std::vector<EdgeNetwork> networks;
  // What the report should mention but is not an error, e.g. a model without rollout.
  std::vector<std::string> notes;
};

// Reads pipeline.yaml, summary.yaml, history.csv, data.csv, trajectories.csv (required
// when the summary says the run was evaluated) and network/<model>.yaml and .csv of every
// model that has them. Throws RunFolderError naming the folder or the file when the folder
// does not exist or a file is missing or malformed.
RunFolder read_run_folder(const std::filesystem::path& directory);

}  // namespace hnn::report

#endif  // HNN_REPORT_RUN_FOLDER_H_
