// Axis ranges of a figure, in data units: the padded range of the data, the magnitude
// axis of a positive quantity (linear or logarithmic, with its lower end), and the labels
// of a logarithmic axis. Plain computations; drawing is PlotCanvas's (plot_canvas.h).
#ifndef HNN_REPORT_SRC_PLOT_AXES_H_
#define HNN_REPORT_SRC_PLOT_AXES_H_

#include <optional>
#include <string>
#include <vector>

namespace hnn::report::internal {

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

}  // namespace hnn::report::internal

#endif  // HNN_REPORT_SRC_PLOT_AXES_H_
