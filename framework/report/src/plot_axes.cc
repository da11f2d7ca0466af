#include "plot_axes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hnn::report::internal {

std::optional<Range> data_range(const std::vector<const std::vector<double>*>& series,
                                bool logarithmic, double padding) {
  double low = INFINITY, high = -INFINITY;
  for (const auto* values : series) {
    for (const double value : *values) {
      if (!std::isfinite(value) || (logarithmic && value <= 0)) continue;
      const double v = logarithmic ? std::log10(value) : value;
      low = std::min(low, v);
      high = std::max(high, v);
    }
  }
  if (!(low <= high)) return std::nullopt;
  double span = high - low;
  if (span <= 1e-300 * std::max(1.0, std::abs(high))) {
    span = logarithmic ? 2.0 : std::max(std::abs(high) * 0.2, 1.0);
    low -= span / 2;
    high += span / 2;
  } else {
    low -= padding * span;
    high += padding * span;
  }
  if (logarithmic) return Range{std::pow(10.0, low), std::pow(10.0, high)};
  return Range{low, high};
}

std::string MagnitudeAxis::scale_name() const {
  return logarithmic ? "logarithmic scale" : "linear scale";
}

std::string MagnitudeAxis::clipping_note() const {
  if (!logarithmic || !clipped) return "";
  char floor_text[32];
  std::snprintf(floor_text, sizeof floor_text, "%.2g", floor);
  return std::string("Values below ") + floor_text +
         " (1e-16 of the largest, round-off of doubles) are drawn on the lower edge.";
}

std::optional<MagnitudeAxis> magnitude_axis(const std::vector<const std::vector<double>*>& series) {
  double smallest = INFINITY, largest = 0;
  for (const auto* values : series) {
    for (const double value : *values) {
      if (!std::isfinite(value) || value <= 0) continue;
      smallest = std::min(smallest, value);
      largest = std::max(largest, value);
    }
  }
  if (!(largest > 0)) return std::nullopt;
  const double floor = std::max(smallest, largest / kLogAxisDynamicRange);
  if (largest >= 30 * floor) {
    MagnitudeAxis axis;
    axis.logarithmic = true;
    axis.floor = floor;
    axis.clipped = smallest < floor;
    const double low = std::log10(floor), high = std::log10(largest);
    const double padding = 0.02 * (high - low);
    axis.range = Range{std::pow(10.0, low - padding), std::pow(10.0, high + padding)};
    return axis;
  }
  MagnitudeAxis axis;
  axis.logarithmic = false;
  axis.range = data_range(series, false, 0.04).value_or(Range{smallest, largest});
  return axis;
}

int decades_per_label(double log10_low, double log10_high) {
  constexpr int kMaxLabels = 8;
  auto labels = [&](int step) {
    return std::floor(log10_high / step) - std::ceil(log10_low / step) + 1;
  };
  for (const int step : {1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 25, 30, 40, 50}) {
    if (labels(step) <= kMaxLabels) return step;
  }
  int step = 100;
  while (labels(step) > kMaxLabels) step *= 2;
  return step;
}

std::string decade_label(int exponent) {
  static const char* const kDigits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  std::string label = "10";
  if (exponent < 0) label += "⁻";
  const std::string digits = std::to_string(std::abs(exponent));
  for (const char digit : digits) label += kDigits[digit - '0'];
  return label;
}

Range clip_range(Range range, Range limit, double factor) {
  const double span = limit.high - limit.low;
  return Range{std::max(range.low, limit.low - factor * span),
               std::min(range.high, limit.high + factor * span)};
}

}  // namespace hnn::report::internal
