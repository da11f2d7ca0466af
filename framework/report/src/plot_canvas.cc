#include "plot_canvas.h"

#include <plplot.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "hnn/error.h"

namespace hnn::report::internal {

namespace {

// PLplot's state is global; one stream is used at a time, by whoever holds this lock.
std::mutex& plplot_mutex() {
  static std::mutex mutex;
  return mutex;
}

// The messages of plabort() since the current canvas opened (guarded by plplot_mutex).
std::string& abort_messages() {
  static std::string messages;
  return messages;
}

// A fatal PLplot error: plexit() would end the process after this handler returns, so
// the handler never returns; it throws through PLplot's C frames.
int throw_on_plplot_exit(PLCHAR_VECTOR message) {
  throw Error(std::string("PLplot: ") + (message != nullptr ? message : "fatal error"));
}

void collect_plplot_abort(PLCHAR_VECTOR message) {
  std::string& messages = abort_messages();
  if (!messages.empty()) messages += "; ";
  messages += message != nullptr ? message : "error";
}

bool device_available(const std::string& device) {
  constexpr int kMaxDevices = 128;
  PLCHAR_VECTOR menus[kMaxDevices];
  PLCHAR_VECTOR names[kMaxDevices];
  PLCHAR_VECTOR* menu_list = menus;
  PLCHAR_VECTOR* name_list = names;
  int count = kMaxDevices;
  plgDevs(&menu_list, &name_list, &count);
  for (int i = 0; i < count; ++i) {
    if (name_list[i] != nullptr && device == name_list[i]) return true;
  }
  return false;
}

struct Rgb {
  int red, green, blue;
};

// kWhite, kBlack, kLightGrey, kDarkGrey, then the Okabe–Ito series colours.
constexpr Rgb kPalette[] = {
    {255, 255, 255}, {0, 0, 0},      {200, 200, 200}, {100, 100, 100},
    {0, 114, 178},   {213, 94, 0},   {0, 158, 115},   {204, 121, 167},
    {230, 159, 0},   {86, 180, 233}, {120, 60, 150},
};
constexpr int kPaletteSize = int(sizeof(kPalette) / sizeof(kPalette[0]));
constexpr int kSeriesColours = kPaletteSize - kFirstSeriesColour;

// The plot area, in normalized page coordinates; its right end is PlotCanvas::plot_right(),
// left of the legend. The legend ends at kLegendRight, kLegendGap right of the plot.
constexpr double kPlotLeft = 0.15, kPlotBottom = 0.14, kPlotTop = 0.90;
constexpr double kLegendRight = 0.99, kLegendGap = 0.025;
// The legend's text relative to the figure's, its spacing from one entry to the next in
// text heights, and the longest entry (in characters) written at full size.
constexpr double kLegendTextScale = 0.85, kLegendSpacing = 2.2, kLegendFullSizeCharacters = 28;

// How the tick labels of a linear axis are written: ticks are divided by 10^exponent (the
// axis label then says "×10^exponent") and printed with `digits` after the decimal point.
// PLplot's own labels print 1.000 at every tick of a range such as [0.9996, 1.0004].
// On a log axis (`decades`) the ticks are exponents and labelled 10^n.
struct TickFormat {
  int exponent = 0;
  int digits = 0;
  bool decades = false;
};
TickFormat g_x_ticks, g_y_ticks;  // guarded by plplot_mutex

TickFormat tick_format(double low, double high) {
  TickFormat format;
  const double magnitude = std::max(std::abs(low), std::abs(high));
  // Scaled when the labels would be long: values below 0.01 or of a million and more.
  if (magnitude > 0 && std::isfinite(magnitude) && (magnitude < 1e-2 || magnitude >= 1e6)) {
    format.exponent = int(std::floor(std::log10(magnitude)));
  }
  const double step = (high - low) / std::pow(10.0, format.exponent) / 8;
  format.digits = step > 0 ? std::clamp(int(std::ceil(-std::log10(step))), 0, 12) : 3;
  return format;
}

void format_tick(PLINT axis, PLFLT value, PLCHAR_NC_VECTOR label, PLINT length, PLPointer) {
  const TickFormat& format = axis == PL_X_AXIS ? g_x_ticks : g_y_ticks;
  if (format.decades) {
    std::snprintf(label, std::size_t(length), "%s", decade_label(int(std::lround(value))).c_str());
    return;
  }
  value /= std::pow(10.0, format.exponent);
  if (std::abs(value) < 0.5 * std::pow(10.0, -format.digits)) value = 0;  // no "-0.00"
  std::snprintf(label, std::size_t(length), "%.*f", format.digits, value);
}

// `label` with the scale of the ticks, e.g. "penalty (×10⁻⁴)".
std::string scaled_label(const std::string& label, const TickFormat& format) {
  if (format.exponent == 0) return plplot_text(label);
  return plplot_text(label) + " (×" + decade_label(format.exponent) + ")";
}

// The code points of UTF-8 `text` (malformed bytes count as one each).
std::vector<char32_t> code_points(const std::string& text) {
  std::vector<char32_t> points;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2;
    char32_t point = length == 1 ? byte : byte & (0x7F >> length);
    std::size_t k = 1;
    for (; k < length && i + k < text.size(); ++k) {
      point = (point << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    points.push_back(point);
    i += k;
  }
  return points;
}

// The width of `text` in digit widths, roughly: its number of characters (superscript
// digits are about as wide as digits in the cairo fonts).
double text_width_in_digits(const std::string& text) { return double(code_points(text).size()); }

}  // namespace

int series_colour(std::size_t index) {
  return kFirstSeriesColour + int(index % std::size_t(kSeriesColours));
}

std::string plplot_text(const std::string& text) {
  std::string escaped;
  for (const char c : text) {
    escaped += c;
    if (c == '#') escaped += '#';
  }
  return escaped;
}

PlotCanvas::PlotCanvas(const std::string& device, const std::filesystem::path& file,
                       const FigureOptions& options)
    : lock_(plplot_mutex()), options_(options) {
  plsexit(throw_on_plplot_exit);
  plsabort(collect_plplot_abort);
  abort_messages().clear();
  if (!device_available(device)) {
    throw Error("PLplot has no '" + device +
                "' device; install its cairo driver (Debian: plplot-driver-cairo)");
  }
  {
    // PLplot prompts on standard input for another name when it cannot open the file.
    std::ofstream probe(file, std::ios::binary | std::ios::trunc);
    if (!probe) throw Error("cannot write " + file.string());
  }
  PLINT stream = 0;
  plmkstrm(&stream);
  if (stream < 0) throw Error("PLplot: no free stream");
  open_ = true;
  plsdev(device.c_str());
  plsfnam(file.c_str());
  plspage(0, 0, options.width, options.height, 0, 0);
  plscmap0n(16);
  for (int i = 0; i < kPaletteSize; ++i) {
    plscol0(i, kPalette[i].red, kPalette[i].green, kPalette[i].blue);
  }
  plscolbg(255, 255, 255);
  plinit();
  plschr(0, options.text_scale);
  pladv(0);
}

PlotCanvas::~PlotCanvas() {
  if (!open_) return;
  try {
    plend1();
  } catch (...) {  // NOLINT(bugprone-empty-catch): a canvas given up on; its file is removed
  }
}

void PlotCanvas::axes(Range x, const MagnitudeAxis& y, const std::string& x_label,
                      const std::string& y_label, const std::string& title) {
  axes(x, y.range, y.logarithmic, x_label, y_label, title);
  if (y.logarithmic) log_floor_ = std::max(y.floor, y.range.low);
}

void PlotCanvas::axes(Range x, Range y, bool log_y, const std::string& x_label,
                      const std::string& y_label, const std::string& title) {
  has_axes_ = true;
  log_y_ = log_y;
  log_floor_ = y.low;
  plvpor(kPlotLeft, plot_right_, kPlotBottom, kPlotTop);
  const double y_low = log_y ? std::log10(y.low) : y.low;
  const double y_high = log_y ? std::log10(y.high) : y.high;
  plwind(x.low, x.high, y_low, y_high);
  // Every label comes from format_tick ("o"). A log axis is drawn as a linear one in
  // decades, labelled 10ⁿ every `step` decades; its minor ticks mark 2..9 (PLplot's "l")
  // when every decade is labelled, else the decades.
  g_x_ticks = tick_format(x.low, x.high);
  g_y_ticks = log_y ? TickFormat{0, 0, true} : tick_format(y_low, y_high);
  const int step = log_y ? decades_per_label(y_low, y_high) : 0;
  plslabelfunc(format_tick, nullptr);
  plcol0(kLightGrey);
  plwidth(0.5);
  plbox("g", 0, 0, "g", step, 0);
  plcol0(kBlack);
  plwidth(1);
  if (log_y) {
    plbox("bcnsto", 0, 0, step == 1 ? "bcstl" : "bcst", step, step == 1 || step > 10 ? 0 : step);
    plbox("", 0, 0, "nxvo", step, 0);  // "x": labels without ticks
  } else {
    plbox("bcnsto", 0, 0, "bcnstvo", 0, 0);
  }
  pllab(scaled_label(x_label, g_x_ticks).c_str(), "", plplot_text(title).c_str());
  // The y label clears the tick labels, whose width depends on their digits (in character
  // heights, PLplot's unit here; a digit is about 0.85 of one with the cairo fonts).
  double longest = 0;
  char label[64];
  if (log_y) {
    for (double decade = std::ceil(y_low / step) * step; decade <= y_high; decade += step) {
      format_tick(PL_Y_AXIS, decade, label, PLINT(sizeof label), nullptr);
      longest = std::max(longest, text_width_in_digits(label));
    }
  } else {
    for (const double value : {y_low, y_high, (y_low + y_high) / 2}) {
      format_tick(PL_Y_AXIS, value, label, PLINT(sizeof label), nullptr);
      longest = std::max(longest, text_width_in_digits(label));
    }
  }
  const double label_offset = std::clamp(1.5 + 0.85 * longest, 3.5, 8.0);
  plmtex("l", label_offset, 0.5, 0.5, scaled_label(y_label, g_y_ticks).c_str());
}

PlotCanvas::Points PlotCanvas::plottable(const std::vector<double>& x,
                                         const std::vector<double>& y) const {
  Points points;
  const std::size_t n = std::min(x.size(), y.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i]) || (log_y_ && y[i] <= 0)) continue;
    points.x.push_back(x[i]);
    points.y.push_back(log_y_ ? std::log10(std::max(y[i], log_floor_)) : y[i]);
  }
  // Thinned after filtering, so that sparse series (a test loss every 10 epochs) keep
  // every point they have; the last point stays, so that a curve ends where its data ends.
  const std::size_t limit = std::size_t(options_.max_points_per_curve);
  if (points.x.size() > limit) {
    const std::size_t stride = (points.x.size() + limit - 1) / limit;
    Points thinned;
    for (std::size_t i = 0; i < points.x.size(); ++i) {
      if (i % stride != 0 && i + 1 != points.x.size()) continue;
      thinned.x.push_back(points.x[i]);
      thinned.y.push_back(points.y[i]);
    }
    points = std::move(thinned);
  }
  return points;
}

void PlotCanvas::line(const std::vector<double>& x, const std::vector<double>& y, int colour,
                      double width, int style) {
  const Points points = plottable(x, y);
  if (points.x.empty()) return;
  plcol0(colour);
  plwidth(width);
  pllsty(style);
  plline(PLINT(points.x.size()), points.x.data(), points.y.data());
  pllsty(1);
  plwidth(1);
}

void PlotCanvas::points(const std::vector<double>& x, const std::vector<double>& y, int colour,
                        const std::string& symbol, double scale) {
  const Points points = plottable(x, y);
  if (points.x.empty()) return;
  plcol0(colour);
  plschr(0, options_.text_scale * scale);
  plstring(PLINT(points.x.size()), points.x.data(), points.y.data(), symbol.c_str());
  plschr(0, options_.text_scale);
}

void PlotCanvas::legend(const std::vector<LegendEntry>& entries) {
  if (has_axes_ || has_legend_) {
    throw Error("PlotCanvas: legend() is called at most once, before axes()");
  }
  has_legend_ = true;
  if (entries.empty()) return;
  const std::size_t n = entries.size();
  std::vector<PLINT> options(n), text_colours(n), box_colours(n, 0), box_patterns(n, 0);
  std::vector<PLINT> line_colours(n), line_styles(n), symbol_colours(n), symbol_numbers(n);
  std::vector<PLFLT> box_scales(n, 1), box_line_widths(n, 1), line_widths(n), symbol_scales(n);
  std::vector<std::string> texts(n), symbols(n);
  std::vector<PLCHAR_VECTOR> text_pointers(n), symbol_pointers(n);
  double longest = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const LegendEntry& entry = entries[i];
    options[i] =
        (entry.line_style > 0 ? PL_LEGEND_LINE : 0) | (entry.symbol.empty() ? 0 : PL_LEGEND_SYMBOL);
    if (options[i] == 0) options[i] = PL_LEGEND_NONE;
    text_colours[i] = kBlack;
    line_colours[i] = entry.colour;
    line_styles[i] = std::max(1, entry.line_style);
    line_widths[i] = entry.line_width;
    symbol_colours[i] = entry.colour;
    symbol_scales[i] = 1;
    symbol_numbers[i] = 2;
    texts[i] = plplot_text(entry.text);
    symbols[i] = entry.symbol.empty() ? " " : entry.symbol;
    text_pointers[i] = texts[i].c_str();
    symbol_pointers[i] = symbols[i].c_str();
    longest = std::max(longest, text_width_in_digits(entry.text));
  }
  // Long entries are written smaller, so that the plot keeps its width.
  double text_scale = kLegendTextScale * std::min(1.0, kLegendFullSizeCharacters / longest);
  // Many entries are spaced closer to fit the plot's height (one extra row for the
  // legend's margins), and written smaller when the spacing leaves too little room for the
  // text (1.5 text heights). PLplot's spacing is in unscaled text heights.
  PLFLT page_left, page_right, page_bottom, page_top, default_height, text_height;
  plgspa(&page_left, &page_right, &page_bottom, &page_top);
  plgchr(&default_height, &text_height);
  const double available = (kPlotTop - kPlotBottom) * (page_top - page_bottom);  // mm
  const double spacing =
      std::min(kLegendSpacing, available / ((double(n) + 1) * std::max(text_height, 1e-9)));
  text_scale = std::min(text_scale, spacing / 1.5);
  // The legend hangs from the top right corner of the page's right part; PLplot measures
  // its text with the cairo fonts and returns its width, which sets the plot's right end.
  plvpor(0, kLegendRight, kPlotBottom, kPlotTop);
  plwind(0, 1, 0, 1);
  PLFLT legend_width = 0, legend_height = 0;
  pllegend(&legend_width, &legend_height, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
           PL_POSITION_RIGHT | PL_POSITION_TOP | PL_POSITION_INSIDE, 0.0, 0.0, 0.04 / kLegendRight,
           kWhite, kLightGrey, 1, 0, 0, PLINT(n), options.data(), 0.8, text_scale, spacing, 0.0,
           text_colours.data(), text_pointers.data(), box_colours.data(), box_patterns.data(),
           box_scales.data(), box_line_widths.data(), line_colours.data(), line_styles.data(),
           line_widths.data(), symbol_colours.data(), symbol_scales.data(), symbol_numbers.data(),
           symbol_pointers.data());
  plwidth(1);
  pllsty(1);
  plot_right_ =
      std::max(kLegendRight * (1 - legend_width) - kLegendGap, kPlotLeft + kMinimumPlotWidth);
}

void PlotCanvas::footnote(const std::string& text) {
  plvpor(0, 1, 0, 1);
  plwind(0, 1, 0, 1);
  plcol0(kDarkGrey);
  // Small, and smaller when long: PLplot cannot measure text before drawing it, so the
  // width is estimated (a character of the cairo fonts is at most about 0.8 of the text
  // height on average) to fit 96% of the page.
  plschr(0, options_.text_scale * 0.7);
  PLFLT page_left, page_right, page_bottom, page_top, default_height, text_height;
  plgspa(&page_left, &page_right, &page_bottom, &page_top);
  plgchr(&default_height, &text_height);
  const double width = 0.8 * text_height * text_width_in_digits(text);
  const double fit = std::min(1.0, 0.96 * (page_right - page_left) / std::max(width, 1e-9));
  plschr(0, options_.text_scale * 0.7 * fit);
  plptex(0.5, 0.02, 1, 0, 0.5, plplot_text(text).c_str());
  plschr(0, options_.text_scale);
  plcol0(kBlack);
}

void PlotCanvas::finish() {
  if (!open_) return;
  open_ = false;
  plend1();
  if (!abort_messages().empty()) throw Error("PLplot: " + abort_messages());
}

}  // namespace hnn::report::internal
