// Exception types of the hnn framework.
//
// Library code never aborts: a host that runs third-party plugins must survive their
// mistakes. Every failure is an exception derived from hnn::Error whose message names the
// thing that failed (file, plugin, key) and what was expected.
#ifndef HNN_ERROR_H_
#define HNN_ERROR_H_

#include <stdexcept>
#include <string>
#include <vector>

namespace hnn {

// Base of every exception the framework throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  ~Error() override;
};

// One located problem of a configuration: where it is (line 0: the file as a whole, or
// unknown; column 0 with a line: the line), the dotted key path it concerns (may be empty)
// and what is wrong. A plugin that rejects one of its options may throw a ConfigError with
// a problem whose `path` is the option's key (relative to its section, e.g. "hamiltonian"
// or "radius[1]") and `column` the 1-based character of the value it concerns; the host
// locates it in the pipeline.
struct ConfigProblem {
  std::string file;
  int line = 0;
  int column = 0;
  std::string path;
  std::string message;
  // "file:line:column: error: path: message" (no ":line:column" when line is 0, no
  // "path: " when path is empty).
  std::string format() const;
};

// A pipeline file, an option or a --set override is invalid. The message is complete and
// already formatted for the user (file:line:column: error: key.path: ...); several
// problems found together are separated by newlines. Constructed from problems, it
// carries them (problems()), so that nothing has to parse the message.
class ConfigError : public Error {
 public:
  // A message without structure: problems() is empty.
  using Error::Error;
  // what() is every problem's format(), one per line.
  explicit ConfigError(std::vector<ConfigProblem> problems);
  explicit ConfigError(ConfigProblem problem);
  // what() is `message` (e.g. for a plugin's problems, whose file and line only the host
  // knows).
  ConfigError(const std::string& message, std::vector<ConfigProblem> problems);
  ~ConfigError() override;

  const std::vector<ConfigProblem>& problems() const noexcept { return problems_; }

 private:
  std::vector<ConfigProblem> problems_;
};

// A plugin could not be loaded, registered, or one of its objects failed. The message
// names the plugin and the library file.
class PluginError : public Error {
 public:
  using Error::Error;
  ~PluginError() override;
};

// A name was registered twice for one kind (or one symbolic function name twice): by two
// libraries, or twice by one. The message names both sources. Thrown by the Registry;
// a host treats it as an error wherever the library came from, since which of the two
// registrations should win cannot be guessed.
class DuplicateNameError : public PluginError {
 public:
  using PluginError::PluginError;
  ~DuplicateNameError() override;
};

// The run of a pipeline that passed validation failed (data generation, training,
// evaluation, or writing its results). The message says what failed. A refusal for a
// configuration reason during the run is a ConfigError instead.
class RunError : public Error {
 public:
  using Error::Error;
  ~RunError() override;
};

// An optional capability was asked of an object that does not have it (pagmo style: the
// message names the type and the capability, instead of a silent default).
class NotImplementedError : public Error {
 public:
  using Error::Error;
  ~NotImplementedError() override;
};

}  // namespace hnn

#endif  // HNN_ERROR_H_
