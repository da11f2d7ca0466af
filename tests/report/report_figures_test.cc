// The figures: every one written as valid SVG and PNG, atomically, skipped when the run
// has no data for it; PLplot's errors come back as exceptions.
#include <doctest/doctest.h>
#include <plplot.h>

#include <sstream>

#include "hnn/error.h"
#include "hnn/report/report.h"
#include "plot_canvas.h"
#include "report_test_support.h"

// PLplot's error functions, exported but declared only in its internal header plplotP.h.
extern "C" void plexit(PLCHAR_VECTOR message);
extern "C" void plabort(PLCHAR_VECTOR message);

namespace fs = std::filesystem;
using hnn::testing::contains;
using hnn::testing::copy_fixture_run;
using hnn::testing::read_text;
using hnn::testing::write_text;

namespace {

bool is_png(const fs::path& file) { return read_text(file).rfind("\x89PNG\r\n\x1a\n", 0) == 0; }

bool is_svg(const fs::path& file) {
  const std::string text = read_text(file);
  return text.rfind("<?xml", 0) == 0 && contains(text, "<svg") && contains(text, "</svg>");
}

std::vector<std::string> figure_names(const hnn::report::ReportResult& result) {
  std::vector<std::string> names;
  for (const auto& figure : result.figures) names.push_back(figure.name);
  return names;
}

}  // namespace

TEST_CASE("write_report writes every figure as SVG and PNG, and report.html") {
  const fs::path run = copy_fixture_run("figures");
  const auto result = hnn::report::write_report(run, hnn::report::ReportOptions{});
  CHECK(result.html_file == run / "report.html");
  CHECK(figure_names(result) == std::vector<std::string>{"data_phase_portrait", "losses", "penalty",
                                                         "trajectories_phase_space",
                                                         "trajectory_error", "energy",
                                                         "network_kan"});
  CHECK(result.skipped.empty());
  for (const auto& figure : result.figures) {
    CAPTURE(figure.name);
    CHECK(figure.svg_file == fs::path("figures") / (figure.name + ".svg"));
    CHECK(figure.png_file == fs::path("figures") / (figure.name + ".png"));
    CHECK(fs::file_size(run / figure.svg_file) > 1000);
    CHECK(fs::file_size(run / figure.png_file) > 1000);
    CHECK(is_svg(run / figure.svg_file));
    CHECK(is_png(run / figure.png_file));
    CHECK_FALSE(figure.caption.empty());
  }
  // Nothing but the figures: no scratch files of PLplot or of the atomic writes are left.
  int files = 0;
  for (const auto& entry : fs::directory_iterator(run / "figures")) {
    CAPTURE(entry.path());
    CHECK(entry.path().filename().string().front() != '.');
    CHECK_FALSE(contains(entry.path().filename().string(), ".tmp"));
    ++files;
  }
  CHECK(files == 14);
  CHECK(contains(read_text(run / "report.html"), "<img src=\"figures/network_kan.svg\""));
  CHECK(result.BriefReport() == "report.html with 7 figures");

  // A second report replaces the files.
  write_text(run / "figures" / "losses.svg", "stale");
  write_text(run / "report.html", "stale");
  hnn::report::write_report(run, hnn::report::ReportOptions{});
  CHECK(is_svg(run / "figures" / "losses.svg"));
  CHECK(contains(read_text(run / "report.html"), "<!DOCTYPE html>"));
}

TEST_CASE("figures without data are skipped, with the reason") {
  const fs::path run = copy_fixture_run("skipped");
  // No penalty, no evaluation, no network.
  std::string history = read_text(run / "history.csv");
  std::string without_penalty;
  std::istringstream lines(history);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("epoch", 0) != 0) {
      const auto seconds = line.rfind(',');
      const auto penalty = line.rfind(',', seconds - 1);
      line = line.substr(0, penalty) + ",0.0" + line.substr(seconds);
    }
    without_penalty += line + "\n";
  }
  write_text(run / "history.csv", without_penalty);
  std::string summary = read_text(run / "summary.yaml");
  summary.replace(summary.find("truth:"), 0, "# ");
  write_text(run / "summary.yaml", summary);
  fs::remove(run / "trajectories.csv");
  fs::remove_all(run / "network");

  const auto result = hnn::report::write_report(run, hnn::report::ReportOptions{});
  CHECK(figure_names(result) == std::vector<std::string>{"data_phase_portrait", "losses"});
  REQUIRE(result.skipped.size() == 4);
  CHECK(result.skipped[0] == "penalty: no model has a non-zero penalty (L1 / regulariser)");
  CHECK(result.skipped[1] ==
        "trajectories_phase_space: the run was not evaluated (no trajectories.csv)");
  CHECK(contains(result.BriefReport(), "report.html with 2 figures (not drawn: penalty: "));
  const std::string html = read_text(run / "report.html");
  CHECK(contains(html, "Figure not drawn: energy: the run was not evaluated"));
  CHECK(contains(html, "The run was not evaluated (evaluation.enabled: false)"));
}

TEST_CASE("report options are validated with the value and the range") {
  hnn::report::ReportOptions options;
  std::string error;
  CHECK(options.IsValid(&error));
  options.figures.width = 50;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error == "figures.width: expected an integer in [200, 4000], found 50");
  const fs::path run = copy_fixture_run("options");
  CHECK_THROWS_WITH_AS(hnn::report::write_report(run, options),
                       "report options: figures.width: expected an integer in [200, 4000], "
                       "found 50",
                       hnn::Error);
  CHECK_FALSE(fs::exists(run / "report.html"));
}

TEST_CASE("PLplot's errors are exceptions, and PLplot stays usable after one") {
  using hnn::report::internal::PlotCanvas;
  const fs::path directory = hnn::testing::report_scratch("canvas");
  const hnn::report::FigureOptions options;
  CHECK_THROWS_WITH_AS(PlotCanvas("nosuchdevice", directory / "x.svg", options),
                       doctest::Contains("PLplot has no 'nosuchdevice' device"), hnn::Error);
  CHECK_THROWS_WITH_AS(PlotCanvas("svgcairo", "/nonexistent/folder/x.svg", options),
                       "cannot write /nonexistent/folder/x.svg", hnn::Error);
  // A fatal error (plexit) would end the process; the canvas turns it into an exception.
  CHECK_THROWS_WITH_AS(
      [&] {
        PlotCanvas canvas("svgcairo", directory / "fatal.svg", options);
        plexit("a fatal error for the test");
      }(),
      "PLplot: a fatal error for the test", hnn::Error);
  // A non-fatal one (plabort) is reported by finish().
  CHECK_THROWS_WITH_AS(
      [&] {
        PlotCanvas canvas("svgcairo", directory / "abort.svg", options);
        plabort("a non-fatal error for the test");
        canvas.finish();
      }(),
      "PLplot: a non-fatal error for the test", hnn::Error);
  PlotCanvas canvas("pngcairo", directory / "after.png", options);
  canvas.axes({0, 1}, {1e-3, 1}, true, "x", "y", "after errors");
  canvas.line({0, 0.5, 1}, {1e-3, 0.0, 1}, hnn::report::internal::series_colour(0));
  canvas.finish();
  CHECK(is_png(directory / "after.png"));
}
