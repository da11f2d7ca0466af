// output.export through hnn-host: a run of a small spring pipeline (an mlp, a kan with a
// symbolic stage, a baseline) writes export/<m>.hpp for the HNN models and
// export/kan_formula.{c,hpp,py,tex}, lists them in summary.yaml, and skips the baseline; the
// exported headers, compiled, give the H that trajectories.csv records along each model's
// own rollout (<m>_H), to round-off. Without the option no export/ folder is written.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "compiled_source.h"
#include "hnn/cpp_export.h"
#include "hnn/host/run_summary_reader.h"

namespace {
namespace fs = std::filesystem;

constexpr const char* kPipeline = R"(name: export_run
system: {plugin: spring_mass, k: 2.0, m: 0.5}
data: {trajectories: 6, time_span: [0, 3], points: 10, seed: 3, train_fraction: 0.5}
training:
  objective: hnn
  hamiltonian_output: 1
  optimizer: {plugin: lbfgs, epochs: 40, memory: 10}
models:
  mlp: {plugin: mlp, hidden: [8, 8], activation: softplus, seed: 1}
  kan:
    plugin: kan
    symbolic:
      edges:
        - {layer: 0, input: 0, output: 0, function: "x^2"}
        - {layer: 0, input: 1, output: 0, function: "x^2"}
        - {layer: 1, input: 0, output: 0, function: "x"}
        - {layer: 1, input: 0, output: 1, function: "x"}
  baseline: {plugin: mlp, hidden: [8], seed: 2, training: {objective: baseline}}
evaluation: {initial_state: [1.0, 0.0], time_span: [0, 2], points: 20}
)";

struct Run {
  fs::path folder;
  int status = -1;
  std::string log;
};

// Runs the pipeline with `--set` arguments into tests/export/<name>.
Run run_pipeline(const std::string& name, const std::string& set) {
  const fs::path scratch = hnn_test::export_scratch(name);
  hnn_test::write_text(scratch / "pipeline.yaml", kPipeline);
  Run run;
  run.folder = scratch / "run";
  const std::string command = "HNN_PLUGIN_PATH= '" HNN_HOST "' '" +
                              (scratch / "pipeline.yaml").string() + "' --quiet --no-report -o '" +
                              run.folder.string() + "' " + set + " >'" +
                              (scratch / "log.txt").string() + "' 2>&1";
  const int raw = std::system(command.c_str());
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  run.log = hnn_test::read_text(scratch / "log.txt");
  return run;
}

// trajectories.csv as columns by name.
std::map<std::string, std::vector<double>> read_columns(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::vector<std::string> header;
  std::map<std::string, std::vector<double>> columns;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    std::stringstream stream(line);
    for (std::string cell; std::getline(stream, cell, ',');) cells.push_back(cell);
    if (header.empty()) {
      header = cells;
      continue;
    }
    for (std::size_t k = 0; k < cells.size() && k < header.size(); ++k) {
      columns[header[k]].push_back(cells[k].empty() ? std::nan("")
                                                    : std::strtod(cells[k].c_str(), nullptr));
    }
  }
  return columns;
}

}  // namespace

TEST_CASE("output.export writes every HNN model as a C++ header and the recovered formula") {
  const Run run = run_pipeline("export_on", "--set output.export=true");
  INFO(run.log);
  REQUIRE(run.status == 0);
  const fs::path exports = run.folder / "export";
  for (const std::string file : {"mlp.hpp", "kan.hpp", "kan_formula.c", "kan_formula.hpp",
                                 "kan_formula.py", "kan_formula.tex"}) {
    CAPTURE(file);
    CHECK(fs::is_regular_file(exports / file));
  }
  CHECK_FALSE(fs::exists(exports / "baseline.hpp"));
  CHECK(run.log.find("baseline: not exported: a baseline's outputs are the field, not H") !=
        std::string::npos);
  const hnn::RunSummary summary = hnn::read_run_summary(run.folder / "summary.yaml");
  std::map<std::string, std::vector<std::string>> listed;
  for (const auto& model : summary.models) listed[model.name] = model.exports;
  CHECK(listed["mlp"] == std::vector<std::string>{"export/mlp.hpp"});
  CHECK(listed["kan"] == std::vector<std::string>{"export/kan.hpp", "export/kan_formula.c",
                                                  "export/kan_formula.hpp", "export/kan_formula.py",
                                                  "export/kan_formula.tex"});
  CHECK(listed["baseline"].empty());
  CHECK(listed["kan_symbolic"].empty());

  // Each header at the states of its model's rollout against the model's own H there.
  const auto columns = read_columns(run.folder / "trajectories.csv");
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"mlp", "mlp"}, {"kan", "kan"}, {"kan_formula", "kan_symbolic"}};
  std::map<std::string, std::string> files;
  std::string driver = "#include <cstdio>\n";
  std::string body;
  for (const auto& [header, model] : headers) {
    files[header + ".hpp"] = hnn_test::read_text(exports / (header + ".hpp"));
    driver += "#include \"" + header + ".hpp\"\n";
    const auto& q = columns.at(model + "_q");
    const auto& p = columns.at(model + "_p");
    for (std::size_t n = 0; n < q.size(); ++n) {
      body += "  { const double x[] = {" + hnn::cpp_double_literal(q[n]) + ", " +
              hnn::cpp_double_literal(p[n]) + "}; std::printf(\"%.17g\\n\", " + header +
              "::hamiltonian(x)); }\n";
    }
  }
  files["driver.cc"] = driver + "int main() {\n" + body + "}\n";
  const auto result =
      hnn_test::compile_and_run(hnn_test::export_scratch("export_on_compiled"), files, "driver.cc");
  INFO(result.err);
  REQUIRE(result.status == 0);
  const auto lines = hnn_test::number_lines(result.out);
  std::size_t line = 0;
  double worst = 0.0;
  for (const auto& [header, model] : headers) {
    for (const double h : columns.at(model + "_H")) {
      REQUIRE(line < lines.size());
      worst = std::max(worst, std::abs(lines[line++][0] - h) / std::max(1.0, std::abs(h)));
    }
  }
  CHECK(line == lines.size());
  MESSAGE("exports against trajectories.csv's <m>_H: largest relative difference " << worst);
  CHECK(worst <= 1e-13);
}

TEST_CASE("output.export is off by default: no export folder, no exports in the summary") {
  const Run run = run_pipeline("export_off", "");
  INFO(run.log);
  REQUIRE(run.status == 0);
  CHECK_FALSE(fs::exists(run.folder / "export"));
  for (const auto& model : hnn::read_run_summary(run.folder / "summary.yaml").models) {
    CHECK(model.exports.empty());
  }
  CHECK(hnn_test::read_text(run.folder / "pipeline.yaml").find("  export: false") !=
        std::string::npos);
}
