// ConfigError's located problems.
#include <utility>

#include "hnn/error.h"

namespace hnn {
namespace {

std::string format_all(const std::vector<ConfigProblem>& problems) {
  std::string text;
  for (const auto& problem : problems) {
    if (!text.empty()) text += '\n';
    text += problem.format();
  }
  return text;
}

}  // namespace

std::string ConfigProblem::format() const {
  std::string text = file;
  if (line > 0) {
    text.append(":").append(std::to_string(line)).append(":").append(std::to_string(column));
  }
  text.append(": error: ");
  if (!path.empty()) text.append(path).append(": ");
  return text.append(message);
}

ConfigError::ConfigError(std::vector<ConfigProblem> problems)
    : Error(format_all(problems)), problems_(std::move(problems)) {}

ConfigError::ConfigError(const std::string& message, std::vector<ConfigProblem> problems)
    : Error(message), problems_(std::move(problems)) {}

ConfigError::ConfigError(ConfigProblem problem)
    : ConfigError(std::vector<ConfigProblem>{std::move(problem)}) {}

}  // namespace hnn
