#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "figure_plan.h"
#include "hnn/atomic_file.h"
#include "hnn/error.h"
#include "hnn/report/figures.h"

namespace hnn::report {

namespace {

// Draws `plan` with `device` into `target` (atomically, via a scratch file beside it).
void render_file(const internal::FigurePlan& plan, const std::string& device,
                 const std::filesystem::path& target, const FigureOptions& options) {
  // Built by appending: GCC 12 warns falsely (-Wrestrict) about "." + std::string.
  std::string scratch_name = ".";
  scratch_name += target.filename().string();
  scratch_name += ".plplot-" + std::to_string(::getpid());
  const std::filesystem::path scratch = target.parent_path() / scratch_name;
  std::error_code ignored;
  try {
    {
      internal::PlotCanvas canvas(device, scratch, options);
      plan.draw(canvas);
      canvas.finish();
    }
    std::ifstream stream(scratch, std::ios::binary);
    std::ostringstream content;
    content << stream.rdbuf();
    if (!stream || content.str().empty()) {
      throw Error("PLplot wrote nothing to " + scratch.string());
    }
    write_file_atomically(target, content.str());
  } catch (const std::exception& error) {
    std::filesystem::remove(scratch, ignored);
    throw Error("figure " + target.string() + ": " + error.what());
  }
  std::filesystem::remove(scratch, ignored);
}

}  // namespace

bool FigureOptions::IsValid(std::string* error) const {
  auto fail = [&](const std::string& message) {
    if (error != nullptr) *error = message;
    return false;
  };
  if (width < 200 || width > 4000) {
    return fail("figures.width: expected an integer in [200, 4000], found " +
                std::to_string(width));
  }
  if (height < 200 || height > 4000) {
    return fail("figures.height: expected an integer in [200, 4000], found " +
                std::to_string(height));
  }
  if (!(text_scale > 0 && text_scale <= 5)) {
    std::ostringstream value;
    value << text_scale;
    return fail("figures.text_scale: expected a real in (0, 5], found " + value.str());
  }
  if (max_points_per_curve < 100) {
    return fail("figures.max_points_per_curve: expected an integer >= 100, found " +
                std::to_string(max_points_per_curve));
  }
  return true;
}

namespace internal {

std::string three_digits(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

void append_sentence(std::string& caption, const std::string& sentence) {
  if (sentence.empty()) return;
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) about " " + std::string.
  if (!caption.empty()) caption += ' ';
  caption += sentence;
}

int model_colour(const RunSummary& summary, const std::string& model) {
  for (std::size_t m = 0; m < summary.models.size(); ++m) {
    if (summary.models[m].name == model) return series_colour(m);
  }
  return series_colour(summary.models.size());
}

Figure render_figure(const FigurePlan& plan, const std::filesystem::path& run_directory,
                     const FigureOptions& options) {
  Figure figure;
  figure.name = plan.name;
  figure.title = plan.title;
  figure.caption = plan.caption;
  figure.svg_file = std::filesystem::path("figures") / (plan.name + ".svg");
  figure.png_file = std::filesystem::path("figures") / (plan.name + ".png");
  std::error_code error_code;
  std::filesystem::create_directories(run_directory / "figures", error_code);
  if (error_code) {
    throw Error("cannot create " + (run_directory / "figures").string() + ": " +
                error_code.message());
  }
  render_file(plan, "svgcairo", run_directory / figure.svg_file, options);
  render_file(plan, "pngcairo", run_directory / figure.png_file, options);
  return figure;
}

}  // namespace internal

FigureSet write_figures(const RunFolder& run, const FigureOptions& options) {
  std::string problem;
  if (!options.IsValid(&problem)) throw Error("report options: " + problem);
  using Planner = std::optional<internal::FigurePlan> (*)(const RunFolder&, std::string&);
  const Planner planners[] = {
      internal::plan_data_phase_portrait,
      internal::plan_losses,
      internal::plan_penalty,
      internal::plan_trajectories_phase_space,
      internal::plan_trajectory_error,
      internal::plan_energy,
  };
  std::vector<internal::FigurePlan> plans;
  FigureSet set;
  for (const Planner planner : planners) {
    std::string reason;
    if (auto plan = planner(run, reason)) {
      plans.push_back(std::move(*plan));
    } else {
      set.skipped.push_back(reason);
    }
  }
  // Only when something dissipates (a conservative run's report stays as it was).
  if (std::string reason; auto plan = internal::plan_dissipated_power(run, reason)) {
    plans.push_back(std::move(*plan));
  }
  // Only in a run without a system, which has none of the truth's rollout figures.
  if (run.measured_trajectories) {
    std::string reason;
    if (auto plan = internal::plan_measured_rollouts(run, reason)) {
      plans.push_back(std::move(*plan));
    } else {
      set.skipped.push_back(reason);
    }
    // With a reference Hamiltonian only.
    if (auto plan = internal::plan_measured_energy(run, reason)) plans.push_back(std::move(*plan));
  }
  for (const auto& network : run.networks) plans.push_back(internal::plan_network_diagram(network));
  for (const auto& plan : plans) {
    set.figures.push_back(internal::render_figure(plan, run.directory, options));
  }
  return set;
}

}  // namespace hnn::report
