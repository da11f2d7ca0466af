// The figures: every one written as valid SVG and PNG, atomically, skipped when the run
// has no data for it; PLplot's errors come back as exceptions.
#include <doctest/doctest.h>
#include <plplot.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "figure_plan.h"
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

// Width and height of a PNG from its IHDR chunk (bytes 16-23, big-endian), {0, 0} when the
// file is too short.
std::pair<int, int> png_size(const fs::path& file) {
  const std::string bytes = read_text(file);
  if (bytes.size() < 24 || bytes.compare(12, 4, "IHDR") != 0) return {0, 0};
  const auto word = [&](std::size_t at) {
    int value = 0;
    for (std::size_t k = 0; k < 4; ++k)
      value = value * 256 + static_cast<unsigned char>(bytes[at + k]);
    return value;
  };
  return {word(16), word(20)};
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

TEST_CASE("the PNGs have the requested size, the page shows each figure, figures follow data") {
  const fs::path run = copy_fixture_run("figure_content");
  hnn::report::ReportOptions options;
  options.figures.width = 700;
  options.figures.height = 500;
  const auto result = hnn::report::write_report(run, options);
  REQUIRE(result.figures.size() == 7);
  const std::string html = read_text(run / "report.html");
  for (const auto& figure : result.figures) {
    CAPTURE(figure.name);
    CHECK(png_size(run / figure.png_file) == std::pair<int, int>{700, 500});
    // The page shows the SVG and links the PNG of every figure written.
    std::string svg_source = "src=\"", png_link = "href=\"";
    svg_source += figure.svg_file.generic_string();
    png_link += figure.png_file.generic_string();
    CHECK(contains(html, svg_source + "\""));
    CHECK(contains(html, png_link + "\""));
  }
  // ... and names no figure file that does not exist.
  for (std::size_t at = html.find("figures/"); at != std::string::npos;
       at = html.find("figures/", at + 1)) {
    const std::string file = html.substr(at, html.find('"', at) - at);
    CAPTURE(file);
    CHECK(fs::exists(run / file));
  }
  // The same data give the same pictures (PNGs byte for byte: an SVG's glyph definitions
  // come in the order of the process's font cache); other losses give another loss figure
  // and leave the phase portrait of the unchanged data alone.
  const std::string losses = read_text(run / "figures" / "losses.png");
  const std::string portrait = read_text(run / "figures" / "data_phase_portrait.png");
  hnn::report::write_report(run, options);
  CHECK(read_text(run / "figures" / "losses.png") == losses);
  const std::string history = read_text(run / "history.csv");
  const std::size_t first_loss = history.find("\n0,kan,0,");
  REQUIRE(first_loss != std::string::npos);
  // The first train loss 0.65... becomes 5.65...
  write_text(run / "history.csv",
             history.substr(0, first_loss + 9) + "5" + history.substr(first_loss + 10));
  hnn::report::write_report(run, options);
  CHECK(read_text(run / "figures" / "losses.png") != losses);
  CHECK(read_text(run / "figures" / "data_phase_portrait.png") == portrait);
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

TEST_CASE("a log axis reaches down to 1e-16 of its largest value; smaller values are clipped") {
  using hnn::report::internal::magnitude_axis;
  // An MSE of 1e-30 is round-off: the axis ends at 1e-16 of the largest value, and the
  // caption says so. Zero and NaN are left out.
  const std::vector<double> refined{1.0, 1e-3, 1e-30, 0.0, NAN};
  auto axis = magnitude_axis({&refined});
  REQUIRE(axis);
  CHECK(axis->logarithmic);
  CHECK(axis->floor == doctest::Approx(1e-16).epsilon(1e-12));
  CHECK(axis->clipped);
  // Padded by 2% of the 16 decades at both ends.
  CHECK(std::log10(axis->range.low) == doctest::Approx(-16.32));
  CHECK(std::log10(axis->range.high) == doctest::Approx(0.32));
  CHECK(axis->clipping_note() ==
        "Values below 1e-16 (1e-16 of the largest, round-off of doubles) are drawn on the "
        "lower edge.");

  // Within 16 decades the lower end is the smallest value.
  const std::vector<double> errors{2e-3, 5e-12};
  axis = magnitude_axis({&errors});
  REQUIRE(axis);
  CHECK(axis->logarithmic);
  CHECK(axis->floor == 5e-12);
  CHECK_FALSE(axis->clipped);
  CHECK(axis->clipping_note().empty());

  // Less than a factor of 30: linear, nothing clipped.
  const std::vector<double> penalties{1e-4, 2e-4};
  axis = magnitude_axis({&penalties});
  REQUIRE(axis);
  CHECK_FALSE(axis->logarithmic);
  CHECK(axis->clipping_note().empty());
  const std::vector<double> nothing_positive{0.0, -1.0, NAN};
  CHECK_FALSE(magnitude_axis({&nothing_positive}));
}

TEST_CASE("a log axis labels at most 8 decades, 10ⁿ with superscripts") {
  using hnn::report::internal::decade_label;
  using hnn::report::internal::decades_per_label;
  CHECK(decades_per_label(-3.1, 0.2) == 1);
  CHECK(decades_per_label(-9.2, 0.1) == 2);    // 10 decades: 10⁰, 10⁻², ..., 10⁻⁸
  CHECK(decades_per_label(-16.3, 0.3) == 3);   // the widest magnitude axis
  CHECK(decades_per_label(-31.0, -0.5) == 4);  // 30 decades: 10⁻⁴, ..., 10⁻²⁸
  for (double span = 0.5; span < 400; span *= 1.3) {
    CAPTURE(span);
    const int step = decades_per_label(-span, 0.25);
    CHECK(std::floor(0.25 / step) - std::ceil(-span / step) + 1 <= 8);
  }
  CHECK(decade_label(-16) == "10⁻¹⁶");
  CHECK(decade_label(0) == "10⁰");
  CHECK(decade_label(3) == "10³");
}

TEST_CASE("the legend's width is measured: a long entry narrows the plot, never the text") {
  using hnn::report::internal::LegendEntry;
  using hnn::report::internal::PlotCanvas;
  using hnn::report::internal::series_colour;
  auto entry = [](const std::string& text, std::size_t index) {
    return LegendEntry{text, series_colour(index), 1, 2, ""};
  };
  const fs::path directory = hnn::testing::report_scratch("legend");
  const hnn::report::FigureOptions options;
  auto plot_right = [&](const std::string& device, const std::vector<LegendEntry>& legend) {
    PlotCanvas canvas(device, directory / ("legend." + device), options);
    canvas.legend(legend);
    const double right = canvas.plot_right();
    canvas.axes({0, 1}, {1e-30, 1}, true, "t", "MSE", "legend");
    canvas.finish();
    return right;
  };
  for (const std::string device : {"svgcairo", "pngcairo"}) {
    CAPTURE(device);
    const double short_entry = plot_right(device, {entry("kan", 0)});
    const double long_entry =
        plot_right(device, {entry("kan", 0), entry("kan_l1_symbolic train", 1)});
    // 18 more characters of about 9 pixels of 960.
    CHECK(short_entry - long_entry > 0.12);
    CHECK(long_entry > 0.55);
    // Very long names are written smaller: the plot keeps its minimum width.
    const double very_long = plot_right(device, {entry(std::string(120, 'm'), 0)});
    CHECK(very_long >= 0.15 + PlotCanvas::kMinimumPlotWidth);
    CHECK(very_long < long_entry);
    // Many entries fit the height (closer, then smaller).
    std::vector<LegendEntry> many;
    for (std::size_t i = 0; i < 30; ++i) many.push_back(entry("model_" + std::to_string(i), i));
    CHECK(plot_right(device, many) > 0.55);
  }
  // The plot area depends on the legend: the legend comes first.
  PlotCanvas canvas("svgcairo", directory / "order.svg", options);
  canvas.axes({0, 1}, {0, 1}, false, "x", "y", "order");
  CHECK_THROWS_WITH_AS(canvas.legend({entry("late", 0)}),
                       "PlotCanvas: legend() is called at most once, before axes()", hnn::Error);
}

TEST_CASE("the loss figure leaves out the recovered formulas and says where their losses are") {
  const fs::path run = copy_fixture_run("losses_symbolic");
  // A recovered formula (plugin "symbolic") whose refinement reaches round-off.
  std::string summary = read_text(run / "summary.yaml");
  summary += R"(  kan_symbolic:
    plugin: "symbolic"
    description: "formula of kan"
    trained: true
    epochs: 3
)";
  write_text(run / "summary.yaml", summary);
  std::string history = read_text(run / "history.csv");
  history +=
      "0,kan_symbolic,0,1e-3,1e-3,0.0,0.0\n"
      "1,kan_symbolic,1,1e-20,,0.0,0.1\n"
      "2,kan_symbolic,1,1e-31,1e-31,0.0,0.2\n";
  write_text(run / "history.csv", history);
  const hnn::report::RunFolder folder = hnn::report::read_run_folder(run);
  REQUIRE(folder.history.find("kan_symbolic") != nullptr);

  std::vector<std::string> formulas;
  const auto trained = hnn::report::internal::trained_model_histories(folder, &formulas);
  REQUIRE(trained.size() == 2);
  CHECK(trained[0]->model == "kan");
  CHECK(trained[1]->model == "kan_l1");
  CHECK(formulas == std::vector<std::string>{"kan_symbolic"});

  std::string reason;
  const auto plan = hnn::report::internal::plan_losses(folder, reason);
  REQUIRE(plan);
  CHECK(contains(plan->caption, "recovered formulas (kan_symbolic)"));
  CHECK(contains(plan->caption, "their losses are in history.csv"));
  // The networks' losses span less than 16 decades: nothing is clipped.
  CHECK_FALSE(contains(plan->caption, "Values below"));
  const auto result = hnn::report::write_report(run, hnn::report::ReportOptions{});
  CHECK(contains(read_text(run / "report.html"), "their losses are in history.csv"));
}

TEST_CASE("the trajectory error shows the reference integrator's error in grey") {
  const fs::path run = copy_fixture_run("reference_error");
  const hnn::report::RunFolder folder = hnn::report::read_run_folder(run);
  REQUIRE(folder.trajectories);
  REQUIRE(folder.trajectories->has_reference);
  std::string reason;
  const auto plan = hnn::report::internal::plan_trajectory_error(folder, reason);
  REQUIRE(plan);
  CHECK(contains(plan->caption, "Grey: the same error of the reference rollout"));
}

namespace {

// The fixture run as if its system had a damping 0.1 (H = q^2 + p^2: dissipated power
// 0.4 p^2 along the truth) and `kan` a learned one (0.25 p^2), with kan's energy-loss ratio.
fs::path damped_fixture_run(const std::string& name) {
  const fs::path run = copy_fixture_run(name);
  std::istringstream lines(read_text(run / "trajectories.csv"));
  std::ostringstream csv;
  csv.precision(17);
  std::string line;
  std::getline(lines, line);
  // t,truth_q,truth_p,truth_energy,... : the power columns after truth_energy and at the end.
  const auto after_energy = line.find("truth_energy") + std::string("truth_energy").size();
  csv << line.substr(0, after_energy) << ",truth_dissipated_power,truth_supplied_power"
      << line.substr(after_energy) << ",kan_dissipated_power,kan_supplied_power\n";
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::istringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    const double truth_p = std::stod(cells[2]);
    const double kan_p = std::stod(cells[8]);  // t, truth q p E, reference q p E, kan q p
    for (std::size_t c = 0; c < cells.size(); ++c) {
      csv << (c ? "," : "") << cells[c];
      if (c == 3) csv << ',' << 0.4 * truth_p * truth_p << ",0.0";
    }
    csv << ',' << 0.25 * kan_p * kan_p << ",0.0\n";
  }
  write_text(run / "trajectories.csv", csv.str());
  std::string summary = read_text(run / "summary.yaml");
  summary.insert(summary.find("  kan:\n") + 7, "    energy_loss_ratio: 0.96875\n");
  write_text(run / "summary.yaml", summary);
  return run;
}

}  // namespace

TEST_CASE(
    "a run that dissipates: the dissipated power figure, the ratios in the energy's caption") {
  const fs::path run = damped_fixture_run("dissipated_power");
  const hnn::report::RunFolder folder = hnn::report::read_run_folder(run);
  REQUIRE(folder.trajectories);
  // The power columns are not coordinates.
  CHECK(folder.trajectories->coordinate_names == std::vector<std::string>{"q", "p"});
  const auto& truth = folder.trajectories->truth;
  REQUIRE(truth.dissipated_power.size() == folder.trajectories->times.size());
  for (std::size_t k = 0; k < truth.dissipated_power.size(); ++k) {
    CHECK(truth.dissipated_power[k] ==
          doctest::Approx(0.4 * truth.coordinates[1][k] * truth.coordinates[1][k]));
  }
  REQUIRE(folder.trajectories->models.size() == 2);
  CHECK(folder.trajectories->models[0].rollout.dissipated_power.size() == truth.energy.size());
  CHECK(folder.trajectories->models[1].rollout.dissipated_power.empty());  // kan_l1

  std::string reason;
  const auto energy = hnn::report::internal::plan_energy(folder, reason);
  REQUIRE(energy);
  CHECK(contains(energy->caption, "The system has damping or forcing"));
  CHECK(contains(energy->caption,
                 "Energy-loss ratios (model over truth, H over the first quarter "
                 "of the span minus H over its last): kan 0.969."));
  const auto power = hnn::report::internal::plan_dissipated_power(folder, reason);
  REQUIRE(power);
  CHECK(contains(power->caption,
                 "along the truth with the system's H and R (black), and along "
                 "the rollout of every model with a learned damping"));

  const auto result = hnn::report::write_report(run, hnn::report::ReportOptions{});
  CHECK(figure_names(result) == std::vector<std::string>{"data_phase_portrait", "losses", "penalty",
                                                         "trajectories_phase_space",
                                                         "trajectory_error", "energy",
                                                         "dissipated_power", "network_kan"});
  CHECK(result.skipped.empty());
  CHECK(is_svg(run / "figures" / "dissipated_power.svg"));
  CHECK(is_png(run / "figures" / "dissipated_power.png"));
  // The results table gains the ratio's column: kan's value, kan_l1 without one.
  const std::string html = read_text(run / "report.html");
  CHECK(contains(html, "<th>energy-loss ratio</th>"));
  CHECK(contains(html, "<td class=\"number\" title=\"0.96875\">0.969</td>"));
  CHECK(contains(html, "1 when the model dissipates as the system does."));
}

TEST_CASE("a conservative run has no dissipated power figure and keeps its energy caption") {
  const fs::path run = copy_fixture_run("conservative_energy");
  const hnn::report::RunFolder folder = hnn::report::read_run_folder(run);
  std::string reason;
  CHECK_FALSE(hnn::report::internal::plan_dissipated_power(folder, reason));
  CHECK(reason == "dissipated_power: neither the system nor a model dissipates");
  CHECK_FALSE(hnn::report::internal::plan_measured_energy(folder, reason));
  const auto energy = hnn::report::internal::plan_energy(folder, reason);
  REQUIRE(energy);
  CHECK(contains(energy->caption,
                 "The exact flow keeps H constant; the spread of a model's "
                 "curve is its energy error."));
  CHECK_FALSE(contains(energy->caption, "Energy-loss ratios"));
  hnn::report::write_report(run, hnn::report::ReportOptions{});
  CHECK_FALSE(contains(read_text(run / "report.html"), "energy-loss ratio"));
  CHECK_FALSE(fs::exists(run / "figures" / "dissipated_power.svg"));
}

TEST_CASE("a measured run with a reference H gets the measured energy figure") {
  const fs::path run = copy_fixture_run("measured_energy");
  fs::remove(run / "trajectories.csv");
  std::string summary = read_text(run / "summary.yaml");
  const auto truth = summary.find("truth:");
  summary.replace(truth, summary.find('\n', truth) - truth,
                  "measured: {integrator: \"rk45\", pieces: 2, samples: 6, "
                  "reference_hamiltonian: \"q^2 + p^2\", energy_losses: [0.5, 0.25]}");
  summary.insert(summary.find("  kan:\n") + 7,
                 "    energy_loss_ratio: 0.96875\n    energy_loss_ratios: [1.0, 0.9375]\n");
  write_text(run / "summary.yaml", summary);
  write_text(run / "measured_trajectories.csv",
             "piece,t,q,p,measured_energy,kan_q,kan_p,kan_energy,kan_H\n"
             "0,0.0,1.0,0.0,1.0,1.0,0.0,1.0,3.0\n"
             "0,0.5,0.8,-0.4,0.8,0.8,-0.4,0.8,2.8\n"
             "0,1.0,0.6,-0.5,0.61,0.6,-0.5,0.61,2.61\n"
             "1,5.0,-0.5,0.3,0.34,-0.5,0.3,0.34,2.34\n"
             "1,5.5,-0.3,0.4,0.25,-0.3,0.4,0.25,2.25\n"
             "1,6.0,-0.1,0.4,0.17,-0.1,0.4,0.17,2.17\n");
  const hnn::report::RunFolder folder = hnn::report::read_run_folder(run);
  std::string reason;
  const auto plan = hnn::report::internal::plan_measured_energy(folder, reason);
  REQUIRE(plan);
  CHECK(contains(plan->caption,
                 "reference Hamiltonian H_ref = q^2 + p^2 evaluated on the held-out "
                 "measurements"));
  CHECK(contains(plan->caption, "mean over the pieces): kan 0.969."));
  const auto result = hnn::report::write_report(run, hnn::report::ReportOptions{});
  const auto names = figure_names(result);
  CHECK(std::find(names.begin(), names.end(), "measured_rollouts") != names.end());
  CHECK(std::find(names.begin(), names.end(), "measured_energy") != names.end());
  CHECK(is_svg(run / "figures" / "measured_energy.svg"));
  CHECK(fs::file_size(run / "figures" / "measured_energy.png") > 1000);
}
