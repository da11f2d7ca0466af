#include "hnn/host/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace hnn {
namespace {

double seconds_between(std::chrono::steady_clock::time_point a,
                       std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::string scientific(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3e", value);
  return buffer;
}

}  // namespace

std::string format_duration(double seconds) {
  char buffer[64];
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) {
    std::snprintf(buffer, sizeof(buffer), "%.1f s", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buffer, sizeof(buffer), "%d min %02d s", int(seconds / 60), int(seconds) % 60);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%d h %02d min", int(seconds / 3600),
                  (int(seconds) % 3600) / 60);
  }
  return buffer;
}

ProgressReporter::ProgressReporter(std::ostream& out, bool live, double plain_interval_seconds)
    : out_(out), live_(live), plain_interval_seconds_(plain_interval_seconds) {}

bool ProgressReporter::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

void ProgressReporter::start(const std::string& label, long total) {
  label_ = label;
  total_ = total;
  started_ = std::chrono::steady_clock::now();
  last_shown_ = started_;
  last_width_ = 0;
}

std::string ProgressReporter::line(long done, std::optional<double> train_loss,
                                   std::optional<double> test_loss) const {
  const double elapsed = seconds_between(started_, std::chrono::steady_clock::now());
  std::string text = label_ + "  epoch " + std::to_string(done) + "/" + std::to_string(total_);
  if (train_loss) text += "  train " + scientific(*train_loss);
  if (test_loss) text += "  test " + scientific(*test_loss);
  text += "  " + format_duration(elapsed);
  if (done > 0 && total_ > done) {
    text += ", " + format_duration(elapsed / double(done) * double(total_ - done)) + " left";
  }
  return text;
}

void ProgressReporter::update(long done, std::optional<double> train_loss,
                              std::optional<double> test_loss) {
  const auto now = std::chrono::steady_clock::now();
  const double since = seconds_between(last_shown_, now);
  if (live_) {
    if (since < 0.1 && done != total_) return;
    const std::string text = line(done, train_loss, test_loss);
    out_ << '\r' << text;
    if (text.size() < last_width_) out_ << std::string(last_width_ - text.size(), ' ');
    out_ << std::flush;
    last_width_ = text.size();
  } else {
    if (since < plain_interval_seconds_) return;
    out_ << line(done, train_loss, test_loss) << std::endl;
  }
  last_shown_ = now;
}

void ProgressReporter::finish(const std::string& summary) {
  if (live_ && last_width_ > 0) {
    out_ << '\r' << std::string(last_width_, ' ') << '\r';
  }
  out_ << summary << std::endl;
  last_width_ = 0;
}

}  // namespace hnn
