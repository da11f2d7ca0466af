// The run-folder readers: CSV and YAML files read back, and their errors naming file,
// line and key.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "hnn/host/run_summary_reader.h"
#include "hnn/report/csv_table.h"
#include "hnn/report/run_folder.h"
#include "hnn/report/run_folder_error.h"
#include "report_test_support.h"

namespace fs = std::filesystem;
using hnn::report::RunFolderError;
using hnn::testing::copy_fixture_run;
using hnn::testing::report_scratch;
using hnn::testing::write_text;

namespace {

const fs::path kFixture = fs::path(HNN_REPORT_FIXTURES) / "spring_run";

}  // namespace

TEST_CASE("CsvTable reads quoted fields, empty cells and the run folder's reals") {
  const auto table = hnn::report::CsvTable::parse(
      "name,value,note\r\n"
      "a,1.5,\"x, \"\"y\"\"\"\r\n"
      "b,,plain\n"
      "c,.nan,\n"
      "d,-.inf,\n"
      "e,1e-05,\n",
      "t.csv");
  CHECK(table.row_count() == 5);
  CHECK(table.header() == std::vector<std::string>{"name", "value", "note"});
  CHECK(table.texts("note")[0] == "x, \"y\"");
  const auto values = table.reals("value");
  CHECK(values[0] == 1.5);
  CHECK(std::isnan(values[1]));  // empty
  CHECK(std::isnan(values[2]));
  CHECK(values[3] == -INFINITY);
  CHECK(values[4] == 1e-05);
  CHECK_THROWS_WITH_AS(table.reals("name"),
                       "t.csv:2: error: column name: expected a real, found 'a'", RunFolderError);
  CHECK_THROWS_WITH_AS(table.texts("missing"), "t.csv:1: error: no column 'missing' in the header",
                       RunFolderError);
}

TEST_CASE("CsvTable rejects malformed files with the line") {
  CHECK_THROWS_WITH_AS(hnn::report::CsvTable::parse("a,b\n1,2\n3\n", "t.csv"),
                       "t.csv:3: error: 1 cells, but the header has 2 columns", RunFolderError);
  CHECK_THROWS_WITH_AS(hnn::report::CsvTable::parse("a,a\n", "t.csv"),
                       "t.csv:1: error: the column 'a' appears twice in the header",
                       RunFolderError);
  CHECK_THROWS_WITH_AS(hnn::report::CsvTable::parse("", "t.csv"),
                       doctest::Contains("t.csv:1: error: the file is empty"), RunFolderError);
  CHECK_THROWS_WITH_AS(hnn::report::CsvTable::read("/nonexistent/x.csv"),
                       "/nonexistent/x.csv: error: cannot read the file (it does not exist)",
                       RunFolderError);
}

TEST_CASE("read_run_summary: models in file order, metrics, formulas") {
  const auto summary = hnn::read_run_summary(kFixture / "summary.yaml");
  CHECK(summary.pipeline == "spring_kan");
  CHECK(summary.exact_hamiltonian == "q^2 + p^2");
  CHECK(summary.evaluated());
  CHECK(summary.data.train_samples == 750);
  REQUIRE(summary.model_names() == std::vector<std::string>{"kan", "kan_l1"});
  const auto& kan = summary.models[0];
  CHECK(kan.parameters == 35);
  CHECK(kan.epochs == 2000);
  CHECK(kan.termination == "epochs");
  CHECK(kan.final_test_loss == doctest::Approx(1.3857834556155549e-09).epsilon(1e-12));
  REQUIRE(kan.trajectory_mse.has_value());
  CHECK(kan.trajectory_mse->final == doctest::Approx(8.843728961936812e-06));
  REQUIRE(kan.symbolic.has_value());
  REQUIRE(kan.symbolic->formulas.size() == 1);
  CHECK(kan.symbolic->formulas[0].output == "F2");
  CHECK(kan.symbolic->formulas[0].text == "1.00*q^2 + 1.00*p^2 + 1.08");
  REQUIRE(kan.symbolic->verification.has_value());
  CHECK(kan.symbolic->hamiltonian_output == "F2");
  CHECK(kan.symbolic->verification->field_relative_error == 2.5e-5);
  CHECK(kan.symbolic->verification->tolerance == 0.01);
  CHECK(kan.symbolic->verification->exact);
  CHECK(kan.symbolic->formulas[0].latex == "1.00 q^{2} + 1.00 p^{2} + 1.08");
  CHECK_FALSE(summary.models[1].symbolic.has_value());
  CHECK(summary.models[1].termination == "converged");
}

TEST_CASE("read_run_summary names the file, line and key of a bad value") {
  const auto directory = report_scratch("bad_summary");
  write_text(directory / "summary.yaml",
             "pipeline: x\nmodels:\n  m:\n    plugin: mlp\n    parameters: many\n");
  CHECK_THROWS_WITH_AS(hnn::read_run_summary(directory / "summary.yaml"),
                       doctest::Contains("summary.yaml:5:17: error: models.m.parameters: expected "
                                         "an integer, found 'many'"),
                       RunFolderError);
  write_text(directory / "summary.yaml", "pipeline: x\n");
  CHECK_THROWS_WITH_AS(hnn::read_run_summary(directory / "summary.yaml"),
                       doctest::Contains("error: models: missing"), RunFolderError);
  write_text(directory / "summary.yaml", "models: [unclosed\n");
  CHECK_THROWS_WITH_AS(hnn::read_run_summary(directory / "summary.yaml"),
                       doctest::Contains("summary.yaml:2:1: error: not valid YAML"),
                       RunFolderError);
}

TEST_CASE("read_training_history: per model, test loss NaN where not computed") {
  const auto history = hnn::report::read_training_history(kFixture / "history.csv");
  REQUIRE(history.models.size() == 2);
  const auto* kan = history.find("kan");
  REQUIRE(kan != nullptr);
  CHECK(kan->epoch.front() == 0);
  CHECK(kan->epoch.back() == 2000);
  CHECK(kan->train_loss.size() == kan->test_loss.size());
  CHECK(std::isnan(kan->test_loss[1]));  // epoch 5: no test loss
  CHECK_FALSE(kan->has_penalty());
  CHECK(history.find("kan_l1")->has_penalty());
  CHECK(history.find("other") == nullptr);
}

TEST_CASE("read_trajectory_table matches columns by model name, not by prefix") {
  const auto table =
      hnn::report::read_trajectory_table(kFixture / "trajectories.csv", {"kan", "kan_l1"});
  CHECK(table.coordinate_names == std::vector<std::string>{"q", "p"});
  CHECK(table.times.size() == 201);
  CHECK(table.times.front() == 0.0);
  CHECK(table.times.back() == 20.0);
  CHECK(table.has_reference);
  REQUIRE(table.models.size() == 2);
  CHECK(table.models[0].model == "kan");
  CHECK(table.models[1].model == "kan_l1");
  CHECK_FALSE(table.models[0].rollout.learned_hamiltonian.empty());
  const auto error = table.squared_error(table.models[1].rollout);
  CHECK(error.front() == 0.0);
  CHECK(error.back() > 0.0);

  // A generic system: coordinate names from the truth columns; a model without columns.
  const auto directory = report_scratch("trajectories");
  write_text(directory / "trajectories.csv",
             "t,truth_x1,truth_x2,truth_px1,truth_px2,truth_energy,"
             "a_x1,a_x2,a_px1,a_px2,a_energy\n"
             "0,1,2,3,4,5,1,2,3,5,6\n");
  std::vector<std::string> missing;
  const auto generic =
      hnn::report::read_trajectory_table(directory / "trajectories.csv", {"a", "b"}, &missing);
  CHECK(generic.coordinate_names == std::vector<std::string>{"x1", "x2", "px1", "px2"});
  CHECK_FALSE(generic.has_reference);
  REQUIRE(generic.models.size() == 1);
  CHECK(generic.models[0].rollout.learned_hamiltonian.empty());
  CHECK(generic.squared_error(generic.models[0].rollout)[0] == doctest::Approx(0.25));
  CHECK(missing == std::vector<std::string>{"b"});
}

TEST_CASE("read_dataset_table: generic coordinate names, split checked") {
  const auto dataset = hnn::report::read_dataset_table(kFixture / "data.csv");
  CHECK(dataset.coordinate_names == std::vector<std::string>{"q", "p"});
  CHECK(dataset.split.size() == 240);
  CHECK(dataset.split.front() == "train");
  CHECK(dataset.split.back() == "test");
  CHECK(dataset.coordinates.size() == 2);

  const auto directory = report_scratch("dataset");
  write_text(directory / "data.csv",
             "split,trajectory,t,x,y,px,py,dx_dt,dy_dt,dpx_dt,dpy_dt\n"
             "train,0,0,1,2,3,4,0,0,0,0\nvalidation,0,0,1,2,3,4,0,0,0,0\n");
  CHECK_THROWS_WITH_AS(hnn::report::read_dataset_table(directory / "data.csv"),
                       doctest::Contains("data.csv:3: error: column split: expected 'train' or "
                                         "'test', found 'validation'"),
                       RunFolderError);
  write_text(directory / "data.csv",
             "split,trajectory,t,x,y,px,py,dx_dt,dy_dt,dpx_dt,dpy_dt\n"
             "train,0,0,1,2,3,4,0,0,0,0\n");
  CHECK(hnn::report::read_dataset_table(directory / "data.csv").coordinate_names ==
        std::vector<std::string>{"x", "y", "px", "py"});
}

TEST_CASE("read_edge_network: edges with their samples, validated") {
  const auto network =
      hnn::report::read_edge_network(kFixture / "network/kan.yaml", kFixture / "network/kan.csv");
  CHECK(network.model == "kan");
  CHECK(network.width == std::vector<int>{2, 1, 2});
  CHECK(network.input_names == std::vector<std::string>{"q", "p"});
  CHECK(network.output_names == std::vector<std::string>{"F1", "F2"});
  REQUIRE(network.edges.size() == 4);
  CHECK(network.edges[0].function == "x^2");
  CHECK(network.edges[0].scale == 0.52);
  CHECK(network.edges[2].pruned);
  CHECK(network.edges[2].function.empty());
  CHECK(network.edges[3].x.size() == 21);
  CHECK(std::is_sorted(network.edges[3].x.begin(), network.edges[3].x.end()));

  const auto directory = report_scratch("network");
  const std::string head =
      "model: k\nwidth: [2, 1]\ninput_names: [q, p]\noutput_names: [H]\nedges:\n";
  write_text(directory / "k.yaml", head + "  - {layer: 0, input: 2, output: 0, scale: 1}\n");
  CHECK_THROWS_WITH_AS(
      hnn::report::read_edge_network(directory / "k.yaml", directory / "k.csv"),
      doctest::Contains("k.yaml:6:5: error: edges[0]: input 2 is outside [0, 1] (layer 0 has 2 "
                        "nodes)"),
      RunFolderError);
  write_text(directory / "k.yaml", head + "  - {layer: 0, input: 0, output: 0}\n" +
                                       "  - {layer: 0, input: 0, output: 0}\n");
  CHECK_THROWS_WITH_AS(
      hnn::report::read_edge_network(directory / "k.yaml", directory / "k.csv"),
      doctest::Contains("k.yaml:7:5: error: edges[1]: the edge (layer 0, input 0, output 0) is "
                        "listed twice"),
      RunFolderError);
  write_text(directory / "k.yaml",
             "model: k\nwidth: [2, 1]\ninput_names: [q]\noutput_names: [H]\nedges: []\n");
  CHECK_THROWS_WITH_AS(hnn::report::read_edge_network(directory / "k.yaml", directory / "k.csv"),
                       doctest::Contains("input_names: expected 2 names (width[0]), found 1"),
                       RunFolderError);
  write_text(directory / "k.yaml", head + "  - {layer: 0, input: 0, output: 0}\n");
  write_text(directory / "k.csv", "layer,input,output,x,y\n0,0,0,0.5,1\n0,1,0,0.5,1\n");
  CHECK_THROWS_WITH_AS(
      hnn::report::read_edge_network(directory / "k.yaml", directory / "k.csv"),
      doctest::Contains("k.csv:3: error: a sample of an edge that network/k.yaml does not list "
                        "(layer 0, input 1, output 0)"),
      RunFolderError);
}

TEST_CASE("read_run_folder: everything, or an error naming the missing file") {
  const auto run = hnn::report::read_run_folder(kFixture);
  CHECK(run.summary.models.size() == 2);
  CHECK(run.trajectories.has_value());
  REQUIRE(run.networks.size() == 1);
  CHECK(run.networks[0].model == "kan");
  CHECK(hnn::testing::contains(run.pipeline_text, "name: \"spring_kan\""));
  CHECK(run.notes.empty());

  CHECK_THROWS_WITH_AS(hnn::report::read_run_folder("/nonexistent/run"),
                       "/nonexistent/run: error: not a run folder (it does not exist)",
                       RunFolderError);
  const auto copy = copy_fixture_run("missing_history");
  fs::remove(copy / "history.csv");
  const std::string missing_history =
      (copy / "history.csv").string() + ": error: cannot read the file (it does not exist)";
  CHECK_THROWS_WITH_AS(hnn::report::read_run_folder(copy), missing_history.c_str(), RunFolderError);
  fs::remove(copy / "summary.yaml");
  CHECK_THROWS_WITH_AS(hnn::report::read_run_folder(copy),
                       doctest::Contains("summary.yaml: error: cannot read the file"),
                       RunFolderError);
}
