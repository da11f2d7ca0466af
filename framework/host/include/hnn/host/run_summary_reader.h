// Reading summary.yaml back into a RunSummary (run_summary.h): the one reader, used by the
// report and any other tool.
#ifndef HNN_HOST_RUN_SUMMARY_READER_H_
#define HNN_HOST_RUN_SUMMARY_READER_H_

#include <filesystem>

#include "hnn/host/run_summary.h"

namespace hnn {

// Reads summary.yaml. Keys it does not know are ignored, so a summary written by a newer
// version (a higher schema_version with added keys) still reads; a known key that is
// missing or null keeps the record's default (kMissing, "", -1, an absent optional), so
// an older or hand-written summary reads too. Throws RunFolderError
// "<file>:<line>:<column>: error: <key path>: <problem>" (e.g. "summary.yaml:5:17: error:
// models.m.parameters: expected an integer, found 'many'") when the file cannot be read, is
// not YAML, has no `models:` map, a known key has a value of the wrong type, or a formula
// has neither `text` nor `text_full`.
RunSummary read_run_summary(const std::filesystem::path& file);

}  // namespace hnn

#endif  // HNN_HOST_RUN_SUMMARY_READER_H_
