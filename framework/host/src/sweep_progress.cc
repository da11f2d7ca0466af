#include "hnn/host/sweep_progress.h"

#include <algorithm>

#include "hnn/host/progress.h"

namespace hnn {
namespace {

double seconds_between(std::chrono::steady_clock::time_point a,
                       std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

SweepProgress::SweepProgress(std::ostream& out, std::string label, bool live,
                             double plain_interval_seconds)
    : out_(out),
      label_(std::move(label)),
      live_(live),
      plain_interval_seconds_(plain_interval_seconds),
      started_(std::chrono::steady_clock::now()),
      last_shown_(started_) {}

std::string SweepProgress::line(const SweepCounts& counts, double elapsed_seconds) {
  std::string text = std::to_string(counts.done) + "/" + std::to_string(counts.total) + " done, " +
                     std::to_string(counts.running) + " running, " + std::to_string(counts.failed) +
                     " failed  " + format_duration(elapsed_seconds);
  const std::size_t left = counts.waiting + counts.running;
  if (counts.completed > 0 && left > 0) {
    const double mean = counts.ended_seconds / double(counts.completed);
    const double work = std::max(0.0, double(left) * mean - counts.running_seconds);
    const double parallel = double(std::max<std::size_t>(1, std::min(counts.workers, left)));
    text += ", " + format_duration(work / parallel) + " left";
  }
  return text;
}

void SweepProgress::update(const SweepCounts& counts, bool force) {
  const auto now = std::chrono::steady_clock::now();
  const double since = seconds_between(last_shown_, now);
  if (!force && since < (live_ ? 0.1 : plain_interval_seconds_)) return;
  const std::string text = label_ + "  " + line(counts, seconds_between(started_, now));
  if (live_) {
    out_ << '\r' << text;
    if (text.size() < last_width_) out_ << std::string(last_width_ - text.size(), ' ');
    out_ << std::flush;
    last_width_ = text.size();
  } else {
    out_ << text << std::endl;
  }
  last_shown_ = now;
}

void SweepProgress::message(const std::string& text) {
  if (live_ && last_width_ > 0) out_ << '\r' << std::string(last_width_, ' ') << '\r';
  last_width_ = 0;
  out_ << text << std::endl;
}

void SweepProgress::finish(const std::string& summary) { message(summary); }

}  // namespace hnn
