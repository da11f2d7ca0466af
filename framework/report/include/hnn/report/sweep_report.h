// sweep_report.html: the page of a sweep (docs/sweeps.md), from its statistics
// (hnn/host/sweep_summary.h): the settings with their values, a table of the headline
// metrics as mean ± std (n) per setting, and one error-bar figure per headline metric
// (mean ± std over the seeds of every setting), drawn like a run's figures.
#ifndef HNN_REPORT_SWEEP_REPORT_H_
#define HNN_REPORT_SWEEP_REPORT_H_

#include <filesystem>
#include <string>
#include <vector>

#include "hnn/host/sweep_summary.h"
#include "hnn/report/figures.h"

namespace hnn::report {

// The metrics the page shows, in this order, those that any setting has: per model (in
// the order first met) final_train_loss, final_test_loss, trajectory_mse.final,
// energy_drift_max, energy_trials.mean, measured_mse.mean, reference_energy_mse.mean.
std::vector<std::string> sweep_headline_metrics(const SweepSummary& summary);

// Writes <folder>/sweep_report.html and its figures <folder>/figures/sweep_<kind>.svg and
// .png (one per kind of headline metric: every model of the sweep in it), atomically.
// Returns the page's path. Throws hnn::Error when drawing or writing fails.
std::filesystem::path write_sweep_report(const std::filesystem::path& folder,
                                         const SweepSummary& summary,
                                         const FigureOptions& options = {});

}  // namespace hnn::report

#endif  // HNN_REPORT_SWEEP_REPORT_H_
