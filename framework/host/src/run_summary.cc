#include "hnn/host/run_summary.h"

namespace hnn {

const ModelSummary* RunSummary::find(const std::string& name) const {
  for (const auto& model : models) {
    if (model.name == name) return &model;
  }
  return nullptr;
}

std::vector<std::string> RunSummary::model_names() const {
  std::vector<std::string> names;
  for (const auto& model : models) names.push_back(model.name);
  return names;
}

}  // namespace hnn
