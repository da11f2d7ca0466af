// Running hnn-host as a user does, for the CLI tests: exit status, stdout and stderr.
#ifndef HNN_TESTS_CLI_HOST_COMMAND_H_
#define HNN_TESTS_CLI_HOST_COMMAND_H_

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace hnn_test {

struct Result {
  int status;
  std::string out;
  std::string err;
};

inline std::string read(const std::filesystem::path& file) {
  std::ifstream stream(file);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

// A scratch folder of its own for each test binary (`name`).
inline std::filesystem::path scratch(const std::string& name = "scratch") {
  const std::filesystem::path dir = std::filesystem::path(HNN_BINARY_DIR) / "tests" / "cli" / name;
  std::filesystem::create_directories(dir);
  return dir;
}

// Runs hnn-host with the arguments (shell syntax), HNN_PLUGIN_PATH set to `plugin_path`;
// its output goes through files in `scratch_dir`.
inline Result host(const std::string& arguments, const std::string& plugin_path = "",
                   const std::filesystem::path& scratch_dir = scratch()) {
  const std::filesystem::path out = scratch_dir / "stdout.txt", err = scratch_dir / "stderr.txt";
  const std::string command = "HNN_PLUGIN_PATH='" + plugin_path + "' '" HNN_HOST "' " + arguments +
                              " >'" + out.string() + "' 2>'" + err.string() + "'";
  const int raw = std::system(command.c_str());
  return Result{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read(out), read(err)};
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace hnn_test

#endif  // HNN_TESTS_CLI_HOST_COMMAND_H_
