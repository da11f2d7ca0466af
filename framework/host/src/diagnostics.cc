#include "hnn/host/diagnostics.h"

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

}  // namespace hnn
