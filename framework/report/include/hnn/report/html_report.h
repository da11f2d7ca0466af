// report.html: a self-contained page (no network, no scripts) for a run folder.
#ifndef HNN_REPORT_HTML_REPORT_H_
#define HNN_REPORT_HTML_REPORT_H_

#include <string>
#include <string_view>

#include "hnn/report/figures.h"
#include "hnn/report/run_folder.h"

namespace hnn::report {

// The page for `run`: the results table per model (parameters, final train / test loss,
// trajectory MSE final and mean, max energy error, training seconds, epochs and
// termination), the recovered formulas when there are any, every figure of `figures` with
// a caption (images by relative path, so the page goes beside figures/), the notes and the
// resolved pipeline. Every text from the run folder is escaped. Writes nothing.
std::string render_report_html(const RunFolder& run, const FigureSet& figures,
                               const std::string& title);

// `text` with &, <, >, " and ' replaced by character references, for element content and
// quoted attribute values.
std::string escape_html(std::string_view text);

}  // namespace hnn::report

#endif  // HNN_REPORT_HTML_REPORT_H_
