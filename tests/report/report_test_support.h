// Helpers of the report tests: scratch copies of the fixture run folder, files as text.
#ifndef HNN_TESTS_REPORT_REPORT_TEST_SUPPORT_H_
#define HNN_TESTS_REPORT_REPORT_TEST_SUPPORT_H_

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace hnn::testing {

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

inline void write_text(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

// A fresh folder <build>/tests/report/scratch/<name> (emptied first).
inline std::filesystem::path report_scratch(const std::string& name) {
  const auto directory =
      std::filesystem::path(HNN_BINARY_DIR) / "tests" / "report" / "scratch" / name;
  std::filesystem::remove_all(directory);
  std::filesystem::create_directories(directory);
  return directory;
}

// A copy of the fixture run folder tests/report/fixtures/spring_run in a fresh scratch
// folder, so that tests never write into the source tree.
inline std::filesystem::path copy_fixture_run(const std::string& name) {
  const auto directory = report_scratch(name) / "spring_run";
  std::filesystem::copy(std::filesystem::path(HNN_REPORT_FIXTURES) / "spring_run", directory,
                        std::filesystem::copy_options::recursive);
  return directory;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_REPORT_REPORT_TEST_SUPPORT_H_
