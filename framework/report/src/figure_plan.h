// The figures of a report as plans (name, caption, a drawing function) and their rendering
// to SVG and PNG.
#ifndef HNN_REPORT_SRC_FIGURE_PLAN_H_
#define HNN_REPORT_SRC_FIGURE_PLAN_H_

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hnn/report/figures.h"
#include "hnn/report/run_folder.h"
#include "plot_canvas.h"

namespace hnn::report::internal {

// A figure before drawing. `draw` draws it on any device; it may refer to the run folder
// the plan was made from, which must outlive the plan.
struct FigurePlan {
  std::string name;
  std::string title;
  std::string caption;
  std::function<void(PlotCanvas&)> draw;
};

// The colour of `model` in every figure: by its place in summary.yaml (models missing
// there come after).
int model_colour(const RunSummary& summary, const std::string& model);

// Appends `sentence` to `caption`, separated by a space; nothing when it is empty.
void append_sentence(std::string& caption, const std::string& sentence);

// The loss histories the loss figure shows, in file order: every model but the recovered
// formulas (plugin "symbolic" in summary.yaml), whose refinement takes a few epochs down to
// round-off (1e-30) and would squash the networks' curves. Their names are appended to
// `formulas` when it is not null. The pointers refer into run.history.
std::vector<const LossHistory*> trained_model_histories(const RunFolder& run,
                                                        std::vector<std::string>* formulas);

// Each returns nullopt and sets `reason` when the run has nothing to show in the figure.
std::optional<FigurePlan> plan_data_phase_portrait(const RunFolder& run, std::string& reason);
std::optional<FigurePlan> plan_losses(const RunFolder& run, std::string& reason);
std::optional<FigurePlan> plan_penalty(const RunFolder& run, std::string& reason);
std::optional<FigurePlan> plan_trajectories_phase_space(const RunFolder& run, std::string& reason);
std::optional<FigurePlan> plan_trajectory_error(const RunFolder& run, std::string& reason);
std::optional<FigurePlan> plan_energy(const RunFolder& run, std::string& reason);
// A run without a system only (drawn when it has measured_trajectories.csv): the held-out
// measurements of the first coordinate against time and every model's rollouts.
std::optional<FigurePlan> plan_measured_rollouts(const RunFolder& run, std::string& reason);
// A run without a system with a reference Hamiltonian (measured_trajectories.csv has
// measured_energy): H_ref on the held-out measurements and on every model's rollouts
// against time, the energy-loss ratios in the caption.
std::optional<FigurePlan> plan_measured_energy(const RunFolder& run, std::string& reason);
// A run with a system with damping or forcing, or a model with a learned dissipation
// (trajectories.csv has power columns): the power dissipated along the truth (the system's
// R) and along every such model's rollout (its learned D, its own H) against time.
std::optional<FigurePlan> plan_dissipated_power(const RunFolder& run, std::string& reason);
// A real with 3 significant digits, for captions ("0.982").
std::string three_digits(double value);
FigurePlan plan_network_diagram(const EdgeNetwork& network);

// Draws `plan` into <run_directory>/figures/<name>.svg and .png. PLplot writes a scratch
// file beside each, which is read back and written atomically (hnn/atomic_file.h), then
// removed. Throws hnn::Error naming the figure's file when drawing or writing fails.
Figure render_figure(const FigurePlan& plan, const std::filesystem::path& run_directory,
                     const FigureOptions& options);

}  // namespace hnn::report::internal

#endif  // HNN_REPORT_SRC_FIGURE_PLAN_H_
