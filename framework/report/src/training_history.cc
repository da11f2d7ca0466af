#include "hnn/report/training_history.h"

#include <cmath>

#include "hnn/report/csv_table.h"

namespace hnn::report {

bool LossHistory::has_penalty() const {
  for (const double value : penalty) {
    if (std::isfinite(value) && value != 0) return true;
  }
  return false;
}

const LossHistory* TrainingHistory::find(const std::string& name) const {
  for (const auto& model : models) {
    if (model.model == name) return &model;
  }
  return nullptr;
}

TrainingHistory read_training_history(const std::filesystem::path& file) {
  const CsvTable table = CsvTable::read(file);
  const auto& model = table.texts("model");
  const auto epoch = table.reals("epoch");
  const auto stage = table.reals("stage");
  const auto train_loss = table.reals("train_loss");
  const auto test_loss = table.reals("test_loss");
  const auto penalty = table.reals("penalty");
  TrainingHistory history;
  LossHistory* current = nullptr;
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    if (current == nullptr || current->model != model[row]) {
      current = nullptr;
      for (auto& existing : history.models) {
        if (existing.model == model[row]) current = &existing;
      }
      if (current == nullptr) {
        history.models.push_back(LossHistory{model[row], {}, {}, {}, {}, {}});
        current = &history.models.back();
      }
    }
    current->epoch.push_back(epoch[row]);
    current->stage.push_back(stage[row]);
    current->train_loss.push_back(train_loss[row]);
    current->test_loss.push_back(test_loss[row]);
    current->penalty.push_back(penalty[row]);
  }
  return history;
}

}  // namespace hnn::report
