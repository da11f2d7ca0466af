// A CSV file of a run folder read into memory: a header row, then rows of cells.
#ifndef HNN_REPORT_CSV_TABLE_H_
#define HNN_REPORT_CSV_TABLE_H_

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "hnn/host/run_folder_reading.h"

namespace hnn::report {

// The cells of a CSV file, column by column, as text. Fields may be quoted ("a,b", with ""
// for a quote); lines may end in \r\n. Every row must have as many cells as the header.
//
//   const CsvTable table = CsvTable::read(run / "history.csv");
//   const std::vector<double> loss = table.reals("train_loss");   // empty cells: NaN
class CsvTable {
 public:
  // Reads `file`. Throws RunFolderError naming the file (and the line) when it cannot be
  // read, is empty, has a duplicate column name, or a row has the wrong number of cells.
  static CsvTable read(const std::filesystem::path& file);

  // Parses CSV text; `file` only names the source in messages.
  static CsvTable parse(const std::string& text, const std::filesystem::path& file);

  const std::filesystem::path& file() const { return file_; }
  const std::vector<std::string>& header() const { return header_; }
  std::size_t row_count() const { return rows_; }
  bool has_column(const std::string& name) const;

  // The column's cells. Throws RunFolderError naming the file and the column when the file
  // has no such column.
  const std::vector<std::string>& texts(const std::string& name) const;

  // The column as reals: an empty cell is NaN; nan, inf, -inf, .nan, .inf, -.inf are read
  // as such. Throws RunFolderError naming the file, line and column for any other text that
  // is not a real.
  std::vector<double> reals(const std::string& name) const;

 private:
  std::size_t column_index(const std::string& name) const;

  std::filesystem::path file_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> columns_;
  std::size_t rows_ = 0;
};

// Reads a real as the run folder writes it (see CsvTable::reals): hnn::parse_real.
using hnn::parse_real;

}  // namespace hnn::report

#endif  // HNN_REPORT_CSV_TABLE_H_
