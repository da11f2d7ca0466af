// OptionBinding: a plain options struct bound to its keys, so that every option of a
// plugin (or of a host section) is written once: its key, type, default, allowed range and
// meaning. From that one declaration come
//
//   * schema()     the OptionSchema the host validates the pipeline against, prints with
//                  `hnn-host --describe` and fills defaults from;
//   * decode()     the validated Options turned into the struct (enums included);
//   * is_valid()   the same ranges checked on a struct built in C++ (tests, benchmarks,
//                  other plugins), with Ceres' IsValid contract.
//
// Defaults are the values of a default-constructed struct: write them once, as member
// initialisers. Integer members narrower than 64 bits get the range of their type, so a
// count can never wrap around ("epochs: 2147483648" is refused by validation). Reals (and
// lists of reals) must be finite unless the binding says `.allow_non_finite()` (options.h).
//
// Example:
//
//   enum class Schedule { kConstant, kCosine };
//   struct AdamOptions {
//     int epochs = 2000;
//     double lr = 1e-3;
//     Schedule schedule = Schedule::kConstant;
//
//     static const hnn::OptionBinding<AdamOptions>& binding() {
//       static const auto binding = [] {
//         hnn::OptionBinding<AdamOptions> b("adam");
//         b.bind("epochs", &AdamOptions::epochs, "full-batch steps").at_least(1);
//         b.bind("lr", &AdamOptions::lr, "learning rate").greater_than(0.0);
//         b.bind_choice("schedule", &AdamOptions::schedule,
//                       {{"constant", Schedule::kConstant}, {"cosine", Schedule::kCosine}},
//                       "learning-rate schedule");
//         return b;
//       }();
//       return binding;
//     }
//   };
//
//   registry.add_optimizer("adam", "...", AdamOptions::binding().schema(), ...);
//   AdamOptions options = AdamOptions::binding().decode(validated);
//
// A plugin class that takes its options struct in its constructor registers in one line
// with hnn::add_plugin_class (hnn/plugin_class.h).
//
// Thread safety: a binding is immutable once built; decode() and is_valid() may be called
// concurrently.
#ifndef HNN_OPTION_BINDING_H_
#define HNN_OPTION_BINDING_H_

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "hnn/error.h"
#include "hnn/options.h"
#include "hnn/resource_estimate.h"

namespace hnn {

namespace internal {

template <class T>
struct IsStdVector : std::false_type {};
template <class T>
struct IsStdVector<std::vector<T>> : std::true_type {
  using Element = T;
};
template <class T>
struct IsStdArray : std::false_type {};
template <class T, std::size_t N>
struct IsStdArray<std::array<T, N>> : std::true_type {
  using Element = T;
  static constexpr std::size_t kSize = N;
};

template <class T>
constexpr bool kIsInteger = std::is_integral_v<T> && !std::is_same_v<T, bool>;

// The element type of a list member, or the member type itself.
template <class T>
struct ElementOf {
  using Type = T;
};
template <class T>
struct ElementOf<std::vector<T>> {
  using Type = T;
};
template <class T, std::size_t N>
struct ElementOf<std::array<T, N>> {
  using Type = T;
};

// How a C++ member type is stored in an OptionValue.
template <class T>
constexpr OptionType option_type_of() {
  if constexpr (std::is_same_v<T, bool>) {
    return OptionType::kBoolean;
  } else if constexpr (kIsInteger<T>) {
    return OptionType::kInteger;
  } else if constexpr (std::is_floating_point_v<T>) {
    return OptionType::kReal;
  } else if constexpr (std::is_same_v<T, std::string>) {
    return OptionType::kString;
  } else {
    using Element = typename ElementOf<T>::Type;
    static_assert(IsStdVector<T>::value || IsStdArray<T>::value,
                  "an option member is bool, an integer, a real, std::string, or a "
                  "std::vector or std::array of integers, reals or strings");
    if constexpr (kIsInteger<Element>) {
      return OptionType::kIntegerList;
    } else if constexpr (std::is_floating_point_v<Element>) {
      return OptionType::kRealList;
    } else {
      static_assert(std::is_same_v<Element, std::string>,
                    "list elements: integers, reals, strings");
      return OptionType::kStringList;
    }
  }
}

template <class T>
OptionValue to_option_value(const T& value) {
  if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string>) {
    return value;
  } else if constexpr (kIsInteger<T>) {
    return static_cast<std::int64_t>(value);
  } else if constexpr (std::is_floating_point_v<T>) {
    return static_cast<double>(value);
  } else {
    using Element = typename T::value_type;
    if constexpr (kIsInteger<Element>) {
      return std::vector<std::int64_t>(value.begin(), value.end());
    } else if constexpr (std::is_floating_point_v<Element>) {
      return std::vector<double>(value.begin(), value.end());
    } else {
      return std::vector<std::string>(value.begin(), value.end());
    }
  }
}

template <class T>
T from_option_value(const OptionValue& value) {
  if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string>) {
    return std::get<T>(value);
  } else if constexpr (kIsInteger<T>) {
    return static_cast<T>(std::get<std::int64_t>(value));
  } else if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(std::get<double>(value));
  } else {
    using Element = typename T::value_type;
    using Stored = std::conditional_t<
        kIsInteger<Element>, std::int64_t,
        std::conditional_t<std::is_floating_point_v<Element>, double, std::string>>;
    const auto& stored = std::get<std::vector<Stored>>(value);
    T result{};
    if constexpr (IsStdVector<T>::value) {
      result.reserve(stored.size());
      for (const auto& element : stored) result.push_back(static_cast<Element>(element));
    } else {
      // A std::array option has length(N) in its schema; a shorter value fills a prefix.
      for (std::size_t i = 0; i < stored.size() && i < result.size(); ++i) {
        result[i] = static_cast<Element>(stored[i]);
      }
    }
    return result;
  }
}

}  // namespace internal

template <class Settings>
class OptionBinding {
 public:
  // `owner` names the plugin or section in is_valid() messages ("adam", "data").
  explicit OptionBinding(std::string owner) : owner_(std::move(owner)) {}

  // Binds `member` to `key`; its default is the member's value in Settings{}. Returns the
  // Option, to narrow with the range modifiers of hnn::Option (valid until the next bind).
  template <class Member>
  Option& bind(std::string key, Member Settings::*member, std::string doc) {
    constexpr OptionType type = internal::option_type_of<Member>();
    Option option = make_option(std::move(key), type, internal::to_option_value(defaults_.*member),
                                std::move(doc));
    add_type_range<Member>(option);
    return add(
        std::move(option),
        [member](const OptionValue& value, Settings& settings) {
          settings.*member = internal::from_option_value<Member>(value);
        },
        [member](const Settings& settings) { return internal::to_option_value(settings.*member); });
  }

  // Binds a member the pipeline must set (no default); the member's value in Settings{} is
  // what a struct built in C++ starts with.
  template <class Member>
  Option& bind_required(std::string key, Member Settings::*member, std::string doc) {
    Option option =
        Option::required(std::move(key), internal::option_type_of<Member>(), std::move(doc));
    add_type_range<Member>(option);
    return add(
        std::move(option),
        [member](const OptionValue& value, Settings& settings) {
          settings.*member = internal::from_option_value<Member>(value);
        },
        [member](const Settings& settings) { return internal::to_option_value(settings.*member); });
  }

  // Binds an enumeration member to a string option with the given names, in the order they
  // are listed by --describe. The default is the name of the member's value in Settings{}.
  template <class Enum>
  Option& bind_choice(std::string key, Enum Settings::*member,
                      std::vector<std::pair<std::string, Enum>> names, std::string doc) {
    static_assert(std::is_enum_v<Enum>, "bind_choice binds an enumeration");
    std::vector<std::string> choices;
    for (const auto& [name, value] : names) choices.push_back(name);
    const std::string default_name = name_of(names, defaults_.*member, key);
    Option option = Option::string(key, default_name, std::move(doc));
    option.one_of(choices);
    return add(
        std::move(option),
        [key, member, names](const OptionValue& value, Settings& settings) {
          const auto& text = std::get<std::string>(value);
          std::string known;
          for (const auto& [name, choice] : names) {
            if (name == text) {
              settings.*member = choice;
              return;
            }
            known += (known.empty() ? "" : ", ") + name;
          }
          throw Error(key + ": '" + text + "' must be one of: " + known);
        },
        [key, member, names](const Settings& settings) {
          return OptionValue(name_of(names, settings.*member, key));
        });
  }

  // A constraint between several members (low < high, a size that must match another):
  // `problem` returns "" when the struct is fine, else what is wrong in words ("a_range:
  // expected low < high"). Checked by is_valid() and, through the schema, by the host's
  // validation.
  void require(std::function<std::string(const Settings&)> problem) {
    constraints_.push_back(std::move(problem));
  }

  // Requires the bound real (or list of reals) options `keys` to be finite: the first that
  // is not gives "key = value must be finite". Every real option is finite by default
  // (Option::allow_non_finite opts out), so this only restates that default; it is kept for
  // plugins that call it.
  // Throws hnn::Error for a key not bound before or not of a real type (a programming error).
  void require_finite(const std::vector<std::string>& keys) {
    std::vector<std::pair<std::string, std::function<OptionValue(const Settings&)>>> values;
    for (const std::string& key : keys) {
      const Entry* found = nullptr;
      for (const auto& entry : entries_) {
        if (entry.option.key() == key) found = &entry;
      }
      if (found == nullptr || (found->option.type() != OptionType::kReal &&
                               found->option.type() != OptionType::kRealList)) {
        throw Error(owner_ + ": require_finite: '" + key + "' is not a bound real option");
      }
      values.emplace_back(key, found->encode);
    }
    constraints_.push_back([values](const Settings& settings) -> std::string {
      for (const auto& [key, encode] : values) {
        const OptionValue value = encode(settings);
        const bool finite = std::holds_alternative<double>(value)
                                ? std::isfinite(std::get<double>(value))
                                : std::all_of(std::get<std::vector<double>>(value).begin(),
                                              std::get<std::vector<double>>(value).end(),
                                              [](double x) { return std::isfinite(x); });
        if (!finite) return key + " = " + format_option_value(value) + " must be finite";
      }
      return "";
    });
  }

  // The plugin's memory estimate from its options (hnn/resource_estimate.h): asked by the
  // host's validation before the plugin is built. Optional.
  void estimate_resources(
      std::function<ResourceEstimate(const Settings&, const ResourceContext&)> estimate) {
    estimate_ = std::move(estimate);
  }

  // The schema of every bound key, in binding order, with the constraints and the resource
  // estimate.
  OptionSchema schema() const {
    OptionSchema schema;
    for (const auto& entry : entries_) schema.add(entry.option);
    for (const auto& constraint : constraints_) {
      schema.add_constraint([this_binding = *this, constraint](const Options& options) {
        return constraint(this_binding.decode_unchecked(options));
      });
    }
    if (estimate_) {
      schema.set_resource_estimator(
          [this_binding = *this](const Options& options, const ResourceContext& context) {
            return this_binding.estimate_(this_binding.decode_unchecked(options), context);
          });
    }
    return schema;
  }

  // The struct from options validated against schema(): keys absent from `options` keep
  // their default. Throws hnn::Error naming the owner when a constraint is violated.
  Settings decode(const Options& options) const {
    Settings settings = decode_unchecked(options);
    check(settings);
    return settings;
  }

  // Throws hnn::Error with is_valid()'s message when `settings` is not valid: what a plugin's
  // constructor calls on the struct it is given.
  void check(const Settings& settings) const {
    std::string error;
    if (!is_valid(settings, &error)) throw Error(error);
  }

  // Checks every bound member against its range and every constraint. Returns true when
  // all hold; otherwise false with "owner: key = value must be > 0" in `error` (when not
  // null).
  bool is_valid(const Settings& settings, std::string* error) const {
    for (const auto& entry : entries_) {
      const OptionValue value = entry.encode(settings);
      const std::string problem = entry.option.check(value);
      if (!problem.empty()) {
        if (error != nullptr) {
          *error = owner_ + ": " + entry.option.key() + " = " + format_option_value(value) + " " +
                   problem;
        }
        return false;
      }
    }
    for (const auto& constraint : constraints_) {
      const std::string problem = constraint(settings);
      if (!problem.empty()) {
        if (error != nullptr) *error = owner_ + ": " + problem;
        return false;
      }
    }
    return true;
  }

  // The options of a struct, as the host would hand them to a plugin (every key set).
  Options encode(const Settings& settings) const {
    Options options;
    for (const auto& entry : entries_) options.set(entry.option.key(), entry.encode(settings));
    return options;
  }

  const std::string& owner() const { return owner_; }

 private:
  struct Entry {
    Option option;
    std::function<void(const OptionValue&, Settings&)> decode;
    std::function<OptionValue(const Settings&)> encode;
  };

  static Option make_option(std::string key, OptionType type, OptionValue value, std::string doc) {
    switch (type) {
      case OptionType::kBoolean:
        return Option::boolean(std::move(key), std::get<bool>(value), std::move(doc));
      case OptionType::kInteger:
        return Option::integer(std::move(key), std::get<std::int64_t>(value), std::move(doc));
      case OptionType::kReal:
        return Option::real(std::move(key), std::get<double>(value), std::move(doc));
      case OptionType::kString:
        return Option::string(std::move(key), std::get<std::string>(value), std::move(doc));
      case OptionType::kIntegerList:
        return Option::integer_list(std::move(key), std::get<std::vector<std::int64_t>>(value),
                                    std::move(doc));
      case OptionType::kRealList:
        return Option::real_list(std::move(key), std::get<std::vector<double>>(value),
                                 std::move(doc));
      case OptionType::kStringList:
        break;
    }
    return Option::string_list(std::move(key), std::get<std::vector<std::string>>(value),
                               std::move(doc));
  }

  // Integers narrower than 64 bits (or unsigned) can hold only part of an option's range.
  template <class Member>
  static void add_type_range(Option& option) {
    using Element = typename internal::ElementOf<Member>::Type;
    if constexpr (internal::kIsInteger<Element>) {
      if constexpr (std::cmp_greater(std::numeric_limits<Element>::min(),
                                     std::numeric_limits<std::int64_t>::min())) {
        option.at_least(double(std::numeric_limits<Element>::min()));
      }
      // An option holds an int64_t: only a narrower type needs an upper bound.
      if constexpr (std::cmp_less(std::numeric_limits<Element>::max(),
                                  std::numeric_limits<std::int64_t>::max())) {
        option.at_most(double(std::numeric_limits<Element>::max()));
      }
    }
    if constexpr (internal::IsStdArray<Member>::value) {
      option.length(internal::IsStdArray<Member>::kSize);
    }
  }

  template <class Enum>
  static std::string name_of(const std::vector<std::pair<std::string, Enum>>& names, Enum value,
                             const std::string& key) {
    for (const auto& [name, choice] : names) {
      if (choice == value) return name;
    }
    throw Error("option '" + key + "': the value has no name among the declared choices");
  }

  Option& add(Option option, std::function<void(const OptionValue&, Settings&)> decode,
              std::function<OptionValue(const Settings&)> encode) {
    for (const auto& entry : entries_) {
      if (entry.option.key() == option.key()) {
        throw Error(owner_ + ": the option key '" + option.key() + "' is bound twice");
      }
    }
    entries_.push_back({std::move(option), std::move(decode), std::move(encode)});
    return entries_.back().option;
  }

  Settings decode_unchecked(const Options& options) const {
    Settings settings = defaults_;
    for (const auto& entry : entries_) {
      if (options.contains(entry.option.key())) {
        entry.decode(options.value(entry.option.key()), settings);
      }
    }
    return settings;
  }

  std::string owner_;
  Settings defaults_{};
  std::deque<Entry> entries_;  // a deque: references returned by bind stay valid
  std::vector<std::function<std::string(const Settings&)>> constraints_;
  std::function<ResourceEstimate(const Settings&, const ResourceContext&)> estimate_;
};

}  // namespace hnn

#endif  // HNN_OPTION_BINDING_H_
