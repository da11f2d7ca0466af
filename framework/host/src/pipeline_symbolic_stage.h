// The symbolic stage of a pipeline (models.<m>.symbolic, kan.md §6): after an edge network
// is trained, fit a formula to every edge, refine it when asked, compose it, verify its
// field against the system's (when the pipeline has one; measured data have no true field),
// write symbolic/<m>.yaml and network/<m>.{yaml,csv}, and give back the formula as the model
// <m>_symbolic for the evaluation. Internal to libhnn.
#ifndef HNN_HOST_SRC_PIPELINE_SYMBOLIC_STAGE_H_
#define HNN_HOST_SRC_PIPELINE_SYMBOLIC_STAGE_H_

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "hnn/edge_activations.h"
#include "hnn/symbolic/network_fit.h"
#include "pipeline_model.h"

namespace hnn::internal {

// network/<m>.yaml and network/<m>.csv in `directory`: every edge of an edge network
// (strength, fitted function when `reports` is given, samples sorted by x), for the
// report's KAN diagram.
void write_network_files(const std::filesystem::path& directory, const std::string& model_name,
                         const EdgeActivations& activations,
                         const std::vector<std::string>& input_names,
                         const std::vector<symbolic::EdgeFitReport>* reports);

struct SymbolicStage {
  const PipelineConfig& config;  // validated: models.<m>.symbolic.model is set
  const TrajectoryDataset& dataset;
  const System* system;  // null without `system:` (measured data): nothing to verify against
  const Registry& registry;
  const RunSettings& settings;
  ProgressReporter& progress;
  const std::filesystem::path& directory;
  std::ostream& log;

  // Fits, composes, verifies and writes the symbolic network of `result`; returns the
  // <m>_symbolic model to evaluate (no model when the section says evaluate: false).
  std::optional<ModelResult> run(ModelResult& result);
};

}  // namespace hnn::internal

#endif  // HNN_HOST_SRC_PIPELINE_SYMBOLIC_STAGE_H_
