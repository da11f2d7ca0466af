// The CSV tables of a run folder (docs/run_folder.md): data.csv, history.csv and
// trajectories.csv, each written atomically. Internal to the host library.
#ifndef HNN_HOST_SRC_RUN_TABLES_H_
#define HNN_HOST_SRC_RUN_TABLES_H_

#include <Eigen/Core>
#include <filesystem>
#include <string>
#include <vector>

#include "hnn/trajectory_dataset.h"
#include "pipeline_model.h"

namespace hnn::internal {

// data.csv: split, trajectory, t, the states and their time derivatives, one row a sample.
void write_data_csv(const std::filesystem::path& file, const TrajectoryDataset& dataset);

// history.csv: epoch, model, stage, train and test loss, penalty, seconds, one row an
// epoch of a model (losses empty on epochs not recorded).
void write_history_csv(const std::filesystem::path& file, const std::vector<ModelResult>& results);

// trajectories.csv: t, then the states and energy of the truth, the reference and every
// model whose rollout succeeded (and its learned H when it has one). `truth` and
// `reference` have one column per time. The power columns follow the truth's energy when
// `truth_power` is not empty (a system with damping or forcing) and a model's H when its
// result.learned_power is not empty (a learned dissipation).
void write_trajectories_csv(const std::filesystem::path& file,
                            const std::vector<std::string>& names, const std::vector<double>& times,
                            const Eigen::MatrixXd& truth, const std::vector<double>& truth_energy,
                            const PowerSeries& truth_power, const Eigen::MatrixXd& reference,
                            const std::vector<double>& reference_energy,
                            const std::vector<ModelResult>& results);

}  // namespace hnn::internal

#endif  // HNN_HOST_SRC_RUN_TABLES_H_
