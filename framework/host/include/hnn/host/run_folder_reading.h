// Reading the files of a run folder back (summary.yaml, network/<m>.yaml, the CSV files),
// with RunFolderError messages that name the file, line, column and key. Used by
// read_run_summary and the report's readers; yaml-cpp types stay with these readers.
#ifndef HNN_HOST_RUN_FOLDER_READING_H_
#define HNN_HOST_RUN_FOLDER_READING_H_

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>
#include <vector>

namespace hnn {

// The bytes of `file`. Throws RunFolderError "<file>: error: cannot read the file (...)"
// when it is missing, not a regular file or unreadable.
std::string read_file_text(const std::filesystem::path& file);

// Parses a real as the run folder's files write it: the shortest round-trip decimal (an
// optional leading '+'), or .nan, .NaN, -nan, .inf, +.inf, -.inf. False when `text` is
// anything else (`value` is then unspecified).
bool parse_real(const std::string& text, double& value);

// A parsed YAML file and the file's name for messages.
class YamlDocument {
 public:
  // Reads and parses `file`. Throws RunFolderError naming the file (and the line and
  // column of a syntax error).
  explicit YamlDocument(const std::filesystem::path& file);

  const YAML::Node& root() const { return root_; }
  const std::filesystem::path& file() const { return file_; }

  // "<file>:<line>:<column>" of `node` (1-based), or "<file>" when it has no mark.
  std::string where(const YAML::Node& node) const;

  // Throws RunFolderError "<where(node)>: error: <key>: <problem>".
  [[noreturn]] void fail(const YAML::Node& node, const std::string& key,
                         const std::string& problem) const;

  // The value of `map[key]` decoded as the type asked for; `fallback` when the key is
  // missing or null. Throws (fail) when `map` is not a map or the value has the wrong type;
  // `path` is the key's full path for the message, e.g. "models.kan.epochs".
  double real(const YAML::Node& map, const std::string& key, const std::string& path,
              double fallback) const;
  long integer(const YAML::Node& map, const std::string& key, const std::string& path,
               long fallback) const;
  bool boolean(const YAML::Node& map, const std::string& key, const std::string& path,
               bool fallback) const;
  std::string text(const YAML::Node& map, const std::string& key, const std::string& path,
                   const std::string& fallback) const;
  std::vector<long> integers(const YAML::Node& map, const std::string& key,
                             const std::string& path) const;
  std::vector<std::string> texts(const YAML::Node& map, const std::string& key,
                                 const std::string& path) const;
  std::vector<double> reals(const YAML::Node& map, const std::string& key,
                            const std::string& path) const;

  // `map[key]` when present and not null, else an undefined node (check with IsDefined).
  YAML::Node child(const YAML::Node& map, const std::string& key, const std::string& path) const;

 private:
  std::filesystem::path file_;
  YAML::Node root_;
};

}  // namespace hnn

#endif  // HNN_HOST_RUN_FOLDER_READING_H_
