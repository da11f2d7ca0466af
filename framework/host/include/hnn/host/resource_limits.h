// The memory a run may need, as validation estimates it (data, each model's training, the
// evaluation) and checks it against a limit: `hnn-host --memory-limit SIZE`, by default the
// machine's physical memory. A pipeline whose estimate exceeds the limit is refused by
// --check with the settings that drive the estimate, instead of ending in std::bad_alloc.
#ifndef HNN_HOST_RESOURCE_LIMITS_H_
#define HNN_HOST_RESOURCE_LIMITS_H_

#include <optional>
#include <string>

namespace hnn {

struct ResourceLimits {
  // Bytes of memory one part of a run (the data, one model's training, the evaluation) may
  // need; 0 = default_memory_limit().
  double memory_bytes = 0;
};

// The machine's physical memory in bytes (sysconf), or 0 when it cannot be told (then no
// limit applies).
double default_memory_limit();

// "512M", "16G", "1.5T", "1e9", "1000000": a size in bytes (K, M, G, T: powers of 1024);
// nullopt for anything else, zero or negative included.
std::optional<double> parse_byte_size(const std::string& text);

// 1.6 TB, 512.0 MB, 12 bytes: powers of 1024, one decimal.
std::string format_bytes(double bytes);

}  // namespace hnn

#endif  // HNN_HOST_RESOURCE_LIMITS_H_
