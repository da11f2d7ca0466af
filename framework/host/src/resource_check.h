// Validation's memory estimate of a run, part by part, against the limit (the public side
// is hnn/host/resource_limits.h). Each refusal is located at the setting that drives the
// estimate and names those settings and their values. Internal to the host library.
#ifndef HNN_HOST_SRC_RESOURCE_CHECK_H_
#define HNN_HOST_SRC_RESOURCE_CHECK_H_

#include <cstdint>
#include <string>

#include "hnn/config_tree.h"
#include "hnn/host/diagnostics.h"
#include "hnn/host/host_settings.h"
#include "hnn/host/pipeline_config.h"
#include "hnn/registry.h"

namespace hnn::internal {

// What the estimates of one pipeline share.
struct ResourceBudget {
  double limit_bytes = 0;    // <= 0: no limit
  int threads = 1;           // of a run
  int state_dimension = 0;   // of the system
  std::int64_t samples = 0;  // trajectories x points: the most one objective evaluates
};

// The data: trajectories x points states and targets, their split copies and data.csv.
void check_data_resources(const ConfigNode& section, const DataSettings& data,
                          const ResourceBudget& budget, Diagnostics& diagnostics);

// The evaluation of `models` models: the rollouts and trajectories.csv, the energy trials.
void check_evaluation_resources(const ConfigNode& section, const EvaluationSettings& evaluation,
                                std::size_t models, const ResourceBudget& budget,
                                Diagnostics& diagnostics);

// A model before it is built, from its plugin's own estimate (OptionBinding::
// estimate_resources). Returns false (and reports it at `section`) when the estimate
// exceeds the limit: the model must not be built.
bool check_model_estimate(const ModelConfig& model, const ConfigNode& section,
                          const std::string& path, const Registry& registry,
                          const ResourceBudget& budget, Diagnostics& diagnostics);

// A built model's training with `parameters` parameters: its parameter vectors and each
// stage's optimizer (the optimizer plugin's estimate, else a few parameter-sized vectors).
void check_training_resources(const ModelConfig& model, double parameters,
                              const ConfigNode& section, const ConfigNode& training,
                              const std::string& path, const Registry& registry,
                              const ResourceBudget& budget, Diagnostics& diagnostics);

}  // namespace hnn::internal

#endif  // HNN_HOST_SRC_RESOURCE_CHECK_H_
