// The run folder as a user meets it: output.directory chooses it (-o overrides it), and a
// folder that cannot be created (its parent is a file) stops the run before anything is
// computed, with the folder's path and the system's reason on standard error and exit
// status 1 (a run that failed, hnn_host_main.cc); the pipeline's name chooses the default
// folder and its name and description are kept in the summary and pipeline.yaml.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "host_command.h"

namespace fs = std::filesystem;
using hnn_test::contains;
using hnn_test::host;

TEST_CASE("a run folder that cannot be created: exit 1, the folder and the reason named") {
  const fs::path scratch = hnn_test::scratch("run_folder_errors");
  const fs::path blocker = scratch / "a_file";
  std::ofstream(blocker) << "not a folder\n";
  const fs::path folder = blocker / "run";
  const auto result = host("--plugin-dir '" HNN_FIXTURE_GOOD "' '" HNN_CONFIG_FIXTURES
                           "/valid.yaml' --quiet --no-report -o '" +
                               folder.string() + "'",
                           "", scratch);
  CHECK(result.status == 1);
  CHECK(result.err == "hnn-host: error: the run failed: cannot create the run folder " +
                          folder.string() + ": Not a directory\n");
  CHECK_FALSE(fs::exists(folder));
  CHECK(hnn_test::read(blocker) == "not a folder\n");
}

TEST_CASE("output.directory names the run folder; -o overrides it; the default is runs/<name>") {
  const fs::path scratch = hnn_test::scratch("run_folder_directory");
  fs::remove_all(scratch / "chosen");
  fs::remove_all(scratch / "given");
  const std::string run = "--plugin-dir '" HNN_FIXTURE_GOOD "' '" HNN_CONFIG_FIXTURES
                          "/valid.yaml' --quiet --no-report --set output.directory='" +
                          (scratch / "chosen").string() + "'";
  REQUIRE(host(run, "", scratch).status == 0);
  CHECK(fs::is_regular_file(scratch / "chosen" / "summary.yaml"));
  fs::remove_all(scratch / "chosen");
  REQUIRE(host(run + " -o '" + (scratch / "given").string() + "'", "", scratch).status == 0);
  CHECK(fs::is_regular_file(scratch / "given" / "summary.yaml"));
  CHECK_FALSE(fs::exists(scratch / "chosen"));
  // Without either: runs/<the pipeline's name> in the working directory.
  fs::remove_all(scratch / "runs");
  const std::string in_scratch = "cd '" + scratch.string() +
                                 "' && HNN_PLUGIN_PATH= '" HNN_HOST
                                 "' --plugin-dir '" HNN_FIXTURE_GOOD "' '" HNN_CONFIG_FIXTURES
                                 "/valid.yaml' --quiet --no-report >/dev/null 2>&1";
  REQUIRE(std::system(in_scratch.c_str()) == 0);
  CHECK(fs::is_regular_file(scratch / "runs" / "fixture_run" / "summary.yaml"));
}

TEST_CASE(
    "name and description: the run folder runs/<name>, the summary's pipeline, pipeline.yaml") {
  const fs::path scratch = hnn_test::scratch("run_folder_name");
  fs::remove_all(scratch / "runs");
  const std::string in_scratch = "cd '" + scratch.string() +
                                 "' && HNN_PLUGIN_PATH= '" HNN_HOST
                                 "' --plugin-dir '" HNN_FIXTURE_GOOD "' '" HNN_CONFIG_FIXTURES
                                 "/valid.yaml' --quiet --no-report --set name=renamed_run"
                                 " --set 'description=a described run' >/dev/null 2>&1";
  REQUIRE(std::system(in_scratch.c_str()) == 0);
  // The name chooses the folder (valid.yaml's own name, fixture_run, is not used) and is
  // the summary's pipeline; both are in the resolved pipeline.yaml.
  const fs::path run = scratch / "runs" / "renamed_run";
  CHECK_FALSE(fs::exists(scratch / "runs" / "fixture_run"));
  const std::string summary = hnn_test::read(run / "summary.yaml");
  CHECK(contains(summary, "\npipeline: \"renamed_run\"\n"));
  const std::string resolved = hnn_test::read(run / "pipeline.yaml");
  CHECK(contains(resolved, "\nname: \"renamed_run\"\n"));
  CHECK(contains(resolved, "\ndescription: \"a described run\"\n"));
  // Without a name in the file, the file's own name (its stem) is the run's.
  const fs::path unnamed = scratch / "unnamed_pipeline.yaml";
  std::string text = hnn_test::read(HNN_CONFIG_FIXTURES "/valid.yaml");
  text.replace(text.find("name: fixture_run\n"), 18, "");
  std::ofstream(unnamed) << text;
  const std::string without_name = "cd '" + scratch.string() +
                                   "' && HNN_PLUGIN_PATH= '" HNN_HOST
                                   "' --plugin-dir '" HNN_FIXTURE_GOOD "' '" +
                                   unnamed.string() + "' --quiet --no-report >/dev/null 2>&1";
  REQUIRE(std::system(without_name.c_str()) == 0);
  CHECK(contains(hnn_test::read(scratch / "runs" / "unnamed_pipeline" / "summary.yaml"),
                 "\npipeline: \"unnamed_pipeline\"\n"));
}
