// What the fuzz targets of fuzz/ share: writing an input where a reader expects a file, the
// bundled plugins loaded once, and the rule that decides what is a finding.
//
// A target's entry (LLVMFuzzerTestOneInput) runs one input through the same functions the
// host runs. An input may be refused, but only the documented way: a thrown hnn::Error
// (ConfigError, RunError, ...) whose message can be formatted. Anything else is a finding
// and ends the process: a crash or a sanitizer report, and also any other exception
// (std::bad_alloc, std::out_of_range, a yaml-cpp exception) escaping to std::terminate,
// because the host would print it without a location.
//
// The same entry is linked twice (fuzz/CMakeLists.txt): into a libFuzzer binary
// (-DHNN_FUZZ=ON, clang) and into a replay test that any build runs over the target's
// regression inputs (replay_main.cc).
#ifndef HNN_FUZZ_FUZZ_SUPPORT_H_
#define HNN_FUZZ_FUZZ_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "hnn/error.h"
#include "hnn/registry.h"

namespace hnn::fuzz {

// A folder of this process (created on first use, removed at exit) for the files an input
// is written to.
const std::filesystem::path& scratch_directory();

// Writes `size` bytes to scratch_directory()/name (replacing it) and returns the path.
std::filesystem::path write_input(const std::string& name, const std::uint8_t* data,
                                  std::size_t size);

// Writes text to scratch_directory()/name and returns the path.
std::filesystem::path write_text(const std::string& name, const std::string& text);

// A registry with every bundled plugin loaded (once per process, from
// HNN_BUNDLED_PLUGIN_DIR). Aborts when one does not load: the target would test nothing.
const Registry& bundled_registry();

// Runs `body`; an hnn::Error it throws is a refusal (its message is formatted, as the
// host prints it). Everything else propagates, i.e. is a finding.
template <class Body>
void refuse_only_with_hnn_errors(Body&& body) {
  try {
    body();
  } catch (const Error& error) {
    const std::string message = error.what();
    if (message.empty()) throw;  // a refusal must say why
  }
}

}  // namespace hnn::fuzz

#endif  // HNN_FUZZ_FUZZ_SUPPORT_H_
