// The columns a table source asks of a file, and what a reader gives back: the requested
// columns as numbers, with a way to locate any cell for an error message.
//
// A column is referred to by name (a header name, or one of the `column_names` option) or
// by its 0-based index written in digits ("2"). Text that consists of digits only is always
// an index.
#ifndef HNN_PLUGINS_TABLE_TABLE_COLUMNS_H_
#define HNN_PLUGINS_TABLE_TABLE_COLUMNS_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hnn/error.h"
#include "table_problems.h"

namespace hnn::data_sources {

// One requested column: the option key it comes from ("time", "positions[0]") and the
// reference ("t" or "1").
struct ColumnRequest {
  std::string key;
  std::string reference;
};

// Every column a source needs from one file, in the order the reader returns them.
struct TableRequest {
  std::vector<ColumnRequest> columns;
  // When not empty, the names of the file's columns 0, 1, ... (replacing the file's own
  // header); columns past its end are unnamed.
  std::vector<std::string> column_names;
};

// The requested columns of one file, read as finite numbers.
struct SelectedColumns {
  // Per requested column: its name in the file ("t"), or "column 3" when it has none.
  std::vector<std::string> names;
  // Per requested column: its 0-based index in the file.
  std::vector<int> indices;
  std::size_t rows = 0;
  // rows x names.size(), row-major.
  std::vector<double> values;
  // A problem located at the cell (row, requested column): file:line:column for text,
  // "array[row, column]" for arrays. Refers to the bytes the reader was given: valid only
  // while they live.
  std::function<ConfigProblem(std::size_t row, std::size_t requested, std::string message)> locate;

  double value(std::size_t row, std::size_t requested) const {
    return values[row * names.size() + requested];
  }
};

// How a file's columns are named: one entry per column ("" when unnamed), the location of
// the names (file, line of the header; line 0 for none or arrays) and, when the file had a
// header that could not be used, why ("the header at line 1 names 2 columns but the rows
// have 4"): it is added to the message of a name that is not found.
struct ColumnNames {
  std::vector<std::string> names;
  ConfigProblem where;
  std::string note;
  // What has the columns, in messages: "the file", "the array 'x'".
  std::string owner = "the file";
};

// Resolves every reference of `request` against `columns` (one name per column of the
// file). Returns the indices, or nullopt after adding one problem per bad reference (an
// index out of range, a name that does not exist or is ambiguous: the message lists the
// columns and suggests the likely intended name).
std::optional<std::vector<int>> resolve_columns(const TableRequest& request,
                                                const ColumnNames& columns,
                                                TableProblems& problems);

// "column 3" or the name; for messages and coordinate names.
std::string column_label(const ColumnNames& columns, int index);

// Whether `reference` is a 0-based column index (digits only).
bool is_column_index(const std::string& reference);

}  // namespace hnn::data_sources

#endif  // HNN_PLUGINS_TABLE_TABLE_COLUMNS_H_
