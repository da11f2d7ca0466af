// One PLplot stream drawing one figure file, with PLplot's errors turned into exceptions;
// the colours and legend entries it draws with. The axis ranges it is given are computed
// in plot_axes.h.
#ifndef HNN_REPORT_SRC_PLOT_CANVAS_H_
#define HNN_REPORT_SRC_PLOT_CANVAS_H_

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "hnn/report/figures.h"
#include "plot_axes.h"

namespace hnn::report::internal {

// The colour map (PLplot cmap0) every canvas sets: a white background, black axes, greys
// and a colour-blind-safe series palette (Okabe and Ito).
enum Colour : int {
  kWhite = 0,
  kBlack = 1,
  kLightGrey = 2,
  kDarkGrey = 3,
  kFirstSeriesColour = 4,
};

// The colour of the index-th data series (cycles through seven colours).
int series_colour(std::size_t index);

// A line of a legend: `line_style` 0 draws no line, `symbol` "" no symbol.
struct LegendEntry {
  std::string text;
  int colour = kBlack;
  int line_style = 1;
  double line_width = 2;
  std::string symbol;
};

// `text` with PLplot's escape character '#' doubled, so that names print as they are.
std::string plplot_text(const std::string& text);

// A PLplot stream for one output file. Holds a process-wide lock while it lives (PLplot
// keeps global state). PLplot's fatal errors (plexit) are thrown as hnn::Error through
// PLplot's C frames (Debian builds it with unwind tables); its other errors (plabort) are
// collected and thrown by finish(). After an error the stream is not used again.
//
// The legend goes first: its width, measured by PLplot from the text, decides how much of
// the page the plot area leaves to it.
//
//   PlotCanvas canvas("svgcairo", scratch_file, options);
//   canvas.legend({{"mlp train", series_colour(0), 1, 2, ""}});
//   canvas.axes({0, 10}, {1e-8, 1}, true, "epoch", "loss", "Losses");
//   canvas.line(epochs, losses, series_colour(0));
//   canvas.finish();
class PlotCanvas {
 public:
  // Opens a stream drawing with `device` ("svgcairo" or "pngcairo") into `file`, which
  // must be writable (PLplot would otherwise ask for another name on standard input).
  // Throws hnn::Error when the device is not available or PLplot fails.
  PlotCanvas(const std::string& device, const std::filesystem::path& file,
             const FigureOptions& options);
  ~PlotCanvas();
  PlotCanvas(const PlotCanvas&) = delete;
  PlotCanvas& operator=(const PlotCanvas&) = delete;

  const FigureOptions& options() const { return options_; }

  // Draws a legend at the top right of the page and narrows the plot area so that it ends
  // left of the legend: PLplot measures the entries with the cairo fonts, so no text is
  // cut. Entries longer than 28 characters are written smaller, so that the plot keeps
  // its width (at least kMinimumPlotWidth of the page in any case); many entries are
  // spaced closer, then written smaller, to fit the plot's height. Call at most once,
  // before axes(); throws hnn::Error otherwise.
  void legend(const std::vector<LegendEntry>& entries);

  // The right end of the plot area, in normalized page coordinates (0.95 without a
  // legend).
  double plot_right() const { return plot_right_; }

  // Sets up the plot area (left of the legend, if any), draws a grid, the axes with their
  // labels and the title. With `log_y` the y axis is logarithmic: y values passed to
  // line() and points() stay in data units, non-positive ones are left out and positive
  // ones below y.low are drawn at y.low. Labelled decades are at most 8 (every k-th
  // decade, decades_per_label).
  void axes(Range x, Range y, bool log_y, const std::string& x_label, const std::string& y_label,
            const std::string& title);
  // The same with a magnitude axis: on a logarithmic one, values below y.floor are drawn at
  // y.floor.
  void axes(Range x, const MagnitudeAxis& y, const std::string& x_label, const std::string& y_label,
            const std::string& title);

  // A polyline through the finite points (others are left out; on a log axis also the
  // non-positive ones), thinned to options().max_points_per_curve points. `style` is a PLplot line
  // style (1 solid, 2 dashed, 3 long dashes).
  void line(const std::vector<double>& x, const std::vector<double>& y, int colour,
            double width = 2, int style = 1);

  // One `symbol` (a UTF-8 glyph such as "•") per finite point, thinned likewise.
  void points(const std::vector<double>& x, const std::vector<double>& y, int colour,
              const std::string& symbol, double scale = 1);

  // A note centred at the bottom of the page, below the x label (small, dark grey; smaller
  // still when it would not fit the page's width).
  void footnote(const std::string& text);

  // Ends the stream (plend1). Throws hnn::Error with PLplot's messages when it reported an
  // error while drawing. The file is complete after a successful finish().
  void finish();

  // The narrowest plot area legend() leaves, as a fraction of the page width.
  static constexpr double kMinimumPlotWidth = 0.4;

 private:
  struct Points {
    std::vector<double> x;
    std::vector<double> y;  // log10 on a logarithmic axis
  };
  // The finite points (positive on a log axis) in plot coordinates, thinned.
  Points plottable(const std::vector<double>& x, const std::vector<double>& y) const;

  std::unique_lock<std::mutex> lock_;
  FigureOptions options_;
  bool log_y_ = false;
  double log_floor_ = 0;  // on a log axis, positive values below are drawn here
  bool has_axes_ = false;
  bool has_legend_ = false;
  double plot_right_ = 0.95;
  bool open_ = false;
};

}  // namespace hnn::report::internal

#endif  // HNN_REPORT_SRC_PLOT_CANVAS_H_
