// TableProblems: the located problems found in the files a table source reads, capped so
// that a broken million-row file gives a readable message: the first kMaxListed are kept,
// the rest only counted.
#ifndef HNN_PLUGINS_TABLE_TABLE_PROBLEMS_H_
#define HNN_PLUGINS_TABLE_TABLE_PROBLEMS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "hnn/error.h"

namespace hnn::data_sources {

class TableProblems {
 public:
  static constexpr std::size_t kMaxListed = 20;

  // Keeps `problem` if fewer than kMaxListed are kept, else counts it.
  void add(ConfigProblem problem);

  bool empty() const { return count() == 0; }
  // Every problem added, listed or not.
  std::size_t count() const { return listed_.size() + unlisted_; }
  const std::vector<ConfigProblem>& listed() const { return listed_; }

  // Throws hnn::ConfigError with the listed problems and, when some were only counted, a
  // last one "... and N more problems not listed"; does nothing when empty().
  void throw_if_any() const;

 private:
  std::vector<ConfigProblem> listed_;
  std::size_t unlisted_ = 0;
};

}  // namespace hnn::data_sources

#endif  // HNN_PLUGINS_TABLE_TABLE_PROBLEMS_H_
