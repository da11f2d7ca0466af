// Writing summary.yaml: the one serialisation of a RunSummary (run_summary.h).
//
// The layout is fixed (docs/run_folder.md): a comment line, `schema_version:`, the run's
// entries one a line, then `models:` with one block per model, keys in the record's order.
// Maps of a few values and list items are written in flow style on one line; texts are
// quoted; reals use the shortest decimal that reads back to the same double (.nan, .inf).
// Optional parts that are absent are left out, so an older reader sees what it expects.
#ifndef HNN_HOST_RUN_SUMMARY_WRITER_H_
#define HNN_HOST_RUN_SUMMARY_WRITER_H_

#include <filesystem>
#include <string>

#include "hnn/host/run_summary.h"

namespace hnn {

// The text of summary.yaml for `summary`. read_run_summary gives back an equal record.
std::string format_run_summary(const RunSummary& summary);

// Writes format_run_summary(summary) to `file` atomically. Throws hnn::Error naming the
// file when it cannot be written.
void write_run_summary(const RunSummary& summary, const std::filesystem::path& file);

}  // namespace hnn

#endif  // HNN_HOST_RUN_SUMMARY_WRITER_H_
