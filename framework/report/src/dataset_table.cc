#include "hnn/report/dataset_table.h"

#include "hnn/report/csv_table.h"
#include "hnn/report/run_folder_error.h"

namespace hnn::report {

DatasetTable read_dataset_table(const std::filesystem::path& file) {
  const CsvTable table = CsvTable::read(file);
  const auto& header = table.header();
  if (header.size() < 3 || header[0] != "split" || header[1] != "trajectory" || header[2] != "t") {
    throw RunFolderError(file.string() +
                         ":1: error: expected the columns split, trajectory, t first");
  }
  DatasetTable dataset;
  for (std::size_t c = 3; c < header.size(); ++c) {
    const std::string& name = header[c];
    const bool derivative =
        name.size() > 4 && name.front() == 'd' && name.compare(name.size() - 3, 3, "_dt") == 0;
    if (derivative) break;
    dataset.coordinate_names.push_back(name);
  }
  const std::size_t n = dataset.coordinate_names.size();
  if (n == 0 || n % 2 != 0) {
    throw RunFolderError(file.string() +
                         ":1: error: expected an even, non-zero number of coordinate columns "
                         "(positions, then momenta) after t, found " +
                         std::to_string(n));
  }
  dataset.split = table.texts("split");
  for (std::size_t row = 0; row < dataset.split.size(); ++row) {
    if (dataset.split[row] != "train" && dataset.split[row] != "test") {
      throw RunFolderError(file.string() + ":" + std::to_string(row + 2) +
                           ": error: column split: expected 'train' or 'test', found '" +
                           dataset.split[row] + "'");
    }
  }
  dataset.trajectory = table.reals("trajectory");
  dataset.time = table.reals("t");
  for (const auto& name : dataset.coordinate_names) {
    dataset.coordinates.push_back(table.reals(name));
  }
  return dataset;
}

}  // namespace hnn::report
