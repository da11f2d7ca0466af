// The `table` source on files: the real pendulum of Schmidt and Lipson (spec real_data.md
// §1), the golden spring dataset, several files, files relative to the pipeline's folder,
// missing and too large files, and the validation of its options.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "bundled_plugins.h"
#include "hnn/error.h"
#include "hnn/registry.h"
#include "table_source.h"

namespace hnn::data_sources {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(HNN_SOURCE_DIR) / "tests" / "data_sources" / "fixtures";
// The real pendulum of the HNN paper's Task 3, as the repository keeps it (data/lipson).
const fs::path kRealData = fs::path(HNN_SOURCE_DIR) / "data" / "lipson";

TrajectorySet load(const TableSourceSettings& settings, const fs::path& base = kFixtures) {
  DataSourceContext context;
  context.base_directory = base;
  return TableSource(settings).load(context);
}

std::string load_error(const TableSourceSettings& settings, const fs::path& base = kFixtures) {
  try {
    load(settings, base);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

// A fresh folder under the build tree for files a test writes.
fs::path scratch_folder(const std::string& name) {
  const fs::path folder = fs::path(HNN_BINARY_DIR) / "tests" / "data_sources" / name;
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

void check_real_pendulum(const TrajectorySet& set) {
  REQUIRE(set.trajectories.size() == 1);
  const Trajectory& trajectory = set.trajectories[0];
  CHECK(trajectory.label == "real_pend_h_1.txt trial 0");
  REQUIRE(trajectory.times.size() == 556);
  CHECK(trajectory.times.front() == 5.0);
  CHECK(trajectory.times.back() == 99.5);
  int gaps = 0;
  for (std::size_t i = 1; i < trajectory.times.size(); ++i) {
    if (trajectory.times[i] - trajectory.times[i - 1] > 0.2) ++gaps;
  }
  CHECK(gaps == 10);
  REQUIRE(trajectory.states.rows() == 2);
  CHECK(trajectory.states(0, 0) == 1.1383885512243586);
  CHECK(trajectory.states(1, 0) == 0.91977959058677250);
  CHECK(trajectory.states.row(0).minCoeff() == doctest::Approx(-1.40).epsilon(0.01));
  CHECK(trajectory.states.row(0).maxCoeff() == doctest::Approx(1.47).epsilon(0.01));
  CHECK(trajectory.derivatives.size() == 0);
}

TEST_CASE("the real pendulum by the names of its '%o v' header (format schmidt_lipson)") {
  TableSourceSettings settings;
  settings.file = "real_pend_h_1.txt";
  settings.format = TableFormat::kSchmidtLipson;
  settings.trajectory = "trial";
  settings.positions = {"o"};
  settings.momenta = {"v"};
  const TrajectorySet set = load(settings, kRealData);
  CHECK(set.coordinate_names == std::vector<std::string>{"o", "v"});
  check_real_pendulum(set);
}

TEST_CASE("the real pendulum by column index (format text by its extension)") {
  TableSourceSettings settings;
  settings.file = "real_pend_h_1.txt";
  settings.trajectory = "0";
  settings.time = "1";
  settings.positions = {"2"};
  settings.momenta = {"3"};
  const TrajectorySet set = load(settings, kRealData);
  CHECK(set.coordinate_names == std::vector<std::string>{"q", "p"});
  REQUIRE(set.trajectories.size() == 1);
  CHECK(set.trajectories[0].label == "real_pend_h_1.txt column 0 0");
  check_real_pendulum(TrajectorySet{set.coordinate_names,
                                    {Trajectory{"real_pend_h_1.txt trial 0",
                                                set.trajectories[0].times,
                                                set.trajectories[0].states,
                                                {}}}});
}

TEST_CASE("the golden spring dataset: 50 trajectories of 30 samples with derivatives") {
  TableSourceSettings settings;
  settings.file = "spring_seed1390.csv";
  settings.trajectory = "trajectory";
  settings.positions = {"q"};
  settings.momenta = {"p"};
  settings.derivatives = {"dqdt", "dpdt"};
  const TrajectorySet set = load(settings, fs::path(HNN_GOLDEN_DIR));
  CHECK(set.coordinate_names == std::vector<std::string>{"q", "p"});
  REQUIRE(set.trajectories.size() == 50);
  const Trajectory& first = set.trajectories[0];
  CHECK(first.label == "spring_seed1390.csv trajectory 0");
  REQUIRE(first.times.size() == 30);
  CHECK(first.times[1] == 0.10344827586206896);
  CHECK(first.states(0, 0) == -0.731357258605026);
  CHECK(first.states(1, 0) == 0.6681547090527568);
  CHECK(first.derivatives(0, 0) == 1.3363094181055135);
  CHECK(first.derivatives(1, 0) == 1.462714517210052);
  CHECK(set.trajectories[49].label == "spring_seed1390.csv trajectory 49");
  CHECK(set.trajectories[49].times.back() == 3.0);
}

TEST_CASE("several files, one trajectory each, relative to the pipeline's folder") {
  const fs::path folder = scratch_folder("several_files");
  fs::create_directories(folder / "runs");
  write_file(folder / "runs" / "a.csv", "t,q,p\n0,1,0\n1,0,1\n");
  write_file(folder / "runs" / "b.txt", "# t q p\n0 2 0\n0.5 0 2\n2 -2 0\n");
  TableSourceSettings settings;
  settings.files = {"runs/a.csv", "runs/b.txt"};
  settings.positions = {"q"};
  settings.momenta = {"p"};
  const TrajectorySet set = load(settings, folder);
  REQUIRE(set.trajectories.size() == 2);
  CHECK(set.trajectories[0].label == "a.csv");
  CHECK(set.trajectories[1].label == "b.txt");
  CHECK(set.trajectories[1].times == std::vector<double>{0.0, 0.5, 2.0});

  // Problems of every file are reported together, each with its file.
  write_file(folder / "runs" / "b.txt", "# t q p\n0 2 0\n0 0 2\n");
  settings.files.push_back("runs/missing.csv");
  const std::string message = load_error(settings, folder);
  const std::string b = (folder / "runs" / "b.txt").string();
  const std::string missing = (folder / "runs" / "missing.csv").string();
  CHECK(message == b +
                       ":3:1: error: time 0 is not after the previous row's time 0; times must "
                       "strictly increase within a trajectory\n" +
                       missing + ": error: files[2]: no such file");
}

TEST_CASE("files over the size limit are refused before they are read") {
  const fs::path folder = scratch_folder("size_limit");
  std::string big = "t,q,p\n";
  while (big.size() <= (std::size_t{1} << 20)) big += "0.000000000000,1.0000000000,2.000000000\n";
  write_file(folder / "big.csv", big);
  TableSourceSettings settings;
  settings.file = "big.csv";
  settings.positions = {"q"};
  settings.momenta = {"p"};
  settings.max_file_megabytes = 1;
  CHECK(load_error(settings, folder) ==
        (folder / "big.csv").string() + ": error: file: the file has " +
            std::to_string(big.size()) +
            " bytes, more than the limit of 1 MiB (max_file_megabytes)");
  settings.file = ".";
  CHECK(load_error(settings, folder) ==
        (folder / "").string() + ": error: file: not a regular file");
}

TEST_CASE("the options: file or files, momenta or velocities with masses, derivative count") {
  const auto& binding = TableSourceSettings::binding();
  TableSourceSettings settings;
  settings.file = "f.csv";
  settings.positions = {"q"};
  settings.momenta = {"p"};
  std::string error;
  CHECK(binding.is_valid(settings, &error));
  auto problem = [&](TableSourceSettings s) {
    std::string message;
    CHECK_FALSE(binding.is_valid(s, &message));
    return message;
  };
  TableSourceSettings s = settings;
  s.files = {"g.csv"};
  CHECK(problem(s) == "table: set either file or files (one of them)");
  s = settings;
  s.velocities = {"v"};
  CHECK(problem(s) ==
        "table: give either momenta or velocities (with masses), one column per position");
  s.momenta.clear();
  CHECK(problem(s) ==
        "table: masses: give one mass for all coordinates or one per position (1), "
        "found 0");
  s.masses = {-1.0};
  CHECK(problem(s) == "table: masses must be > 0");
  s.masses = {std::nan("")};
  CHECK(problem(s) == "table: masses = [.nan] every element must be a number, not .nan");
  s = settings;
  s.masses = {1.0};
  CHECK(problem(s) == "table: masses are used only with velocities");
  s = settings;
  s.momenta = {"p", "p2"};
  CHECK(problem(s) == "table: momenta has 2 columns but positions has 1");
  s = settings;
  s.derivatives = {"dq"};
  CHECK(problem(s) == "table: derivatives has 1 columns; expected 2n = 2 (dq/dt, then dp/dt)");
  s = settings;
  s.positions = {""};
  CHECK(problem(s) == "table: positions[0]: a column name or index may not be empty");
  s = settings;
  s.max_file_megabytes = 0;
  CHECK(problem(s) == "table: max_file_megabytes = 0 must be in [1, 4000]");
  CHECK_THROWS_AS(TableSource{s}, Error);
}

TEST_CASE("the bundled plugin registers `table` and loads through the registry") {
  const testing::BundledPlugins plugins({"hnn_table"});
  const PluginInfo* info = plugins.registry().find(PluginKind::kDataSource, "table");
  REQUIRE(info != nullptr);
  CHECK(info->schema.find("positions")->is_required());
  const std::shared_ptr<DataSource> source = plugins.registry().create_data_source(
      "table", plugins.options(PluginKind::kDataSource, "table",
                               {{"file", std::string("real_pend_h_1.txt")},
                                {"format", std::string("schmidt_lipson")},
                                {"trajectory", std::string("trial")},
                                {"positions", std::vector<std::string>{"o"}},
                                {"momenta", std::vector<std::string>{"v"}}}));
  CHECK_FALSE(source->needs_system());
  DataSourceContext context;
  context.base_directory = kRealData;
  check_real_pendulum(source->load(context));
}

}  // namespace
}  // namespace hnn::data_sources
