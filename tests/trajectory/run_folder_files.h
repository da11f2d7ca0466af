// Reading a run folder in the trajectory tests: a file's text, and the training losses of
// history.csv.
#ifndef HNN_TESTS_TRAJECTORY_RUN_FOLDER_FILES_H_
#define HNN_TESTS_TRAJECTORY_RUN_FOLDER_FILES_H_

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace hnn::testing {

// The whole text of `file` ("" when it cannot be read).
inline std::string read(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The train_loss column of history.csv's rows that have one, of the model `model` (every
// model's rows when it is empty). REQUIREs the header.
inline std::vector<double> train_losses(const std::filesystem::path& history,
                                        const std::string& model = "") {
  std::ifstream in(history);
  std::string line;
  std::getline(in, line);
  REQUIRE(line.rfind("epoch,model,stage,train_loss,", 0) == 0);
  std::vector<double> losses;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream row(line);
    for (std::string field; std::getline(row, field, ',');) fields.push_back(field);
    if (fields.size() > 3 && !fields[3].empty() && (model.empty() || fields[1] == model)) {
      losses.push_back(std::stod(fields[3]));
    }
  }
  return losses;
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_TRAJECTORY_RUN_FOLDER_FILES_H_
