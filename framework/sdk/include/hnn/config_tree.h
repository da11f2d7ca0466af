// ConfigNode: a pipeline file parsed into a host-owned tree that remembers where every
// node came from (file, 1-based line and column).
//
// The host validates this tree, never yaml-cpp nodes directly, so that every error can
// name its location and plugins never see parser types. Duplicate keys, which yaml-cpp
// accepts, are kept in the tree (in file order) for the validator to report.
#ifndef HNN_CONFIG_TREE_H_
#define HNN_CONFIG_TREE_H_

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace hnn {

struct SourceLocation {
  std::string file;  // the pipeline file, or "--set" for a command-line override
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown
  // "file:line:column" (or "file" when the line is unknown).
  std::string to_string() const;
};

class ConfigNode {
 public:
  enum class Kind { kNull, kScalar, kSequence, kMap };
  struct Entry;

  ConfigNode() = default;
  static ConfigNode null(SourceLocation location);
  static ConfigNode scalar(std::string text, bool quoted, SourceLocation location);
  static ConfigNode sequence(SourceLocation location);
  static ConfigNode map(SourceLocation location);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_scalar() const { return kind_ == Kind::kScalar; }
  bool is_sequence() const { return kind_ == Kind::kSequence; }
  bool is_map() const { return kind_ == Kind::kMap; }
  const SourceLocation& location() const { return location_; }

  // Scalars: the text as written, and whether it was quoted ('...' or "...").
  const std::string& text() const { return text_; }
  bool quoted() const { return quoted_; }

  // Sequences.
  const std::vector<ConfigNode>& items() const { return items_; }
  void append(ConfigNode item);

  // Maps, in file order, duplicates included.
  const std::vector<Entry>& entries() const { return entries_; }
  // The first entry with this key, or nullptr.
  const ConfigNode* find(const std::string& key) const;
  ConfigNode* find(const std::string& key);
  // Appends an entry (duplicates allowed: the file may have them).
  void add(std::string key, SourceLocation key_location, ConfigNode value);
  // Replaces the value of the first entry with this key, or appends one.
  void set(const std::string& key, SourceLocation key_location, ConfigNode value);
  // Removes every entry with this key.
  void erase(const std::string& key);

  // A short description of what is there, for error messages: "'1.5'", "a list", "a map",
  // "nothing", "the string \"3\"".
  std::string describe() const;

 private:
  Kind kind_ = Kind::kNull;
  SourceLocation location_;
  std::string text_;
  bool quoted_ = false;
  std::vector<ConfigNode> items_;
  std::vector<Entry> entries_;
};

struct ConfigNode::Entry {
  std::string key;
  SourceLocation key_location;
  ConfigNode value;
};

// Defined after Entry: moving a ConfigNode moves its vector<Entry>, which clang (unlike
// gcc) instantiates eagerly and refuses while Entry is incomplete.
inline void ConfigNode::append(ConfigNode item) { items_.push_back(std::move(item)); }

// Parses YAML text. `source` names it in locations. Throws ConfigError, formatted
// "source:line:column: error: malformed YAML: <what the parser says>", for a malformed
// document, an empty one or one whose top level is not a map. Anchors and aliases are
// expanded; tags other than the standard ones are ignored. The limits of input_limits.h
// hold (nesting depth, nodes copied by aliases; an alias inside the node it refers to is
// refused), and every scalar and key must be valid UTF-8: each is a located ConfigError
// naming the limit, met while reading, so that no input exhausts the stack or memory.
ConfigNode parse_config(const std::string& text, const std::string& source);

// parse_config for a document of any kind at the top level: a null node (located at
// source:1:1) for an empty one.
ConfigNode parse_yaml_tree(const std::string& text, const std::string& source);

// The text of a file of at most kMaxYamlFileBytes (input_limits.h). Reads at most one
// byte more, so that a pipe or /dev/zero is refused too. Throws ConfigError naming the
// file when it cannot be read, is a folder or is larger than the limit.
std::string read_config_text(const std::filesystem::path& file);

// parse_config(read_config_text(file), file). Throws ConfigError naming the file when it
// cannot be read.
ConfigNode load_config_file(const std::filesystem::path& file);

}  // namespace hnn

#endif  // HNN_CONFIG_TREE_H_
