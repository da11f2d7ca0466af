// Reads the golden CSV files of tests/golden: '#' comment lines, one header row, then rows of
// comma-separated fields. Test support only (throws std::runtime_error on a malformed file).
#ifndef HNN_TESTS_SUPPORT_GOLDEN_CSV_H_
#define HNN_TESTS_SUPPORT_GOLDEN_CSV_H_

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace hnn::testing {

struct GoldenCsv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  std::size_t column(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    throw std::runtime_error("golden CSV has no column '" + name + "'");
  }
  // The column as numbers (strtod reads Python's repr exactly).
  std::vector<double> numbers(const std::string& name) const {
    const std::size_t c = column(name);
    std::vector<double> values;
    values.reserve(rows.size());
    for (const auto& row : rows) values.push_back(std::strtod(row.at(c).c_str(), nullptr));
    return values;
  }
  std::vector<std::string> strings(const std::string& name) const {
    const std::size_t c = column(name);
    std::vector<std::string> values;
    for (const auto& row : rows) values.push_back(row.at(c));
    return values;
  }
};

inline std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  std::string field;
  while (std::getline(stream, field, ',')) fields.push_back(field);
  return fields;
}

inline GoldenCsv read_golden_csv(const std::string& file_name) {
  const std::string path = std::string(HNN_GOLDEN_DIR) + "/" + file_name;
  std::ifstream input(path);
  if (!input) throw std::runtime_error("cannot open " + path);
  GoldenCsv csv;
  std::string line;
  while (std::getline(input, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (csv.header.empty()) {
      csv.header = split_csv_line(line);
    } else {
      csv.rows.push_back(split_csv_line(line));
      if (csv.rows.back().size() != csv.header.size()) {
        throw std::runtime_error(path + ": row " + std::to_string(csv.rows.size()) + " has " +
                                 std::to_string(csv.rows.back().size()) + " fields");
      }
    }
  }
  return csv;
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_SUPPORT_GOLDEN_CSV_H_
