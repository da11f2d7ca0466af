#include "run_tables.h"

#include <sstream>

#include "hnn/atomic_file.h"

namespace hnn::internal {
namespace fs = std::filesystem;
namespace {

std::string csv_header_states(const std::string& prefix, const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += "," + prefix + name;
  return text;
}

}  // namespace

void write_data_csv(const fs::path& file, const TrajectoryDataset& dataset) {
  std::ostringstream out;
  out << "split,trajectory,t" << csv_header_states("", dataset.coordinate_names);
  for (const auto& name : dataset.coordinate_names) out << ",d" << name << "_dt";
  out << "\n";
  auto rows = [&](const char* split, const TrajectorySamples& samples) {
    for (Eigen::Index i = 0; i < samples.size(); ++i) {
      out << split << ',' << samples.trajectory[std::size_t(i)] << ','
          << real(samples.time[std::size_t(i)]);
      for (Eigen::Index r = 0; r < samples.inputs.rows(); ++r)
        out << ',' << real(samples.inputs(r, i));
      for (Eigen::Index r = 0; r < samples.targets.rows(); ++r)
        out << ',' << real(samples.targets(r, i));
      out << '\n';
    }
  };
  rows("train", dataset.train);
  rows("test", dataset.test);
  write_file_atomically(file, out.str());
}

void write_history_csv(const fs::path& file, const std::vector<ModelResult>& results) {
  std::ostringstream out;
  out << "epoch,model,stage,train_loss,test_loss,penalty,seconds\n";
  for (const auto& result : results) {
    for (const auto& row : result.history) {
      out << row.epoch << ',' << result.config->name << ',' << row.stage << ','
          << (row.train_loss ? real(*row.train_loss) : "") << ','
          << (row.test_loss ? real(*row.test_loss) : "") << ',' << real(row.penalty) << ','
          << real(row.seconds) << '\n';
    }
  }
  write_file_atomically(file, out.str());
}

void write_trajectories_csv(const fs::path& file, const std::vector<std::string>& names,
                            const std::vector<double>& times, const Eigen::MatrixXd& truth,
                            const std::vector<double>& truth_energy, const PowerSeries& truth_power,
                            const Eigen::MatrixXd& reference,
                            const std::vector<double>& reference_energy,
                            const std::vector<ModelResult>& results) {
  const Eigen::Index d = truth.rows();
  std::ostringstream csv;
  csv << "t" << csv_header_states("truth_", names) << ",truth_energy";
  if (!truth_power.empty()) csv << ",truth_dissipated_power,truth_supplied_power";
  csv << csv_header_states("reference_", names) << ",reference_energy";
  for (const auto& result : results) {
    if (!result.rollout_error.empty()) continue;
    csv << csv_header_states(result.config->name + "_", names) << "," << result.config->name
        << "_energy";
    if (!result.learned_hamiltonian.empty()) csv << "," << result.config->name << "_H";
    if (!result.learned_power.empty()) {
      csv << "," << result.config->name << "_dissipated_power," << result.config->name
          << "_supplied_power";
    }
  }
  csv << "\n";
  for (std::size_t k = 0; k < times.size(); ++k) {
    const Eigen::Index c = Eigen::Index(k);
    csv << real(times[k]);
    for (Eigen::Index r = 0; r < d; ++r) csv << ',' << real(truth(r, c));
    csv << ',' << real(truth_energy[k]);
    if (!truth_power.empty()) {
      csv << ',' << real(truth_power.dissipated[k]) << ',' << real(truth_power.supplied[k]);
    }
    for (Eigen::Index r = 0; r < d; ++r) csv << ',' << real(reference(r, c));
    csv << ',' << real(reference_energy[k]);
    for (const auto& result : results) {
      if (!result.rollout_error.empty()) continue;
      for (Eigen::Index r = 0; r < d; ++r) csv << ',' << real(result.rollout(r, c));
      csv << ',' << real(result.energy[k]);
      if (!result.learned_hamiltonian.empty()) csv << ',' << real(result.learned_hamiltonian[k]);
      if (!result.learned_power.empty()) {
        csv << ',' << real(result.learned_power.dissipated[k]) << ','
            << real(result.learned_power.supplied[k]);
      }
    }
    csv << '\n';
  }
  write_file_atomically(file, csv.str());
}

}  // namespace hnn::internal
