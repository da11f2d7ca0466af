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
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "hnn/model.h"
#include "hnn/options.h"
#include "hnn/plugin_loader.h"
#include "hnn/registry.h"

namespace hnn::testing {

// The registry with the bundled hnn_kan.so loaded (once per test binary).
inline Registry& kan_registry() {
  static Registry* registry = [] {
    auto* result = new Registry();
    PluginLoader loader(*result);
    loader.load_library(std::filesystem::path(HNN_BUNDLED_PLUGIN_DIR) / "hnn_kan.so");
    return result;
  }();
  return *registry;
}

inline const std::string kGoldenInit = std::string(HNN_GOLDEN_DIR) + "/kan_2_1_2_seed0_init.yaml";

// A model made by the plugin's factory from its defaults and `settings`, validated
// against the schema.
inline std::shared_ptr<Model> make_kan(const std::map<std::string, OptionValue>& settings = {}) {
  Registry& registry = kan_registry();
  const PluginInfo* info = registry.find(PluginKind::kModel, "kan");
  if (info == nullptr) throw std::runtime_error("the kan plugin is not registered");
  Options options = Options::defaults(info->schema);
  for (const auto& [key, value] : settings) options.set(key, value);
  for (const auto& [key, value] : options.values()) {
    const Option* option = info->schema.find(key);
    if (option == nullptr) throw std::runtime_error("test options: unknown key " + key);
    const std::string problem = option->check(value);
    if (!problem.empty()) throw std::runtime_error("test options: " + key + " " + problem);
  }
  return registry.create_model("kan", options);
}

// rows x columns uniform entries in [low, high), deterministic in seed.
inline Eigen::MatrixXd uniform_matrix(Eigen::Index rows, Eigen::Index columns, unsigned seed,
                                      double low = -1.0, double high = 1.0) {
  std::mt19937_64 engine(seed);
  Eigen::MatrixXd result(rows, columns);
  for (Eigen::Index j = 0; j < columns; ++j)
    for (Eigen::Index i = 0; i < rows; ++i)
      result(i, j) = low + (high - low) * static_cast<double>(engine() >> 11) * 0x1.0p-53;
  return result;
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
