// Helpers of the table data-source tests: reading bytes with settings, and the message of
// the ConfigError a read throws.
#ifndef HNN_TESTS_DATA_SOURCES_TABLE_TEST_SUPPORT_H_
#define HNN_TESTS_DATA_SOURCES_TABLE_TEST_SUPPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "hnn/data_source.h"
#include "hnn/error.h"
#include "table_problems.h"
#include "table_reading.h"
#include "table_settings.h"

namespace hnn::data_sources::testing {

// Settings for a file with columns t, q, p.
inline TableSourceSettings tqp_settings() {
  TableSourceSettings settings;
  settings.file = "unused";
  settings.positions = {"q"};
  settings.momenta = {"p"};
  return settings;
}

// The trajectories of `bytes`; throws the ConfigError of the problems.
inline std::vector<Trajectory> read(std::string_view bytes, const std::string& file_name,
                                    const TableSourceSettings& settings) {
  TableSourceSettings::binding().check(settings);
  TableProblems problems;
  std::vector<Trajectory> trajectories = read_table_bytes(bytes, file_name, settings, problems);
  problems.throw_if_any();
  return trajectories;
}

// The message of the ConfigError of reading `bytes`, or "" when it reads.
inline std::string read_error(std::string_view bytes, const std::string& file_name,
                              const TableSourceSettings& settings) {
  try {
    read(bytes, file_name, settings);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

}  // namespace hnn::data_sources::testing

#endif  // HNN_TESTS_DATA_SOURCES_TABLE_TEST_SUPPORT_H_
