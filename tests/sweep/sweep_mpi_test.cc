// A sweep under `mpirun -n 3 --oversubscribe hnn-host sweep.yaml` (rank 0 schedules, ranks 1
// and 2 run) gives the same aggregate as the same sweep run locally: every statistic of every
// metric but the wall times, and every run's status.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& file) {
  std::ifstream stream(file);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

// Runs `command` (shell syntax) with its output in `out`; returns the exit status.
int shell(const std::string& command, const fs::path& out) {
  const int raw = std::system((command + " >'" + out.string() + "' 2>&1").c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

}  // namespace

TEST_CASE("mpirun -n 3: the runs spread over the ranks, the aggregate equals the local one") {
  const fs::path dir = fs::path(HNN_BINARY_DIR) / "tests" / "sweep" / "mpi";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path file = dir / "sweep.yaml";
  std::ofstream(file) << "sweep:\n"
                         "  pipeline: " HNN_SOURCE_DIR
                         "/configs/spring_mlp.yaml\n"
                         "  set:\n"
                         "    data.trajectories: 6\n"
                         "    data.points: 10\n"
                         "    models.mlp.hidden: [8]\n"
                         "    training.optimizer.epochs: 5\n"
                         "    evaluation.points: 50\n"
                         "    evaluation.time_span: [0, 2]\n"
                         "  grid: {training.optimizer.memory: [3, 5]}\n"
                         "  seeds: 3\n";
  const std::string host = "'" HNN_HOST "' '" + file.string() + "' --quiet";
  REQUIRE(shell("HNN_PLUGIN_PATH= " + host + " --workers 2 -o '" + (dir / "local").string() + "'",
                dir / "local.txt") == 0);
  // Open MPI refuses root unless told; CI containers run as root.
  const std::string mpi =
      "HNN_PLUGIN_PATH= OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 '" HNN_MPIEXEC
      "' -n 3 --oversubscribe " +
      host + " -o '" + (dir / "mpi").string() + "'";
  const int status = shell(mpi, dir / "mpi.txt");
  const std::string output = read(dir / "mpi.txt");
  CAPTURE(output);
  REQUIRE(status == 0);
  CHECK(output.find("sweep: 6 runs (2 settings) in ") != std::string::npos);
  CHECK(output.find("2 at a time") != std::string::npos);  // the worker ranks
  for (const std::string id : {"s0_seed0", "s0_seed2", "s1_seed1"}) {
    const bool by_rank = output.find("run " + id + " succeeded") != std::string::npos &&
                         (output.find("[rank 1]") != std::string::npos ||
                          output.find("[rank 2]") != std::string::npos);
    CHECK(by_rank);
    CHECK(fs::exists(dir / "mpi" / "runs" / id / "summary.yaml"));
  }

  const YAML::Node local = YAML::LoadFile((dir / "local" / "sweep_summary.yaml").string());
  const YAML::Node distributed = YAML::LoadFile((dir / "mpi" / "sweep_summary.yaml").string());
  CHECK(distributed["succeeded"].as<int>() == 6);
  REQUIRE(local["settings"].size() == 2);
  REQUIRE(distributed["settings"].size() == 2);
  std::size_t compared = 0;
  for (std::size_t k = 0; k < 2; ++k) {
    const YAML::Node a = local["settings"][k]["metrics"];
    const YAML::Node b = distributed["settings"][k]["metrics"];
    REQUIRE(a.size() == b.size());
    for (const auto& entry : a) {
      const std::string metric = entry.first.as<std::string>();
      if (metric.find("seconds") != std::string::npos) continue;  // wall times differ
      CAPTURE(metric);
      REQUIRE(b[metric]);
      for (const char* field : {"n", "mean", "std", "standard_error", "min", "max"}) {
        CHECK(entry.second[field].as<std::string>() == b[metric][field].as<std::string>());
      }
      ++compared;
    }
  }
  CHECK(compared > 20);
  for (std::size_t i = 0; i < 6; ++i) {
    CHECK(local["run_status"][i]["id"].as<std::string>() ==
          distributed["run_status"][i]["id"].as<std::string>());
    CHECK(distributed["run_status"][i]["status"].as<std::string>() == "succeeded");
  }
}
