// Writing files so that an interrupted or failed run never leaves a truncated one: the
// content goes to a temporary file in the same folder, which is then renamed over the
// target (an atomic replacement on POSIX file systems).
#ifndef HNN_ATOMIC_FILE_H_
#define HNN_ATOMIC_FILE_H_

#include <filesystem>
#include <string_view>

namespace hnn {

// Writes `content` to `file` atomically. Creates missing parent folders. Throws hnn::Error
// naming the file when anything fails; the target is then untouched.
void write_file_atomically(const std::filesystem::path& file, std::string_view content);

}  // namespace hnn

#endif  // HNN_ATOMIC_FILE_H_
