// history.csv of a run folder: the losses of every model, epoch by epoch.
#ifndef HNN_REPORT_TRAINING_HISTORY_H_
#define HNN_REPORT_TRAINING_HISTORY_H_

#include <filesystem>
#include <string>
#include <vector>

namespace hnn::report {

// The rows of one model, in file order. All vectors have the same length. test_loss is
// NaN on epochs where it was not computed (training.test_every); penalty is the L1 /
// regulariser value added to the loss (0 without one).
struct LossHistory {
  std::string model;
  std::vector<double> epoch;
  std::vector<double> stage;
  std::vector<double> train_loss;
  std::vector<double> test_loss;
  std::vector<double> penalty;

  // True when some penalty is finite and non-zero.
  bool has_penalty() const;
};

struct TrainingHistory {
  std::vector<LossHistory> models;  // in order of first appearance in the file

  // The model named `name`, or null.
  const LossHistory* find(const std::string& name) const;
};

// Reads history.csv (columns epoch, model, stage, train_loss, test_loss, penalty; others
// are ignored). Throws RunFolderError naming the file (line, column) when it cannot be
// read or a column is missing or malformed.
TrainingHistory read_training_history(const std::filesystem::path& file);

}  // namespace hnn::report

#endif  // HNN_REPORT_TRAINING_HISTORY_H_
