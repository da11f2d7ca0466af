#include "hnn/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "hnn/error.h"

namespace hnn {

void write_file_atomically(const std::filesystem::path& file, std::string_view content) {
  std::error_code error_code;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), error_code);
  const std::string temporary = file.string() + ".tmp." + std::to_string(::getpid());
  const int descriptor = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (descriptor < 0) {
    throw Error("cannot write " + file.string() + ": " + std::strerror(errno));
  }
  const char* data = content.data();
  std::size_t remaining = content.size();
  while (remaining > 0) {
    const ssize_t written = ::write(descriptor, data, remaining);
    if (written < 0) {
      if (errno == EINTR) continue;
      const std::string reason = std::strerror(errno);
      ::close(descriptor);
      ::unlink(temporary.c_str());
      throw Error("cannot write " + file.string() + ": " + reason);
    }
    data += written;
    remaining -= static_cast<std::size_t>(written);
  }
  if (::fsync(descriptor) != 0 || ::close(descriptor) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temporary.c_str());
    throw Error("cannot write " + file.string() + ": " + reason);
  }
  if (::rename(temporary.c_str(), file.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temporary.c_str());
    throw Error("cannot write " + file.string() + ": " + reason);
  }
}

}  // namespace hnn
