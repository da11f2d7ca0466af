// Exception types of the hnn framework.
//
// Library code never aborts: a host that runs third-party plugins must survive their
// mistakes. Every failure is an exception derived from hnn::Error whose message names the
// thing that failed (file, plugin, key) and what was expected.
#ifndef HNN_ERROR_H_
#define HNN_ERROR_H_

#include <stdexcept>
#include <string>

namespace hnn {

// Base of every exception the framework throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  ~Error() override;
};

// A pipeline file, an option or a --set override is invalid. The message is complete and
// already formatted for the user (file:line:column: error: key.path: ...); several
// problems found together are separated by newlines.
class ConfigError : public Error {
 public:
  using Error::Error;
  ~ConfigError() override;
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
