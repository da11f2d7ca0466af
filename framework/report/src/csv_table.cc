#include "hnn/report/csv_table.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include "hnn/report/run_folder_error.h"

namespace hnn::report {

namespace {

// Splits one record into fields; `position` is advanced past the record's line end.
// Returns false at the end of the text. Quoted fields may hold commas, quotes ("") and
// line ends.
bool next_record(const std::string& text, std::size_t& position, std::vector<std::string>& fields,
                 std::size_t& line, const std::filesystem::path& file) {
  fields.clear();
  if (position >= text.size()) return false;
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  const std::size_t first_line = line;
  while (position < text.size()) {
    const char c = text[position++];
    if (quoted) {
      if (c == '"') {
        if (position < text.size() && text[position] == '"') {
          field += '"';
          ++position;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\n') {
      ++line;
      break;
    } else if (c == '\r' && position < text.size() && text[position] == '\n') {
      // \r\n: the \n ends the record.
    } else {
      field += c;
    }
  }
  if (quoted) {
    throw RunFolderError(file.string() + ":" + std::to_string(first_line) +
                         ": error: a quoted field is not closed");
  }
  fields.push_back(std::move(field));
  return true;
}

}  // namespace

CsvTable CsvTable::read(const std::filesystem::path& file) {
  return parse(read_file_text(file), file);
}

CsvTable CsvTable::parse(const std::string& text, const std::filesystem::path& file) {
  CsvTable table;
  table.file_ = file;
  std::size_t position = 0, line = 1;
  std::vector<std::string> fields;
  if (!next_record(text, position, fields, line, file) ||
      (fields.size() == 1 && fields[0].empty())) {
    throw RunFolderError(file.string() + ":1: error: the file is empty; expected a header row");
  }
  std::set<std::string> seen;
  for (const auto& name : fields) {
    if (!seen.insert(name).second) {
      throw RunFolderError(file.string() + ":1: error: the column '" + name +
                           "' appears twice in the header");
    }
  }
  table.header_ = fields;
  table.columns_.resize(fields.size());
  for (;;) {
    const std::size_t record_line = line;
    if (!next_record(text, position, fields, line, file)) break;
    if (fields.size() == 1 && fields[0].empty()) continue;  // a blank line
    if (fields.size() != table.header_.size()) {
      throw RunFolderError(file.string() + ":" + std::to_string(record_line) + ": error: " +
                           std::to_string(fields.size()) + " cells, but the header has " +
                           std::to_string(table.header_.size()) + " columns");
    }
    for (std::size_t c = 0; c < fields.size(); ++c) {
      table.columns_[c].push_back(std::move(fields[c]));
    }
    ++table.rows_;
  }
  return table;
}

bool CsvTable::has_column(const std::string& name) const {
  for (const auto& column : header_) {
    if (column == name) return true;
  }
  return false;
}

std::size_t CsvTable::column_index(const std::string& name) const {
  for (std::size_t c = 0; c < header_.size(); ++c) {
    if (header_[c] == name) return c;
  }
  throw RunFolderError(file_.string() + ":1: error: no column '" + name + "' in the header");
}

const std::vector<std::string>& CsvTable::texts(const std::string& name) const {
  return columns_[column_index(name)];
}

std::vector<double> CsvTable::reals(const std::string& name) const {
  const std::size_t c = column_index(name);
  const auto& cells = columns_[c];
  std::vector<double> values(cells.size());
  for (std::size_t r = 0; r < cells.size(); ++r) {
    if (cells[r].empty()) {
      values[r] = std::numeric_limits<double>::quiet_NaN();
    } else if (!parse_real(cells[r], values[r])) {
      // Line numbers count the header as line 1 (files with multi-line quoted cells aside).
      throw RunFolderError(file_.string() + ":" + std::to_string(r + 2) + ": error: column " +
                           name + ": expected a real, found '" + cells[r] + "'");
    }
  }
  return values;
}

}  // namespace hnn::report
