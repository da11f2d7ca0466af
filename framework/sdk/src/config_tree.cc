#include "hnn/config_tree.h"

#include "hnn/input_limits.h"
#include "hnn/utf8.h"

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
    case Kind::kScalar: {
      // Quoted back safely: no raw invalid bytes, no control characters, no megabytes.
      std::string text = escape_for_message(text_.substr(0, kMaxQuotedValueLength));
      if (text_.size() > kMaxQuotedValueLength) {
        text += "... (" + std::to_string(text_.size()) + " characters)";
      }
      return quoted_ ? "the string \"" + text + "\"" : "'" + text + "'";
    }
    case Kind::kSequence:
      return "a list";
    case Kind::kMap:
      return "a map";
  }
  return "?";
}

}  // namespace hnn
