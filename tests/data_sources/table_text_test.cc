// The text readers of the `table` source: CSV, whitespace-separated text and the
// Schmidt-Lipson format, their header rules, and every located error.
#include <doctest/doctest.h>

#include <string>

#include "table_test_support.h"
#include "text_table_reader.h"

namespace hnn::data_sources {
namespace {

using testing::read;
using testing::read_error;
using testing::tqp_settings;

TEST_CASE("csv: a header row names the columns; other columns may hold text") {
  const std::string csv =
      "# a comment\n"
      "t,q,p,split\n"
      "0,1,0,train\n"
      "0.5,0.9,-0.4,test\n"
      "2,0.1,-1,train\n";  // non-uniform steps
  const auto trajectories = read(csv, "data/f.csv", tqp_settings());
  REQUIRE(trajectories.size() == 1);
  const Trajectory& trajectory = trajectories[0];
  CHECK(trajectory.label == "f.csv");
  CHECK(trajectory.times == std::vector<double>{0.0, 0.5, 2.0});
  REQUIRE(trajectory.states.rows() == 2);
  REQUIRE(trajectory.states.cols() == 3);
  CHECK(trajectory.states(0, 1) == 0.9);
  CHECK(trajectory.states(1, 2) == -1.0);
  CHECK(trajectory.derivatives.size() == 0);
}

TEST_CASE("csv: quoted fields, blanks around fields, CRLF line ends") {
  const std::string csv = "\"t\", \"q\" ,p\r\n0, 1 ,\"2\"\r\n1,3,4\r\n";
  const auto trajectories = read(csv, "f.csv", tqp_settings());
  REQUIRE(trajectories.size() == 1);
  CHECK(trajectories[0].states(0, 0) == 1.0);
  CHECK(trajectories[0].states(1, 0) == 2.0);
  CHECK(read_error("t,q,p\n0,\"1,2\n", "f.csv", tqp_settings()) ==
        "f.csv:2:3: error: a quoted field is not closed on its line");
}

TEST_CASE("csv: a UTF-8 byte order mark before the header is skipped") {
  CHECK(read("\xEF\xBB\xBFt,q,p\n0,1,2\n", "f.csv", tqp_settings()).at(0).states(1, 0) == 2.0);
}

TEST_CASE("csv: a comment line as numpy.savetxt writes it names the columns") {
  const std::string csv = "# t,q,p\n0,1,2\n1,3,4\n";
  CHECK(read(csv, "f.csv", tqp_settings())[0].states(1, 1) == 4.0);
}

TEST_CASE("text: a header row or the last comment line names the columns") {
  TableSourceSettings settings = tqp_settings();
  CHECK(read("t q p\n0 1 2\n1 3 4\n", "f.txt", settings)[0].states(1, 1) == 4.0);
  CHECK(read("# made by hand\n#  t   q  p \n\n0\t1 2\n 1 3 4  \n", "f.txt", settings)[0].times[1] ==
        1.0);
}

TEST_CASE("columns by index, and column_names replacing the header") {
  TableSourceSettings settings = tqp_settings();
  settings.time = "0";
  settings.positions = {"2"};
  settings.momenta = {"1"};
  const auto by_index = read("a b c\n0 1 2\n1 3 4\n", "f.txt", settings);
  CHECK(by_index[0].states(0, 0) == 2.0);
  CHECK(by_index[0].states(1, 0) == 1.0);

  settings = tqp_settings();
  settings.column_names = {"t", "p", "q"};
  const auto renamed = read("0 1 2\n1 3 4\n", "f.txt", settings);
  CHECK(renamed[0].states(0, 1) == 4.0);
  CHECK(renamed[0].states(1, 1) == 3.0);
}

TEST_CASE("a trajectory column splits a file into trajectories, in order") {
  TableSourceSettings settings = tqp_settings();
  settings.trajectory = "run";
  const std::string csv = "run,t,q,p\n7,0,1,0\n7,1,2,0\n3,0,5,5\n3,0.5,6,6\n3,2,7,7\n";
  const auto trajectories = read(csv, "runs.csv", settings);
  REQUIRE(trajectories.size() == 2);
  CHECK(trajectories[0].label == "runs.csv run 7");
  CHECK(trajectories[0].times.size() == 2);
  CHECK(trajectories[1].label == "runs.csv run 3");
  CHECK(trajectories[1].times == std::vector<double>{0.0, 0.5, 2.0});
  CHECK(trajectories[1].states(0, 2) == 7.0);
}

TEST_CASE("velocities with masses give momenta; derivative columns are returned") {
  TableSourceSettings settings;
  settings.file = "unused";
  settings.positions = {"x", "y"};
  settings.velocities = {"vx", "vy"};
  settings.masses = {2.0, 3.0};
  settings.derivatives = {"dx", "dy", "dvx", "dvy"};
  const std::string csv = "t,x,y,vx,vy,dx,dy,dvx,dvy\n0,1,2,3,4,5,6,7,8\n";
  const auto trajectories = read(csv, "f.csv", settings);
  const Trajectory& trajectory = trajectories.at(0);
  CHECK(trajectory.states(0, 0) == 1.0);
  CHECK(trajectory.states(1, 0) == 2.0);
  CHECK(trajectory.states(2, 0) == 6.0);   // 2 * 3
  CHECK(trajectory.states(3, 0) == 12.0);  // 3 * 4
  REQUIRE(trajectory.derivatives.rows() == 4);
  CHECK(trajectory.derivatives(0, 0) == 5.0);
  CHECK(trajectory.derivatives(2, 0) == 14.0);  // 2 * 7
  CHECK(trajectory.derivatives(3, 0) == 24.0);  // 3 * 8

  settings.masses = {0.5};  // one mass for every coordinate
  CHECK(read(csv, "f.csv", settings).at(0).states(3, 0) == 2.0);
}

TEST_CASE("schmidt_lipson: trial and t, then the '%' header's names; extra columns unnamed") {
  TableSourceSettings settings;
  settings.file = "unused";
  settings.format = TableFormat::kSchmidtLipson;
  settings.trajectory = "trial";
  settings.positions = {"o1", "o2"};
  settings.momenta = {"w1", "w2"};
  settings.derivatives = {"w1", "w2", "6", "7"};  // the file's accelerations, by index
  // The double-pendulum shape: 8 columns under a header naming 4, trailing blanks.
  const std::string text =
      "% o1 o2 w1 w2   \r\n"
      " 0 0.0 1 2 3 4 5 6 \r\n"
      " 0 0.1 1.5 2.5 3.5 4.5 5.5 6.5 \r\n";
  const auto trajectories = read(text, "double.txt", settings);
  REQUIRE(trajectories.size() == 1);
  CHECK(trajectories[0].label == "double.txt trial 0");
  CHECK(trajectories[0].states(3, 1) == 4.5);
  CHECK(trajectories[0].derivatives(2, 1) == 5.5);

  CHECK(read_error("0 0 1 2\n", "x.txt", settings) ==
        "x.txt:1:1: error: a Schmidt-Lipson file starts with a '%' header naming the state "
        "columns (such as '%o v'), found '0 0 1 2'");
  CHECK(read_error("%o1 o2 w1 w2\n0 0 1 2 3\n", "x.txt", settings) ==
        "x.txt:2:1: error: the header at line 1 names 4 state columns (o1, o2, w1, w2) after "
        "the trial and time columns, so rows need at least 6 fields, but this row has 5");
}

TEST_CASE("a comment header that names fewer columns than the rows have names none, and says so") {
  TableSourceSettings settings;
  settings.file = "unused";
  settings.positions = {"o"};
  settings.momenta = {"v"};
  CHECK(read_error("%o v\n0 5 1 2\n0 6 1 2\n", "pend.txt", settings) ==
        "pend.txt: error: time: no column named 't'; the file has 4 columns: 0, 1, 2, 3 (no "
        "names: choose columns by index or set column_names); the comment line 1 '%o v' has 2 "
        "words but the rows have 4 columns, so it names no column (choose columns by index, set "
        "column_names, or use format schmidt_lipson for that format)\n"
        "pend.txt: error: positions[0]: no column named 'o'; the file has 4 columns: 0, 1, 2, 3 "
        "(no names: choose columns by index or set column_names); the comment line 1 '%o v' has "
        "2 words but the rows have 4 columns, so it names no column (choose columns by index, "
        "set column_names, or use format schmidt_lipson for that format)\n"
        "pend.txt: error: momenta[0]: no column named 'v'; the file has 4 columns: 0, 1, 2, 3 "
        "(no names: choose columns by index or set column_names); the comment line 1 '%o v' has "
        "2 words but the rows have 4 columns, so it names no column (choose columns by index, "
        "set column_names, or use format schmidt_lipson for that format)");
}

TEST_CASE("a column that does not exist: the columns are listed, a likely name suggested") {
  TableSourceSettings settings = tqp_settings();
  settings.momenta = {"pp"};
  CHECK(read_error("t,q,p\n0,1,2\n", "f.csv", settings) ==
        "f.csv:1:1: error: momenta[0]: no column named 'pp' (did you mean 'p'?); the file has 3 "
        "columns: 0 't', 1 'q', 2 'p'");
  settings.momenta = {"3"};
  CHECK(read_error("t,q,p\n0,1,2\n", "f.csv", settings) ==
        "f.csv:1:1: error: momenta[0]: column index 3 does not exist: the file has 3 columns "
        "(indices 0 to 2)");
  settings.momenta = {"p"};
  CHECK(read_error("t,q,p,p\n0,1,2,3\n", "f.csv", settings) ==
        "f.csv:1:1: error: momenta[0]: the column name 'p' is ambiguous: columns 2 and 3 both "
        "have it; choose the column by index");
  settings.column_names = {"t", "q", "p", "x"};
  CHECK(read_error("0,1,2\n", "f.csv", settings) ==
        "f.csv: error: column_names: column_names gives 4 names but the file has 3 columns");
}

TEST_CASE("ragged rows and a header that disagrees with the rows, located") {
  CHECK(read_error("t,q,p\n0,1,2\n1,2\n2,3,4,5\n", "f.csv", tqp_settings()) ==
        "f.csv:3:1: error: this row has 2 fields, expected 3 like the header row (line 1)\n"
        "f.csv:4:1: error: this row has 4 fields, expected 3 like the header row (line 1)");
  CHECK(read_error("t q p\n0 1 2 3\n", "f.txt", tqp_settings()) ==
        "f.txt:2:1: error: this row has 4 fields, expected 3 like the header row (line 1)");
  TableSourceSettings settings = tqp_settings();
  settings.column_names = {"t", "q", "p"};
  CHECK(read_error("0 1 2\n\n0 1\n", "f.txt", settings) ==
        "f.txt:3:1: error: this row has 2 fields, expected 3 like the first data row (line 1)");
}

TEST_CASE("non-numbers, empty fields, NaN and infinities, located at their field") {
  CHECK(read_error("t,q,p\n0,1,2\n1, abc ,2\n2,,3\n3,1,nan\n4,inf,1\n5,1e999,1\n", "f.csv",
                   tqp_settings()) ==
        "f.csv:3:4: error: positions[0]: expected a number in column 1 ('q'), found 'abc'\n"
        "f.csv:4:3: error: positions[0]: column 1 ('q') is empty, expected a number\n"
        "f.csv:5:5: error: momenta[0]: 'nan' in column 2 ('p') is not a finite number (NaN and "
        "infinities are not allowed)\n"
        "f.csv:6:3: error: positions[0]: 'inf' in column 1 ('q') is not a finite number (NaN "
        "and infinities are not allowed)\n"
        "f.csv:7:3: error: positions[0]: '1e999' in column 1 ('q') is not a finite number (NaN "
        "and infinities are not allowed)");
  // Signs and exponents as C and Fortran programs print them.
  CHECK(read("t q p\n+0 -1.5E+000 .5\n", "f.txt", tqp_settings())[0].states(0, 0) == -1.5);
  CHECK(read_error("t q p\n0 +-1 2\n", "f.txt", tqp_settings()) ==
        "f.txt:2:3: error: positions[0]: expected a number in column 1 ('q'), found '+-1'");
}

TEST_CASE("time must strictly increase within a trajectory; rows of one trajectory contiguous") {
  CHECK(read_error("t q p\n0 1 2\n1 1 2\n1 1 2\n0.5 1 2\n", "f.txt", tqp_settings()) ==
        "f.txt:4:1: error: time 1 is not after the previous row's time 1; times must strictly "
        "increase within a trajectory\n"
        "f.txt:5:1: error: time 0.5 is not after the previous row's time 1; times must strictly "
        "increase within a trajectory");
  TableSourceSettings settings = tqp_settings();
  settings.trajectory = "id";
  CHECK(read_error("id,t,q,p\n0,0,1,2\n1,0,1,2\n0,1,1,2\n", "f.csv", settings) ==
        "f.csv:4:1: error: the rows of trajectory 0 continue here after other rows (its earlier "
        "rows end at line 2); the rows of one trajectory must be contiguous");
  CHECK(read_error("id,t,q,p\n0,0,1,2\n0,  0,1,2\n", "f.csv", settings) ==
        "f.csv:3:5: error: time 0 is not after the previous row's time 0 in trajectory 0; times "
        "must strictly increase within a trajectory");
}

TEST_CASE("files without data rows") {
  CHECK(read_error("", "f.csv", tqp_settings()) == "f.csv: error: the file has no data rows");
  CHECK(read_error("# only a comment\r\n\r\n", "f.txt", tqp_settings()) ==
        "f.txt: error: the file has no data rows");
  CHECK(read_error("t,q,p\n", "f.csv", tqp_settings()) ==
        "f.csv: error: the file has a header but no data rows");
}

TEST_CASE("errors are capped: the first 20 listed, the rest counted") {
  std::string csv = "t,q,p\n";
  for (int i = 0; i < 30; ++i) csv += std::to_string(i) + ",x,1\n";
  const std::string message = read_error(csv, "f.csv", tqp_settings());
  CHECK(message.find("f.csv:21:4: error:") != std::string::npos);
  CHECK(message.find("f.csv:22:4:") == std::string::npos);
  CHECK(message.substr(message.rfind('\n') + 1) ==
        "f.csv: error: ... and 10 more problems not listed (30 in all)");
}

TEST_CASE("coordinate names come from the columns, q/p for unnamed ones") {
  TableSourceSettings settings = tqp_settings();
  TableProblems problems;
  SelectedColumns columns;
  read_table_bytes("t,q,p\n0,1,2\n", "f.csv", settings, problems, &columns);
  CHECK(coordinate_names(settings, columns) == std::vector<std::string>{"q", "p"});
  settings.time = "0";
  settings.positions = {"1", "2"};
  settings.momenta = {"3", "4"};
  read_table_bytes("0 1 2 3 4\n", "f.txt", settings, problems, &columns);
  CHECK(coordinate_names(settings, columns) == std::vector<std::string>{"q1", "q2", "p1", "p2"});
  settings.momenta.clear();
  settings.velocities = {"3", "4"};
  settings.masses = {1.0};
  read_table_bytes("0 1 2 3 4\n", "f.txt", settings, problems, &columns);
  CHECK(coordinate_names(settings, columns) ==
        std::vector<std::string>{"q1", "q2", "p_q1", "p_q2"});
  CHECK(problems.empty());
}

TEST_CASE("the formats by extension") {
  CHECK(resolve_format(TableFormat::kAuto, "a/b.CSV") == TableFormat::kCsv);
  CHECK(resolve_format(TableFormat::kAuto, "b.npy") == TableFormat::kNpy);
  CHECK(resolve_format(TableFormat::kAuto, "b.npz") == TableFormat::kNpz);
  CHECK(resolve_format(TableFormat::kAuto, "b.txt") == TableFormat::kText);
  CHECK(resolve_format(TableFormat::kAuto, "b") == TableFormat::kText);
  CHECK(resolve_format(TableFormat::kCsv, "b.txt") == TableFormat::kCsv);
}

}  // namespace
}  // namespace hnn::data_sources
