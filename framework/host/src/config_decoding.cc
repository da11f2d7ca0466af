#include "config_decoding.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

namespace hnn::internal {
namespace fs = std::filesystem;

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : ", ") + word;
  return text;
}

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

namespace {

std::string article(const std::string& noun) {
  return (std::string("aeiou").find(noun[0]) != std::string::npos ? "an " : "a ") + noun;
}

}  // namespace

std::string expected_text(const Option& option) {
  std::string text = article(to_string(option.type()));
  const std::string range = option.describe_range();
  if (option.type() == OptionType::kBoolean) return text + " (true or false)";
  if (range.empty()) return text;
  if (option.type() == OptionType::kInteger || option.type() == OptionType::kReal) {
    return text + " " + range;
  }
  return text + " (" + range + ")";
}

namespace {

// What `option` expects, for a value `problem` refused: "a finite real > 0" when the value
// was refused for being infinite (Option::check), else expected_text.
std::string expected_text_for(const Option& option, const std::string& problem) {
  std::string text = expected_text(option);
  const std::string finite = "must be finite";
  if (problem.size() < finite.size() ||
      problem.compare(problem.size() - finite.size(), finite.size(), finite) != 0) {
    return text;
  }
  for (const auto& [plain, qualified] :
       {std::pair<std::string, std::string>{"a list of reals", "a list of finite reals"},
        {"a real", "a finite real"}}) {
    if (text.rfind(plain, 0) == 0) return qualified + text.substr(plain.size());
  }
  return text;
}

bool parse_boolean(const ConfigNode& node, bool* value) {
  if (!node.is_scalar() || node.quoted()) return false;
  const std::string& t = node.text();
  if (t == "true" || t == "True" || t == "TRUE") return *value = true, true;
  if (t == "false" || t == "False" || t == "FALSE") return *value = false, true;
  return false;
}

bool parse_integer(const ConfigNode& node, std::int64_t* value) {
  if (!node.is_scalar() || node.quoted() || node.text().empty()) return false;
  const std::string& t = node.text();
  std::size_t start = (t[0] == '-' || t[0] == '+') ? 1 : 0;
  if (start == t.size()) return false;
  for (std::size_t i = start; i < t.size(); ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
  }
  errno = 0;
  const long long parsed = std::strtoll(t.c_str(), nullptr, 10);
  if (errno == ERANGE) return false;
  *value = parsed;
  return true;
}

bool parse_real(const ConfigNode& node, double* value) {
  if (!node.is_scalar() || node.quoted() || node.text().empty()) return false;
  const std::string& t = node.text();
  if (t == ".inf" || t == ".Inf" || t == "+.inf") return *value = HUGE_VAL, true;
  if (t == "-.inf" || t == "-.Inf") return *value = -HUGE_VAL, true;
  if (t == ".nan" || t == ".NaN") return *value = std::nan(""), true;
  if (t.find_first_not_of("0123456789+-.eE") != std::string::npos) return false;
  char* end = nullptr;
  errno = 0;
  const double parsed = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || errno == ERANGE) return false;
  *value = parsed;
  return true;
}

// Decodes one scalar element of `type` (a scalar type). Returns false when it does not fit.
bool decode_scalar(const ConfigNode& node, OptionType type, OptionValue* value) {
  switch (type) {
    case OptionType::kBoolean: {
      bool b;
      if (!parse_boolean(node, &b)) return false;
      *value = b;
      return true;
    }
    case OptionType::kInteger: {
      std::int64_t i;
      if (!parse_integer(node, &i)) return false;
      *value = i;
      return true;
    }
    case OptionType::kReal: {
      double r;
      if (!parse_real(node, &r)) return false;
      *value = r;
      return true;
    }
    case OptionType::kString:
      if (!node.is_scalar()) return false;
      *value = node.text();
      return true;
    default:
      return false;
  }
}

OptionType element_type(OptionType list_type) {
  switch (list_type) {
    case OptionType::kIntegerList:
      return OptionType::kInteger;
    case OptionType::kRealList:
      return OptionType::kReal;
    default:
      return OptionType::kString;
  }
}

bool is_list_type(OptionType type) {
  return type == OptionType::kIntegerList || type == OptionType::kRealList ||
         type == OptionType::kStringList;
}

}  // namespace

std::string resolve_path(const std::string& path, const fs::path& file) {
  if (path.empty()) return path;
  const fs::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  const bool command_line = file.string().rfind("--set", 0) == 0;
  const fs::path base = command_line ? fs::current_path() : fs::absolute(file).parent_path();
  return (base / p).lexically_normal().string();
}

std::optional<OptionValue> decode_option(const ConfigNode& node, const Option& option,
                                         const std::string& path, Diagnostics& diagnostics) {
  if (!is_list_type(option.type())) {
    OptionValue value;
    if (!decode_scalar(node, option.type(), &value)) {
      diagnostics.error(node.location(), path,
                        "expected " + expected_text(option) + ", found " + node.describe());
      return std::nullopt;
    }
    const std::string problem = option.check(value);
    if (!problem.empty()) {
      diagnostics.error(
          node.location(), path,
          "expected " + expected_text_for(option, problem) + ", found " + node.describe());
      return std::nullopt;
    }
    return value;
  }
  if (!node.is_sequence()) {
    diagnostics.error(node.location(), path,
                      "expected " + expected_text(option) + ", found " + node.describe());
    return std::nullopt;
  }
  const OptionType type = element_type(option.type());
  std::vector<std::int64_t> integers;
  std::vector<double> reals;
  std::vector<std::string> strings;
  bool ok = true;
  for (std::size_t i = 0; i < node.items().size(); ++i) {
    const ConfigNode& item = node.items()[i];
    OptionValue element;
    if (!decode_scalar(item, type, &element)) {
      diagnostics.error(item.location(), path + "[" + std::to_string(i) + "]",
                        "expected " + article(to_string(type)) + " (in " + expected_text(option) +
                            "), found " + item.describe());
      ok = false;
      continue;
    }
    if (type == OptionType::kInteger) integers.push_back(std::get<std::int64_t>(element));
    if (type == OptionType::kReal) reals.push_back(std::get<double>(element));
    if (type == OptionType::kString) strings.push_back(std::get<std::string>(element));
  }
  if (!ok) return std::nullopt;
  OptionValue value;
  if (type == OptionType::kInteger) value = integers;
  if (type == OptionType::kReal) value = reals;
  if (type == OptionType::kString) value = strings;
  std::size_t bad = node.items().size();
  const std::string problem = option.check(value, &bad);
  if (!problem.empty()) {
    if (bad < node.items().size()) {
      const ConfigNode& item = node.items()[bad];
      diagnostics.error(
          item.location(), path + "[" + std::to_string(bad) + "]",
          "expected " + expected_text_for(option, problem) + ", found " + item.describe());
    } else {
      diagnostics.error(node.location(), path,
                        "expected " + expected_text(option) + ", found a list of " +
                            std::to_string(node.items().size()) + " element" +
                            (node.items().size() == 1 ? "" : "s"));
    }
    return std::nullopt;
  }
  return value;
}

void check_duplicates(const ConfigNode& map, const std::string& path, Diagnostics& diagnostics) {
  // Each key's first entry, found in one pass: linear in the number of entries.
  std::unordered_map<std::string, const ConfigNode::Entry*> first;
  for (const auto& entry : map.entries()) {
    const auto [found, inserted] = first.try_emplace(entry.key, &entry);
    if (inserted) continue;
    const auto& earlier = *found->second;
    diagnostics.error(entry.key_location, child_path(path, entry.key),
                      "duplicate key; it is already set at line " +
                          std::to_string(earlier.key_location.line) + ", column " +
                          std::to_string(earlier.key_location.column));
  }
}

void report_unknown_key(const ConfigNode::Entry& entry, const std::string& path,
                        const std::vector<std::string>& allowed, const std::string& where,
                        Diagnostics& diagnostics) {
  std::string message = "unknown key '" + entry.key + "'";
  const std::string suggestion = did_you_mean(entry.key, allowed);
  if (!suggestion.empty()) message += " (did you mean '" + suggestion + "'?)";
  message += "; " + where + " " + (allowed.empty() ? "takes no keys" : "takes: " + join(allowed));
  diagnostics.error(entry.key_location, child_path(path, entry.key), message);
}

// Validates the keys of `section` against `schema`; then its constraints.
Options validate_options(const ConfigNode& section, const OptionSchema& schema,
                         const std::string& path, const std::string& where,
                         const std::vector<std::string>& extra_keys, Diagnostics& diagnostics) {
  Options options;
  std::vector<std::string> allowed = extra_keys;
  for (const auto& option : schema.options()) allowed.push_back(option.key());
  check_duplicates(section, path, diagnostics);
  for (const auto& entry : section.entries()) {
    const Option* option = schema.find(entry.key);
    if (option == nullptr) {
      if (std::find(extra_keys.begin(), extra_keys.end(), entry.key) == extra_keys.end()) {
        report_unknown_key(entry, path, allowed, where, diagnostics);
      }
      continue;
    }
    if (options.contains(entry.key)) continue;  // duplicate, reported above
    auto value = decode_option(entry.value, *option, child_path(path, entry.key), diagnostics);
    if (value && option->is_file_path()) {
      const fs::path& written_in = entry.value.location().file;
      if (auto* single = std::get_if<std::string>(&*value)) {
        *single = resolve_path(*single, written_in);
      } else if (auto* several = std::get_if<std::vector<std::string>>(&*value)) {
        for (std::string& path : *several) path = resolve_path(path, written_in);
      }
    }
    if (value) options.set(entry.key, std::move(*value));
  }
  for (const auto& option : schema.options()) {
    if (options.contains(option.key()) || section.find(option.key()) != nullptr) continue;
    if (option.is_required()) {
      diagnostics.error(
          section.location(), child_path(path, option.key()),
          "missing required key; expected " + expected_text(option) + " (" + option.doc() + ")");
    } else {
      options.set(option.key(), option.default_value());
    }
  }
  // Constraints between options, once each option is valid on its own.
  const bool complete =
      std::all_of(schema.options().begin(), schema.options().end(),
                  [&](const Option& option) { return options.contains(option.key()); });
  if (complete) {
    // A problem that starts with one of the section's keys ("time_span: expected ...") is
    // reported at that key's value; any other at the section.
    for (const auto& problem : schema.check_constraints(options)) {
      const auto colon = problem.find(": ");
      const std::string key = colon == std::string::npos ? "" : problem.substr(0, colon);
      const ConfigNode* node = key.empty() || !schema.find(key) ? nullptr : section.find(key);
      if (node != nullptr) {
        diagnostics.error(node->location(), child_path(path, key), problem.substr(colon + 2));
      } else {
        diagnostics.error(section.location(), path, problem);
      }
    }
  }
  return options;
}

const ConfigNode* expect_map(const ConfigNode& node, const std::string& path,
                             Diagnostics& diagnostics) {
  if (node.is_map()) return &node;
  if (node.is_null()) return nullptr;
  diagnostics.error(node.location(), path, "expected a map of options, found " + node.describe());
  return nullptr;
}

ConfigNode merge(const ConfigNode& base, const ConfigNode& overrides) {
  if (!base.is_map() || !overrides.is_map()) return overrides;
  const ConfigNode* base_plugin = base.find("plugin");
  const ConfigNode* override_plugin = overrides.find("plugin");
  if (base_plugin && override_plugin && base_plugin->text() != override_plugin->text()) {
    return overrides;
  }
  ConfigNode merged = base;
  for (const auto& entry : overrides.entries()) {
    const ConfigNode* existing = merged.find(entry.key);
    if (existing != nullptr && existing->is_map() && entry.value.is_map()) {
      merged.set(entry.key, entry.key_location, merge(*existing, entry.value));
    } else {
      merged.set(entry.key, entry.key_location, entry.value);
    }
  }
  // Keep duplicates of the override visible to the validator.
  for (std::size_t i = 0; i < overrides.entries().size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (overrides.entries()[j].key == overrides.entries()[i].key) {
        merged.add(overrides.entries()[i].key, overrides.entries()[i].key_location,
                   overrides.entries()[i].value);
        break;
      }
    }
  }
  return merged;
}

ConfigNode default_section(const SourceLocation& where,
                           const std::vector<std::pair<std::string, std::string>>& keys) {
  ConfigNode node = ConfigNode::map(where);
  for (const auto& [key, value] : keys)
    node.add(key, where, ConfigNode::scalar(value, false, where));
  return node;
}

ConfigNode section_or_empty(const ConfigNode& root, const std::string& key) {
  const ConfigNode* node = root.find(key);
  if (node == nullptr) return ConfigNode::map(root.location());
  return *node;
}
const ConfigNode* find_path(const ConfigNode& section, const std::string& path) {
  const ConfigNode* node = &section;
  std::size_t start = 0;
  while (node != nullptr && start < path.size()) {
    const std::size_t end = path.find_first_of(".[", start);
    const std::string key = path.substr(start, end - start);
    if (!key.empty()) node = node->is_map() ? node->find(key) : nullptr;
    if (end == std::string::npos || node == nullptr) break;
    if (path[end] == '[') {
      const std::size_t close = path.find(']', end);
      if (close == std::string::npos || !node->is_sequence()) return nullptr;
      const std::size_t index = std::strtoul(path.c_str() + end + 1, nullptr, 10);
      if (index >= node->items().size()) return nullptr;
      node = &node->items()[index];
      start = close + 1;
      if (start < path.size() && path[start] == '.') ++start;
    } else {
      start = end + 1;
    }
  }
  return node;
}

}  // namespace hnn::internal
