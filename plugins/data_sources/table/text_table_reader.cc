#include "text_table_reader.h"

#include <charconv>
#include <cmath>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace hnn::data_sources {
namespace {

// One field of a row: its text (without quotes) and the 1-based character column where
// it starts.
struct Field {
  std::string_view text;
  int column = 1;
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

// Splits a line into fields. Returns "" or the problem and sets *error_column.
std::string split_fields(std::string_view line, TextDialect dialect, std::vector<Field>& fields,
                         int* error_column) {
  fields.clear();
  const std::size_t n = line.size();
  if (dialect != TextDialect::kCsv) {
    std::size_t pos = 0;
    while (pos < n) {
      while (pos < n && is_blank(line[pos])) ++pos;
      if (pos == n) break;
      const std::size_t start = pos;
      while (pos < n && !is_blank(line[pos])) ++pos;
      fields.push_back({line.substr(start, pos - start), static_cast<int>(start) + 1});
    }
    return "";
  }
  std::size_t pos = 0;
  while (true) {
    while (pos < n && is_blank(line[pos])) ++pos;
    if (pos < n && line[pos] == '"') {
      std::size_t close = pos + 1;
      while (close < n) {
        if (line[close] == '"') {
          if (close + 1 < n && line[close + 1] == '"') {
            close += 2;
            continue;
          }
          break;
        }
        ++close;
      }
      if (close >= n) {
        *error_column = static_cast<int>(pos) + 1;
        return "a quoted field is not closed on its line";
      }
      fields.push_back({line.substr(pos + 1, close - pos - 1), static_cast<int>(pos) + 2});
      pos = close + 1;
      while (pos < n && is_blank(line[pos])) ++pos;
      if (pos < n && line[pos] != ',') {
        *error_column = static_cast<int>(pos) + 1;
        return "expected ',' after a closing quote, found '" + std::string(1, line[pos]) + "'";
      }
    } else {
      const std::size_t comma = std::min(line.find(',', pos), n);
      fields.push_back({trim(line.substr(pos, comma - pos)), static_cast<int>(pos) + 1});
      pos = comma;
    }
    if (pos >= n) break;
    ++pos;  // past the comma; a trailing comma gives an empty last field
  }
  return "";
}

enum class NumberStatus { kNumber, kNotFinite, kNotNumber };

NumberStatus parse_number(std::string_view text, double* value) {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
      return NumberStatus::kNotNumber;
    }
  }
  if (text.empty()) return NumberStatus::kNotNumber;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value);
  if (end != text.data() + text.size()) return NumberStatus::kNotNumber;
  if (error == std::errc::result_out_of_range) return NumberStatus::kNotFinite;
  if (error != std::errc()) return NumberStatus::kNotNumber;
  return std::isfinite(*value) ? NumberStatus::kNumber : NumberStatus::kNotFinite;
}

bool all_numbers(const std::vector<Field>& fields) {
  double value = 0.0;
  for (const Field& field : fields) {
    if (parse_number(field.text, &value) == NumberStatus::kNotNumber) return false;
  }
  return true;
}

// For messages: a line's text, shortened.
std::string quote_line(std::string_view line) {
  constexpr std::size_t kMaxShown = 60;
  std::string text(line.substr(0, kMaxShown));
  if (line.size() > kMaxShown) text += "...";
  return "'" + text + "'";
}

std::string fields_phrase(std::size_t count) {
  return std::to_string(count) + (count == 1 ? " field" : " fields");
}

// The line of `bytes` starting at `offset`, without its end-of-line characters.
std::string_view line_at(std::string_view bytes, std::size_t offset) {
  std::size_t end = bytes.find('\n', offset);
  if (end == std::string_view::npos) end = bytes.size();
  std::string_view line = bytes.substr(offset, end - offset);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// The names a comment line gives: its text after the leading '#'/'%', split like a row.
std::vector<std::string> comment_names(std::string_view comment, TextDialect dialect) {
  comment = trim(comment);
  while (!comment.empty() && (comment.front() == '#' || comment.front() == '%')) {
    comment.remove_prefix(1);
  }
  std::vector<Field> fields;
  int unused = 0;
  split_fields(comment, dialect, fields, &unused);
  std::vector<std::string> names;
  for (const Field& field : fields) names.emplace_back(field.text);
  return names;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

class TextTableParser {
 public:
  TextTableParser(std::string_view bytes, const std::string& file_name, TextDialect dialect,
                  const TableRequest& request, TableProblems& problems)
      : bytes_(bytes),
        file_name_(file_name),
        dialect_(dialect),
        request_(request),
        problems_(problems) {}

  SelectedColumns parse() {
    // A UTF-8 byte order mark (spreadsheets write one) is not part of the first name.
    std::size_t offset = bytes_.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    int line_number = 0;
    while (offset < bytes_.size() && !stopped_) {
      std::size_t end = bytes_.find('\n', offset);
      if (end == std::string_view::npos) end = bytes_.size();
      ++line_number;
      std::string_view line = bytes_.substr(offset, end - offset);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      take_line(line, line_number, offset);
      offset = end + 1;
    }
    if (!stopped_ && result_.rows == 0 && rejected_rows_ == 0) {
      add_problem(0, 0, "",
                  header_line_ > 0 ? "the file has a header but no data rows"
                                   : "the file has no data rows");
    }
    finish_locator();
    return std::move(result_);
  }

 private:
  void add_problem(int line, int column, std::string path, std::string message) {
    ConfigProblem problem;
    problem.file = file_name_;
    problem.line = line;
    problem.column = line > 0 ? std::max(column, 1) : 0;
    problem.path = std::move(path);
    problem.message = std::move(message);
    problems_.add(std::move(problem));
  }

  void take_line(std::string_view line, int line_number, std::size_t offset) {
    const std::string_view content = trim(line);
    const bool lipson = dialect_ == TextDialect::kSchmidtLipson;
    if (lipson && line_number == 1) {
      if (content.empty() || content.front() != '%') {
        add_problem(1, 1, "",
                    "a Schmidt-Lipson file starts with a '%' header naming the state columns "
                    "(such as '%o v'), found " +
                        quote_line(line));
        stopped_ = true;
        return;
      }
      lipson_names_ = comment_names(content, dialect_);
      return;
    }
    if (content.empty()) return;
    if (content.front() == '#' || content.front() == '%') {
      if (column_count_ < 0) {
        last_comment_ = content;
        last_comment_line_ = line_number;
      }
      return;
    }
    int error_column = 0;
    const std::string split_problem = split_fields(line, dialect_, fields_, &error_column);
    if (!split_problem.empty()) {
      add_problem(line_number, error_column, "", split_problem);
      ++rejected_rows_;
      return;
    }
    if (column_count_ < 0) {
      if (!lipson && header_line_ == 0 && !all_numbers(fields_)) {
        header_line_ = line_number;
        for (const Field& field : fields_) header_names_.emplace_back(field.text);
        return;
      }
      if (!name_columns(line_number)) {
        stopped_ = true;
        return;
      }
    }
    if (static_cast<int>(fields_.size()) != column_count_) {
      add_problem(line_number, 1, "",
                  "this row has " + fields_phrase(fields_.size()) + ", expected " +
                      std::to_string(column_count_) + " like " + count_origin_);
      ++rejected_rows_;
      return;
    }
    const std::size_t requested = indices_.size();
    for (std::size_t k = 0; k < requested; ++k) {
      const Field& field = fields_[static_cast<std::size_t>(indices_[k])];
      double value = 0.0;
      const NumberStatus status = parse_number(field.text, &value);
      if (status != NumberStatus::kNumber) {
        const std::string where = "column " + std::to_string(indices_[k]) +
                                  (column_names_.names[indices_[k]].empty()
                                       ? std::string()
                                       : " ('" + column_names_.names[indices_[k]] + "')");
        std::string message;
        if (field.text.empty()) {
          message = where + " is empty, expected a number";
        } else if (status == NumberStatus::kNotFinite) {
          message.append("'").append(field.text).append("' in ").append(where);
          message.append(" is not a finite number (NaN and infinities are not allowed)");
        } else {
          message = "expected a number in " + where + ", found " + quote_line(field.text);
        }
        add_problem(line_number, field.column, request_.columns[k].key, std::move(message));
      }
      result_.values.push_back(value);
    }
    ++result_.rows;
    row_offsets_->push_back(offset);
    row_lines_->push_back(line_number);
  }

  // At the first data row: the column count and names; resolves the request.
  bool name_columns(int line_number) {
    if (header_line_ > 0) {
      column_count_ = static_cast<int>(header_names_.size());
      column_names_.names = header_names_;
      column_names_.where.line = header_line_;
      count_origin_ = "the header row (line " + std::to_string(header_line_) + ")";
    } else {
      column_count_ = static_cast<int>(fields_.size());
      column_names_.names.assign(fields_.size(), "");
      count_origin_ = "the first data row (line " + std::to_string(line_number) + ")";
    }
    column_names_.where.file = file_name_;
    if (dialect_ == TextDialect::kSchmidtLipson) {
      const std::size_t needed = 2 + lipson_names_.size();
      if (fields_.size() < needed) {
        add_problem(line_number, 1, "",
                    "the header at line 1 names " + std::to_string(lipson_names_.size()) +
                        " state columns (" + join_names(lipson_names_) +
                        ") after the trial and time columns, so rows need at least " +
                        std::to_string(needed) + " fields, but this row has " +
                        std::to_string(fields_.size()));
        return false;
      }
      column_names_.names[0] = "trial";
      column_names_.names[1] = "t";
      for (std::size_t i = 0; i < lipson_names_.size(); ++i) {
        column_names_.names[2 + i] = lipson_names_[i];
      }
      column_names_.where.line = 1;
    } else if (header_line_ == 0 && last_comment_line_ > 0) {
      const std::vector<std::string> names = comment_names(last_comment_, dialect_);
      if (names.size() == fields_.size()) {
        column_names_.names = names;
        column_names_.where.line = last_comment_line_;
      } else if (!names.empty()) {
        column_names_.note = "the comment line " + std::to_string(last_comment_line_) + " " +
                             quote_line(last_comment_) + " has " + std::to_string(names.size()) +
                             " words but the rows have " + std::to_string(fields_.size()) +
                             " columns, so it names no column (choose columns by index, "
                             "set column_names, or use format schmidt_lipson for that format)";
      }
    }
    if (!request_.column_names.empty()) {
      if (request_.column_names.size() > column_names_.names.size()) {
        add_problem(0, 0, "column_names",
                    "column_names gives " + std::to_string(request_.column_names.size()) +
                        " names but the file has " + std::to_string(column_names_.names.size()) +
                        " columns");
        return false;
      }
      std::fill(column_names_.names.begin(), column_names_.names.end(), std::string());
      std::copy(request_.column_names.begin(), request_.column_names.end(),
                column_names_.names.begin());
      column_names_.note.clear();
    }
    if (column_names_.where.line > 0) column_names_.where.column = 1;
    std::optional<std::vector<int>> indices = resolve_columns(request_, column_names_, problems_);
    if (!indices) return false;
    indices_ = std::move(*indices);
    for (const int index : indices_) {
      result_.names.push_back(column_label(column_names_, index));
      result_.indices.push_back(index);
    }
    return true;
  }

  void finish_locator() {
    result_.locate = [bytes = bytes_, file = file_name_, dialect = dialect_,
                      indices = result_.indices, offsets = row_offsets_, lines = row_lines_](
                         std::size_t row, std::size_t requested, std::string message) {
      ConfigProblem problem;
      problem.file = file;
      problem.message = std::move(message);
      if (row >= offsets->size() || requested >= indices.size()) return problem;
      problem.line = (*lines)[row];
      problem.column = 1;
      std::vector<Field> fields;
      int unused = 0;
      split_fields(line_at(bytes, (*offsets)[row]), dialect, fields, &unused);
      const auto index = static_cast<std::size_t>(indices[requested]);
      if (index < fields.size()) problem.column = fields[index].column;
      return problem;
    };
  }

  std::string_view bytes_;
  const std::string& file_name_;
  TextDialect dialect_;
  const TableRequest& request_;
  TableProblems& problems_;

  std::vector<Field> fields_;  // the current row's, reused
  bool stopped_ = false;
  std::size_t rejected_rows_ = 0;  // rows not read: unclosed quotes, wrong field counts
  int column_count_ = -1;          // set at the first data row
  std::string count_origin_;       // "the header row (line 3)"
  int header_line_ = 0;            // of a header row of names, or 0
  std::vector<std::string> header_names_;
  std::string_view last_comment_;
  int last_comment_line_ = 0;
  std::vector<std::string> lipson_names_;
  ColumnNames column_names_;
  std::vector<int> indices_;
  std::shared_ptr<std::vector<std::size_t>> row_offsets_ =
      std::make_shared<std::vector<std::size_t>>();
  std::shared_ptr<std::vector<int>> row_lines_ = std::make_shared<std::vector<int>>();
  SelectedColumns result_;
};

}  // namespace

SelectedColumns parse_text_table(std::string_view bytes, const std::string& file_name,
                                 TextDialect dialect, const TableRequest& request,
                                 TableProblems& problems) {
  return TextTableParser(bytes, file_name, dialect, request, problems).parse();
}

}  // namespace hnn::data_sources
