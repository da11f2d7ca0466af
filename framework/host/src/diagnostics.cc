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

namespace {

// In the order they are reported: the file's in order of position, then the command
// line's ("--set ..."), each in the order given.
std::vector<const Diagnostic*> sorted(const std::vector<Diagnostic>& diagnostics_) {
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
  return sorted;
}

}  // namespace

std::string Diagnostics::format() const {
  std::string text;
  for (const auto* diagnostic : sorted(diagnostics_)) {
    if (!text.empty()) text += '\n';
    text += diagnostic->format();
  }
  return text;
}

void Diagnostics::throw_if_any() const {
  if (empty()) return;
  std::vector<ConfigProblem> problems;
  for (const auto* d : sorted(diagnostics_)) {
    problems.push_back(
        ConfigProblem{d->location.file, d->location.line, d->location.column, d->path, d->message});
  }
  throw ConfigError(std::move(problems));
}

void Diagnostics::add(const ConfigError& error, const SourceLocation& fallback,
                      const std::string& fallback_path) {
  if (error.problems().empty()) {
    this->error(fallback, fallback_path, error.what());
    return;
  }
  for (const auto& p : error.problems()) {
    this->error(SourceLocation{p.file, p.line, p.column}, p.path, p.message);
  }
}

}  // namespace hnn
