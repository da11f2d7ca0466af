// The keys of a summary.yaml as docs/run_folder.md names them, for the tests that keep the
// document complete: every key a run writes must be described there.
#ifndef HNN_TESTS_SUPPORT_RUN_SUMMARY_KEYS_H_
#define HNN_TESTS_SUPPORT_RUN_SUMMARY_KEYS_H_

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace hnn::testing {

namespace detail {

inline void collect_keys(const YAML::Node& node, const std::string& path,
                         std::set<std::string>& keys) {
  if (node.IsMap()) {
    for (const auto& entry : node) {
      // The keys under `models` are model names: <m> in the document.
      const std::string key = path == "models" ? "<m>" : entry.first.Scalar();
      const std::string child = path.empty() ? key : path + "." + key;
      keys.insert(child);
      collect_keys(entry.second, child, keys);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) collect_keys(item, path + "[]", keys);
  }
}

}  // namespace detail

// Every key path of the YAML text `summary`: "data.seconds", "models.<m>.stages[].epochs",
// "models.<m>.symbolic.edges[].suggestions[].r2", ...
inline std::set<std::string> summary_key_paths(const std::string& summary) {
  std::set<std::string> keys;
  detail::collect_keys(YAML::Load(summary), "", keys);
  return keys;
}

// The key paths of `summary` that docs/run_folder.md does not mention as `path` (in
// backquotes).
inline std::vector<std::string> undocumented_summary_keys(const std::string& summary) {
  std::ifstream file(std::filesystem::path(HNN_SOURCE_DIR) / "docs" / "run_folder.md");
  std::stringstream text;
  text << file.rdbuf();
  const std::string doc = text.str();
  std::vector<std::string> missing;
  for (const auto& key : summary_key_paths(summary)) {
    if (doc.find("`" + key + "`") == std::string::npos) missing.push_back(key);
  }
  return missing;
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_SUPPORT_RUN_SUMMARY_KEYS_H_
