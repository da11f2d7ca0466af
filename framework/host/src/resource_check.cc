// Validation's memory estimate of a run (resource_check.h, hnn/host/resource_limits.h).
// The estimates count the large arrays a run holds at once, in doubles; they are meant to
// refuse the absurd (10^9 points, hidden [1e4, 1e4]) early, not to predict a run's peak to
// the megabyte.
#include "resource_check.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "config_decoding.h"
#include "hnn/host/resource_limits.h"

namespace hnn {

double default_memory_limit() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return 0;
  return double(pages) * double(page_size);
}

std::optional<double> parse_byte_size(const std::string& text) {
  if (text.empty()) return std::nullopt;
  double scale = 1;
  std::string number = text;
  switch (text.back()) {
    case 'K':
      scale = 1024.0;
      break;
    case 'M':
      scale = 1024.0 * 1024;
      break;
    case 'G':
      scale = 1024.0 * 1024 * 1024;
      break;
    case 'T':
      scale = 1024.0 * 1024 * 1024 * 1024;
      break;
    default:
      break;
  }
  if (scale != 1) number.pop_back();
  char* end = nullptr;
  const double value = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || !std::isfinite(value) ||
      !(value > 0)) {
    return std::nullopt;
  }
  return value * scale;
}

std::string format_bytes(double bytes) {
  static const char* const kUnits[] = {"KB", "MB", "GB", "TB", "PB", "EB"};
  if (bytes < 1024) return std::to_string(long(bytes)) + " bytes";
  int unit = -1;
  while (bytes >= 1024 && unit < 5) {
    bytes /= 1024;
    ++unit;
  }
  char text[64];
  std::snprintf(text, sizeof text, bytes >= 1e6 ? "%.3g %s" : "%.1f %s", bytes, kUnits[unit]);
  return text;
}

namespace internal {
namespace {

constexpr double kDouble = 8.0;
// Characters of one number in a CSV table (17 significant digits, sign, exponent, comma).
constexpr double kCsvNumber = 25.0;

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

// Reports `what` at `where` when `bytes` exceeds the limit; returns whether it fits.
bool fits(double bytes, const ResourceBudget& budget, const ConfigNode& where,
          const std::string& path, const std::string& what, Diagnostics& diagnostics) {
  if (budget.limit_bytes <= 0 || bytes <= budget.limit_bytes) return true;
  diagnostics.error(where.location(), path,
                    "the run would need about " + format_bytes(bytes) + " of memory for " + what +
                        ", more than the limit of " + format_bytes(budget.limit_bytes) +
                        " (--memory-limit; default: the physical memory)");
  return false;
}

const ConfigNode& at(const ConfigNode& section, const std::string& key) {
  const ConfigNode* node = section.is_map() ? find_path(section, key) : nullptr;
  return node != nullptr ? *node : section;
}

}  // namespace

void check_data_resources(const ConfigNode& section, const DataSettings& data,
                          const ResourceBudget& budget, Diagnostics& diagnostics) {
  const double samples = double(data.trajectories) * double(data.points);
  const double d = budget.state_dimension;
  // States and targets, generated and then split into copies; data.csv as text.
  const double bytes = samples * (4.0 * d * kDouble + (2.0 * d + 3.0) * kCsvNumber);
  // At the larger of the two counts.
  fits(bytes, budget, at(section, data.points > data.trajectories ? "points" : "trajectories"),
       "data",
       "the data (trajectories " + std::to_string(data.trajectories) + " x points " +
           std::to_string(data.points) + " x state dimension " + std::to_string(int(d)) + ")",
       diagnostics);
}

void check_evaluation_resources(const ConfigNode& section, const EvaluationSettings& evaluation,
                                std::size_t models, const ResourceBudget& budget,
                                Diagnostics& diagnostics) {
  if (!evaluation.enabled) return;
  const double d = budget.state_dimension;
  // Truth, reference and every model: states and energies; trajectories.csv as text. A
  // symbolic stage can add a model per model: counted twice.
  const double series = 2.0 + 2.0 * double(models);
  const double rollouts = double(evaluation.points) * series * (d + 2.0) * (kDouble + kCsvNumber);
  fits(rollouts, budget, at(section, "points"), "evaluation.points",
       "the rollouts (points " + std::to_string(evaluation.points) + " x " + number(series) +
           " series of state dimension " + std::to_string(int(d)) + ")",
       diagnostics);
  if (evaluation.energy_trials == 0) return;
  // One error per trial and model, and the trial's two rollouts.
  const double trials = double(evaluation.energy_trials) * series * kDouble +
                        double(evaluation.trial_points) * series * (d + 1.0) * kDouble;
  fits(trials, budget, at(section, "energy_trials"), "evaluation.energy_trials",
       "the energy trials (energy_trials " + std::to_string(evaluation.energy_trials) +
           ", trial_points " + std::to_string(evaluation.trial_points) + ", " + number(series) +
           " series)",
       diagnostics);
}

bool check_model_estimate(const ModelConfig& model, const ConfigNode& section,
                          const std::string& path, const Registry& registry,
                          const ResourceBudget& budget, Diagnostics& diagnostics) {
  const PluginInfo* info = registry.find(PluginKind::kModel, model.model.plugin);
  if (info == nullptr || !info->schema.resource_estimator()) return true;
  ResourceContext context;
  context.state_dimension = budget.state_dimension;
  context.samples = budget.samples;
  context.threads = budget.threads;
  const ResourceEstimate estimate =
      info->schema.resource_estimator()(model.resolved_options, context);
  std::string what = "the model (" + model.model.plugin + ": " + estimate.drivers;
  if (estimate.parameters >= 0) what += "; " + number(estimate.parameters) + " parameters";
  what += ", " + std::to_string(budget.samples) + " samples, " + std::to_string(budget.threads) +
          " threads)";
  return fits(estimate.bytes, budget, section, path, what, diagnostics);
}

void check_training_resources(const ModelConfig& model, double parameters,
                              const ConfigNode& section, const ConfigNode& training,
                              const std::string& path, const Registry& registry,
                              const ResourceBudget& budget, Diagnostics& diagnostics) {
  // The model's parameters, the run's copy, a gradient per thread.
  const double model_bytes = parameters * kDouble * (2.0 + budget.threads);
  if (!fits(model_bytes, budget, section, path,
            "the model's parameters (" + number(parameters) + " parameters, " +
                std::to_string(budget.threads) + " threads)",
            diagnostics)) {
    return;
  }
  const auto& stages = model.training.stages;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const PluginChoice& optimizer = stages[i].optimizer;
    const PluginInfo* info = registry.find(PluginKind::kOptimizer, optimizer.plugin);
    ResourceEstimate estimate{4.0 * parameters * kDouble, -1, ""};
    if (info != nullptr && info->schema.resource_estimator()) {
      ResourceContext context;
      context.state_dimension = budget.state_dimension;
      context.samples = budget.samples;
      context.parameters = std::int64_t(parameters);
      context.threads = budget.threads;
      estimate = info->schema.resource_estimator()(optimizer.options, context);
    }
    const std::string stage = "stages[" + std::to_string(i) + "]";
    const ConfigNode* node = find_path(training, stage + ".optimizer");
    if (node == nullptr) node = find_path(training, "optimizer");
    fits(model_bytes + estimate.bytes, budget, node ? *node : section,
         path + ".training." + stage + ".optimizer",
         "training with " + optimizer.plugin + " (" +
             (estimate.drivers.empty() ? "" : estimate.drivers + ", ") + number(parameters) +
             " parameters)",
         diagnostics);
  }
}

}  // namespace internal
}  // namespace hnn
