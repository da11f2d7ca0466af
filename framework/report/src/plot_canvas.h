// One PLplot stream drawing one figure file, with PLplot's errors turned into exceptions.
#ifndef HNN_REPORT_SRC_PLOT_CANVAS_H_
#define HNN_REPORT_SRC_PLOT_CANVAS_H_

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hnn/report/figures.h"

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

// An axis range in data units.
struct Range {
  double low = 0;
  double high = 1;
};

// The finite values' range (on a log axis only the positive ones) padded by `padding` times
// its span, or nullopt when there is no such value. A single value gets a range around it.
std::optional<Range> data_range(const std::vector<const std::vector<double>*>& series,
                                bool logarithmic, double padding = 0.04);

// A log axis shows at most this factor between its largest value and its lower end: a
// squared error below 1e-16 of the largest one is round-off of doubles, and drawing it
// would squash every other curve into the top of the plot.
inline constexpr double kLogAxisDynamicRange = 1e16;

// The y axis of a quantity that is positive by nature (a loss, a penalty, a squared
// error): logarithmic when the positive values span at least a factor of 30, else linear
// (a log axis over less than a decade shows a single labelled tick).
//
// On a logarithmic axis the lower end is `floor` = max(smallest positive value,
// largest / kLogAxisDynamicRange); the range is padded by 2% of its span in decades, at
// the bottom only when nothing is clipped. Values between 0 and `floor` are drawn at
// `floor` (PlotCanvas::axes); `clipped` says whether there are any.
struct MagnitudeAxis {
  Range range;
  bool logarithmic = true;
  double floor = 0;      // logarithmic only
  bool clipped = false;  // logarithmic only
  // "logarithmic scale" or "linear scale", for captions.
  std::string scale_name() const;
  // For captions: "" or, when values were clipped, a sentence saying where.
  std::string clipping_note() const;
};

// The axis for `series`, or nullopt when no value is positive.
std::optional<MagnitudeAxis> magnitude_axis(const std::vector<const std::vector<double>*>& series);

// How many decades lie between two labelled ticks of a log axis spanning
// [log10_low, log10_high]: the smallest whole number that leaves at most 8 labels.
int decades_per_label(double log10_low, double log10_high);

// The label of the decade 10^exponent, with Unicode superscripts ("10⁻⁶", "10⁰"): cairo
// renders them as ordinary glyphs, in PNG and SVG alike.
std::string decade_label(int exponent);

// `range` clipped so that it extends at most `factor` times the span of `limit` beyond
// `limit` on each side (keeps a diverging model from squashing the truth).
Range clip_range(Range range, Range limit, double factor);

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
