// Compiling and running exported source at test time: the C++ compiler of the build
// (HNN_CXX_COMPILER) or python3, as child processes, in a scratch folder of the build tree.
// Test support only.
#ifndef HNN_TESTS_EXPORT_COMPILED_SOURCE_H_
#define HNN_TESTS_EXPORT_COMPILED_SOURCE_H_

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace hnn_test {

struct ProcessResult {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream stream(file);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

inline void write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file) << text;
}

// A fresh (emptied) scratch folder tests/export/<name> in the build tree.
inline std::filesystem::path export_scratch(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::path(HNN_BINARY_DIR) / "tests" / "export" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Runs `command` (shell syntax) in `dir`, its output through files there.
inline ProcessResult run_in(const std::filesystem::path& dir, const std::string& command) {
  const std::filesystem::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  const std::string line = "cd '" + dir.string() + "' && " + command + " >'" + out.string() +
                           "' 2>'" + err.string() + "'";
  const int raw = std::system(line.c_str());
  return ProcessResult{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read_text(out), read_text(err)};
}

// Writes `files` (name -> content) into `dir`, compiles `main_file` among them with the
// build's compiler as strict C++17 (warnings are errors: an export must compile cleanly with
// -Wall -Wextra -Wpedantic) or, for a ".c" main file, the C compiler as C99 (HNN_C_COMPILER),
// and runs the program. status is the compiler's when it fails.
inline ProcessResult compile_and_run(const std::filesystem::path& dir,
                                     const std::map<std::string, std::string>& files,
                                     const std::string& main_file, const std::string& link = "") {
  for (const auto& [name, content] : files) write_text(dir / name, content);
  const bool c = main_file.size() > 2 && main_file.substr(main_file.size() - 2) == ".c";
  const std::string compiler = c ? std::string("'" HNN_C_COMPILER "' -std=c99")
                                 : std::string("'" HNN_CXX_COMPILER "' -std=c++17");
  ProcessResult built =
      run_in(dir, compiler + " -O2 -Wall -Wextra -Wpedantic -Werror -o program '" + main_file +
                      "' " + link);
  if (built.status != 0) return built;
  return run_in(dir, "./program");
}

// The numbers of `text` (whitespace-separated), each line one vector.
inline std::vector<std::vector<double>> number_lines(const std::string& text) {
  std::vector<std::vector<double>> lines;
  std::istringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) {
    std::istringstream fields(line);
    std::vector<double> numbers;
    double value;
    while (fields >> value) numbers.push_back(value);
    if (!numbers.empty()) lines.push_back(numbers);
  }
  return lines;
}

}  // namespace hnn_test

#endif  // HNN_TESTS_EXPORT_COMPILED_SOURCE_H_
