// The options of the `table` data source.
#ifndef HNN_PLUGINS_TABLE_TABLE_SETTINGS_H_
#define HNN_PLUGINS_TABLE_TABLE_SETTINGS_H_

#include <string>
#include <vector>

#include "hnn/option_binding.h"

namespace hnn::data_sources {

enum class TableFormat {
  kAuto,           // by the file's extension: .csv, .npy, .npz, anything else text
  kCsv,            // comma-separated text
  kText,           // whitespace-separated text
  kSchmidtLipson,  // the Schmidt-Lipson files (spec real_data.md §1): trial, t, the state
  kNpy,            // a NumPy array
  kNpz,            // a NumPy archive of arrays
};

// Columns are referred to by name or by 0-based index (digits only: "2"); see
// table_columns.h. The state is [positions..., momenta...] in the order listed.
struct TableSourceSettings {
  // One file, or several (`files`): relative names are relative to the pipeline's folder.
  // Each file holds one trajectory, or several told apart by the `trajectory` column.
  std::string file;
  std::vector<std::string> files;
  TableFormat format = TableFormat::kAuto;
  // .npz only: the array to read ("" = the archive's only array).
  std::string array;
  // Names for the columns 0, 1, ... replacing the file's header (the way to name the
  // columns of a .npy array).
  std::vector<std::string> column_names;
  // The trajectory id column ("" = none: each file is one trajectory).
  std::string trajectory;
  std::string time = "t";
  std::vector<std::string> positions;   // n >= 1 columns
  std::vector<std::string> momenta;     // n columns, or empty when `velocities` are given
  std::vector<std::string> velocities;  // n columns: p = m v with `masses`
  std::vector<double> masses;           // with velocities: one mass for all, or n
  // Optional: 2n columns holding dq/dt then dp/dt (dv/dt with velocities) at the same rows.
  std::vector<std::string> derivatives;
  // Files larger than this are refused before they are read, and .npz members larger than
  // this are not inflated. Memory stays bounded: the bytes once, the requested columns as
  // doubles with 12 bytes of location per row, and the trajectories: in the worst case
  // (one-character fields, all requested) about 11 times the file's size, for files of
  // 20-character numbers less than the file's size.
  int max_file_megabytes = 256;

  static const OptionBinding<TableSourceSettings>& binding();
};

}  // namespace hnn::data_sources

#endif  // HNN_PLUGINS_TABLE_TABLE_SETTINGS_H_
