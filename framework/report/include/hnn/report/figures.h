// The figures of a run folder, drawn with PLplot's cairo drivers as SVG and PNG.
#ifndef HNN_REPORT_FIGURES_H_
#define HNN_REPORT_FIGURES_H_

#include <filesystem>
#include <string>
#include <vector>

#include "hnn/report/run_folder.h"

namespace hnn::report {

struct FigureOptions {
  // Size of every figure: PNG pixels, SVG points. Each in [200, 4000].
  int width = 960;
  int height = 640;
  // Text size relative to PLplot's default, in (0, 5].
  double text_scale = 1.1;
  // Longer curves and point clouds are thinned (every k-th point) to at most this many
  // points, which keeps the SVGs small. At least 100.
  int max_points_per_curve = 4000;

  // True when every option is in its range; otherwise false with `error` (if not null)
  // naming the option, its value and the range.
  bool IsValid(std::string* error) const;
};

// A figure written to disk. Paths are relative to the run folder.
struct Figure {
  std::string name;  // the file stem, e.g. "losses" or "network_kan"
  std::string title;
  std::string caption;             // what is shown, with units
  std::filesystem::path svg_file;  // figures/<name>.svg
  std::filesystem::path png_file;  // figures/<name>.png
};

struct FigureSet {
  std::vector<Figure> figures;       // in the report's order
  std::vector<std::string> skipped;  // why a figure was not drawn, e.g. "penalty: no ..."
};

// Writes <run.directory>/figures/<name>.svg and .png for every figure the run's files
// support, each file atomically (a failed figure never leaves a truncated file):
//   data_phase_portrait        the training and test samples, first coordinate pair
//   losses                     train and test loss per model vs epoch (log scale*),
//                              without the recovered formulas (plugin "symbolic")
//   penalty                    the L1 / regulariser value vs epoch, for the models that
//                              have one (log scale*)
//   trajectories_phase_space   every model's rollout and the truth, first coordinate pair
//   trajectory_error           mean squared error vs the truth over time (log scale*),
//                              and that of the reference integrator (grey)
//   energy                     the true H along the truth and every model's rollout
//   network_<model>            the diagram of every edge network (KAN); characters of the
//                              model name other than letters, digits, - and _ become _
// (*: linear when the values span less than a factor of 30; a log axis ends at 1e-16 of
// its largest value, and smaller values are drawn on its lower edge.) Figures without data
// (no penalty, no evaluation) are listed in `skipped`.
//
// Thread safety: PLplot keeps global state, so every call in the process is serialized by
// an internal lock; do not use PLplot elsewhere at the same time. Throws hnn::Error naming
// the figure when PLplot fails (its fatal errors are turned into exceptions, never exits)
// and when a file cannot be written; figures written before then stay.
FigureSet write_figures(const RunFolder& run, const FigureOptions& options);

}  // namespace hnn::report

#endif  // HNN_REPORT_FIGURES_H_
