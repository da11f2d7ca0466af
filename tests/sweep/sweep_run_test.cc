// Whole sweeps through hnn-host on configs/spring_mlp.yaml shrunk by the sweep's `set` (a
// few epochs of a tiny MLP): the run folders, a failed run recorded while the others go on,
// the aggregate against the runs' own summaries, a re-invoked sweep skipping finished runs,
// workers, threads per run, per-run reports, --check and the exit status of a bad sweep.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Result {
  int status;
  std::string out;
  std::string err;
};

std::string read(const fs::path& file) {
  std::ifstream stream(file);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A fresh scratch folder <build>/tests/sweep/<name>.
fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(HNN_BINARY_DIR) / "tests" / "sweep" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Runs hnn-host with `arguments` (shell syntax) and the bundled plugins only; output through
// files in `dir`.
Result host(const std::string& arguments, const fs::path& dir) {
  const fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  const std::string command = "HNN_PLUGIN_PATH= '" HNN_HOST "' " + arguments + " >'" +
                              out.string() + "' 2>'" + err.string() + "'";
  const int raw = std::system(command.c_str());
  return Result{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read(out), read(err)};
}

// A sweep file on configs/spring_mlp.yaml, shrunk to seconds per run, with `extra` lines
// added to the sweep section.
fs::path write_sweep(const fs::path& dir, const std::string& extra) {
  const fs::path file = dir / "sweep.yaml";
  std::ofstream(file) << "sweep:\n"
                         "  pipeline: " HNN_SOURCE_DIR
                         "/configs/spring_mlp.yaml\n"
                         "  set:\n"
                         "    data.trajectories: 6\n"
                         "    data.points: 10\n"
                         "    models.mlp.hidden: [8]\n"
                         "    training.optimizer.epochs: 5\n"
                         "    training.test_every: 1\n"
                         "    evaluation.points: 50\n"
                         "    evaluation.time_span: [0, 2]\n"
                      << extra;
  return file;
}

double number(const YAML::Node& node) {
  const std::string text = node.as<std::string>();
  if (text == ".nan") return std::nan("");
  return std::stod(text);
}

// The process id of the run whose --output is `run_directory` (from /proc), or -1.
pid_t pid_of_run(const fs::path& run_directory) {
  const std::string wanted = std::string("--output") + '\0' + run_directory.string() + '\0';
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (contains(read(entry.path() / "cmdline"), wanted)) return pid_t(std::stol(name));
  }
  return -1;
}

// Starts the sweep `file` into `folder` in the background, sends it SIGTERM once `ready()`
// holds (polled every 100 ms, at most a minute; then 300 ms more), and returns its exit
// status (-1 when it did not exit).
template <class Condition>
int stop_sweep_when(const fs::path& file, const fs::path& folder, Condition ready) {
  const std::string command = "HNN_PLUGIN_PATH= exec '" HNN_HOST "' '" + file.string() +
                              "' --quiet -o '" + folder.string() + "' >>'" +
                              (folder.parent_path() / "stdout.txt").string() + "' 2>&1";
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  if (pid < 0) return -1;
  for (int i = 0; i < 600 && !ready(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(pid, SIGTERM);
  int raw = 0;
  ::waitpid(pid, &raw, 0);
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

}  // namespace

TEST_CASE("a sweep runs in 2 workers, records a failed run, aggregates and resumes") {
  const fs::path dir = scratch("e2e");
  const fs::path folder = dir / "out";
  const fs::path file = write_sweep(dir, "  output: " + folder.string() +
                                             "\n"
                                             "  grid: {training.optimizer.memory: [3, 5]}\n"
                                             "  seeds: 2\n"
                                             "  workers: 2\n");
  // A folder the run may not empty (a file no run writes): that run fails, the others go on.
  fs::create_directories(folder / "runs" / "s1_seed1");
  std::ofstream(folder / "runs" / "s1_seed1" / "notes.txt") << "mine\n";

  const Result first = host("'" + file.string() + "' --quiet", dir);
  CHECK(first.status == 1);
  CHECK(contains(first.out, "run s1_seed1 failed (exit status 2); its log: "));
  CHECK(contains(first.out, "sweep: 3 of 4 runs succeeded, 1 failed"));
  for (const std::string id : {"s0_seed0", "s0_seed1", "s1_seed0"}) {
    CHECK(fs::exists(folder / "runs" / id / "summary.yaml"));
    CHECK(fs::exists(folder / "runs" / id / "pipeline.yaml"));
    CHECK(fs::exists(folder / "logs" / (id + ".log")));
    CHECK(!fs::exists(folder / "runs" / id / "report.html"));  // reports: false
  }
  CHECK(!fs::exists(folder / "runs" / "s1_seed1" / "summary.yaml"));
  CHECK(contains(read(folder / "logs" / "s1_seed1.log"), "notes.txt"));
  CHECK(fs::exists(folder / "sweep.yaml"));

  // Every run's pipeline holds its setting and its seed in every seed key.
  const YAML::Node pipeline =
      YAML::LoadFile((folder / "runs" / "s1_seed0" / "pipeline.yaml").string());
  CHECK(pipeline["training"]["stages"][0]["optimizer"]["memory"].as<int>() == 5);
  CHECK(pipeline["data"]["seed"].as<int>() == 0);
  CHECK(pipeline["models"]["mlp"]["seed"].as<int>() == 0);
  CHECK(YAML::LoadFile((folder / "runs" / "s0_seed1" / "pipeline.yaml").string())["data"]["seed"]
            .as<int>() == 1);

  // The aggregate against the runs' own summaries, computed here.
  const YAML::Node summary = YAML::LoadFile((folder / "sweep_summary.yaml").string());
  CHECK(summary["runs"].as<int>() == 4);
  CHECK(summary["succeeded"].as<int>() == 3);
  CHECK(summary["failed"].as<int>() == 1);
  CHECK(summary["run_status"][3]["id"].as<std::string>() == "s1_seed1");
  CHECK(summary["run_status"][3]["status"].as<std::string>() == "failed");
  CHECK(summary["run_status"][3]["exit_status"].as<int>() == 2);
  const YAML::Node setting0 = summary["settings"][0];
  CHECK(setting0["values"]["training.optimizer.memory"].as<int>() == 3);
  for (const std::string metric :
       {"models.mlp.final_train_loss", "models.mlp.final_test_loss",
        "models.mlp.trajectory_mse.final", "models.mlp.energy_drift_max"}) {
    CAPTURE(metric);
    std::vector<double> values;
    for (const std::string id : {"s0_seed0", "s0_seed1"}) {
      YAML::Node node = YAML::LoadFile((folder / "runs" / id / "summary.yaml").string());
      std::size_t start = 0;
      for (std::size_t dot = metric.find('.');; dot = metric.find('.', start)) {
        node.reset(node[metric.substr(start, dot - start)]);
        if (dot == std::string::npos) break;
        start = dot + 1;
      }
      values.push_back(number(node));
    }
    const double mean = (values[0] + values[1]) / 2;
    const double std = std::abs(values[0] - values[1]) / std::sqrt(2.0);  // n - 1 = 1
    const YAML::Node statistics = setting0["metrics"][metric];
    CHECK(statistics["n"].as<int>() == 2);
    CHECK(number(statistics["mean"]) == doctest::Approx(mean).epsilon(1e-14));
    CHECK(number(statistics["std"]) == doctest::Approx(std).epsilon(1e-12));
    CHECK(number(statistics["standard_error"]) ==
          doctest::Approx(std / std::sqrt(2.0)).epsilon(1e-12));
    CHECK(number(statistics["min"]) == std::min(values[0], values[1]));
    CHECK(number(statistics["max"]) == std::max(values[0], values[1]));
    CHECK(values[0] != values[1]);  // the seeds made a difference
  }
  // The setting whose second run failed aggregates its one run.
  CHECK(summary["settings"][1]["metrics"]["models.mlp.final_train_loss"]["n"].as<int>() == 1);
  CHECK(summary["settings"][1]["succeeded"].size() == 1);
  // The page: the headline metrics as mean ± std (n) per setting, one error-bar figure each.
  const std::string page = read(folder / "sweep_report.html");
  CHECK(contains(page, "<th>models.mlp.final_test_loss</th>"));
  {
    const YAML::Node loss = setting0["metrics"]["models.mlp.final_train_loss"];
    char expected[96];
    std::snprintf(expected, sizeof expected, "<td>%.3g ± %.3g (2)</td>", number(loss["mean"]),
                  number(loss["std"]));
    CHECK(contains(page, expected));
  }
  CHECK(contains(page, "<td>training.optimizer.memory = 5</td><td>1 / 2</td>"));
  for (const std::string figure : {"sweep_final_train_loss", "sweep_final_test_loss",
                                   "sweep_trajectory_mse_final", "sweep_energy_drift_max"}) {
    CHECK(fs::exists(folder / "figures" / (figure + ".svg")));
    CHECK(fs::exists(folder / "figures" / (figure + ".png")));
    CHECK(contains(page, "src=\"figures/" + figure + ".svg\""));
  }
  // The CSV: one row per setting and metric, the grid's key as a column.
  const std::string csv = read(folder / "sweep_summary.csv");
  CHECK(csv.rfind("setting,training.optimizer.memory,metric,n,mean,std,standard_error,min,max\n",
                  0) == 0);
  CHECK(contains(csv, "\n0,3,models.mlp.final_train_loss,2,"));
  CHECK(contains(csv, "\n1,5,models.mlp.final_train_loss,1,"));

  // Again, with the obstacle gone: the finished runs are skipped, the failed one runs.
  const std::string finished_before = read(folder / "runs" / "s0_seed0" / "summary.yaml");
  const auto time_before = fs::last_write_time(folder / "runs" / "s0_seed0" / "summary.yaml");
  fs::remove(folder / "runs" / "s1_seed1" / "notes.txt");
  const Result second = host("'" + file.string() + "' --quiet", dir);
  CHECK(second.status == 0);
  CHECK(contains(second.out, "sweep: 3 of 4 runs finished before; skipped"));
  CHECK(contains(second.out, "sweep: 4 of 4 runs succeeded"));
  CHECK(fs::last_write_time(folder / "runs" / "s0_seed0" / "summary.yaml") == time_before);
  CHECK(read(folder / "runs" / "s0_seed0" / "summary.yaml") == finished_before);
  CHECK(fs::exists(folder / "runs" / "s1_seed1" / "summary.yaml"));
  const YAML::Node again = YAML::LoadFile((folder / "sweep_summary.yaml").string());
  CHECK(again["succeeded"].as<int>() == 4);
  CHECK(again["run_status"][0]["skipped"].as<bool>());
  CHECK(!again["run_status"][3]["skipped"].as<bool>());
  CHECK(again["settings"][1]["metrics"]["models.mlp.final_train_loss"]["n"].as<int>() == 2);
  // A changed sweep is a changed pipeline: its runs are not "finished".
  const Result changed =
      host("'" + file.string() + "' --quiet --set training.optimizer.epochs=6", dir);
  CHECK(changed.status == 0);
  CHECK(!contains(changed.out, "finished before"));
}

TEST_CASE(
    "workers: 1 runs one at a time, 2 start two at once; threads_per_run sets OMP_NUM_THREADS") {
  for (const int workers : {1, 2}) {
    CAPTURE(workers);
    const fs::path dir = scratch("workers" + std::to_string(workers));
    const fs::path file = write_sweep(
        dir, "  seeds: 2\n  threads_per_run: 3\n  workers: " + std::to_string(workers) + "\n");
    const Result result =
        host("'" + file.string() + "' --quiet -o '" + (dir / "out").string() + "'", dir);
    REQUIRE(result.status == 0);
    const YAML::Node status =
        YAML::LoadFile((dir / "out" / "sweep_summary.yaml").string())["run_status"];
    const double first_ended = status[0]["ended"].as<double>();
    const double second_started = status[1]["started"].as<double>();
    if (workers == 1) {
      CHECK(second_started >= first_ended);
    } else {
      CHECK(second_started < first_ended);
    }
    CHECK(contains(read(dir / "out" / "logs" / "s0_seed0.log"), "OMP_NUM_THREADS=3 "));
  }
  // --workers and --threads-per-run override the file.
  const fs::path dir = scratch("workers_cli");
  const fs::path file = write_sweep(dir, "  seeds: 2\n  workers: 2\n");
  const Result result =
      host("'" + file.string() + "' --quiet --workers 1 --threads-per-run 2 -o '" +
               (dir / "out").string() + "'",
           dir);
  REQUIRE(result.status == 0);
  CHECK(contains(result.out, "1 at a time, 2 thread(s) each"));
  CHECK(contains(read(dir / "out" / "logs" / "s0_seed1.log"), "OMP_NUM_THREADS=2 "));
}

TEST_CASE("reports: true writes every run's report; --check prints the plan and runs nothing") {
  const fs::path dir = scratch("reports");
  const fs::path file = write_sweep(dir, "  name: tiny\n  reports: true\n");
  const Result check = host("--check '" + file.string() + "'", dir);
  CHECK(check.status == 0);
  CHECK(contains(check.out, "sweep: \"tiny\"\n"));
  CHECK(contains(check.out, "  - {id: \"s0\", setting: 0, seed: null}\n"));
  CHECK(!fs::exists(dir / "runs"));
  const Result run =
      host("'" + file.string() + "' --quiet -o '" + (dir / "out").string() + "'", dir);
  CHECK(run.status == 0);
  CHECK(fs::exists(dir / "out" / "runs" / "s0" / "report.html"));
  CHECK(fs::exists(dir / "out" / "sweep_report.html"));
  // --no-report: neither the runs' reports nor the sweep's page.
  const Result bare =
      host("'" + file.string() + "' --quiet --no-report -o '" + (dir / "bare").string() + "'", dir);
  CHECK(bare.status == 0);
  CHECK(fs::exists(dir / "bare" / "sweep_summary.yaml"));
  CHECK(!fs::exists(dir / "bare" / "runs" / "s0" / "report.html"));
  CHECK(!fs::exists(dir / "bare" / "sweep_report.html"));
  CHECK(YAML::LoadFile((dir / "out" / "sweep_summary.yaml").string())["sweep"].as<std::string>() ==
        "tiny");
  // --describe sweep: the section's options and what is read beside them.
  const Result describe = host("--describe sweep", dir);
  CHECK(describe.status == 0);
  for (const std::string key :
       {"pipeline", "workers", "threads_per_run", "seed_keys", "grid", "list", "seeds"}) {
    CHECK(contains(describe.out, "  " + key + " "));
  }
}

TEST_CASE("a sweep with a value that no run accepts is refused with exit 2, located") {
  const fs::path dir = scratch("refused");
  const fs::path file = write_sweep(dir, "  grid:\n    models.mlp.seed: [1, -1]\n");
  const Result check = host("--check '" + file.string() + "'", dir);
  CHECK(check.status == 2);
  CHECK(contains(check.err, file.string() + ":12:26: error: models.mlp.seed: expected an integer"));
  CHECK(contains(check.err, "(run s1)"));
  const Result run = host("'" + file.string() + "' -o '" + (dir / "out").string() + "'", dir);
  CHECK(run.status == 2);
  CHECK(!fs::exists(dir / "out"));  // nothing ran
  // The sweep's own options on the command line: only for a sweep.
  const Result pipeline =
      host("--workers 2 --check '" HNN_SOURCE_DIR "/configs/spring_mlp.yaml'", dir);
  CHECK(pipeline.status == 2);
  CHECK(contains(pipeline.err, "--workers and --threads-per-run apply to a sweep file"));
}

TEST_CASE("SIGTERM stops a sweep: its runs are interrupted, the summary written, exit 143") {
  const fs::path dir = scratch("signal");
  const fs::path file =
      write_sweep(dir,
                  "  seeds: 2\n  workers: 2\n"
                  "  grid: {training.optimizer: [{plugin: adam, epochs: 1000000000}]}\n");
  const fs::path folder = dir / "out";
  const fs::path log = folder / "logs" / "s0_seed0.log";
  // Once both runs have their data (they train next: a billion Adam steps), stop the sweep.
  const int stopped = stop_sweep_when(file, folder, [&] {
    return fs::exists(folder / "runs" / "s0_seed0" / "data.csv") &&
           fs::exists(folder / "runs" / "s0_seed1" / "data.csv");
  });
  CHECK(stopped == 143);
  const YAML::Node summary = YAML::LoadFile((folder / "sweep_summary.yaml").string());
  CHECK(summary["interrupted"].as<int>() == 2);
  CHECK(summary["run_status"][0]["status"].as<std::string>() == "interrupted");
  CHECK(summary["run_status"][0]["exit_status"].as<int>() == 143);
  CHECK(YAML::LoadFile((folder / "runs" / "s0_seed0" / "summary.yaml").string())["interrupted"]
            .as<bool>());
  CHECK(!contains(read(log), "'--resume'"));
  // Run again: the interrupted runs continue with --resume (stopped once more here).
  const int again =
      stop_sweep_when(file, folder, [&] { return contains(read(log), "'--resume'"); });
  CHECK(again == 143);
  CHECK(contains(read(log), "'--resume' '" + (folder / "runs" / "s0_seed0").string() + "'"));
}

TEST_CASE("a run that crashes is recorded as failed (killed by its signal); the others go on") {
  const fs::path dir = scratch("crash");
  const fs::path file =
      write_sweep(dir,
                  "  seeds: 2\n  workers: 2\n"
                  "  grid: {training.optimizer: [{plugin: adam, epochs: 1000000000}]}\n");
  const fs::path folder = dir / "out";
  const fs::path out = dir / "stdout.txt";
  bool killed = false;
  // Once both runs train, kill the first with SIGKILL (no handler, no summary: a crash);
  // once the sweep has recorded it, stop the sweep (the other run is interrupted).
  const int status = stop_sweep_when(file, folder, [&] {
    if (!killed) {
      if (!fs::exists(folder / "runs" / "s0_seed0" / "data.csv") ||
          !fs::exists(folder / "runs" / "s0_seed1" / "data.csv")) {
        return false;
      }
      const pid_t pid = pid_of_run(folder / "runs" / "s0_seed0");
      if (pid <= 0) return false;
      killed = ::kill(pid, SIGKILL) == 0;
      return false;
    }
    return contains(read(out), "run s0_seed0 failed (killed by signal 9)");
  });
  REQUIRE(killed);
  CHECK(contains(read(out), "run s0_seed0 failed (killed by signal 9); its log: "));
  CHECK(status == 143);
  const YAML::Node summary = YAML::LoadFile((folder / "sweep_summary.yaml").string());
  CHECK(summary["run_status"][0]["status"].as<std::string>() == "failed");
  CHECK(summary["run_status"][0]["exit_status"].IsNull());
  CHECK(summary["run_status"][1]["status"].as<std::string>() == "interrupted");
  CHECK(summary["failed"].as<int>() == 1);
  CHECK(summary["interrupted"].as<int>() == 1);
}

TEST_CASE("every sweep in configs/sweeps validates, from any directory") {
  const fs::path dir = scratch("configs");
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(HNN_SOURCE_DIR "/configs/sweeps")) {
    if (entry.path().extension() != ".yaml") continue;
    CAPTURE(entry.path());
    const Result check = host("--check '" + entry.path().string() + "'", dir);
    CHECK(check.status == 0);
    CHECK(check.err.empty());
    CHECK(contains(check.out, "  - {id: \"s0_seed4\", setting: 0, seed: 4}\n"));
    ++checked;
  }
  CHECK(checked == 5);
}
