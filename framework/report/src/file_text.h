// Reading a whole file of a run folder, with the error a report throws.
#ifndef HNN_REPORT_SRC_FILE_TEXT_H_
#define HNN_REPORT_SRC_FILE_TEXT_H_

#include <filesystem>
#include <string>

namespace hnn::report::internal {

// The bytes of `file`. Throws RunFolderError "<file>: error: cannot read the file (...)"
// when it is missing, not a regular file or unreadable.
std::string read_file_text(const std::filesystem::path& file);

}  // namespace hnn::report::internal

#endif  // HNN_REPORT_SRC_FILE_TEXT_H_
