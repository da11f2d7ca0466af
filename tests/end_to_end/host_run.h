// Running hnn-host from the end-to-end tests: a fresh scratch folder per run, and the host
// with only the bundled plugins (HNN_PLUGIN_PATH emptied) and no live progress.
#ifndef HNN_TESTS_END_TO_END_HOST_RUN_H_
#define HNN_TESTS_END_TO_END_HOST_RUN_H_

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace hnn::testing {

// <build>/tests/end_to_end/<name>, removed if it exists (the host creates it).
inline std::filesystem::path scratch(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::path(HNN_BINARY_DIR) / "tests" / "end_to_end" / name;
  std::filesystem::remove_all(dir);
  return dir;
}

// Runs `hnn-host <arguments> --quiet` through the shell (quote paths in `arguments`), with
// the shell assignments `environment` (e.g. "OMP_NUM_THREADS=1") before it; returns its
// exit status, or -1 when it did not exit normally.
inline int host(const std::string& arguments, const std::string& environment = "") {
  const std::string command =
      environment + " HNN_PLUGIN_PATH= '" HNN_HOST "' " + arguments + " --quiet";
  const int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_END_TO_END_HOST_RUN_H_
