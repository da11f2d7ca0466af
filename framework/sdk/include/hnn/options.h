// Options of a plugin: the schema it declares and the validated values it receives.
//
// A plugin describes every key it accepts with an Option (type, default, allowed range,
// meaning) collected in an OptionSchema. The host validates the pipeline file against the
// schema, fills in defaults and hands the plugin an Options object: host-owned, plain C++
// values, never parser types. The same schema drives `hnn-host --describe NAME`.
//
// Example:
//
//   hnn::OptionSchema schema{
//       hnn::Option::real("k", 2.0, "spring constant").greater_than(0.0),
//       hnn::Option::string("activation", "tanh", "hidden activation").one_of({"tanh", "relu"}),
//       hnn::Option::integer_list("hidden", {200, 200}, "hidden layer sizes").at_least(1),
//   };
//   ...
//   double k = options.real("k");
#ifndef HNN_OPTIONS_H_
#define HNN_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hnn/resource_estimate.h"

namespace hnn {

enum class OptionType { kBoolean, kInteger, kReal, kString, kIntegerList, kRealList, kStringList };

// "boolean", "integer", "real", "string", "list of integers", "list of reals", "list of strings".
std::string to_string(OptionType type);

// The alternatives are in OptionType order.
using OptionValue = std::variant<bool, std::int64_t, double, std::string, std::vector<std::int64_t>,
                                 std::vector<double>, std::vector<std::string>>;

OptionType type_of(const OptionValue& value);

// The value as YAML flow text: true, 3, 0.001, "tanh", [200, 200]. Reals print with the
// shortest representation that reads back to the same double.
std::string format_option_value(const OptionValue& value);

// One key of a plugin's options. Build it with a factory and narrow it with the range
// modifiers; the modifiers apply to every element of a list. A real (or list of reals) must
// be finite unless allow_non_finite() says otherwise: a range such as "> 0" admits +inf,
// which no computation wants, so finiteness is the default no schema can forget.
class Option {
 public:
  static Option boolean(std::string key, bool default_value, std::string doc);
  static Option integer(std::string key, std::int64_t default_value, std::string doc);
  static Option real(std::string key, double default_value, std::string doc);
  static Option string(std::string key, std::string default_value, std::string doc);
  static Option integer_list(std::string key, std::vector<std::int64_t> default_value,
                             std::string doc);
  static Option real_list(std::string key, std::vector<double> default_value, std::string doc);
  static Option string_list(std::string key, std::vector<std::string> default_value,
                            std::string doc);
  // A key with no default: the pipeline must set it.
  static Option required(std::string key, OptionType type, std::string doc);

  Option& at_least(double minimum);
  Option& greater_than(double bound);
  Option& at_most(double maximum);
  Option& less_than(double bound);
  Option& one_of(std::vector<std::string> choices);
  Option& length(std::size_t size);      // lists only: exactly this many elements
  Option& min_length(std::size_t size);  // lists only: at least this many elements
  // Strings and lists of strings only: the value names a file (each element names one).
  // The host resolves a relative path against the folder of the pipeline file that sets
  // it, so a pipeline runs from any directory and its run folder's pipeline.yaml (which
  // holds the absolute paths) runs again from there, e.g. with --resume.
  Option& file_path();
  // Reals only (throws hnn::Error otherwise): +inf and -inf are values of the option (NaN never
  // is). Without it a real that is not finite is refused with "must be finite".
  Option& allow_non_finite();

  const std::string& key() const { return key_; }
  OptionType type() const { return type_; }
  const std::string& doc() const { return doc_; }
  bool is_required() const { return !default_value_.has_value(); }
  // Precondition: !is_required().
  const OptionValue& default_value() const { return *default_value_; }
  const std::vector<std::string>& choices() const { return choices_; }
  bool is_file_path() const { return file_path_; }
  bool allows_non_finite() const { return !finite_only_; }

  // The allowed range in words ("> 0", "in [0, 1]", "one of: tanh, relu", "3 elements",
  // several joined by "; "), or "" when any value of the type is allowed.
  std::string describe_range() const;

  // Checks a value of this option's type against the range. Returns "" when it is
  // allowed, otherwise what is violated, e.g. "must be > 0" or "must be one of: a, b".
  // Precondition: type_of(value) == type(). When an element of a list violates the range
  // and `bad_element` is not null, it receives that element's index (else it is untouched).
  std::string check(const OptionValue& value, std::size_t* bad_element = nullptr) const;

 private:
  Option(std::string key, OptionType type, std::optional<OptionValue> default_value,
         std::string doc);

  std::string key_;
  OptionType type_;
  std::optional<OptionValue> default_value_;
  std::string doc_;
  std::optional<double> minimum_;
  bool minimum_exclusive_ = false;
  std::optional<double> maximum_;
  bool maximum_exclusive_ = false;
  std::vector<std::string> choices_;
  std::optional<std::size_t> min_length_;
  std::optional<std::size_t> max_length_;
  bool file_path_ = false;
  bool finite_only_ = true;  // reals only
};

class Options;

// The ordered set of options a plugin accepts. Keys are unique; add() throws hnn::Error
// on a duplicate key or on a default value that violates its own range.
class OptionSchema {
 public:
  OptionSchema() = default;
  OptionSchema(std::initializer_list<Option> options);

  OptionSchema& add(Option option);
  // nullptr when the key is not declared.
  const Option* find(std::string_view key) const;
  const std::vector<Option>& options() const { return options_; }
  bool empty() const { return options_.empty(); }

  // A constraint between several options (low < high, one size matching another), checked
  // by the host after every option of the section is valid on its own. It returns "" when
  // the options are fine, else what is wrong in words. OptionBinding::require adds them.
  using Constraint = std::function<std::string(const Options&)>;
  OptionSchema& add_constraint(Constraint constraint);
  // What the constraints say of `options` (validated against this schema): one entry per
  // violated constraint, in the order they were added; empty when all hold.
  std::vector<std::string> check_constraints(const Options& options) const;

  // The plugin's memory estimate for options validated against this schema
  // (hnn/resource_estimate.h); optional, set by OptionBinding::estimate_resources.
  using ResourceEstimator = std::function<ResourceEstimate(const Options&, const ResourceContext&)>;
  OptionSchema& set_resource_estimator(ResourceEstimator estimator);
  // Null when the plugin gives no estimate.
  const ResourceEstimator& resource_estimator() const { return resource_estimator_; }

 private:
  std::vector<Option> options_;
  std::vector<Constraint> constraints_;
  ResourceEstimator resource_estimator_;
};

// Validated option values: every key of the schema, defaults filled in. The typed getters
// throw hnn::Error naming the key when it is absent or holds another type (a plugin
// programming error, not a user error: the host has validated the values already).
class Options {
 public:
  bool boolean(std::string_view key) const;
  std::int64_t integer(std::string_view key) const;
  double real(std::string_view key) const;
  const std::string& string(std::string_view key) const;
  const std::vector<std::int64_t>& integers(std::string_view key) const;
  const std::vector<double>& reals(std::string_view key) const;
  const std::vector<std::string>& strings(std::string_view key) const;

  bool contains(std::string_view key) const;
  const OptionValue& value(std::string_view key) const;
  void set(std::string key, OptionValue value);
  const std::map<std::string, OptionValue, std::less<>>& values() const { return values_; }

  // Every key of the schema at its default. Precondition: the schema has no required key.
  static Options defaults(const OptionSchema& schema);

 private:
  template <class T>
  const T& get(std::string_view key) const;

  std::map<std::string, OptionValue, std::less<>> values_;
};

}  // namespace hnn

#endif  // HNN_OPTIONS_H_
