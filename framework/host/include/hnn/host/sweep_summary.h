// The statistics of a sweep (docs/sweeps.md): per setting (the runs that differ only by
// their seed), the count, mean, standard deviation, standard error, minimum and maximum of
// every numeric value of the succeeded runs' summary.yaml, by its flattened key path
// ("models.mlp.final_test_loss", "models.kan.stages[0].epochs"), written as
// sweep_summary.yaml and sweep_summary.csv in the sweep folder.
#ifndef HNN_HOST_SWEEP_SUMMARY_H_
#define HNN_HOST_SWEEP_SUMMARY_H_

#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "hnn/host/sweep_plan.h"
#include "hnn/host/sweep_runner.h"

namespace hnn {

// Statistics of the finite values of one metric over the runs of one setting.
struct MetricStatistics {
  std::size_t n = 0;  // runs with a finite value
  double mean = 0.0;
  double std = 0.0;             // sample standard deviation (n - 1); NaN for n < 2
  double standard_error = 0.0;  // std / sqrt(n); NaN for n < 2
  double min = 0.0;
  double max = 0.0;
};

// The statistics of `values` (non-finite ones are left out; n = 0 gives NaN everywhere).
MetricStatistics metric_statistics(const std::vector<double>& values);

// Every numeric scalar of a summary.yaml, in file order, by flattened key path: map keys
// joined by '.', list items as [i]. Numbers are the unquoted scalars that read entirely as a
// real (integers included; booleans, texts and schema_version are not metrics). Throws
// ConfigError when the file cannot be read or parsed.
std::vector<std::pair<std::string, double>> summary_metrics(const std::filesystem::path& file);

struct SettingSummary {
  std::size_t setting = 0;
  std::vector<SweepAssignment> values;  // the setting's grid and list values
  std::vector<std::string> runs;        // its run ids
  std::vector<std::string> succeeded;   // the ids of its runs that succeeded (aggregated)
  std::vector<std::pair<std::string, MetricStatistics>> metrics;  // in first-seen order
};

struct SweepSummary {
  std::string name;
  std::size_t runs = 0, succeeded = 0, failed = 0, interrupted = 0, not_started = 0;
  std::vector<SettingSummary> settings;
};

// The statistics of the succeeded runs of `outcome` (their run folders under `folder`).
SweepSummary summarize_sweep(const SweepPlan& plan, const SweepOutcome& outcome,
                             const std::filesystem::path& folder);

// sweep_summary.yaml: the counts, then per setting its values, runs and per metric
// {n, mean, std, standard_error, min, max}; per run its status. Reals as the run folder
// writes them (shortest round trip, .nan).
std::string sweep_summary_yaml(const SweepSummary& summary, const SweepPlan& plan,
                               const SweepOutcome& outcome);
// sweep_summary.csv: one row per setting and metric: setting, one column per grid and list
// key (its value as YAML flow text), metric, n, mean, std, standard_error, min, max.
std::string sweep_summary_csv(const SweepSummary& summary);

// Writes both into `folder`, atomically.
void write_sweep_summary(const SweepSummary& summary, const SweepPlan& plan,
                         const SweepOutcome& outcome, const std::filesystem::path& folder);

}  // namespace hnn

#endif  // HNN_HOST_SWEEP_SUMMARY_H_
