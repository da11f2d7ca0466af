#include "hnn/host/run_folder_reading.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <limits>

#include "hnn/config_tree.h"
#include "hnn/error.h"
#include "hnn/host/run_folder_error.h"
#include "hnn/input_limits.h"

namespace hnn {

std::string read_file_text(const std::filesystem::path& file) {
  std::error_code error_code;
  if (!std::filesystem::exists(file, error_code)) {
    throw RunFolderError(file.string() + ": error: cannot read the file (it does not exist)");
  }
  if (!std::filesystem::is_regular_file(file, error_code)) {
    throw RunFolderError(file.string() + ": error: cannot read the file (not a regular file)");
  }
  std::ifstream stream(file, std::ios::binary);
  if (!stream) {
    throw RunFolderError(file.string() + ": error: cannot read the file (" + std::strerror(errno) +
                         ")");
  }
  // Read through the stream, not `text << stream.rdbuf()`: that swallows a failing read
  // (the bytes read so far, silently), where istream::read sets badbit.
  std::string text;
  char buffer[1 << 16];
  while (stream.read(buffer, sizeof buffer) || stream.gcount() > 0) {
    text.append(buffer, std::size_t(stream.gcount()));
  }
  if (stream.bad()) {
    throw RunFolderError(file.string() + ": error: cannot read the file (read error)");
  }
  return text;
}

bool parse_real(const std::string& text, double& value) {
  if (text == ".nan" || text == ".NaN" || text == "-nan") {
    value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (text == ".inf" || text == "+.inf") {
    value = std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "-.inf") {
    value = -std::numeric_limits<double>::infinity();
    return true;
  }
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;
  const auto [last, error] = std::from_chars(begin, end, value);
  return error == std::errc() && last == end && begin != end;
}

namespace {

std::string found(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  return "nothing";
}

}  // namespace

YamlDocument::YamlDocument(const std::filesystem::path& file) : file_(file) {
  std::error_code error_code;
  if (std::filesystem::is_regular_file(file, error_code) &&
      std::filesystem::file_size(file, error_code) > kMaxYamlFileBytes) {
    throw RunFolderError(file.string() + ": error: the file is larger than " +
                         describe_byte_count(kMaxYamlFileBytes) +
                         ", the limit for a YAML file hnn reads");
  }
  const std::string text = read_file_text(file);
  try {
    root_ = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw RunFolderError(file.string() + ":" + std::to_string(error.mark.line + 1) + ":" +
                         std::to_string(error.mark.column + 1) +
                         ": error: not valid YAML: " + error.msg);
  }
  // yaml-cpp's graph shares aliased nodes and may hold cycles: the same limits as every
  // other YAML file hnn reads (nesting, aliases, no cycles, UTF-8), before anything walks it.
  try {
    (void)parse_yaml_tree(text, file.string());
  } catch (const ConfigError& error) {
    throw RunFolderError(error.what());
  }
}

std::string YamlDocument::where(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return file_.string();
  return file_.string() + ":" + std::to_string(mark.line + 1) + ":" +
         std::to_string(mark.column + 1);
}

void YamlDocument::fail(const YAML::Node& node, const std::string& key,
                        const std::string& problem) const {
  throw RunFolderError(where(node) + ": error: " + key + ": " + problem);
}

YAML::Node YamlDocument::child(const YAML::Node& map, const std::string& key,
                               const std::string& path) const {
  if (!map.IsMap()) fail(map, path, "expected a map, found " + found(map));
  YAML::Node value = map[key];
  if (!value.IsDefined() || value.IsNull()) return YAML::Node(YAML::NodeType::Undefined);
  return value;
}

double YamlDocument::real(const YAML::Node& map, const std::string& key, const std::string& path,
                          double fallback) const {
  const YAML::Node value = child(map, key, path);
  if (!value.IsDefined()) return fallback;
  double result = 0;
  if (!value.IsScalar() || !parse_real(value.Scalar(), result)) {
    fail(value, path, "expected a real, found " + found(value));
  }
  return result;
}

long YamlDocument::integer(const YAML::Node& map, const std::string& key, const std::string& path,
                           long fallback) const {
  const YAML::Node value = child(map, key, path);
  if (!value.IsDefined()) return fallback;
  long result = 0;
  if (!value.IsScalar() || !YAML::convert<long>::decode(value, result)) {
    fail(value, path, "expected an integer, found " + found(value));
  }
  return result;
}

bool YamlDocument::boolean(const YAML::Node& map, const std::string& key, const std::string& path,
                           bool fallback) const {
  const YAML::Node value = child(map, key, path);
  if (!value.IsDefined()) return fallback;
  bool result = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, result)) {
    fail(value, path, "expected true or false, found " + found(value));
  }
  return result;
}

std::string YamlDocument::text(const YAML::Node& map, const std::string& key,
                               const std::string& path, const std::string& fallback) const {
  const YAML::Node value = child(map, key, path);
  if (!value.IsDefined()) return fallback;
  if (!value.IsScalar()) fail(value, path, "expected a text, found " + found(value));
  return value.Scalar();
}

std::vector<long> YamlDocument::integers(const YAML::Node& map, const std::string& key,
                                         const std::string& path) const {
  const YAML::Node value = child(map, key, path);
  if (!value.IsDefined()) fail(map, path, "missing; expected a list of integers");
  if (!value.IsSequence()) fail(value, path, "expected a list of integers, found " + found(value));
  std::vector<long> result;
  for (std::size_t i = 0; i < value.size(); ++i) {
    long element = 0;
    if (!value[i].IsScalar() || !YAML::convert<long>::decode(value[i], element)) {
      fail(value[i], path + "[" + std::to_string(i) + "]",
           "expected an integer, found " + found(value[i]));
    }
    result.push_back(element);
  }
  return result;
}

std::vector<double> YamlDocument::reals(const YAML::Node& map, const std::string& key,
                                        const std::string& path) const {
  const YAML::Node value = child(map, key, path);
  if (!value.IsDefined()) fail(map, path, "missing; expected a list of reals");
  if (!value.IsSequence()) fail(value, path, "expected a list of reals, found " + found(value));
  std::vector<double> result;
  for (std::size_t i = 0; i < value.size(); ++i) {
    double element = 0;
    if (!value[i].IsScalar() || !parse_real(value[i].Scalar(), element)) {
      fail(value[i], path + "[" + std::to_string(i) + "]",
           "expected a real, found " + found(value[i]));
    }
    result.push_back(element);
  }
  return result;
}

std::vector<std::string> YamlDocument::texts(const YAML::Node& map, const std::string& key,
                                             const std::string& path) const {
  const YAML::Node value = child(map, key, path);
  if (!value.IsDefined()) fail(map, path, "missing; expected a list of texts");
  if (!value.IsSequence()) fail(value, path, "expected a list of texts, found " + found(value));
  std::vector<std::string> result;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!value[i].IsScalar()) {
      fail(value[i], path + "[" + std::to_string(i) + "]",
           "expected a text, found " + found(value[i]));
    }
    result.push_back(value[i].Scalar());
  }
  return result;
}

}  // namespace hnn
