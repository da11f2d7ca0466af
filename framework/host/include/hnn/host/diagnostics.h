// Diagnostics: configuration errors collected while validating a whole pipeline, so that
// all of them are reported together, in compiler style:
//
//   configs/spring.yaml:12:5: error: models.mlp.hidden[1]: expected an integer >= 1, found '0'
#ifndef HNN_HOST_DIAGNOSTICS_H_
#define HNN_HOST_DIAGNOSTICS_H_

#include <map>
#include <string>
#include <vector>

#include "hnn/config_tree.h"
#include "hnn/did_you_mean.h"
#include "hnn/error.h"
#include "hnn/input_limits.h"

namespace hnn {

struct Diagnostic {
  SourceLocation location;
  std::string path;     // dotted key path, e.g. "models.mlp.hidden[1]"; may be empty
  std::string message;  // what was expected and what was found
  // "file:line:column: error: path: message".
  std::string format() const;
};

// Problems are counted per file; the first kMaxKeptProblemsPerFile of each are kept and
// the first kMaxReportedProblemsPerFile of each (input_limits.h), in file order, reported,
// followed by "file: error: and N more problems": a file with a million mistakes costs
// neither a million lines nor their memory.
class Diagnostics {
 public:
  void error(SourceLocation location, std::string path, std::string message);
  bool empty() const { return diagnostics_.empty(); }
  // Every problem found, kept or only counted.
  std::size_t size() const { return total_; }
  // The problems kept (at most kMaxKeptProblemsPerFile per file), in the order found.
  const std::vector<Diagnostic>& all() const { return diagnostics_; }
  // The diagnostics reported, in file order: at most kMaxReportedProblemsPerFile per
  // file, then per such file one "and N more problems" (at line 0: the file).
  std::vector<Diagnostic> reported() const;
  // Every reported diagnostic on its own line.
  std::string format() const;
  // Throws ConfigError with format() as its message and every reported diagnostic as a
  // problem, when there is any diagnostic.
  void throw_if_any() const;
  // Every problem of `error`; an error without problems (a message only) is added as one
  // diagnostic at `fallback`, with its message.
  void add(const ConfigError& error, const SourceLocation& fallback,
           const std::string& fallback_path);

 private:
  std::vector<Diagnostic> diagnostics_;
  std::map<std::string, std::size_t> per_file_;  // every problem, kept or not
  std::size_t total_ = 0;
};

}  // namespace hnn

#endif  // HNN_HOST_DIAGNOSTICS_H_
