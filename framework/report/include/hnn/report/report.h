// The report of a run folder: its figures and report.html, regenerated from the files.
//
//   hnn::report::ReportOptions options;               // defaults: 960 x 640 figures
//   const hnn::report::ReportResult result =
//       hnn::report::write_report("runs/spring_kan", options);
//   std::cout << result.BriefReport() << "\n";         // report.html, 7 figures, ...
//
// The run folder is read back (hnn/report/run_folder.h), so a report can be written for
// any run folder, long after its run.
#ifndef HNN_REPORT_REPORT_H_
#define HNN_REPORT_REPORT_H_

#include <filesystem>
#include <string>
#include <vector>

#include "hnn/report/figures.h"

namespace hnn::report {

struct ReportOptions {
  FigureOptions figures;
  // The page's title; empty: "hnn run: <pipeline name>".
  std::string title;

  // True when every option is valid; otherwise false with `error` (if not null) saying
  // which option, its value and the range.
  bool IsValid(std::string* error) const;
};

struct ReportResult {
  std::filesystem::path html_file;   // <run>/report.html
  std::vector<Figure> figures;       // written, paths relative to the run folder
  std::vector<std::string> skipped;  // figures not drawn, and why

  // One line: "report.html with 7 figures (skipped: penalty: ...)".
  std::string BriefReport() const;
};

// Writes <run_directory>/figures/<name>.svg and .png for every figure (see
// write_figures) and <run_directory>/report.html, each file atomically. Only these files
// are written; the run's own files are never touched.
//
// Throws RunFolderError (a hnn::Error) naming the folder or file when the run folder
// cannot be read (missing, unreadable or malformed file), hnn::Error when the options are
// invalid, and hnn::Error naming the figure or file when drawing or writing fails.
// Not to be called from several threads at once (PLplot's global state, see figures.h).
ReportResult write_report(const std::filesystem::path& run_directory, const ReportOptions& options);

}  // namespace hnn::report

#endif  // HNN_REPORT_REPORT_H_
