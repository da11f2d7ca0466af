// Reading one file's bytes into trajectories, without the file system: what the `table`
// source does for each file, and the entry point for fuzzing every reader at once.
//
// A libFuzzer target calls, for its input bytes:
//
//   hnn::data_sources::TableSourceSettings settings;  // file, format, columns to try
//   hnn::data_sources::TableProblems problems;
//   hnn::data_sources::read_table_bytes(bytes, "fuzz.csv", settings, problems);
//
// and must see no crash, no sanitizer report and no exception but std::bad_alloc. The
// single readers (parse_text_table, parse_npy, parse_npz in text_table_reader.h and
// npy_reader.h) are entry points too. Build against the static library
// `hnn_table_readers` (plugins/data_sources/table/CMakeLists.txt).
#ifndef HNN_PLUGINS_TABLE_TABLE_READING_H_
#define HNN_PLUGINS_TABLE_TABLE_READING_H_

#include <string>
#include <string_view>
#include <vector>

#include "hnn/data_source.h"
#include "table_columns.h"
#include "table_problems.h"
#include "table_settings.h"

namespace hnn::data_sources {

// `format`, or for kAuto the format of `file_name` by its extension (case-insensitive):
// .csv, .npy, .npz, anything else whitespace-separated text.
TableFormat resolve_format(TableFormat format, const std::string& file_name);

// The columns `settings` asks of each file, in the order of TableLayout (table_trajectories.h).
TableRequest table_request(const TableSourceSettings& settings);

// The 2n coordinate names: positions and momenta by their column names ("q", "p"), "q1",
// "p1", ... for columns without a name; "p_<position>" for momenta from velocities.
// `columns` is a file's result for table_request(settings).
std::vector<std::string> coordinate_names(const TableSourceSettings& settings,
                                          const SelectedColumns& columns);

// The trajectories in `bytes`, the contents of `file_name` (for messages and labels),
// read as `settings` say (settings.file and files are ignored). Problems go to `problems`;
// the result is then incomplete. When `columns` is not null it receives the columns read
// (for coordinate_names). Never throws but std::bad_alloc; `settings` must be valid.
std::vector<Trajectory> read_table_bytes(std::string_view bytes, const std::string& file_name,
                                         const TableSourceSettings& settings,
                                         TableProblems& problems,
                                         SelectedColumns* columns = nullptr);

}  // namespace hnn::data_sources

#endif  // HNN_PLUGINS_TABLE_TABLE_READING_H_
