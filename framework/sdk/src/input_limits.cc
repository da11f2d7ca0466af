#include "hnn/input_limits.h"

namespace hnn {

std::string describe_byte_count(std::size_t bytes) {
  if (bytes >= (std::size_t(1) << 20) && bytes % (std::size_t(1) << 20) == 0) {
    return std::to_string(bytes >> 20) + " MiB";
  }
  if (bytes >= (std::size_t(1) << 10) && bytes % (std::size_t(1) << 10) == 0) {
    return std::to_string(bytes >> 10) + " KiB";
  }
  return std::to_string(bytes) + " bytes";
}

}  // namespace hnn
