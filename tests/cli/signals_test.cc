// Signals, --resume and --force as a user meets them: SIGINT and SIGTERM stop a run at an
// epoch boundary and save it (exit 130 / 143), a second signal exits at once, --resume
// continues the run to the uninterrupted result bit for bit (Adam, lbfgs_torch, lbfgs,
// minibatches, a KAN's grid update and symbolic stage), OWL-QN (`owlqn`) says it restarted,
// and --force empties only a run folder. The signals are real: the hidden
// --test-signal-after-epochs raises them from the epoch callback, so that the epoch is known; one
// test sends SIGTERM from outside, with kill(1) from a shell.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <regex>
#include <string>

#include "host_command.h"

namespace fs = std::filesystem;

namespace {

using hnn_test::contains;
using hnn_test::read;

fs::path scratch_dir() { return hnn_test::scratch("signals"); }

// The pieces one after the other (a std::string built by appending: GCC 12's -Wrestrict
// misfires on "literal" + std::string temporaries).
std::string cat(std::initializer_list<std::string> pieces) {
  std::string text;
  for (const auto& piece : pieces) text += piece;
  return text;
}

std::string quoted(const fs::path& path) { return cat({"'", path.string(), "'"}); }

hnn_test::Result host(const std::string& arguments) {
  return hnn_test::host(arguments, "", scratch_dir());
}

// 12 + 4 + 6 + 3 + 5 = 30 epochs: Adam on minibatches; lbfgs_torch, then a grid update and
// Adam on a KAN, then its symbolic stage, refined by Adam; lbfgs.
const char* const kPipeline = R"(name: signals
system: {plugin: spring_mass}
data: {trajectories: 10, time_span: [0, 3], points: 10, seed: 1390, rng: numpy}
training:
  test_every: 3
  optimizer: {plugin: adam, epochs: 12, lr: 0.01}
models:
  batches:
    plugin: mlp
    hidden: [8]
    training: {batch_size: 16, batch_seed: 3}
  kan:
    plugin: kan
    width: [2, 1, 2]
    grid: 3
    training:
      stages:
        - optimizer: {plugin: lbfgs_torch, epochs: 4}
        - update_grid: true
          optimizer: {plugin: adam, epochs: 6, lr: 0.01}
    symbolic:
      edges:
        - {layer: 0, input: 0, output: 0, function: "x^2"}
        - {layer: 0, input: 1, output: 0, function: "x^2"}
        - {layer: 1, input: 0, output: 0, function: "x"}
        - {layer: 1, input: 0, output: 1, function: "x"}
      refine:
        optimizer: {plugin: adam, epochs: 3, lr: 0.001}
  later:
    plugin: mlp
    hidden: [8]
    training: {optimizer: {plugin: lbfgs, epochs: 5}}
evaluation: {initial_state: [1, 0], time_span: [0, 2], points: 20}
)";

fs::path write_pipeline(const std::string& name, const std::string& text) {
  const fs::path file = scratch_dir() / name;
  std::ofstream(file) << text;
  return file;
}

std::string run(const fs::path& pipeline, const fs::path& folder, const std::string& extra = "") {
  return cat({quoted(pipeline), " --quiet --no-report -o ", quoted(folder), " ", extra});
}

// A file of the run folder `folder` without its wall-clock times (summary.yaml's `seconds`
// values and `resumed` line, history.csv's last column) and the folder's own path.
std::string without_timings(const fs::path& file, const fs::path& folder) {
  // The run folder's own path (a symbolic checkpoint names its file) as a placeholder.
  std::string text = read(file);
  for (auto at = text.find(folder.string()); at != std::string::npos;
       at = text.find(folder.string(), at)) {
    text.replace(at, folder.string().size(), "<run>");
  }
  if (file.filename() == "history.csv")
    return std::regex_replace(text, std::regex(",[^,\n]*\n"), "\n");
  text = std::regex_replace(text, std::regex("seconds: [^,}\n]+"), "seconds: _");
  return std::regex_replace(text, std::regex("resumed: true\n"), "");
}

// Every file of `expected` (figures aside) is in `actual` with the same content, timings
// aside, and `actual` has no other file.
void check_same_results(const fs::path& expected, const fs::path& actual) {
  int compared = 0;
  for (const auto& entry : fs::recursive_directory_iterator(expected)) {
    if (!entry.is_regular_file()) continue;
    const fs::path relative = fs::relative(entry.path(), expected);
    INFO("file: " << relative.string());
    REQUIRE(fs::exists(actual / relative));
    CHECK(without_timings(entry.path(), expected) == without_timings(actual / relative, actual));
    ++compared;
  }
  int present = 0;
  for (const auto& entry : fs::recursive_directory_iterator(actual)) {
    if (entry.is_regular_file()) ++present;
  }
  CHECK(present == compared);
}

fs::path uninterrupted() {
  static const fs::path folder = [] {
    const fs::path pipeline = write_pipeline("signals.yaml", kPipeline);
    const fs::path result = scratch_dir() / "uninterrupted";
    fs::remove_all(result);
    const auto whole = host(run(pipeline, result));
    REQUIRE_MESSAGE(whole.status == 0, whole.err);
    return result;
  }();
  return folder;
}

}  // namespace

TEST_CASE("SIGTERM and SIGINT stop at an epoch boundary, save the run and exit 143 / 130") {
  const fs::path pipeline = write_pipeline("signals.yaml", kPipeline);
  for (const auto& [signal_name, expected_status] :
       {std::pair{"TERM", 143}, std::pair{"INT", 130}}) {
    // Plain copies: clang 14 cannot capture structured bindings in INFO's lambda.
    const std::string signal = signal_name;
    const int status = expected_status;
    INFO("SIG" << signal);
    const fs::path folder = scratch_dir() / (std::string("stopped_") + signal);
    fs::remove_all(folder);
    // Epoch 14 of the run: the second of the KAN's lbfgs_torch stage.
    const auto stopped =
        host(run(pipeline, folder, std::string("--test-signal-after-epochs ") + signal + ":14"));
    CHECK(stopped.status == status);
    CHECK(contains(stopped.err, "stopping at the next epoch boundary"));
    CHECK(contains(stopped.out,
                   "kan stopped in stage 1 after epoch 2 of it (optimizer state saved)"));
    CHECK(contains(stopped.out, "not started: later"));
    CHECK(contains(stopped.out, "hnn-host --resume " + folder.string()));
    const std::string summary = read(folder / "summary.yaml");
    CHECK(contains(summary, "interrupted: true\nnot_started: [\"later\"]\n"));
    CHECK_FALSE(contains(summary, "truth:"));      // nothing evaluated
    CHECK_FALSE(contains(summary, "\n  later:"));  // the later model is not in it
    CHECK(contains(summary, "termination: \"stopped\""));
    // The later model was not started: no checkpoint, no history rows.
    CHECK_FALSE(fs::exists(folder / "checkpoints" / "later.yaml"));
    CHECK_FALSE(contains(read(folder / "history.csv"), ",later,"));
    CHECK_FALSE(fs::exists(folder / "trajectories.csv"));
    CHECK_FALSE(fs::exists(folder / "report.html"));
    // The stopped model's checkpoint holds the optimizer's state; the finished one's not.
    const std::string kan = read(folder / "checkpoints" / "kan.yaml");
    CHECK(contains(kan,
                   "interrupted_training:\n  stage: 1\n  stage_epochs: 2\n"
                   "  optimizer: \"lbfgs_torch\"\n"));
    CHECK(contains(kan, "  optimizer_state: ["));
    CHECK_FALSE(contains(read(folder / "checkpoints" / "batches.yaml"), "interrupted_training"));
  }
}

TEST_CASE("--resume continues an interrupted run to the uninterrupted result, bit for bit") {
  const fs::path expected = uninterrupted();
  const fs::path pipeline = write_pipeline("signals.yaml", kPipeline);
  // In Adam's minibatches; at the last epoch of a model; in lbfgs_torch; in Adam after the
  // KAN's grid update; in the refinement of its symbolic stage (computed again); in lbfgs
  // (its pairs restored); at the last epoch of the run.
  for (const int epoch : {5, 12, 14, 18, 24, 28, 30}) {
    INFO("interrupted after epoch " << epoch);
    const fs::path folder = scratch_dir() / cat({"resumed_", std::to_string(epoch)});
    fs::remove_all(folder);
    const auto stopped = host(
        run(pipeline, folder, cat({"--test-signal-after-epochs TERM:", std::to_string(epoch)})));
    REQUIRE_MESSAGE(stopped.status == 143, stopped.err);
    const auto resumed = host(cat({"--quiet --no-report --resume ", quoted(folder)}));
    REQUIRE_MESSAGE(resumed.status == 0, resumed.err);
    CHECK(contains(read(folder / "summary.yaml"), "resumed: true\n"));
    CHECK_FALSE(contains(read(folder / "summary.yaml"), "interrupted"));
    check_same_results(expected, folder);
  }
}

TEST_CASE("a resumed run interrupted again resumes again to the same result") {
  const fs::path pipeline = write_pipeline("signals.yaml", kPipeline);
  const fs::path folder = scratch_dir() / "resumed_twice";
  fs::remove_all(folder);
  REQUIRE(host(run(pipeline, folder, "--test-signal-after-epochs INT:5")).status == 130);
  // 10 more epochs: the rest of the minibatch model, then 3 of the KAN's.
  const auto again = host(
      cat({"--quiet --no-report --resume ", quoted(folder), " --test-signal-after-epochs INT:10"}));
  REQUIRE_MESSAGE(again.status == 130, again.err);
  CHECK(contains(again.out, "batches: resumed from"));
  CHECK(contains(again.out, "kan stopped in stage 1 after epoch 3 of it"));
  // A temporary file that a killed writer left is removed, not read.
  std::ofstream(folder / "summary.yaml.tmp.99999") << "half writ";
  REQUIRE(host(cat({"--quiet --no-report --resume ", quoted(folder)})).status == 0);
  CHECK_FALSE(fs::exists(folder / "summary.yaml.tmp.99999"));
  check_same_results(uninterrupted(), folder);
}

TEST_CASE("owlqn cannot restore its memory: the resumed stage restarts it and says so") {
  const std::string text =
      std::regex_replace(kPipeline, std::regex("models:[^]*evaluation"),
                         "models:\n  owlqn_mlp:\n    plugin: mlp\n    hidden: [8]\n"
                         "    training: {optimizer: {plugin: owlqn, epochs: 10}}\nevaluation");
  const fs::path pipeline = write_pipeline("owlqn.yaml", text);
  const fs::path folder = scratch_dir() / "owlqn";
  fs::remove_all(folder);
  const auto stopped = host(run(pipeline, folder, "--test-signal-after-epochs TERM:4"));
  REQUIRE(stopped.status == 143);
  CHECK(contains(stopped.out, "owlqn_mlp stopped in stage 1 after epoch 4 of it;"));
  CHECK_FALSE(contains(read(folder / "checkpoints" / "owlqn_mlp.yaml"), "optimizer_state"));
  const auto resumed = host(cat({"--quiet --no-report --resume ", quoted(folder)}));
  REQUIRE_MESSAGE(resumed.status == 0, resumed.err);
  CHECK(contains(resumed.out, "the optimizer keeps no state: it restarts"));
  const std::string summary = read(folder / "summary.yaml");
  CHECK(contains(summary, "    resumed_without_optimizer_state: true\n"));
  CHECK(contains(summary, "    epochs: 10\n"));  // 4 before the interrupt, 6 after
  // The history goes on from epoch 5, every epoch once.
  const std::string history = read(folder / "history.csv");
  for (int epoch = 0; epoch <= 10; ++epoch) {
    INFO("epoch " << epoch);
    const std::string row = cat({"\n", std::to_string(epoch), ",owlqn_mlp,"});
    const auto first = history.find(row);
    CHECK(first != std::string::npos);
    CHECK(history.find(row, first + 1) == std::string::npos);
  }
}

TEST_CASE("a second signal exits at once and leaves no file half written") {
  const fs::path pipeline = write_pipeline("signals.yaml", kPipeline);
  const fs::path folder = scratch_dir() / "killed";
  fs::remove_all(folder);
  const auto killed = host(run(pipeline, folder, "--test-signal-after-epochs TERM:5:2"));
  CHECK(killed.status == 143);
  CHECK(contains(killed.err, "second signal: exiting now"));
  CHECK_FALSE(fs::exists(folder / "summary.yaml"));  // stopped before writing it
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    CHECK_MESSAGE(entry.path().string().find(".tmp.") == std::string::npos, entry.path());
  }
  // What was written is complete: the folder's pipeline validates; --resume refuses the
  // folder (no summary says it was interrupted) and --force replaces it.
  CHECK(host(cat({"--check ", quoted(folder / "pipeline.yaml")})).status == 0);
  const auto resume = host(cat({"--resume ", quoted(folder)}));
  CHECK(resume.status == 2);
  CHECK(contains(resume.err, "not a run folder to resume: it has no summary.yaml"));
  CHECK(host(run(pipeline, folder, "--force")).status == 0);
}

TEST_CASE("--resume refuses what it cannot continue") {
  const auto finished = host(cat({"--resume ", quoted(uninterrupted())}));
  CHECK(finished.status == 2);
  CHECK(contains(finished.err, "the run was not interrupted"));
  const auto no_folder = host(cat({"--resume ", quoted(scratch_dir() / "nowhere")}));
  CHECK(no_folder.status == 2);
  CHECK(contains(no_folder.err, "not a run folder to resume: it has no pipeline.yaml"));
  const auto with_set =
      host(cat({"--resume ", quoted(uninterrupted()), " --set training.optimizer.epochs=3"}));
  CHECK(with_set.status == 2);
  CHECK(contains(with_set.err, "--resume takes the run folder alone"));
}

TEST_CASE("--force empties a run folder, and refuses any other folder") {
  const fs::path pipeline = write_pipeline("signals.yaml", kPipeline);
  const fs::path folder = scratch_dir() / "forced";
  fs::remove_all(folder);
  REQUIRE(host(run(pipeline, folder)).status == 0);
  // What an older run left: a model that is no longer in the pipeline, a figure, a
  // temporary file.
  std::ofstream(folder / "checkpoints" / "old_model.yaml") << "old";
  fs::create_directories(folder / "figures");
  std::ofstream(folder / "figures" / "old.svg") << "<svg/>";
  std::ofstream(folder / "history.csv.tmp.4242") << "half";
  REQUIRE(host(run(pipeline, folder, "--force")).status == 0);
  CHECK_FALSE(fs::exists(folder / "checkpoints" / "old_model.yaml"));
  CHECK_FALSE(fs::exists(folder / "figures"));
  CHECK_FALSE(fs::exists(folder / "history.csv.tmp.4242"));
  check_same_results(uninterrupted(), folder);

  // A file a run does not write: refused, nothing removed.
  std::ofstream(folder / "notes.txt") << "mine";
  const auto refused = host(run(pipeline, folder, "--force"));
  CHECK(refused.status == 2);
  CHECK(contains(refused.err, "'notes.txt' is not a file a run writes; nothing was removed"));
  CHECK(fs::exists(folder / "notes.txt"));
  CHECK(fs::exists(folder / "summary.yaml"));

  // A folder with only run-like names but neither pipeline.yaml nor summary.yaml.
  const fs::path other = scratch_dir() / "not_a_run";
  fs::remove_all(other);
  fs::create_directories(other / "figures");
  std::ofstream(other / "data.csv") << "mine";
  const auto not_run = host(run(pipeline, other, "--force"));
  CHECK(not_run.status == 2);
  CHECK(contains(not_run.err, "--force empties only a run folder (one with pipeline.yaml"));
  CHECK(fs::exists(other / "data.csv"));

  // An empty folder is simply used.
  const fs::path empty = scratch_dir() / "empty";
  fs::remove_all(empty);
  fs::create_directories(empty);
  CHECK(host(run(pipeline, empty, "--force")).status == 0);
}

TEST_CASE("a SIGTERM from outside stops a long run and saves it") {
  // Ten million epochs: still training when the signal comes. The signal is sent by a shell
  // once the run has written its pipeline.yaml (the host has installed its handlers by
  // then), plus half a second: a fixed delay from the start would, on a loaded machine, hit
  // the host while it still loads its plugins, before it handles signals.
  const std::string text =
      std::regex_replace(kPipeline, std::regex("optimizer: \\{plugin: adam, epochs: 12,"),
                         "optimizer: {plugin: adam, epochs: 10000000,");
  const fs::path pipeline = write_pipeline("long.yaml", text);
  const fs::path folder = scratch_dir() / "timeout";
  fs::remove_all(folder);
  const std::string command = cat(
      {"HNN_PLUGIN_PATH= '", HNN_HOST, "' ", run(pipeline, folder), " >/dev/null 2>&1 & pid=$!; ",
       "for i in $(seq 1200); do [ -e ", quoted(folder / "pipeline.yaml"),
       " ] && break; sleep 0.05; done; sleep 0.5; kill -TERM $pid; wait $pid; exit $?"});
  const int raw = std::system(command.c_str());
  CHECK(WIFEXITED(raw));
  CHECK(WEXITSTATUS(raw) == 143);
  const std::string summary = read(folder / "summary.yaml");
  CHECK(contains(summary, "interrupted: true\n"));
  CHECK(contains(summary, "\"later\"]"));   // not started
  if (contains(summary, "\n  batches:")) {  // the signal came during training, as expected
    CHECK(contains(read(folder / "checkpoints" / "batches.yaml"), "  optimizer_state: ["));
  }
}
