#include "hnn/number_format.h"

#include <charconv>

namespace hnn {

std::string shortest_decimal(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

}  // namespace hnn
