// Determinism (docs/determinism.md): the same pipeline, seed and thread count give a
// bit-identical run folder, timings aside: summary.yaml, history.csv, trajectories.csv,
// data.csv and every checkpoint. The models' sums over samples are formed in a fixed order,
// so the thread count does not change the run folder either (docs/determinism.md).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include "host_run.h"

namespace fs = std::filesystem;
using hnn::testing::host;
using hnn::testing::scratch;

namespace {

// An MLP (parallel products and slices) and a KAN with an L1 penalty (owlqn), briefly.
const std::string kPipeline = HNN_SOURCE_DIR "/tests/end_to_end/spring_small.yaml";
const std::string kOverrides =
    " --no-report --set training.optimizer.epochs=30 --set data.trajectories=20"
    " --set 'models.kan={plugin: kan, width: [2, 1, 2], training: {l1: 1.0e-5, optimizer: "
    "{plugin: owlqn, epochs: 200}}}'";

fs::path run(const std::string& name, int threads) {
  const fs::path dir = scratch(name);
  REQUIRE(host("'" + kPipeline + "' -o '" + dir.string() + "'" + kOverrides + " > /dev/null",
               "OMP_NUM_THREADS=" + std::to_string(threads)) == 0);
  return dir;
}

std::string text_of(const fs::path& file) {
  std::ifstream stream(file);
  return std::string(std::istreambuf_iterator<char>(stream), {});
}

// summary.yaml without its timings (`seconds`, `training_seconds`, `evaluation_seconds`).
std::string summary_without_timings(const fs::path& dir) {
  static const std::regex timing("seconds: [^,}\\n]+");
  return std::regex_replace(text_of(dir / "summary.yaml"), timing, "seconds: -");
}

// history.csv without its last column (seconds).
std::string history_without_timings(const fs::path& dir) {
  static const std::regex last_column(",[^,\\n]*\\n");
  return std::regex_replace(text_of(dir / "history.csv"), last_column, "\n");
}

void check_identical(const fs::path& a, const fs::path& b) {
  CHECK(summary_without_timings(a) == summary_without_timings(b));
  CHECK(history_without_timings(a) == history_without_timings(b));
  for (const char* file : {"data.csv", "trajectories.csv", "pipeline.yaml"}) {
    CAPTURE(file);
    CHECK(text_of(a / file) == text_of(b / file));
  }
  int checkpoints = 0;
  for (const auto& entry : fs::directory_iterator(a / "checkpoints")) {
    CAPTURE(entry.path());
    CHECK(text_of(entry.path()) == text_of(b / "checkpoints" / entry.path().filename()));
    ++checkpoints;
  }
  CHECK(checkpoints == 3);
}

}  // namespace

TEST_CASE("the same pipeline, seed and thread count give a bit-identical run folder") {
  const fs::path first = run("determinism_a", 2);
  const fs::path second = run("determinism_b", 2);
  REQUIRE(summary_without_timings(first).find("seconds: -") != std::string::npos);
  check_identical(first, second);
}

TEST_CASE("one thread and two threads give the same run folder") {
  const fs::path one = run("determinism_1", 1), two = run("determinism_2", 2);
  check_identical(one, two);
}
