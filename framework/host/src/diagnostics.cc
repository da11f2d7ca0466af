#include "hnn/host/diagnostics.h"

#include <algorithm>
#include <map>

#include "hnn/error.h"
#include "hnn/input_limits.h"

namespace hnn {

std::string Diagnostic::format() const {
  return location.to_string() + ": error: " + (path.empty() ? "" : path + ": ") + message;
}

void Diagnostics::error(SourceLocation location, std::string path, std::string message) {
  ++total_;
  std::size_t& count = per_file_[location.file];
  ++count;
  if (count > kMaxKeptProblemsPerFile) return;  // counted only: memory stays bounded
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

std::vector<Diagnostic> Diagnostics::reported() const {
  std::vector<Diagnostic> shown;
  std::map<std::string, std::size_t> shown_per_file;
  std::vector<std::string> files;  // in the order of their first problem
  for (const auto* diagnostic : sorted(diagnostics_)) {
    std::size_t& count = shown_per_file[diagnostic->location.file];
    if (count == 0) files.push_back(diagnostic->location.file);
    if (++count <= kMaxReportedProblemsPerFile) shown.push_back(*diagnostic);
  }
  for (const auto& file : files) {
    const std::size_t total = per_file_.at(file);
    if (total > kMaxReportedProblemsPerFile) {
      shown.push_back(Diagnostic{SourceLocation{file, 0, 0}, "",
                                 "and " + std::to_string(total - kMaxReportedProblemsPerFile) +
                                     " more problems (only the first " +
                                     std::to_string(kMaxReportedProblemsPerFile) +
                                     " of a file are shown)"});
    }
  }
  return shown;
}

std::string Diagnostics::format() const {
  std::string text;
  for (const auto& diagnostic : reported()) {
    if (!text.empty()) text += '\n';
    text += diagnostic.format();
  }
  return text;
}

void Diagnostics::throw_if_any() const {
  if (empty()) return;
  std::vector<ConfigProblem> problems;
  for (const auto& d : reported()) {
    problems.push_back(
        ConfigProblem{d.location.file, d.location.line, d.location.column, d.path, d.message});
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
