// The YAML reader's limits (input_limits.h): cycles, alias bombs, nesting, file size and
// UTF-8 are refused while reading, with the location and the limit in the message; what
// stays within them reads as before (aliases expanded, located where the anchor is).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "hnn/config_tree.h"
#include "hnn/error.h"
#include "hnn/host/diagnostics.h"
#include "hnn/host/run_folder_error.h"
#include "hnn/host/run_folder_reading.h"
#include "hnn/input_limits.h"

namespace {

const std::string kFixtures = HNN_HOSTILE_FIXTURES;

// The message of the ConfigError that parsing `text` throws, or "" when it parses.
std::string error_of(const std::string& text) {
  try {
    hnn::parse_config(text, "f.yaml");
  } catch (const hnn::ConfigError& error) {
    return error.what();
  }
  return "";
}

std::string nested_lists(int levels) {
  return "x: " + std::string(std::size_t(levels), '[') + std::string(std::size_t(levels), ']');
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("an alias inside the node it refers to is a located error, not a stack overflow") {
  CHECK(error_of("x: &s [*s]\n") ==
        "f.yaml:1:8: error: the alias *s refers to a node that contains it (a cycle); an alias "
        "must refer to a complete node");
  CHECK(contains(error_of("a:\n  b: &m {c: [1, {d: *m}]}\n"), "f.yaml:2:21: error: the alias *m"));
  CHECK_THROWS_WITH_AS(hnn::load_config_file(kFixtures + "/self_reference.yaml"),
                       doctest::Contains("self_reference.yaml:1:8: error: the alias *s"),
                       hnn::ConfigError);
}

// How quickly both refusals come is measured in bench/config_limits_benchmark.cc; a test
// asserts no wall-clock bound (it would trip under sanitizers or on a loaded machine).
TEST_CASE("an alias bomb stops at the limit of copied nodes") {
  CHECK_THROWS_WITH_AS(hnn::load_config_file(kFixtures + "/alias_bomb.yaml"),
                       doctest::Contains("alias_bomb.yaml:7:8: error: aliases copy more than "
                                         "100000 nodes into this file (the limit"),
                       hnn::ConfigError);
}

TEST_CASE("aliases within the limits are expanded, located at their anchor") {
  const hnn::ConfigNode root = hnn::parse_config("a: &x {k: [1, 2]}\nb: *x\nc: &y 3\nd: *y\n", "f");
  const hnn::ConfigNode* b = root.find("b");
  REQUIRE(b != nullptr);
  REQUIRE(b->is_map());
  CHECK(b->find("k")->items().size() == 2);
  CHECK(b->location().to_string() == "f:1:4");  // where yaml-cpp's nodes were too
  CHECK(root.find("d")->text() == "3");
  CHECK(error_of("a: &x [1]\nb: [*x, *x, *x]\n").empty());
}

TEST_CASE("nesting deeper than the limit is refused where it passes it") {
  // The top-level map is level 1.
  CHECK(error_of(nested_lists(hnn::kMaxYamlNestingDepth - 1)).empty());
  CHECK(error_of(nested_lists(hnn::kMaxYamlNestingDepth)) ==
        "f.yaml:1:67: error: lists and maps are nested deeper than 64 levels (the limit)");
  CHECK(contains(error_of(nested_lists(100000)), "nested deeper than 64 levels"));
  // An alias may not carry a deep node deeper.
  const std::string deep = std::string(40, '[') + std::string(40, ']');
  CHECK(contains(error_of("a: &d " + deep + "\nb: " + std::string(30, '[') + "*d" +
                          std::string(30, ']') + "\n"),
                 "f.yaml:2:34: error: lists and maps are nested deeper than 64 levels"));
}

TEST_CASE("text that is not UTF-8 is refused at its scalar or key") {
  CHECK(error_of("name: a\xff"
                 "b\n") ==
        "f.yaml:1:7: error: not valid UTF-8: byte 0xff at byte 2 of \"a\\xffb\" (YAML files "
        "must be UTF-8)");
  CHECK(contains(error_of("models:\n  \"m\xff\": {}\n"), "f.yaml:2:3: error: not valid UTF-8"));
  CHECK(contains(error_of("a: \xc0\xaf\n"), "not valid UTF-8"));          // overlong '/'
  CHECK(contains(error_of("a: \xed\xa0\x80\n"), "not valid UTF-8"));      // a surrogate
  CHECK(contains(error_of("a: \xf4\x90\x80\x80\n"), "not valid UTF-8"));  // above U+10FFFF
  CHECK(error_of("a: \"Gr\xc3\xb6\xc3\x9f"
                 "e \xe2\x84\x8f \xf0\x9f\x98\x80\"\n")
            .empty());
}

TEST_CASE("a file larger than the limit is refused after reading at most one byte more") {
  // /dev/zero never ends: the refusal itself shows that reading stopped.
  CHECK_THROWS_WITH_AS(hnn::load_config_file("/dev/zero"),
                       "/dev/zero: error: the file is larger than 32 MiB, the limit for a YAML "
                       "file hnn reads",
                       hnn::ConfigError);
  CHECK_THROWS_WITH_AS(hnn::load_config_file(kFixtures),
                       doctest::Contains("cannot read the file: it is a folder"), hnn::ConfigError);
}

TEST_CASE("a long value is quoted back cut, with its length") {
  const hnn::ConfigNode root = hnn::parse_config("a: " + std::string(100000, 'z') + "\n", "f");
  const std::string described = root.find("a")->describe();
  CHECK(described.size() < 200);
  CHECK(contains(described, "(100000 characters)"));
  CHECK(hnn::parse_config("a: \"x\\ty\"\n", "f").find("a")->describe() == "the string \"x\\x09y\"");
}

TEST_CASE("a run folder's YAML file is held to the same limits") {
  const auto dir = std::filesystem::path(HNN_BINARY_DIR) / "tests" / "hostile" / "run_folder";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "summary.yaml") << "schema_version: &s [*s]\n";
  CHECK_THROWS_WITH_AS(hnn::YamlDocument(dir / "summary.yaml"),
                       doctest::Contains("summary.yaml:1:21: error: the alias *s refers to a "
                                         "node that contains it"),
                       hnn::RunFolderError);
}

TEST_CASE("problems are capped per file, with a count of the rest") {
  hnn::Diagnostics diagnostics;
  for (int i = 1; i <= 5000; ++i) diagnostics.error({"a.yaml", i, 1}, "k", "bad");
  diagnostics.error({"b.yaml", 1, 1}, "k", "bad");
  CHECK(diagnostics.size() == 5001);
  const auto reported = diagnostics.reported();
  // In order of position (files interleaved by line), then the counts.
  REQUIRE(reported.size() == hnn::kMaxReportedProblemsPerFile + 2);
  CHECK(reported[0].format() == "a.yaml:1:1: error: k: bad");
  CHECK(reported[1].format() == "b.yaml:1:1: error: k: bad");
  CHECK(reported[50].format() == "a.yaml:50:1: error: k: bad");
  CHECK(reported[51].format() ==
        "a.yaml: error: and 4950 more problems (only the first 50 of a file are shown)");
  CHECK_THROWS_WITH_AS(diagnostics.throw_if_any(), doctest::Contains("and 4950 more problems"),
                       hnn::ConfigError);
}
