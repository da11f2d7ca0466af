#include "hnn/report/run_folder.h"

#include "hnn/host/run_folder_reading.h"
#include "hnn/host/run_summary_reader.h"
#include "hnn/report/run_folder_error.h"

namespace hnn::report {

RunFolder read_run_folder(const std::filesystem::path& directory) {
  std::error_code error_code;
  if (!std::filesystem::is_directory(directory, error_code)) {
    throw RunFolderError(
        directory.string() + ": error: not a run folder (" +
        (std::filesystem::exists(directory, error_code) ? "not a folder" : "it does not exist") +
        ")");
  }
  RunFolder run;
  run.directory = directory;
  run.pipeline_text = read_file_text(directory / "pipeline.yaml");
  run.summary = read_run_summary(directory / "summary.yaml");
  run.history = read_training_history(directory / "history.csv");
  run.dataset = read_dataset_table(directory / "data.csv");
  const auto names = run.summary.model_names();
  if (run.summary.truth) {
    std::vector<std::string> missing;
    run.trajectories = read_trajectory_table(directory / "trajectories.csv", names, &missing);
    for (const auto& model : missing) {
      const ModelSummary* summary = run.summary.find(model);
      run.notes.push_back("Model " + model + " has no rollout in trajectories.csv" +
                          (summary && summary->rollout_error ? " (" + *summary->rollout_error + ")"
                                                             : std::string()) +
                          ".");
    }
  } else if (run.summary.measured) {
    run.measured_trajectories = CsvTable::read(directory / "measured_trajectories.csv");
    // A pipeline without a system: rollouts against the held-out measurements.
    run.notes.push_back(
        "The run has no system: every model was rolled out from the first state of every "
        "held-out piece of the data and compared with the measurements "
        "(measured_trajectories.csv; summary.yaml: measured_mse, reference_energy_mse).");
  } else {
    run.notes.push_back(
        "The run was not evaluated (evaluation.enabled: false): no rollout figures.");
  }
  for (const auto& model : names) {
    const auto yaml_file = directory / "network" / (model + ".yaml");
    if (!std::filesystem::exists(yaml_file, error_code)) continue;
    const auto samples_file = directory / "network" / (model + ".csv");
    run.networks.push_back(read_edge_network(yaml_file, samples_file));
    if (!std::filesystem::exists(samples_file, error_code)) {
      run.notes.push_back("Model " + model + ": network/" + model + ".csv" +
                          " is missing, so its diagram has no activation plots.");
    }
  }
  return run;
}

}  // namespace hnn::report
