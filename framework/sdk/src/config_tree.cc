#include "hnn/config_tree.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "hnn/error.h"

namespace hnn {

std::string SourceLocation::to_string() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

ConfigNode ConfigNode::null(SourceLocation location) {
  ConfigNode node;
  node.kind_ = Kind::kNull;
  node.location_ = std::move(location);
  return node;
}

ConfigNode ConfigNode::scalar(std::string text, bool quoted, SourceLocation location) {
  ConfigNode node;
  node.kind_ = Kind::kScalar;
  node.text_ = std::move(text);
  node.quoted_ = quoted;
  node.location_ = std::move(location);
  return node;
}

ConfigNode ConfigNode::sequence(SourceLocation location) {
  ConfigNode node;
  node.kind_ = Kind::kSequence;
  node.location_ = std::move(location);
  return node;
}

ConfigNode ConfigNode::map(SourceLocation location) {
  ConfigNode node;
  node.kind_ = Kind::kMap;
  node.location_ = std::move(location);
  return node;
}

const ConfigNode* ConfigNode::find(const std::string& key) const {
  for (const auto& entry : entries_) {
    if (entry.key == key) return &entry.value;
  }
  return nullptr;
}

ConfigNode* ConfigNode::find(const std::string& key) {
  for (auto& entry : entries_) {
    if (entry.key == key) return &entry.value;
  }
  return nullptr;
}

void ConfigNode::add(std::string key, SourceLocation key_location, ConfigNode value) {
  entries_.push_back(Entry{std::move(key), std::move(key_location), std::move(value)});
}

void ConfigNode::set(const std::string& key, SourceLocation key_location, ConfigNode value) {
  for (auto& entry : entries_) {
    if (entry.key == key) {
      entry.key_location = std::move(key_location);
      entry.value = std::move(value);
      return;
    }
  }
  add(key, std::move(key_location), std::move(value));
}

void ConfigNode::erase(const std::string& key) {
  std::erase_if(entries_, [&](const Entry& entry) { return entry.key == key; });
}

std::string ConfigNode::describe() const {
  switch (kind_) {
    case Kind::kNull:
      return "nothing";
    case Kind::kScalar:
      return quoted_ ? "the string \"" + text_ + "\"" : "'" + text_ + "'";
    case Kind::kSequence:
      return "a list";
    case Kind::kMap:
      return "a map";
  }
  return "?";
}

namespace {

SourceLocation location_of(const YAML::Mark& mark, const std::string& source) {
  if (mark.line < 0) return SourceLocation{source, 0, 0};
  return SourceLocation{source, mark.line + 1, mark.column + 1};
}

ConfigNode convert(const YAML::Node& node, const std::string& source) {
  const SourceLocation location = location_of(node.Mark(), source);
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return ConfigNode::null(location);
    case YAML::NodeType::Scalar:
      // yaml-cpp tags plain scalars "?" and quoted (non-plain) ones "!".
      return ConfigNode::scalar(node.Scalar(), node.Tag() == "!", location);
    case YAML::NodeType::Sequence: {
      ConfigNode sequence = ConfigNode::sequence(location);
      for (const auto& item : node) sequence.append(convert(item, source));
      return sequence;
    }
    case YAML::NodeType::Map: {
      ConfigNode map = ConfigNode::map(location);
      for (auto it = node.begin(); it != node.end(); ++it) {
        const SourceLocation key_location = location_of(it->first.Mark(), source);
        if (!it->first.IsScalar()) {
          throw ConfigError(key_location.to_string() +
                            ": error: malformed pipeline: a key must be a plain name, not " +
                            (it->first.IsMap() ? "a map" : "a list"));
        }
        map.add(it->first.Scalar(), key_location, convert(it->second, source));
      }
      return map;
    }
  }
  return ConfigNode::null(location);
}

}  // namespace

ConfigNode parse_config(const std::string& text, const std::string& source) {
  YAML::Node document;
  try {
    document = YAML::Load(text);
  } catch (const YAML::ParserException& error) {
    throw ConfigError(location_of(error.mark, source).to_string() +
                      ": error: malformed YAML: " + error.msg);
  } catch (const YAML::Exception& error) {
    throw ConfigError(location_of(error.mark, source).to_string() +
                      ": error: malformed YAML: " + error.msg);
  }
  if (!document.IsDefined() || document.IsNull()) {
    throw ConfigError(source +
                      ":1:1: error: the pipeline is empty; expected a map of sections "
                      "(system, data, models, training, evaluation)");
  }
  ConfigNode root = convert(document, source);
  if (!root.is_map()) {
    throw ConfigError(root.location().to_string() +
                      ": error: expected a map of sections at the top level, found " +
                      root.describe());
  }
  return root;
}

ConfigNode load_config_file(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) {
    throw ConfigError(file.string() + ": error: cannot read the pipeline file");
  }
  std::ostringstream text;
  text << stream.rdbuf();
  return parse_config(text.str(), file.string());
}

}  // namespace hnn
