// The option-coverage table (tests/options/option_tests.yaml): every option of every bundled
// plugin and of every host section, and the pipeline's name and description and a training
// stage's update_grid (hnn/host/inline_schemas.h), names the doctest test cases that check
// its effect. This suite fails when a schema has an option without an entry, when an entry
// names an option (or a plugin, or a section) that no longer exists, and when an entry names
// a test case that no file under tests/ declares.
#include <doctest/doctest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "hnn/config_tree.h"
#include "hnn/host/host_settings.h"
#include "hnn/host/inline_schemas.h"
#include "hnn/host/plugin_loader.h"
#include "hnn/registry.h"

namespace {

const std::string kTable = std::string(HNN_SOURCE_DIR) + "/tests/options/option_tests.yaml";

// An owner of options as the table writes it: "<kind>/<plugin>" ("model/kan",
// "data_source/table") or "host/<section>" ("host/data").
std::string owner_name(hnn::PluginKind kind, const std::string& plugin) {
  std::string kind_name = hnn::to_string(kind);
  for (char& c : kind_name) {
    if (c == ' ') c = '_';
  }
  return kind_name + "/" + plugin;
}

// Every option the schemas declare: owner -> keys.
std::map<std::string, std::set<std::string>> schema_options() {
  static hnn::Registry registry;
  static hnn::PluginLoader loader(registry);
  static const auto problems = loader.load_directory(HNN_BUNDLED_PLUGIN_DIR);
  for (const auto& problem : problems) FAIL(problem.message);
  std::map<std::string, std::set<std::string>> options;
  for (const hnn::PluginKind kind : hnn::kAllPluginKinds) {
    for (const hnn::PluginInfo* info : registry.list(kind)) {
      auto& keys = options[owner_name(kind, info->name)];
      for (const auto& option : info->schema.options()) keys.insert(option.key());
    }
  }
  for (const auto& section : hnn::host_section_names()) {
    auto& keys = options["host/" + section];
    for (const auto& option : hnn::host_section_schema(section)->options()) {
      keys.insert(option.key());
    }
  }
  // The options validated outside the sections (hnn/host/inline_schemas.h).
  for (const auto& option : hnn::pipeline_names_schema().options()) {
    options["host/pipeline"].insert(option.key());
  }
  for (const auto& option : hnn::training_stage_schema().options()) {
    options["host/training.stages"].insert(option.key());
  }
  return options;
}

// Reads one C++ string literal starting at text[i] == '"'; returns its contents (escapes
// \" and \\ resolved) and moves i past the closing quote.
std::string read_literal(const std::string& text, std::size_t& i) {
  std::string value;
  for (++i; i < text.size() && text[i] != '"'; ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) ++i;
    value += text[i];
  }
  ++i;
  return value;
}

// The names of every TEST_CASE("...") in the .cc files under tests/ (adjacent literals
// concatenated, as the compiler does).
std::set<std::string> declared_test_cases() {
  std::set<std::string> names;
  const std::filesystem::path root = std::string(HNN_SOURCE_DIR) + "/tests";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".cc") continue;
    std::ifstream in(entry.path());
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    const std::string marker = "TEST_CASE(";
    for (std::size_t at = text.find(marker); at != std::string::npos;
         at = text.find(marker, at + 1)) {
      std::size_t i = at + marker.size();
      std::string name;
      while (true) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        if (i >= text.size() || text[i] != '"') break;
        name += read_literal(text, i);
      }
      if (!name.empty()) names.insert(name);
    }
  }
  return names;
}

// The table: owner -> key -> test case names, with the location of each key.
struct TableEntry {
  std::vector<std::string> tests;
  std::string location;
};
std::map<std::string, std::map<std::string, TableEntry>> read_table() {
  const hnn::ConfigNode root = hnn::load_config_file(kTable);
  REQUIRE(root.is_map());
  std::map<std::string, std::map<std::string, TableEntry>> table;
  for (const auto& owner : root.entries()) {
    REQUIRE_MESSAGE(owner.value.is_map(), owner.key << " must map option keys to test cases");
    for (const auto& option : owner.value.entries()) {
      TableEntry& entry = table[owner.key][option.key];
      entry.location = option.value.location().to_string();
      REQUIRE_MESSAGE(option.value.is_sequence(),
                      entry.location << ": expected a list of test case names");
      for (const auto& test : option.value.items()) entry.tests.push_back(test.text());
    }
  }
  return table;
}

}  // namespace

TEST_CASE("the option-coverage table names a test for every option of every schema") {
  const auto options = schema_options();
  const auto table = read_table();
  REQUIRE(options.size() > 20);
  std::size_t count = 0;
  // (No structured bindings: clang 14 cannot capture them in doctest's message lambdas.)
  for (const auto& owner_keys : options) {
    const std::string& owner = owner_keys.first;
    for (const auto& key : owner_keys.second) {
      ++count;
      const auto owner_entry = table.find(owner);
      const bool listed = owner_entry != table.end() && owner_entry->second.count(key) > 0;
      CHECK_MESSAGE(listed, kTable << ": no entry for " << owner << ": " << key
                                   << " (add the test cases that check its effect)");
      if (listed) {
        CHECK_MESSAGE(!owner_entry->second.at(key).tests.empty(),
                      owner_entry->second.at(key).location << ": " << owner << ": " << key
                                                           << " names no test case");
      }
    }
  }
  MESSAGE(count << " options in the schemas");
}

TEST_CASE("the option-coverage table names only options and test cases that exist") {
  const auto options = schema_options();
  const auto table = read_table();
  const auto test_cases = declared_test_cases();
  REQUIRE(test_cases.size() > 100);
  for (const auto& owner_keys : table) {
    const std::string& owner = owner_keys.first;
    const auto schema = options.find(owner);
    CHECK_MESSAGE(schema != options.end(), kTable << ": " << owner << " is no plugin or section");
    for (const auto& key_entry : owner_keys.second) {
      const std::string& key = key_entry.first;
      const auto& entry = key_entry.second;
      if (schema != options.end()) {
        CHECK_MESSAGE(schema->second.count(key) > 0,
                      entry.location << ": " << owner << " has no option " << key);
      }
      for (const auto& test : entry.tests) {
        CHECK_MESSAGE(test_cases.count(test) > 0,
                      entry.location << ": no TEST_CASE(\"" << test << "\") under tests/");
      }
    }
  }
}

TEST_CASE("the option-coverage table reads test case names as the compiler does") {
  const auto test_cases = declared_test_cases();
  // This very file's cases, and one written over two lines with adjacent literals.
  CHECK(test_cases.count("the option-coverage table reads test case names as the compiler does"));
  CHECK(
      test_cases.count("--resume ends bit-identical with learned initial states, with "
                       "minibatches and with both"));
}
