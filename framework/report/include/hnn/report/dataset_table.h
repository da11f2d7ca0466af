// data.csv of a run folder: the training and test samples.
#ifndef HNN_REPORT_DATASET_TABLE_H_
#define HNN_REPORT_DATASET_TABLE_H_

#include <filesystem>
#include <string>
#include <vector>

namespace hnn::report {

// The columns of data.csv: split, trajectory, t, the state coordinates (positions first,
// then momenta), then their time derivatives d<c>_dt. Every vector has one value per row.
struct DatasetTable {
  std::vector<std::string> coordinate_names;
  std::vector<std::string> split;  // "train" or "test"
  std::vector<double> trajectory;
  std::vector<double> time;
  std::vector<std::vector<double>> coordinates;  // one vector per coordinate name
};

// Reads data.csv. The coordinates are the columns between t and the first d<c>_dt column.
// Throws RunFolderError naming the file (line, column) when it cannot be read, misses
// split/trajectory/t, has an odd number of coordinates, or a cell is not a real.
DatasetTable read_dataset_table(const std::filesystem::path& file);

}  // namespace hnn::report

#endif  // HNN_REPORT_DATASET_TABLE_H_
