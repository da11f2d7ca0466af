#include "hnn/host/pipeline_overrides.h"

#include <functional>
#include <vector>

#include "hnn/error.h"
#include "hnn/utf8.h"

namespace hnn {

std::vector<std::string> split_key_path(const std::string& path) {
  std::vector<std::string> keys;
  for (std::size_t start = 0;;) {
    const auto dot = path.find('.', start);
    keys.push_back(path.substr(start, dot - start));
    if (keys.back().empty()) return {};
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return keys;
}

void set_key_path(ConfigNode& root, const std::vector<std::string>& keys, ConfigNode value,
                  const SourceLocation& key_location, const std::string& where) {
  ConfigNode* node = &root;
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    ConfigNode* child = node->find(keys[i]);
    if (child == nullptr || child->is_null()) {
      node->set(keys[i], key_location, ConfigNode::map(key_location));
      child = node->find(keys[i]);
    }
    if (!child->is_map()) {
      std::string prefix, path;
      for (std::size_t j = 0; j <= i; ++j) prefix += (j ? "." : "") + keys[j];
      for (std::size_t j = 0; j < keys.size(); ++j) path += (j ? "." : "") + keys[j];
      throw ConfigError(where + ": error: " + prefix + " is " + child->describe() +
                        " in the pipeline, not a map; cannot set " + path);
    }
    node = child;
  }
  node->set(keys.back(), key_location, std::move(value));
}

void apply_override(ConfigNode& root, const std::string& assignment) {
  const std::string source = "--set '" + escape_for_message(assignment) + "'";
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw ConfigError(source +
                      ": error: expected key.path=value, e.g. training.optimizer.epochs=100");
  }
  const std::string path = assignment.substr(0, equals);
  const std::string text = assignment.substr(equals + 1);
  const std::vector<std::string> keys = split_key_path(path);
  if (keys.empty()) throw ConfigError(source + ": error: '" + path + "' has an empty key");
  // Parse the value as YAML; its locations point into the assignment.
  ConfigNode value;
  try {
    const ConfigNode wrapper = parse_config("value: " + text, source);
    value = wrapper.entries().front().value;
  } catch (const ConfigError& error) {
    throw ConfigError(source + ": error: " + path + ": the value is not valid YAML");
  }
  const int column_offset = static_cast<int>(equals) + 1 - 7;  // "value: " is 7 characters
  std::function<void(ConfigNode&)> shift = [&](ConfigNode& node) {
    // Rebuild locations: file = source, line 1, column within the assignment.
    ConfigNode rebuilt;
    SourceLocation location{source, 1, node.location().column + column_offset};
    switch (node.kind()) {
      case ConfigNode::Kind::kNull:
        rebuilt = ConfigNode::null(location);
        break;
      case ConfigNode::Kind::kScalar:
        rebuilt = ConfigNode::scalar(node.text(), node.quoted(), location);
        break;
      case ConfigNode::Kind::kSequence:
        rebuilt = ConfigNode::sequence(location);
        for (auto item : node.items()) {
          shift(item);
          rebuilt.append(item);
        }
        break;
      case ConfigNode::Kind::kMap:
        rebuilt = ConfigNode::map(location);
        for (auto entry : node.entries()) {
          shift(entry.value);
          rebuilt.add(entry.key, location, entry.value);
        }
        break;
    }
    node = rebuilt;
  };
  shift(value);
  const SourceLocation key_location{source, 1, 1};
  set_key_path(root, keys, value, key_location, source);
}

}  // namespace hnn
