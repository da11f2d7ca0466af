#include "table_problems.h"

#include <utility>

namespace hnn::data_sources {

void TableProblems::add(ConfigProblem problem) {
  if (listed_.size() < kMaxListed) {
    listed_.push_back(std::move(problem));
  } else {
    ++unlisted_;
  }
}

void TableProblems::throw_if_any() const {
  if (empty()) return;
  std::vector<ConfigProblem> problems = listed_;
  if (unlisted_ > 0) {
    ConfigProblem more;
    more.file = listed_.back().file;
    more.message = "... and " + std::to_string(unlisted_) + " more problem" +
                   (unlisted_ == 1 ? "" : "s") + " not listed (" + std::to_string(count()) +
                   " in all)";
    problems.push_back(std::move(more));
  }
  throw ConfigError(std::move(problems));
}

}  // namespace hnn::data_sources
