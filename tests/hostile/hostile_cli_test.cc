// Every crash of issue 12's hostile-user report, run through hnn-host as a user would,
// under a memory limit (ulimit -v) and a time limit: each exits 2 with a located message
// naming the limit, never a signal, and prints a bounded amount.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "host_command.h"

namespace {

namespace fs = std::filesystem;

const std::string kFixtures = HNN_HOSTILE_FIXTURES;

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HNN_TEST_ADDRESS_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define HNN_TEST_ADDRESS_SANITIZER 1
#endif
// The address-space limit: AddressSanitizer reserves terabytes of shadow address space at
// start, so an instrumented host runs under the time limit only (the memory bound is what
// the uninstrumented suite checks).
#ifdef HNN_TEST_ADDRESS_SANITIZER
const char* const kAddressSpaceLimit = "";
#else
const char* const kAddressSpaceLimit = "ulimit -v 2000000\n";
#endif

// hnn-host under 2 GB of address space and 30 s, HNN_PLUGIN_PATH set to `plugin_path`;
// status -1 for a signal (124 for the time limit).
hnn_test::Result limited_host(const std::string& arguments, const std::string& plugin_path = "") {
  const fs::path dir = hnn_test::scratch("hostile");
  const fs::path script = dir / "run.sh", out = dir / "stdout.txt", err = dir / "stderr.txt";
  std::ofstream(script, std::ios::trunc)
      << kAddressSpaceLimit << "HNN_PLUGIN_PATH='" << plugin_path << "' exec timeout 30 '" HNN_HOST
      << "' " << arguments << " >'" << out.string() << "' 2>'" << err.string() << "'\n";
  const int raw = std::system(("sh '" + script.string() + "'").c_str());
  return hnn_test::Result{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, hnn_test::read(out),
                          hnn_test::read(err)};
}

hnn_test::Result check(const fs::path& pipeline) {
  return limited_host("--check '" + pipeline.string() + "'");
}

fs::path write(const std::string& name, const std::string& text) {
  const fs::path file = hnn_test::scratch("hostile") / name;
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
  return file;
}

std::string repeated(const std::string& part, int times) {
  std::string text;
  for (int i = 0; i < times; ++i) text += part;
  return text;
}

const std::string kRest =
    "data: {trajectories: 2, points: 10}\n"
    "training: {optimizer: {plugin: adam, epochs: 1}}\n"
    "evaluation: {points: 10}\n";

using hnn_test::contains;

}  // namespace

TEST_CASE("self-referencing aliases, in a pipeline and in a checkpoint") {
  auto result = check(kFixtures + "/self_reference.yaml");
  CHECK(result.status == 2);
  CHECK(contains(result.err,
                 "self_reference.yaml:1:8: error: the alias *s refers to a node "
                 "that contains it (a cycle)"));
  result = check(kFixtures + "/checkpoint_pipeline.yaml");
  CHECK(result.status == 2);
  CHECK(contains(result.err, "self_reference_checkpoint.yaml:5:29: error: the alias *options"));
}

TEST_CASE("an alias bomb, deep nesting and /dev/zero") {
  auto result = check(kFixtures + "/alias_bomb.yaml");
  CHECK(result.status == 2);
  CHECK(contains(result.err, "alias_bomb.yaml:7:8: error: aliases copy more than 100000 nodes"));
  result = check(write("deep.yaml", "x: " + std::string(100000, '[') + "\n"));
  CHECK(result.status == 2);
  CHECK(contains(result.err, "deep.yaml:1:"));
  CHECK(contains(result.err, ": error: lists and maps are nested deeper than 64 levels"));
  result = check("/dev/zero");
  CHECK(result.status == 2);
  CHECK(contains(result.err, "/dev/zero: error: the file is larger than 32 MiB"));
}

TEST_CASE("a formula with 20 000 nested parentheses, in the expression system") {
  const auto pipeline = write(
      "deep_formula.yaml", "system:\n  plugin: expression\n  hamiltonian: \"" +
                               std::string(20000, '(') + "p" + std::string(20000, ')') +
                               "^2/2 + q^2/2\"\nmodels: {m: {plugin: mlp, hidden: [4]}}\n" + kRest);
  const auto result = check(pipeline);
  CHECK(result.status == 2);
  CHECK(contains(result.err, "deep_formula.yaml:3:"));
  CHECK(contains(result.err, "at character 257: the formula is nested deeper than 256 levels"));
  CHECK(result.err.size() < 2000);
}

TEST_CASE("a symbolic.yaml function with 100 000 nested parentheses") {
  write("deep_symbolic.yaml",
        "format: 1\ninput_names: [q, p]\noutput_names: [F1, F2]\n"
        "functions: {\"x\": \"x\", \"deep\": \"" +
            std::string(100000, '(') + "x" + std::string(100000, ')') +
            "\"}\n"
            "layers:\n"
            "  - biases: [0.0, 0.0]\n"
            "    edges:\n"
            "      - {input: 0, output: 0, function: deep, a: 1, b: 0, c: 1, d: 0}\n");
  const auto pipeline = write("deep_symbolic_pipeline.yaml",
                              "system: {plugin: spring_mass}\n"
                              "models: {h: {plugin: symbolic, file: deep_symbolic.yaml}}\n" +
                                  kRest);
  const auto result = check(pipeline);
  CHECK(result.status == 2);
  CHECK(contains(result.err,
                 "deep_symbolic.yaml:4:31: error: functions.deep: cannot read the "
                 "formula"));
  CHECK(contains(result.err, "at character 257: the formula is nested deeper than 256 levels"));
}

TEST_CASE("4 000 duplicate symbolic edges: one problem per duplicate, 50 shown") {
  const std::string edges =
      repeated("        - {layer: 0, input: 0, output: 0, function: x}\n", 4000);
  const auto pipeline = write("duplicate_edges.yaml",
                              "system: {plugin: spring_mass}\nmodels:\n  k:\n    plugin: kan\n"
                              "    symbolic:\n      edges:\n" +
                                  edges + kRest);
  const auto result = check(pipeline);
  CHECK(result.status == 2);
  CHECK(contains(result.err,
                 "duplicate_edges.yaml:8:11: error: models.k.symbolic.edges[1]: this "
                 "edge (layer 0, input 0, output 0) is assigned twice; first at line 7"));
  CHECK(contains(result.err, "duplicate_edges.yaml: error: and "));
  CHECK(result.err.size() < 20000);
}

TEST_CASE("a model name with byte 0xff is refused by --check, located") {
  const auto result = check(kFixtures + "/model_name_0xff.yaml");
  CHECK(result.status == 2);
  CHECK(contains(result.err,
                 "model_name_0xff.yaml:5:3: error: not valid UTF-8: byte 0xff at "
                 "byte 2 of \"m\\xff\""));
}

TEST_CASE("names that become file names and labels: from --set and from the file name") {
  const auto pipeline = write(
      "valid_names.yaml", "system: {plugin: spring_mass}\nmodels: {m: {plugin: mlp}}\n" + kRest);
  auto result = limited_host("--check '" + pipeline.string() +
                             "' --set 'models.a\xff"
                             "b.plugin=mlp'");
  CHECK(result.status == 2);
  CHECK(contains(result.err,
                 "--set 'models.a\\xffb.plugin=mlp':1:1: error: models.a\\xffb: "
                 "expected a model name of UTF-8 text"));
  result = limited_host("--check '" + pipeline.string() +
                        "' --set 'models.a\x01"
                        "b.plugin=mlp'");
  CHECK(result.status == 2);
  CHECK(contains(result.err, "found 'a\\x01b'"));
  const auto unnamed =
      write("t\xff.yaml", "system: {plugin: spring_mass}\nmodels: {m: {plugin: mlp}}\n" + kRest);
  result = check(unnamed);
  CHECK(result.status == 2);
  CHECK(contains(result.err,
                 "error: name: expected a run name of UTF-8 text without control "
                 "characters, found 't\\xff' (the pipeline file's name; set name:)"));
}

TEST_CASE(
    "plugin folders: a symlink loop is skipped, an empty .so named, a world-writable "
    "folder warned about") {
  const fs::path dir = hnn_test::scratch("hostile_plugins");
  const fs::path loop = dir / "loop", empty = dir / "empty", open = dir / "open";
  for (const auto& folder : {loop, empty, open}) fs::create_directories(folder);
  fs::remove(loop / "x.so");
  fs::create_symlink("x.so", loop / "x.so");
  std::ofstream(empty / "empty.so", std::ios::trunc).flush();
  ::chmod(open.c_str(), 0777);

  for (const std::string& plugin_path : {std::string(), loop.string()}) {
    const auto result =
        limited_host(plugin_path.empty() ? "--list-plugins --plugin-dir '" + loop.string() + "'"
                                         : std::string("--list-plugins"),
                     plugin_path);
    CHECK(result.status == 0);
    CHECK(contains(result.err, "hnn-host: warning: plugin folder " + loop.string() + ": skipped " +
                                   (loop / "x.so").string() +
                                   ": Too many levels of symbolic links"));
    CHECK(contains(result.out, "adam"));
  }
  auto result = limited_host("--list-plugins --plugin-dir '" + empty.string() + "'");
  CHECK(result.status == 2);
  CHECK(contains(result.err, "hnn-host: error: plugin " + (empty / "empty.so").string() +
                                 " is not an hnn plugin: it is not a shared library this host "
                                 "can read: it is empty (0 bytes)"));
  result = limited_host("--list-plugins --plugin-dir '" + open.string() + "'");
  CHECK(result.status == 0);
  CHECK(contains(result.err,
                 "hnn-host: warning: plugin folder " + open.string() + " is world-writable"));
}
