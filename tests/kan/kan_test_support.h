// Helpers of the kan tests: load the real `kan` plugin through the registry, make models,
// read the golden files.
#ifndef HNN_TESTS_KAN_KAN_TEST_SUPPORT_H_
#define HNN_TESTS_KAN_KAN_TEST_SUPPORT_H_

#include <Eigen/Core>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bundled_plugins.h"
#include "hnn/model.h"
#include "hnn/options.h"
#include "uniform_matrix.h"

namespace hnn::testing {

// The bundled hnn_kan.so, loaded once per test binary (and kept to the end of the process).
inline const BundledPlugins& kan_plugins() {
  static const BundledPlugins* plugins = new BundledPlugins({"hnn_kan"});
  return *plugins;
}

inline const std::string kGoldenInit = std::string(HNN_GOLDEN_DIR) + "/kan_2_1_2_seed0_init.yaml";

// A model made by the plugin's factory from its defaults and `settings`, validated
// against the schema.
inline std::shared_ptr<Model> make_kan(const std::map<std::string, OptionValue>& settings = {}) {
  return kan_plugins().model("kan", {settings.begin(), settings.end()});
}

// A CSV file with '#' comment lines and one header row: column name -> values (numeric
// columns only; non-numeric cells are kept in `text`).
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  int column(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    throw std::runtime_error("no column " + name);
  }
  double number(std::size_t row, const std::string& name) const {
    return std::stod(rows[row][column(name)]);
  }
};

inline CsvTable read_csv(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read " + path);
  CsvTable table;
  std::string line;
  auto split = [](const std::string& text) {
    std::vector<std::string> cells;
    std::stringstream stream(text);
    std::string cell;
    while (std::getline(stream, cell, ',')) cells.push_back(cell);
    return cells;
  };
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (table.header.empty()) {
      table.header = split(line);
    } else {
      table.rows.push_back(split(line));
    }
  }
  return table;
}

// The first `count` train rows of spring_seed1390.csv: states (2 x N) and derivatives.
inline void spring_train_rows(int count, Eigen::MatrixXd& states, Eigen::MatrixXd& derivatives) {
  const CsvTable table = read_csv(std::string(HNN_GOLDEN_DIR) + "/spring_seed1390.csv");
  states.resize(2, count);
  derivatives.resize(2, count);
  int n = 0;
  const int split = table.column("split");
  for (std::size_t row = 0; row < table.rows.size() && n < count; ++row) {
    if (table.rows[row][split] != "train") continue;
    states(0, n) = table.number(row, "q");
    states(1, n) = table.number(row, "p");
    derivatives(0, n) = table.number(row, "dqdt");
    derivatives(1, n) = table.number(row, "dpdt");
    ++n;
  }
  if (n != count) throw std::runtime_error("spring_seed1390.csv has too few train rows");
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_KAN_KAN_TEST_SUPPORT_H_
