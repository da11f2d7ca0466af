#include "hnn/options.h"

#include <cmath>
#include <sstream>

#include "hnn/error.h"
#include "hnn/number_format.h"

namespace hnn {
namespace {

std::string format_real(double value) {
  if (std::isnan(value)) return ".nan";
  if (std::isinf(value)) return value > 0 ? ".inf" : "-.inf";
  std::string text = shortest_decimal(value);
  // Keep reals recognisable as reals in YAML: 2 -> 2.0.
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

std::string format_number(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  return format_real(value);
}

std::string quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

template <class T>
std::string format_list(const std::vector<T>& values, std::string (*format)(const T&)) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += format(values[i]);
  }
  return out + "]";
}

// "2 elements", "at least 1 element", or "" without a length restriction.
std::string describe_length(std::optional<std::size_t> min_length,
                            std::optional<std::size_t> max_length) {
  const auto elements = [](std::size_t n) {
    return std::to_string(n) + " element" + (n == 1 ? "" : "s");
  };
  if (min_length && max_length && *min_length == *max_length) return elements(*min_length);
  if (min_length) return "at least " + elements(*min_length);
  return "";
}

bool is_list(OptionType type) {
  return type == OptionType::kIntegerList || type == OptionType::kRealList ||
         type == OptionType::kStringList;
}

}  // namespace

std::string to_string(OptionType type) {
  switch (type) {
    case OptionType::kBoolean:
      return "boolean";
    case OptionType::kInteger:
      return "integer";
    case OptionType::kReal:
      return "real";
    case OptionType::kString:
      return "string";
    case OptionType::kIntegerList:
      return "list of integers";
    case OptionType::kRealList:
      return "list of reals";
    case OptionType::kStringList:
      return "list of strings";
  }
  return "unknown";
}

OptionType type_of(const OptionValue& value) { return static_cast<OptionType>(value.index()); }

std::string format_option_value(const OptionValue& value) {
  switch (type_of(value)) {
    case OptionType::kBoolean:
      return std::get<bool>(value) ? "true" : "false";
    case OptionType::kInteger:
      return std::to_string(std::get<std::int64_t>(value));
    case OptionType::kReal:
      return format_real(std::get<double>(value));
    case OptionType::kString:
      return quote(std::get<std::string>(value));
    case OptionType::kIntegerList:
      return format_list<std::int64_t>(std::get<std::vector<std::int64_t>>(value),
                                       [](const std::int64_t& v) { return std::to_string(v); });
    case OptionType::kRealList:
      return format_list<double>(std::get<std::vector<double>>(value),
                                 [](const double& v) { return format_real(v); });
    case OptionType::kStringList:
      return format_list<std::string>(std::get<std::vector<std::string>>(value),
                                      [](const std::string& v) { return quote(v); });
  }
  return "";
}

Option::Option(std::string key, OptionType type, std::optional<OptionValue> default_value,
               std::string doc)
    : key_(std::move(key)),
      type_(type),
      default_value_(std::move(default_value)),
      doc_(std::move(doc)) {}

Option Option::boolean(std::string key, bool default_value, std::string doc) {
  return Option(std::move(key), OptionType::kBoolean, OptionValue(default_value), std::move(doc));
}
Option Option::integer(std::string key, std::int64_t default_value, std::string doc) {
  return Option(std::move(key), OptionType::kInteger, OptionValue(default_value), std::move(doc));
}
Option Option::real(std::string key, double default_value, std::string doc) {
  return Option(std::move(key), OptionType::kReal, OptionValue(default_value), std::move(doc));
}
Option Option::string(std::string key, std::string default_value, std::string doc) {
  return Option(std::move(key), OptionType::kString, OptionValue(std::move(default_value)),
                std::move(doc));
}
Option Option::integer_list(std::string key, std::vector<std::int64_t> default_value,
                            std::string doc) {
  return Option(std::move(key), OptionType::kIntegerList, OptionValue(std::move(default_value)),
                std::move(doc));
}
Option Option::real_list(std::string key, std::vector<double> default_value, std::string doc) {
  return Option(std::move(key), OptionType::kRealList, OptionValue(std::move(default_value)),
                std::move(doc));
}
Option Option::string_list(std::string key, std::vector<std::string> default_value,
                           std::string doc) {
  return Option(std::move(key), OptionType::kStringList, OptionValue(std::move(default_value)),
                std::move(doc));
}
Option Option::required(std::string key, OptionType type, std::string doc) {
  return Option(std::move(key), type, std::nullopt, std::move(doc));
}

Option& Option::at_least(double minimum) {
  minimum_ = minimum;
  minimum_exclusive_ = false;
  return *this;
}
Option& Option::greater_than(double bound) {
  minimum_ = bound;
  minimum_exclusive_ = true;
  return *this;
}
Option& Option::at_most(double maximum) {
  maximum_ = maximum;
  maximum_exclusive_ = false;
  return *this;
}
Option& Option::less_than(double bound) {
  maximum_ = bound;
  maximum_exclusive_ = true;
  return *this;
}
Option& Option::one_of(std::vector<std::string> choices) {
  choices_ = std::move(choices);
  return *this;
}
Option& Option::length(std::size_t size) {
  min_length_ = size;
  max_length_ = size;
  return *this;
}
Option& Option::min_length(std::size_t size) {
  min_length_ = size;
  return *this;
}

Option& Option::allow_non_finite() {
  if (type_ != OptionType::kReal && type_ != OptionType::kRealList) {
    throw Error("option schema: '" + key_ + "' is a " + to_string(type_) +
                "; only a real option can allow values that are not finite");
  }
  finite_only_ = false;
  return *this;
}

Option& Option::file_path() {
  if (type_ != OptionType::kString && type_ != OptionType::kStringList) {
    throw Error("option schema: '" + key_ + "' is a " + to_string(type_) +
                "; only a string or a list of strings can name files");
  }
  file_path_ = true;
  return *this;
}

std::string Option::describe_range() const {
  std::vector<std::string> parts;
  if (minimum_ && maximum_) {
    parts.push_back(std::string("in ") + (minimum_exclusive_ ? "(" : "[") +
                    format_number(*minimum_) + ", " + format_number(*maximum_) +
                    (maximum_exclusive_ ? ")" : "]"));
  } else if (minimum_) {
    parts.push_back((minimum_exclusive_ ? "> " : ">= ") + format_number(*minimum_));
  } else if (maximum_) {
    parts.push_back((maximum_exclusive_ ? "< " : "<= ") + format_number(*maximum_));
  }
  if (!choices_.empty()) {
    std::string text = "one of: ";
    for (std::size_t i = 0; i < choices_.size(); ++i) text += (i ? ", " : "") + choices_[i];
    parts.push_back(text);
  }
  if (const std::string length = describe_length(min_length_, max_length_); !length.empty()) {
    parts.push_back(length);
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "; " : "") + parts[i];
  return out;
}

std::string Option::check(const OptionValue& value, std::size_t* bad_element) const {
  if (type_of(value) != type_) {
    return "must be a " + to_string(type_) + ", not a " + to_string(type_of(value));
  }
  std::vector<double> numbers;
  std::vector<std::string> texts;
  std::size_t size = 1;
  switch (type_) {
    case OptionType::kInteger:
      numbers.push_back(static_cast<double>(std::get<std::int64_t>(value)));
      break;
    case OptionType::kReal:
      numbers.push_back(std::get<double>(value));
      break;
    case OptionType::kIntegerList:
      for (auto v : std::get<std::vector<std::int64_t>>(value)) numbers.push_back(double(v));
      size = numbers.size();
      break;
    case OptionType::kRealList:
      numbers = std::get<std::vector<double>>(value);
      size = numbers.size();
      break;
    case OptionType::kString:
      texts.push_back(std::get<std::string>(value));
      break;
    case OptionType::kStringList:
      texts = std::get<std::vector<std::string>>(value);
      size = texts.size();
      break;
    case OptionType::kBoolean:
      break;
  }
  const std::string each = is_list(type_) ? "every element " : "";
  if ((min_length_ && size < *min_length_) || (max_length_ && size > *max_length_)) {
    return "must have " + describe_length(min_length_, max_length_);
  }
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    const double number = numbers[i];
    const bool below =
        minimum_ && (minimum_exclusive_ ? !(number > *minimum_) : !(number >= *minimum_));
    const bool above =
        maximum_ && (maximum_exclusive_ ? !(number < *maximum_) : !(number <= *maximum_));
    if (below || above || std::isnan(number)) {
      std::string range = describe_range();
      const auto semicolon = range.find(';');
      if (semicolon != std::string::npos) range.resize(semicolon);
      if (bad_element != nullptr && is_list(type_)) *bad_element = i;
      // NaN is outside every range, also the empty one.
      return each + "must be " + (range.empty() ? "a number, not .nan" : range);
    }
    const bool real = type_ == OptionType::kReal || type_ == OptionType::kRealList;
    if (real && finite_only_ && std::isinf(number)) {
      if (bad_element != nullptr && is_list(type_)) *bad_element = i;
      return each + "must be finite";
    }
  }
  if (!choices_.empty()) {
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const std::string& text = texts[i];
      bool found = false;
      for (const auto& choice : choices_) found = found || choice == text;
      if (!found) {
        std::string list;
        for (std::size_t c = 0; c < choices_.size(); ++c) list += (c ? ", " : "") + choices_[c];
        if (bad_element != nullptr && is_list(type_)) *bad_element = i;
        return each + "must be one of: " + list;
      }
    }
  }
  return {};
}

OptionSchema::OptionSchema(std::initializer_list<Option> options) {
  for (const auto& option : options) add(option);
}

OptionSchema& OptionSchema::add(Option option) {
  if (find(option.key()) != nullptr) {
    throw Error("option schema: the key '" + option.key() + "' is declared twice");
  }
  if (!option.is_required()) {
    const std::string problem = option.check(option.default_value());
    if (!problem.empty()) {
      throw Error("option schema: the default of '" + option.key() + "' (" +
                  format_option_value(option.default_value()) + ") " + problem);
    }
  }
  options_.push_back(std::move(option));
  return *this;
}

OptionSchema& OptionSchema::add_constraint(Constraint constraint) {
  constraints_.push_back(std::move(constraint));
  return *this;
}

OptionSchema& OptionSchema::set_resource_estimator(ResourceEstimator estimator) {
  resource_estimator_ = std::move(estimator);
  return *this;
}

std::vector<std::string> OptionSchema::check_constraints(const Options& options) const {
  std::vector<std::string> problems;
  for (const auto& constraint : constraints_) {
    std::string problem = constraint(options);
    if (!problem.empty()) problems.push_back(std::move(problem));
  }
  return problems;
}

const Option* OptionSchema::find(std::string_view key) const {
  for (const auto& option : options_) {
    if (option.key() == key) return &option;
  }
  return nullptr;
}

template <class T>
const T& Options::get(std::string_view key) const {
  const auto it = values_.find(key);
  if (it == values_.end()) {
    throw Error("option '" + std::string(key) + "' is not set (is it declared in the schema?)");
  }
  const T* value = std::get_if<T>(&it->second);
  if (value == nullptr) {
    throw Error("option '" + std::string(key) + "' is a " + to_string(type_of(it->second)) +
                ", read as another type");
  }
  return *value;
}

bool Options::boolean(std::string_view key) const { return get<bool>(key); }
std::int64_t Options::integer(std::string_view key) const { return get<std::int64_t>(key); }
double Options::real(std::string_view key) const { return get<double>(key); }
const std::string& Options::string(std::string_view key) const { return get<std::string>(key); }
const std::vector<std::int64_t>& Options::integers(std::string_view key) const {
  return get<std::vector<std::int64_t>>(key);
}
const std::vector<double>& Options::reals(std::string_view key) const {
  return get<std::vector<double>>(key);
}
const std::vector<std::string>& Options::strings(std::string_view key) const {
  return get<std::vector<std::string>>(key);
}

bool Options::contains(std::string_view key) const { return values_.find(key) != values_.end(); }

const OptionValue& Options::value(std::string_view key) const {
  const auto it = values_.find(key);
  if (it == values_.end()) throw Error("option '" + std::string(key) + "' is not set");
  return it->second;
}

void Options::set(std::string key, OptionValue value) {
  values_[std::move(key)] = std::move(value);
}

Options Options::defaults(const OptionSchema& schema) {
  Options options;
  for (const auto& option : schema.options()) {
    if (option.is_required()) {
      throw Error("option '" + option.key() + "' has no default; it must be given");
    }
    options.set(option.key(), option.default_value());
  }
  return options;
}

}  // namespace hnn
