// YAML text to a ConfigNode tree, built from yaml-cpp's parser events (never its node
// graph), so that the limits of input_limits.h hold while the file is read: the nesting
// depth, the nodes aliases copy and cycles are refused as soon as they are met, and no
// alias is ever followed more than once.
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "hnn/config_tree.h"
#include "hnn/error.h"
#include "hnn/input_limits.h"
#include "hnn/utf8.h"

namespace hnn {
namespace {

SourceLocation location_of(const YAML::Mark& mark, const std::string& source) {
  if (mark.line < 0) return SourceLocation{source, 0, 0};
  return SourceLocation{source, mark.line + 1, mark.column + 1};
}

[[noreturn]] void fail(const SourceLocation& where, const std::string& message) {
  throw ConfigError(where.to_string() + ": error: " + message);
}

// Builds the tree from the events of one document. Every node carries how many nodes it
// holds and how deep it is, so that copying it for an alias can be refused beforehand.
class TreeBuilder : public YAML::EventHandler {
 public:
  explicit TreeBuilder(const std::string& source) : source_(source) {}

  // The document's root; nullopt for an empty stream.
  std::optional<ConfigNode>& root() { return root_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnAnchor(const YAML::Mark&, const std::string& name) override { anchor_name_ = name; }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    finish(Built{ConfigNode::null(location_of(mark, source_)), 1, 0}, anchor);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    const SourceLocation location = location_of(mark, source_);
    if (const auto invalid = find_invalid_utf8(value)) {
      fail(location, "not valid UTF-8: byte " + hex_byte(value[*invalid]) + " at byte " +
                         std::to_string(*invalid + 1) + " of \"" + escape_for_message(value) +
                         "\" (YAML files must be UTF-8)");
    }
    // yaml-cpp tags plain scalars "?" and quoted (non-plain) ones "!".
    finish(Built{ConfigNode::scalar(value, tag == "!", location), 1, 0}, anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const SourceLocation location = location_of(mark, source_);
    std::string name = "*";  // built by appending (GCC 12 warns falsely about "*" + string&&)
    name += name_of(anchor);
    if (open_anchors_.contains(anchor)) {
      fail(location, "the alias " + name +
                         " refers to a node that contains it (a cycle); an alias must refer "
                         "to a complete node");
    }
    const auto anchored = anchors_.find(anchor);
    if (anchored == anchors_.end()) fail(location, "the alias " + name + " is not defined");
    const Built& copy = anchored->second;
    if (depth() + copy.height > kMaxYamlNestingDepth) fail_depth(location);
    if (alias_nodes_ + copy.nodes > kMaxYamlAliasNodes) {
      fail(location, "aliases copy more than " + std::to_string(kMaxYamlAliasNodes) +
                         " nodes into this file (the limit, which stops alias bombs); the alias " +
                         name + " would add " + std::to_string(copy.nodes) + " to the " +
                         std::to_string(alias_nodes_) + " copied so far");
    }
    alias_nodes_ += copy.nodes;
    finish(copy, 0);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(ConfigNode::sequence(location_of(mark, source_)), anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(ConfigNode::map(location_of(mark, source_)), anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  // A complete node with its size (nodes, itself included) and height (levels of lists
  // and maps in it: 0 for a scalar).
  struct Built {
    ConfigNode node;
    std::size_t nodes = 1;
    int height = 0;
  };
  // A list or map being read.
  struct Open {
    Built built;
    YAML::anchor_t anchor = 0;
    bool has_key = false;  // a map's key read, its value not yet
    std::string key;
    SourceLocation key_location;
  };

  static std::string hex_byte(char c) {
    static const char* digits = "0123456789abcdef";
    const auto byte = static_cast<unsigned char>(c);
    std::string text = "0x";
    text += digits[byte >> 4];
    text += digits[byte & 15];
    return text;
  }

  int depth() const { return int(open_.size()); }

  [[noreturn]] void fail_depth(const SourceLocation& location) const {
    fail(location, "lists and maps are nested deeper than " + std::to_string(kMaxYamlNestingDepth) +
                       " levels (the limit)");
  }

  std::string name_of(YAML::anchor_t anchor) const {
    const auto name = anchor_names_.find(anchor);
    return name != anchor_names_.end() ? name->second : std::to_string(anchor);
  }

  void remember_name(YAML::anchor_t anchor) {
    if (anchor != 0 && !anchor_names_.contains(anchor)) anchor_names_[anchor] = anchor_name_;
    anchor_name_.clear();
  }

  void open(ConfigNode node, YAML::anchor_t anchor) {
    if (depth() + 1 > kMaxYamlNestingDepth) fail_depth(node.location());
    remember_name(anchor);
    if (anchor != 0) open_anchors_.insert(anchor);
    open_.push_back(Open{Built{std::move(node), 1, 1}, anchor, false, {}, {}});
  }

  void close() {
    Open closed = std::move(open_.back());
    open_.pop_back();
    if (closed.anchor != 0) open_anchors_.erase(closed.anchor);
    if (closed.has_key) {  // yaml-cpp ends a map only after a value; kept for safety
      closed.built.node.add(std::move(closed.key), closed.key_location,
                            ConfigNode::null(closed.key_location));
    }
    finish(std::move(closed.built), closed.anchor);
  }

  // A complete node: remembered for aliases when anchored, then placed in its parent.
  void finish(Built built, YAML::anchor_t anchor) {
    if (anchor != 0) {
      remember_name(anchor);  // a scalar's (a list's or map's was named when it opened)
      anchors_[anchor] = built;
    }
    if (open_.empty()) {
      if (!root_) root_ = std::move(built.node);
      return;
    }
    Open& parent = open_.back();
    parent.built.nodes += built.nodes;
    parent.built.height = std::max(parent.built.height, built.height + 1);
    if (parent.built.node.is_sequence()) {
      parent.built.node.append(std::move(built.node));
    } else if (!parent.has_key) {
      if (!built.node.is_scalar()) {
        fail(built.node.location(),
             "malformed pipeline: a key must be a plain name, not " + built.node.describe());
      }
      parent.has_key = true;
      parent.key = built.node.text();
      parent.key_location = built.node.location();
    } else {
      parent.has_key = false;
      parent.built.node.add(std::move(parent.key), parent.key_location, std::move(built.node));
    }
  }

  const std::string& source_;
  std::optional<ConfigNode> root_;
  std::vector<Open> open_;
  std::map<YAML::anchor_t, Built> anchors_;
  std::set<YAML::anchor_t> open_anchors_;
  std::map<YAML::anchor_t, std::string> anchor_names_;
  std::string anchor_name_;  // from OnAnchor, for the node that follows
  std::size_t alias_nodes_ = 0;
};

}  // namespace

ConfigNode parse_yaml_tree(const std::string& text, const std::string& source) {
  std::istringstream stream(text);
  TreeBuilder builder(source);
  try {
    YAML::Parser parser(stream);
    parser.HandleNextDocument(builder);
  } catch (const YAML::Exception& error) {
    throw ConfigError(location_of(error.mark, source).to_string() +
                      ": error: malformed YAML: " + error.msg);
  }
  if (!builder.root()) return ConfigNode::null(SourceLocation{source, 1, 1});
  return std::move(*builder.root());
}

ConfigNode parse_config(const std::string& text, const std::string& source) {
  ConfigNode root = parse_yaml_tree(text, source);
  if (root.is_null()) {
    throw ConfigError(source +
                      ":1:1: error: the pipeline is empty; expected a map of sections "
                      "(system, data, models, training, evaluation)");
  }
  if (!root.is_map()) {
    throw ConfigError(root.location().to_string() +
                      ": error: expected a map of sections at the top level, found " +
                      root.describe());
  }
  return root;
}

std::string read_config_text(const std::filesystem::path& file) {
  const std::string name = file.string();
  std::error_code error_code;
  if (std::filesystem::is_directory(file, error_code)) {
    throw ConfigError(name + ": error: cannot read the file: it is a folder");
  }
  std::ifstream stream(file, std::ios::binary);
  if (!stream) throw ConfigError(name + ": error: cannot read the pipeline file");
  // Read at most one byte more than the limit: enough to know a file (or a pipe, or
  // /dev/zero) is too large without reading all of it.
  std::string text;
  char buffer[1 << 16];
  while (text.size() <= kMaxYamlFileBytes) {
    const std::size_t wanted = std::min(sizeof buffer, kMaxYamlFileBytes + 1 - text.size());
    stream.read(buffer, std::streamsize(wanted));
    text.append(buffer, std::size_t(stream.gcount()));
    if (stream.gcount() == 0 || !stream) break;
  }
  if (stream.bad()) throw ConfigError(name + ": error: cannot read the file (read error)");
  if (text.size() > kMaxYamlFileBytes) {
    throw ConfigError(name + ": error: the file is larger than " +
                      describe_byte_count(kMaxYamlFileBytes) +
                      ", the limit for a YAML file hnn reads");
  }
  return text;
}

ConfigNode load_config_file(const std::filesystem::path& file) {
  return parse_config(read_config_text(file), file.string());
}

}  // namespace hnn
