// Option, OptionSchema, Options and OptionBinding (hnn/options.h, hnn/option_binding.h),
// and registration through add_plugin_class (hnn/plugin_class.h).
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "hnn/error.h"
#include "hnn/option_binding.h"
#include "hnn/plugin_class.h"
#include "hnn/registry.h"

namespace {

enum class Shape { kRound, kSquare };

struct Sample {
  bool enabled = true;
  int count = 3;
  std::uint32_t seed = 7;
  double rate = 0.5;
  std::string label = "a";
  Shape shape = Shape::kSquare;
  std::vector<int> sizes = {2, 2};
  std::array<double, 2> span = {0.0, 1.0};
  std::vector<std::string> names = {};
  std::string file;

  static const hnn::OptionBinding<Sample>& binding() {
    static const hnn::OptionBinding<Sample> binding = [] {
      hnn::OptionBinding<Sample> b("sample");
      b.bind("enabled", &Sample::enabled, "on or off");
      b.bind("count", &Sample::count, "how many").at_least(1);
      b.bind("seed", &Sample::seed, "a 32-bit seed");
      b.bind("rate", &Sample::rate, "a rate").greater_than(0.0).at_most(1.0);
      b.bind("label", &Sample::label, "a label");
      b.bind_choice("shape", &Sample::shape, {{"round", Shape::kRound}, {"square", Shape::kSquare}},
                    "a shape");
      b.bind("sizes", &Sample::sizes, "layer sizes").at_least(1).min_length(1);
      b.bind("span", &Sample::span, "start and end");
      b.bind("names", &Sample::names, "names");
      b.bind_required("file", &Sample::file, "a file").file_path();
      b.require([](const Sample& s) {
        return s.span[0] < s.span[1] ? "" : "span: expected start < end";
      });
      return b;
    }();
    return binding;
  }
};

}  // namespace

TEST_CASE("an option binding writes every key once: schema, defaults, ranges") {
  const hnn::OptionSchema schema = Sample::binding().schema();
  REQUIRE(schema.options().size() == 10);
  CHECK(schema.options()[0].key() == "enabled");
  CHECK(std::get<bool>(schema.find("enabled")->default_value()) == true);
  CHECK(std::get<std::int64_t>(schema.find("count")->default_value()) == 3);
  CHECK(schema.find("count")->describe_range() == "in [1, 2147483647]");
  // A 32-bit unsigned member cannot hold a negative or a larger value.
  CHECK(schema.find("seed")->describe_range() == "in [0, 4294967295]");
  CHECK(schema.find("rate")->describe_range() == "in (0, 1]");
  CHECK(schema.find("shape")->type() == hnn::OptionType::kString);
  CHECK(std::get<std::string>(schema.find("shape")->default_value()) == "square");
  CHECK(schema.find("shape")->describe_range() == "one of: round, square");
  CHECK(schema.find("span")->type() == hnn::OptionType::kRealList);
  CHECK(schema.find("span")->describe_range() == "2 elements");
  CHECK(schema.find("file")->is_required());
  CHECK(schema.find("file")->is_file_path());
  CHECK(schema.find("count")->check(std::int64_t{0}) == "must be in [1, 2147483647]");
  CHECK(schema.find("count")->check(std::int64_t{2147483648}) == "must be in [1, 2147483647]");
}

TEST_CASE("decode turns validated options into the struct, enums included") {
  const auto& binding = Sample::binding();
  hnn::Options options = hnn::Options::defaults([] {
    const hnn::OptionSchema full = Sample::binding().schema();
    hnn::OptionSchema schema;
    for (const auto& option : full.options()) {
      if (!option.is_required()) schema.add(option);
    }
    return schema;
  }());
  options.set("file", std::string("/tmp/x"));
  options.set("shape", std::string("round"));
  options.set("count", std::int64_t{12});
  options.set("sizes", std::vector<std::int64_t>{4, 5, 6});
  options.set("span", std::vector<double>{-1.0, 2.5});
  const Sample sample = binding.decode(options);
  CHECK(sample.shape == Shape::kRound);
  CHECK(sample.count == 12);
  CHECK(sample.sizes == std::vector<int>{4, 5, 6});
  CHECK(sample.span[0] == -1.0);
  CHECK(sample.span[1] == 2.5);
  CHECK(sample.file == "/tmp/x");
  CHECK(sample.label == "a");
  // encode is decode's inverse.
  const Sample again = binding.decode(binding.encode(sample));
  CHECK(again.sizes == sample.sizes);
  CHECK(again.shape == sample.shape);
  CHECK(std::get<std::string>(binding.encode(sample).value("shape")) == "round");
}

TEST_CASE("is_valid checks the same ranges and constraints on a struct built in C++") {
  const auto& binding = Sample::binding();
  Sample sample;
  std::string error;
  CHECK(binding.is_valid(sample, &error));
  sample.rate = 0.0;
  CHECK_FALSE(binding.is_valid(sample, &error));
  CHECK(error == "sample: rate = 0.0 must be in (0, 1]");
  sample.rate = 0.5;
  sample.sizes = {3, 0};
  CHECK_FALSE(binding.is_valid(sample, &error));
  CHECK(error == "sample: sizes = [3, 0] every element must be in [1, 2147483647]");
  sample.sizes = {3};
  sample.span = {2.0, 1.0};
  CHECK_FALSE(binding.is_valid(sample, &error));
  CHECK(error == "sample: span: expected start < end");
  CHECK_THROWS_WITH_AS(binding.decode(binding.encode(sample)), "sample: span: expected start < end",
                       hnn::Error);
  // The schema carries the constraint for the host's validation.
  const auto problems = binding.schema().check_constraints(binding.encode(sample));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == "span: expected start < end");
  sample.span = {0.0, 1.0};
  CHECK(binding.schema().check_constraints(binding.encode(sample)).empty());
}

TEST_CASE("a key bound twice, or a default out of its own range, is a programming error") {
  struct Twice {
    int a = 0;
    int b = 0;
  };
  hnn::OptionBinding<Twice> twice("twice");
  twice.bind("a", &Twice::a, "a");
  CHECK_THROWS_WITH_AS(twice.bind("a", &Twice::b, "b"), "twice: the option key 'a' is bound twice",
                       hnn::Error);
  struct OutOfRange {
    int n = 0;
  };
  hnn::OptionBinding<OutOfRange> out("out");
  out.bind("n", &OutOfRange::n, "n").at_least(1);
  CHECK_THROWS_WITH_AS(out.schema(),
                       doctest::Contains("the default of 'n' (0) must be in [1, 2147483647]"),
                       hnn::Error);
}

namespace {

struct ConstantSettings {
  double value = 1.0;
  static const hnn::OptionBinding<ConstantSettings>& binding() {
    static const hnn::OptionBinding<ConstantSettings> binding = [] {
      hnn::OptionBinding<ConstantSettings> b("constant_integrator");
      b.bind("value", &ConstantSettings::value, "every state it returns").greater_than(0.0);
      return b;
    }();
    return binding;
  }
};

// An integrator that returns a constant, enough to see the registration.
class ConstantIntegrator final : public hnn::Integrator {
 public:
  using Settings = ConstantSettings;
  explicit ConstantIntegrator(const Settings& settings) : value_(settings.value) {}
  Eigen::MatrixXd integrate(const hnn::VectorField&, const Eigen::VectorXd& x0,
                            const std::vector<double>& times,
                            hnn::IntegrationStatistics* = nullptr) const override {
    return Eigen::MatrixXd::Constant(x0.size(), Eigen::Index(times.size()), value_);
  }
  int order() const override { return 1; }

 private:
  double value_;
};

}  // namespace

TEST_CASE("add_plugin_class registers any kind with its binding's schema and decoder") {
  hnn::Registry registry;
  hnn::add_plugin_class<ConstantIntegrator>(registry, "constant", "returns a constant");
  const hnn::PluginInfo* info = registry.find(hnn::PluginKind::kIntegrator, "constant");
  REQUIRE(info != nullptr);
  CHECK(info->description == "returns a constant");
  CHECK(info->schema.find("value") != nullptr);
  hnn::Options options;
  options.set("value", 2.5);
  const auto integrator = registry.create_integrator("constant", options);
  const Eigen::MatrixXd states =
      integrator->integrate({}, Eigen::VectorXd::Zero(2), std::vector<double>{0.0, 1.0});
  CHECK(states(1, 1) == 2.5);
  // A struct out of range fails construction with the binding's message, named by the
  // registry.
  options.set("value", -1.0);
  CHECK_THROWS_WITH_AS(registry.create_integrator("constant", options),
                       doctest::Contains("constant_integrator: value = -1.0 must be > 0"),
                       hnn::PluginError);
}

TEST_CASE("format_option_value writes YAML flow text that reads back to the same value") {
  using hnn::format_option_value;
  CHECK(format_option_value(true) == "true");
  CHECK(format_option_value(false) == "false");
  CHECK(format_option_value(std::int64_t{-42}) == "-42");
  CHECK(format_option_value(2.0) == "2.0");  // a real stays a real in YAML
  CHECK(format_option_value(0.1) == "0.1");  // shortest round-trip form
  CHECK(format_option_value(1e-300) == "1e-300");
  CHECK(format_option_value(std::numeric_limits<double>::infinity()) == ".inf");
  CHECK(format_option_value(-std::numeric_limits<double>::infinity()) == "-.inf");
  CHECK(format_option_value(std::numeric_limits<double>::quiet_NaN()) == ".nan");
  CHECK(format_option_value(std::string("tanh")) == "\"tanh\"");
  CHECK(format_option_value(std::string("a \"b\" \\c")) == "\"a \\\"b\\\" \\\\c\"");
  CHECK(format_option_value(std::vector<std::int64_t>{200, 200}) == "[200, 200]");
  CHECK(format_option_value(std::vector<double>{-1.0, 0.25}) == "[-1.0, 0.25]");
  CHECK(format_option_value(std::vector<std::string>{"q", "p"}) == "[\"q\", \"p\"]");
  CHECK(format_option_value(std::vector<double>{}) == "[]");
}

TEST_CASE("describe_range names every restriction, joined by '; '") {
  using hnn::Option;
  CHECK(Option::real("x", 1, "").describe_range().empty());
  CHECK(Option::real("x", 1, "").greater_than(0).describe_range() == "> 0");
  CHECK(Option::real("x", 1, "").at_least(0.5).describe_range() == ">= 0.5");
  CHECK(Option::real("x", 0, "").less_than(1).describe_range() == "< 1");
  CHECK(Option::real("x", 0, "").at_most(1e20).describe_range() == "<= 1e+20");
  CHECK(Option::real("x", 0.5, "").greater_than(0).less_than(1).describe_range() == "in (0, 1)");
  CHECK(Option::real("x", 0.5, "").at_least(0).at_most(2.5).describe_range() == "in [0, 2.5]");
  CHECK(Option::string("s", "a", "").one_of({"a", "b"}).describe_range() == "one of: a, b");
  CHECK(Option::real_list("l", {0, 1}, "").length(2).describe_range() == "2 elements");
  CHECK(Option::real_list("l", {0}, "").length(1).describe_range() == "1 element");
  CHECK(Option::integer_list("l", {1}, "").min_length(1).describe_range() == "at least 1 element");
  CHECK(Option::real_list("l", {0, 1}, "").at_least(0).length(2).describe_range() ==
        ">= 0; 2 elements");
  CHECK(Option::string_list("l", {"a"}, "").one_of({"a", "b"}).min_length(1).describe_range() ==
        "one of: a, b; at least 1 element");
}

TEST_CASE("Option::check on lists: lengths, each element's range, and the bad element") {
  using hnn::Option;
  using hnn::OptionValue;
  const Option radius = Option::real_list("radius", {0.1, 1.0}, "").at_least(0).length(2);
  std::size_t bad = 99;
  CHECK(radius.check(OptionValue(std::vector<double>{0.0, 2.0}), &bad).empty());
  CHECK(bad == 99);
  // A wrong length names the length only, not the elements' range.
  CHECK(radius.check(OptionValue(std::vector<double>{1.0})) == "must have 2 elements");
  CHECK(radius.check(OptionValue(std::vector<double>{0.5, -1.0}), &bad) ==
        "every element must be >= 0");
  CHECK(bad == 1);
  CHECK(radius.check(OptionValue(std::vector<double>{std::nan(""), 1.0}), &bad) ==
        "every element must be >= 0");
  CHECK(bad == 0);
  const Option hidden = Option::integer_list("hidden", {8}, "").at_least(1).min_length(1);
  CHECK(hidden.check(OptionValue(std::vector<std::int64_t>{})) == "must have at least 1 element");
  CHECK(hidden.check(OptionValue(std::vector<std::int64_t>{4, 0, 2}), &bad) ==
        "every element must be >= 1");
  CHECK(bad == 1);
  const Option names = Option::string_list("names", {}, "").one_of({"q", "p"});
  CHECK(names.check(OptionValue(std::vector<std::string>{"q", "x"}), &bad) ==
        "every element must be one of: q, p");
  CHECK(bad == 1);
  // A scalar names no element; a value of another type is refused by type.
  const Option rate = Option::real("rate", 0.5, "").greater_than(0).at_most(1);
  bad = 99;
  CHECK(rate.check(OptionValue(1.5), &bad) == "must be in (0, 1]");
  CHECK(bad == 99);
  CHECK(rate.check(OptionValue(std::string("fast"))) == "must be a real, not a string");
}

TEST_CASE("Options: typed reads name the key; a schema refuses duplicates and bad defaults") {
  hnn::Options options;
  options.set("rate", 0.5);
  CHECK(options.real("rate") == 0.5);
  CHECK(options.contains("rate"));
  CHECK_FALSE(options.contains("epochs"));
  CHECK_THROWS_WITH_AS(options.integer("epochs"),
                       "option 'epochs' is not set (is it declared in the schema?)", hnn::Error);
  CHECK_THROWS_WITH_AS(options.integer("rate"), "option 'rate' is a real, read as another type",
                       hnn::Error);
  hnn::OptionSchema schema{hnn::Option::integer("epochs", 10, "")};
  CHECK(hnn::Options::defaults(schema).integer("epochs") == 10);
  schema.add(hnn::Option::required("data", hnn::OptionType::kString, ""));
  CHECK(schema.find("data")->is_required());
  CHECK_THROWS_WITH_AS(hnn::Options::defaults(schema),  // a required key has no default
                       doctest::Contains("option 'data' has no default"), hnn::Error);
  CHECK_THROWS_WITH_AS(schema.add(hnn::Option::real("epochs", 1, "")),
                       doctest::Contains("the key 'epochs' is declared twice"), hnn::Error);
  CHECK_THROWS_AS(schema.add(hnn::Option::real("rate", -1, "").greater_than(0)), hnn::Error);
  CHECK_THROWS_WITH_AS(hnn::Option::integer("n", 1, "").file_path(),
                       doctest::Contains("only a string or a list of strings can name files"),
                       hnn::Error);
  CHECK(hnn::to_string(hnn::OptionType::kIntegerList) == "list of integers");
  CHECK(hnn::type_of(hnn::OptionValue(std::vector<std::string>{})) == hnn::OptionType::kStringList);
}

TEST_CASE("unsigned 64-bit members are bounded by what an option can hold") {
  struct Wide {
    std::uint64_t seed = 0;
  };
  hnn::OptionBinding<Wide> binding("wide");
  binding.bind("seed", &Wide::seed, "a seed");
  CHECK(binding.schema().find("seed")->describe_range() == ">= 0");
}

TEST_CASE("a choice outside the declared names names its key") {
  Sample sample;
  hnn::Options options = Sample::binding().encode(sample);
  options.set("shape", std::string("oval"));
  CHECK_THROWS_WITH_AS(Sample::binding().decode(options),
                       "shape: 'oval' must be one of: round, square", hnn::Error);
}

TEST_CASE("require_finite refuses an infinite or NaN real that the ranges admit") {
  struct Reals {
    double rate = 1.0;
    std::vector<double> weights = {1.0, 2.0};
    int count = 1;
  };
  hnn::OptionBinding<Reals> binding("reals");
  binding.bind("rate", &Reals::rate, "a rate").greater_than(0.0);
  binding.bind("weights", &Reals::weights, "weights");
  binding.bind("count", &Reals::count, "a count");
  binding.require_finite({"rate", "weights"});
  Reals reals;
  std::string error;
  CHECK(binding.is_valid(reals, &error));
  reals.rate = HUGE_VAL;
  CHECK_FALSE(binding.is_valid(reals, &error));
  CHECK(error == "reals: rate = .inf must be finite");
  reals.rate = 1.0;
  reals.weights[1] = -HUGE_VAL;
  CHECK_FALSE(binding.is_valid(reals, &error));
  CHECK(error == "reals: weights = [1.0, -.inf] every element must be finite");
  // NaN is refused by every range already, also by none.
  reals.weights[1] = std::nan("");
  CHECK_FALSE(binding.is_valid(reals, &error));
  CHECK(error == "reals: weights = [1.0, .nan] every element must be a number, not .nan");
  CHECK(binding.schema().check_constraints(binding.encode(reals)).size() == 1);
  CHECK_THROWS_WITH_AS(binding.require_finite({"count"}),
                       "reals: require_finite: 'count' is not a bound real option", hnn::Error);
  CHECK_THROWS_WITH_AS(binding.require_finite({"missing"}),
                       "reals: require_finite: 'missing' is not a bound real option", hnn::Error);
}
