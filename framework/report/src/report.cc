#include "hnn/report/report.h"

#include "hnn/atomic_file.h"
#include "hnn/error.h"
#include "hnn/report/html_report.h"
#include "hnn/report/run_folder.h"

namespace hnn::report {

bool ReportOptions::IsValid(std::string* error) const { return figures.IsValid(error); }

std::string ReportResult::BriefReport() const {
  std::string text = html_file.filename().string() + " with " + std::to_string(figures.size()) +
                     (figures.size() == 1 ? " figure" : " figures");
  if (!skipped.empty()) {
    text += " (not drawn: ";
    for (std::size_t i = 0; i < skipped.size(); ++i) text += (i ? "; " : "") + skipped[i];
    text += ")";
  }
  return text;
}

ReportResult write_report(const std::filesystem::path& run_directory,
                          const ReportOptions& options) {
  std::string problem;
  if (!options.IsValid(&problem)) throw Error("report options: " + problem);
  const RunFolder run = read_run_folder(run_directory);
  FigureSet figures = write_figures(run, options.figures);
  std::string title = options.title;
  if (title.empty()) {
    title = "hnn run: " + (run.summary.pipeline.empty() ? run_directory.filename().string()
                                                        : run.summary.pipeline);
  }
  ReportResult result;
  result.html_file = run_directory / "report.html";
  write_file_atomically(result.html_file, render_report_html(run, figures, title));
  result.figures = std::move(figures.figures);
  result.skipped = std::move(figures.skipped);
  return result;
}

}  // namespace hnn::report
