#include "hnn/diagnostics.h"

#include <algorithm>

#include "hnn/error.h"

namespace hnn {

std::string Diagnostic::format() const {
  return location.to_string() + ": error: " + (path.empty() ? "" : path + ": ") + message;
}

void Diagnostics::error(SourceLocation location, std::string path, std::string message) {
  diagnostics_.push_back(Diagnostic{std::move(location), std::move(path), std::move(message)});
}

std::string Diagnostics::format() const {
  std::vector<const Diagnostic*> sorted;
  for (const auto& diagnostic : diagnostics_) sorted.push_back(&diagnostic);
  // Command-line overrides ("--set ...") after the file, each group in order of position.
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic* a, const Diagnostic* b) {
    const bool a_set = a->location.file.rfind("--set", 0) == 0;
    const bool b_set = b->location.file.rfind("--set", 0) == 0;
    if (a_set != b_set) return !a_set;
    if (a_set) return false;
    if (a->location.line != b->location.line) return a->location.line < b->location.line;
    return a->location.column < b->location.column;
  });
  std::string text;
  for (const auto* diagnostic : sorted) {
    if (!text.empty()) text += '\n';
    text += diagnostic->format();
  }
  return text;
}

void Diagnostics::throw_if_any() const {
  if (!empty()) throw ConfigError(format());
}

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace hnn
