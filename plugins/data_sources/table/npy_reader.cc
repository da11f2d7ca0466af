#include "npy_reader.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "hnn/did_you_mean.h"
#include "zip_archive.h"

namespace hnn::data_sources {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";

// What the header dictionary says.
struct NpyHeader {
  char byte_order = '<';  // '<', '>' or '|'
  char kind = 'f';        // 'f', 'i' or 'u'
  int item_size = 8;
  bool fortran_order = false;
  std::vector<std::uint64_t> shape;
};

// A parser of the Python literal NumPy writes as the header: {'descr': '<f8',
// 'fortran_order': False, 'shape': (3, 4), }. Returns "" or the problem.
class HeaderParser {
 public:
  explicit HeaderParser(std::string_view text) : text_(text) {}

  std::string parse(NpyHeader& header) {
    bool have_descr = false, have_order = false, have_shape = false;
    skip_blanks();
    if (!take('{')) return "the header is not a Python dictionary";
    while (true) {
      skip_blanks();
      if (take('}')) break;
      std::string key;
      if (!string_literal(key)) return "expected a quoted key in the header dictionary";
      skip_blanks();
      if (!take(':')) return "expected ':' after '" + key + "' in the header dictionary";
      skip_blanks();
      if (key == "descr") {
        if (peek() == '[') {
          return "structured arrays (descr is a list of fields) are not supported; save a "
                 "plain 2-D numeric array (numpy.save(file, array.astype(float)))";
        }
        std::string descr;
        if (!string_literal(descr)) return "expected a string for 'descr'";
        const std::string problem = parse_descr(descr, header);
        if (!problem.empty()) return problem;
        have_descr = true;
      } else if (key == "fortran_order") {
        if (word("True")) {
          header.fortran_order = true;
        } else if (word("False")) {
          header.fortran_order = false;
        } else {
          return "expected True or False for 'fortran_order'";
        }
        have_order = true;
      } else if (key == "shape") {
        if (!shape(header.shape)) return "expected a tuple of integers for 'shape'";
        have_shape = true;
      } else {
        return "unexpected key '" + key + "' in the header dictionary";
      }
      skip_blanks();
      if (take(',')) continue;
      skip_blanks();
      if (take('}')) break;
      return "expected ',' or '}' in the header dictionary";
    }
    if (!have_descr || !have_order || !have_shape) {
      return "the header dictionary lacks one of 'descr', 'fortran_order', 'shape'";
    }
    return "";
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool take(char c) {
    if (peek() != c || pos_ >= text_.size()) return false;
    ++pos_;
    return true;
  }
  void skip_blanks() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool word(std::string_view w) {
    if (text_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }
  bool string_literal(std::string& out) {
    const char quote = peek();
    if (quote != '\'' && quote != '"') return false;
    const std::size_t close = text_.find(quote, pos_ + 1);
    if (close == std::string_view::npos) return false;
    out = std::string(text_.substr(pos_ + 1, close - pos_ - 1));
    pos_ = close + 1;
    return true;
  }
  bool integer(std::uint64_t& value) {
    const std::size_t start = pos_;
    value = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      const std::uint64_t digit = static_cast<std::uint64_t>(text_[pos_] - '0');
      if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return false;
      value = value * 10 + digit;
      ++pos_;
    }
    if (pos_ < text_.size() && text_[pos_] == 'L') ++pos_;  // Python 2 longs
    return pos_ > start;
  }
  bool shape(std::vector<std::uint64_t>& dimensions) {
    dimensions.clear();
    if (!take('(')) return false;
    while (true) {
      skip_blanks();
      if (take(')')) return true;
      std::uint64_t dimension = 0;
      if (!integer(dimension)) return false;
      dimensions.push_back(dimension);
      skip_blanks();
      if (take(',')) continue;
      skip_blanks();
      return take(')');
    }
  }
  static std::string parse_descr(const std::string& descr, NpyHeader& header) {
    std::size_t pos = 0;
    header.byte_order = '=';
    if (!descr.empty() &&
        (descr[0] == '<' || descr[0] == '>' || descr[0] == '|' || descr[0] == '=')) {
      header.byte_order = descr[0];
      pos = 1;
    }
    if (header.byte_order == '=') header.byte_order = '<';  // the machines hnn runs on
    const std::string refusal = "the element type '" + descr +
                                "' is not supported (supported: float64, float32 and "
                                "integers: '<f8', '<f4', '<i8', '<i4', '<u1', ...)";
    if (pos >= descr.size()) return refusal;
    header.kind = descr[pos++];
    const std::string size = descr.substr(pos);
    if (size == "1") {
      header.item_size = 1;
    } else if (size == "2") {
      header.item_size = 2;
    } else if (size == "4") {
      header.item_size = 4;
    } else if (size == "8") {
      header.item_size = 8;
    } else {
      return refusal;
    }
    const bool supported =
        (header.kind == 'f' && header.item_size >= 4) || header.kind == 'i' || header.kind == 'u';
    return supported ? "" : refusal;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

double element_value(const char* data, const NpyHeader& header) {
  const int size = header.item_size;
  std::uint64_t raw = 0;
  for (int i = 0; i < size; ++i) {
    const int byte = header.byte_order == '>' ? i : size - 1 - i;
    raw = (raw << 8) | static_cast<unsigned char>(data[byte]);
  }
  if (header.kind == 'f') {
    if (size == 4) return std::bit_cast<float>(static_cast<std::uint32_t>(raw));
    return std::bit_cast<double>(raw);
  }
  if (header.kind == 'u') return static_cast<double>(raw);
  const int unused_bits = 64 - 8 * size;
  return static_cast<double>(static_cast<std::int64_t>(raw << unused_bits) >> unused_bits);
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    text += (i > 0 ? ", " : "") + std::to_string(shape[i]);
  }
  return text + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

SelectedColumns parse_npy(std::string_view bytes, const std::string& file_name,
                          const std::string& array_name, const TableRequest& request,
                          TableProblems& problems) {
  SelectedColumns result;
  auto fail = [&](std::string message) {
    ConfigProblem problem;
    problem.file = file_name;
    problem.path = array_name;
    problem.message = std::move(message);
    problems.add(std::move(problem));
    return std::move(result);
  };
  if (bytes.substr(0, kMagic.size()) != kMagic || bytes.size() < 10) {
    return fail("not a NumPy .npy array (it does not start with \\x93NUMPY)");
  }
  const int major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_length = 0;
  std::size_t header_start = 0;
  if (major == 1) {
    header_length = static_cast<unsigned char>(bytes[8]) |
                    (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) return fail("the .npy header is truncated");
    for (int i = 3; i >= 0; --i) {
      header_length = (header_length << 8) | static_cast<unsigned char>(bytes[8 + i]);
    }
    header_start = 12;
  } else {
    return fail("the .npy format version " + std::to_string(major) +
                " is not supported (versions 1, 2 and 3 are)");
  }
  if (header_length > bytes.size() - header_start) return fail("the .npy header is truncated");
  NpyHeader header;
  const std::string header_problem =
      HeaderParser(bytes.substr(header_start, header_length)).parse(header);
  if (!header_problem.empty()) return fail(header_problem);
  if (header.shape.empty() || header.shape.size() > 2) {
    return fail("the array has shape " + shape_text(header.shape) +
                "; a table is a 2-D array (rows, columns) or a 1-D array (one column)");
  }
  const std::uint64_t rows = header.shape[0];
  const std::uint64_t columns = header.shape.size() == 2 ? header.shape[1] : 1;
  const std::string_view data = bytes.substr(header_start + header_length);
  const auto item_size = static_cast<std::uint64_t>(header.item_size);
  if (columns == 0 || rows > std::numeric_limits<std::uint64_t>::max() / columns / item_size ||
      rows * columns * item_size != data.size()) {
    return fail(
        "the data hold " + std::to_string(data.size()) + " bytes but the shape " +
        shape_text(header.shape) + " needs " +
        (columns == 0 || rows > std::numeric_limits<std::uint64_t>::max() / columns / item_size
             ? std::string("more")
             : std::to_string(rows * columns * item_size)) +
        " (a truncated or damaged file, or no columns)");
  }
  if (rows == 0) return fail("the array has no rows");

  ColumnNames names;
  names.where.file = file_name;
  names.owner = "the array '" + array_name + "'";
  names.names.assign(static_cast<std::size_t>(columns), "");
  if (request.column_names.size() > names.names.size()) {
    return fail("column_names gives " + std::to_string(request.column_names.size()) +
                " names but the array has " + std::to_string(columns) + " columns");
  }
  std::copy(request.column_names.begin(), request.column_names.end(), names.names.begin());
  if (request.column_names.empty()) {
    names.note = "a .npy array has no column names: choose columns by index or set column_names";
  }
  const std::optional<std::vector<int>> indices = resolve_columns(request, names, problems);
  if (!indices) return result;

  const bool one_dimensional = header.shape.size() == 1;
  result.indices = *indices;
  for (const int index : result.indices) result.names.push_back(column_label(names, index));
  result.rows = static_cast<std::size_t>(rows);
  result.locate = [file_name, array_name, indices = result.indices, one_dimensional](
                      std::size_t row, std::size_t requested, std::string message) {
    ConfigProblem problem;
    problem.file = file_name;
    problem.path = array_name + "[" + std::to_string(row);
    if (!one_dimensional && requested < indices.size()) {
      problem.path += ", " + std::to_string(indices[requested]);
    }
    problem.path += "]";
    problem.message = std::move(message);
    return problem;
  };
  const std::size_t requested = result.indices.size();
  result.values.resize(result.rows * requested);
  for (std::size_t row = 0; row < result.rows; ++row) {
    for (std::size_t k = 0; k < requested; ++k) {
      const auto column = static_cast<std::uint64_t>(result.indices[k]);
      const std::uint64_t element =
          header.fortran_order ? column * rows + row : row * columns + column;
      const double value = element_value(data.data() + element * item_size, header);
      if (!std::isfinite(value)) {
        problems.add(result.locate(row, k,
                                   std::string(std::isnan(value) ? "NaN" : "an infinity") +
                                       " in the column requested as " + request.columns[k].key +
                                       " (every value must be finite)"));
      }
      result.values[row * requested + k] = value;
    }
  }
  return result;
}

SelectedColumns parse_npz(std::string_view bytes, const std::string& file_name,
                          const std::string& array_name, const TableRequest& request,
                          std::size_t max_member_bytes, TableProblems& problems) {
  auto fail = [&](std::string path, std::string message) {
    ConfigProblem problem;
    problem.file = file_name;
    problem.path = std::move(path);
    problem.message = std::move(message);
    problems.add(std::move(problem));
    return SelectedColumns();
  };
  std::string error;
  const std::optional<std::vector<ZipMember>> members = list_zip_members(bytes, &error);
  if (!members) return fail("", "not a readable .npz archive: " + error);
  std::vector<std::string> arrays;
  const ZipMember* chosen = nullptr;
  for (const ZipMember& member : *members) {
    const std::string& name = member.name;
    if (name.size() < 4 || name.compare(name.size() - 4, 4, ".npy") != 0) continue;
    arrays.push_back(name.substr(0, name.size() - 4));
    if (arrays.back() == array_name) chosen = &member;
  }
  std::string listed;
  for (const std::string& name : arrays) listed += (listed.empty() ? "'" : ", '") + name + "'";
  if (arrays.empty()) return fail("", "the archive holds no .npy arrays");
  std::string name = array_name;
  if (array_name.empty()) {
    if (arrays.size() > 1) {
      return fail("array", "the archive holds " + std::to_string(arrays.size()) + " arrays (" +
                               listed + "): choose one with the option 'array'");
    }
    name = arrays[0];
    for (const ZipMember& member : *members) {
      if (member.name == name + ".npy") chosen = &member;
    }
  }
  if (chosen == nullptr) {
    const std::string suggestion = did_you_mean(array_name, arrays);
    return fail("array", "the archive has no array '" + array_name + "'" +
                             (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)") +
                             "; its arrays: " + listed);
  }
  const std::optional<std::string> contents =
      extract_zip_member(bytes, *chosen, max_member_bytes, &error);
  if (!contents) return fail(name, error);
  SelectedColumns result = parse_npy(*contents, file_name, name, request, problems);
  return result;
}

}  // namespace hnn::data_sources
