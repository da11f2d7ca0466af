#include "file_text.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "hnn/report/run_folder_error.h"

namespace hnn::report::internal {

std::string read_file_text(const std::filesystem::path& file) {
  std::error_code error_code;
  if (!std::filesystem::exists(file, error_code)) {
    throw RunFolderError(file.string() + ": error: cannot read the file (it does not exist)");
  }
  if (!std::filesystem::is_regular_file(file, error_code)) {
    throw RunFolderError(file.string() + ": error: cannot read the file (not a regular file)");
  }
  std::ifstream stream(file, std::ios::binary);
  if (!stream) {
    throw RunFolderError(file.string() + ": error: cannot read the file (" + std::strerror(errno) +
                         ")");
  }
  std::ostringstream text;
  text << stream.rdbuf();
  if (stream.bad()) {
    throw RunFolderError(file.string() + ": error: cannot read the file (read error)");
  }
  return text.str();
}

}  // namespace hnn::report::internal
