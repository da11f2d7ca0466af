// Diagnostics: configuration errors collected while validating a whole pipeline, so that
// all of them are reported together, in compiler style:
//
//   configs/spring.yaml:12:5: error: models.mlp.hidden[1]: expected an integer >= 1, found '0'
#ifndef HNN_HOST_DIAGNOSTICS_H_
#define HNN_HOST_DIAGNOSTICS_H_

#include <string>
#include <vector>

#include "hnn/config_tree.h"
#include "hnn/did_you_mean.h"
#include "hnn/error.h"

namespace hnn {

struct Diagnostic {
  SourceLocation location;
  std::string path;     // dotted key path, e.g. "models.mlp.hidden[1]"; may be empty
  std::string message;  // what was expected and what was found
  // "file:line:column: error: path: message".
  std::string format() const;
};

class Diagnostics {
 public:
  void error(SourceLocation location, std::string path, std::string message);
  bool empty() const { return diagnostics_.empty(); }
  std::size_t size() const { return diagnostics_.size(); }
  const std::vector<Diagnostic>& all() const { return diagnostics_; }
  // Every diagnostic on its own line, in file order.
  std::string format() const;
  // Throws ConfigError with format() as its message and every diagnostic as a problem,
  // when there is any diagnostic.
  void throw_if_any() const;
  // Every problem of `error`; an error without problems (a message only) is added as one
  // diagnostic at `fallback`, with its message.
  void add(const ConfigError& error, const SourceLocation& fallback,
           const std::string& fallback_path);

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace hnn

#endif  // HNN_HOST_DIAGNOSTICS_H_
