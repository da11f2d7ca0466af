// The Registry on its own: names and kinds, reserved option keys, duplicate names within
// and across sources, begin/commit/abandon_source, errors of create_* naming the plugin
// and its file, and objects keeping their library alive (with a stand-in handle, and with
// a real fixture library loaded by the PluginLoader).
#include <dlfcn.h>
#include <doctest/doctest.h>

#include <memory>

#include "hnn/error.h"
#include "hnn/host/plugin_loader.h"
#include "hnn/plugin_class.h"
#include "hnn/registry.h"

namespace {

// An integrator that counts its living instances; it integrates nothing.
class StubIntegrator final : public hnn::Integrator {
 public:
  explicit StubIntegrator(int order) : order_(order) { ++living; }
  ~StubIntegrator() override { --living; }
  Eigen::MatrixXd integrate(const hnn::VectorField&, const Eigen::VectorXd& x0,
                            const std::vector<double>& times,
                            hnn::IntegrationStatistics*) const override {
    return Eigen::MatrixXd::Zero(x0.size(), Eigen::Index(times.size()));
  }
  int order() const override { return order_; }
  static inline int living = 0;

 private:
  int order_;
};

hnn::Factory<hnn::Integrator> stub_factory(int order = 1) {
  return [order](const hnn::Options&) { return std::make_unique<StubIntegrator>(order); };
}

hnn::SymbolicFunctionDefinition cube(std::string name) {
  return {.name = std::move(name),
          .evaluate = [](double x) { return x * x * x; },
          .formula = "x^3",
          .complexity = 3};
}

// A stand-in for a library handle: tests watch its use count.
std::shared_ptr<const void> library_token() { return std::make_shared<int>(0); }

bool is_loaded(const char* path) {
  void* handle = ::dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return false;
  ::dlclose(handle);
  return true;
}

}  // namespace

TEST_CASE("kinds have their names; every kind is listed once") {
  CHECK(hnn::to_string(hnn::PluginKind::kModel) == "model");
  CHECK(hnn::to_string(hnn::PluginKind::kSystem) == "system");
  CHECK(hnn::to_string(hnn::PluginKind::kOptimizer) == "optimizer");
  CHECK(hnn::to_string(hnn::PluginKind::kIntegrator) == "integrator");
  CHECK(hnn::to_string(hnn::PluginKind::kDataSource) == "data source");
  CHECK(std::size(hnn::kAllPluginKinds) == 5);
}

namespace {

// A data source in the one plugin shape: one trajectory of `points` samples.
class StubSource final : public hnn::DataSource {
 public:
  struct Settings {
    int points = 3;
    static const hnn::OptionBinding<Settings>& binding() {
      static const hnn::OptionBinding<Settings> binding = [] {
        hnn::OptionBinding<Settings> b("stub_source");
        b.bind("points", &Settings::points, "samples").at_least(1);
        return b;
      }();
      return binding;
    }
  };
  explicit StubSource(const Settings& settings) : points_(settings.points) {}
  hnn::TrajectorySet load(const hnn::DataSourceContext&) const override {
    hnn::Trajectory trajectory{"stub", {}, Eigen::MatrixXd::Zero(2, points_), {}};
    for (int i = 0; i < points_; ++i) trajectory.times.push_back(i);
    return {{"q", "p"}, {trajectory}};
  }

 private:
  int points_;
};

}  // namespace

TEST_CASE("a data source registers with add_plugin_class and is created from its options") {
  hnn::Registry registry;
  hnn::add_plugin_class<StubSource>(registry, "stub_source", "three zero states");
  const auto* info = registry.find(hnn::PluginKind::kDataSource, "stub_source");
  REQUIRE(info != nullptr);
  CHECK(info->kind == hnn::PluginKind::kDataSource);
  CHECK(info->schema.find("points") != nullptr);
  CHECK(registry.names(hnn::PluginKind::kDataSource) == std::vector<std::string>{"stub_source"});
  hnn::Options options;
  options.set("points", std::int64_t{5});
  const auto source = registry.create_data_source("stub_source", options);
  const auto set = source->load(hnn::DataSourceContext{});
  REQUIRE(set.trajectories.size() == 1);
  CHECK(set.trajectories[0].times.size() == 5);
  CHECK_FALSE(source->needs_system());
  CHECK_THROWS_WITH_AS(registry.create_data_source("table", options),
                       "no data source named 'table' is registered (registered: stub_source)",
                       hnn::PluginError);
}

TEST_CASE("names are lower-case identifiers, and each kind has its own names") {
  hnn::Registry registry;
  for (const char* bad : {"", "Euler", "rk-45", "rk 45", "r\xc3\xa9"}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH_AS(registry.add_integrator(bad, "", {}, stub_factory()),
                         doctest::Contains("a name must be lower-case letters, digits and '_'"),
                         hnn::PluginError);
  }
  registry.add_integrator("rk4_2nd", "fourth order", {}, stub_factory(4));
  registry.add_integrator("euler", "first order", {}, stub_factory(1));
  // The same name under another kind is another registration.
  registry.add_system("euler", "a system that happens to share the name", {},
                      [](const hnn::Options&) { return std::unique_ptr<hnn::System>(); });
  CHECK(registry.names(hnn::PluginKind::kIntegrator) ==
        std::vector<std::string>{"euler", "rk4_2nd"});
  CHECK(registry.names(hnn::PluginKind::kSystem) == std::vector<std::string>{"euler"});
  CHECK(registry.names(hnn::PluginKind::kModel).empty());
  const auto* euler = registry.find(hnn::PluginKind::kIntegrator, "euler");
  REQUIRE(euler != nullptr);
  CHECK(euler->kind == hnn::PluginKind::kIntegrator);
  CHECK(euler->description == "first order");
  CHECK(euler->source == "<built-in>");
  CHECK(registry.find(hnn::PluginKind::kOptimizer, "euler") == nullptr);
  const auto listed = registry.list(hnn::PluginKind::kIntegrator);
  REQUIRE(listed.size() == 2);
  CHECK(listed[0]->name == "euler");
  CHECK(listed[1]->name == "rk4_2nd");
}

TEST_CASE("every key the host reads in a plugin section is refused in a schema") {
  for (const char* reserved : {"plugin", "training", "checkpoint", "symbolic"}) {
    CAPTURE(reserved);
    hnn::Registry registry;
    registry.begin_source("/plugins/libx.so", library_token());
    const std::string expected = std::string(
                                     "registering model 'm' from /plugins/libx.so: the "
                                     "option key '") +
                                 reserved + "' is reserved for the host";
    CHECK_THROWS_WITH_AS(
        registry.add_model("m", "", hnn::OptionSchema{hnn::Option::integer(reserved, 1, "")},
                           [](const hnn::Options&) { return std::unique_ptr<hnn::Model>(); }),
        expected.c_str(), hnn::PluginError);
  }
}

TEST_CASE("a name registered twice outside a source is a DuplicateNameError naming both") {
  hnn::Registry registry;
  registry.add_integrator("euler", "", {}, stub_factory());
  CHECK_THROWS_WITH_AS(registry.add_integrator("euler", "again", {}, stub_factory()),
                       "integrator 'euler' is registered twice: by <built-in> and by <built-in>",
                       hnn::DuplicateNameError);
  CHECK(registry.find(hnn::PluginKind::kIntegrator, "euler")->description.empty());
}

TEST_CASE("a source's registrations are visible only once it is committed, attributed to it") {
  hnn::Registry registry;
  const auto library = library_token();
  registry.begin_source("/plugins/liba.so", library);
  registry.add_integrator("euler", "from a", {}, stub_factory());
  CHECK(registry.find(hnn::PluginKind::kIntegrator, "euler") == nullptr);
  registry.commit_source();
  const auto* euler = registry.find(hnn::PluginKind::kIntegrator, "euler");
  REQUIRE(euler != nullptr);
  CHECK(euler->source == "/plugins/liba.so");
  CHECK(library.use_count() == 2);  // the registry's entry holds the library
  // After the commit, registrations are built-in again.
  registry.add_integrator("midpoint", "", {}, stub_factory());
  CHECK(registry.find(hnn::PluginKind::kIntegrator, "midpoint")->source == "<built-in>");
}

TEST_CASE("abandon_source drops the source's registrations and its library") {
  hnn::Registry registry;
  const auto library = library_token();
  registry.begin_source("/plugins/liba.so", library);
  registry.add_integrator("euler", "", {}, stub_factory());
  registry.add_symbolic_function(cube("cube"));
  registry.abandon_source();
  CHECK(library.use_count() == 1);
  CHECK(registry.find(hnn::PluginKind::kIntegrator, "euler") == nullptr);
  CHECK(registry.symbolic_functions().empty());
  // The names are free, and registrations are built-in again.
  registry.add_integrator("euler", "", {}, stub_factory());
  registry.add_symbolic_function(cube("cube"));
  CHECK(registry.find(hnn::PluginKind::kIntegrator, "euler")->source == "<built-in>");
  // A committed source after an abandoned one is attributed to itself only.
  registry.begin_source("/plugins/libb.so", library_token());
  registry.add_integrator("midpoint", "", {}, stub_factory());
  registry.commit_source();
  CHECK(registry.find(hnn::PluginKind::kIntegrator, "midpoint")->source == "/plugins/libb.so");
}

TEST_CASE("a duplicate within one source fails the commit; nothing of the source is kept") {
  hnn::Registry registry;
  const auto library = library_token();
  registry.begin_source("/plugins/liba.so", library);
  registry.add_integrator("unique", "", {}, stub_factory());
  registry.add_integrator("euler", "", {}, stub_factory());
  registry.add_integrator("euler", "", {}, stub_factory());
  CHECK_THROWS_WITH_AS(registry.commit_source(),
                       doctest::Contains("integrator 'euler' is registered twice: by "
                                         "/plugins/liba.so and by /plugins/liba.so"),
                       hnn::DuplicateNameError);
  CHECK(registry.find(hnn::PluginKind::kIntegrator, "unique") == nullptr);
  CHECK(library.use_count() == 1);
}

TEST_CASE("a duplicate across sources fails the second source only, naming both files") {
  hnn::Registry registry;
  registry.begin_source("/plugins/liba.so", library_token());
  registry.add_integrator("euler", "from a", {}, stub_factory());
  registry.commit_source();
  const auto second = library_token();
  registry.begin_source("/plugins/libb.so", second);
  registry.add_integrator("midpoint", "from b", {}, stub_factory());
  registry.add_integrator("euler", "from b", {}, stub_factory());
  CHECK_THROWS_WITH_AS(registry.commit_source(),
                       "integrator 'euler' is registered twice: by /plugins/liba.so and by "
                       "/plugins/libb.so (remove one of the libraries from the plugin path)",
                       hnn::DuplicateNameError);
  CHECK(registry.find(hnn::PluginKind::kIntegrator, "euler")->description == "from a");
  CHECK(registry.find(hnn::PluginKind::kIntegrator, "midpoint") == nullptr);
  CHECK(second.use_count() == 1);
}

TEST_CASE("symbolic functions: complete entries, names unique across built-ins and sources") {
  hnn::Registry registry;
  auto incomplete = cube("");
  CHECK_THROWS_WITH_AS(registry.add_symbolic_function(incomplete),
                       doctest::Contains("the name is empty"), hnn::PluginError);
  incomplete = cube("f");
  incomplete.evaluate = nullptr;
  CHECK_THROWS_WITH_AS(registry.add_symbolic_function(incomplete),
                       doctest::Contains("`evaluate` is not set"), hnn::PluginError);
  incomplete = cube("f");
  incomplete.formula.clear();
  CHECK_THROWS_WITH_AS(registry.add_symbolic_function(incomplete),
                       doctest::Contains("`formula` is not set"), hnn::PluginError);
  incomplete = cube("f");
  incomplete.complexity = -1;
  CHECK_THROWS_WITH_AS(registry.add_symbolic_function(incomplete),
                       doctest::Contains("the complexity -1 is negative"), hnn::PluginError);
  // pykan's names are taken by the symbolic library itself.
  CHECK_THROWS_WITH_AS(registry.add_symbolic_function(cube("tanh")),
                       "symbolic function 'tanh' is registered twice: by <built-in> and by "
                       "<built-in>",
                       hnn::DuplicateNameError);

  // Twice in one source: refused at once.
  registry.begin_source("/plugins/liba.so", library_token());
  registry.add_symbolic_function(cube("cube"));
  CHECK_THROWS_WITH_AS(registry.add_symbolic_function(cube("cube")),
                       "registering symbolic function 'cube' from /plugins/liba.so: the name is "
                       "registered twice by it",
                       hnn::DuplicateNameError);
  registry.commit_source();
  REQUIRE(registry.symbolic_functions().size() == 1);
  CHECK(registry.symbolic_functions()[0].name == "cube");
  CHECK(registry.symbolic_functions()[0].owner != nullptr);  // the source's library

  // Across sources: refused at the commit, with the whole second source.
  registry.begin_source("/plugins/libb.so", library_token());
  registry.add_integrator("euler", "", {}, stub_factory());
  registry.add_symbolic_function(cube("cube"));
  CHECK_THROWS_WITH_AS(registry.commit_source(),
                       doctest::Contains("symbolic function 'cube' is registered twice: by "
                                         "/plugins/liba.so and by /plugins/libb.so"),
                       hnn::DuplicateNameError);
  CHECK(registry.find(hnn::PluginKind::kIntegrator, "euler") == nullptr);
  CHECK(registry.symbolic_functions().size() == 1);
}

TEST_CASE("create_* errors name the plugin and its file") {
  hnn::Registry registry;
  registry.begin_source("/plugins/liba.so", library_token());
  registry.add_integrator("throws", "", {},
                          [](const hnn::Options&) -> std::unique_ptr<hnn::Integrator> {
                            throw std::runtime_error("step must be positive");
                          });
  registry.add_integrator(
      "throws_int", "", {},
      [](const hnn::Options&) -> std::unique_ptr<hnn::Integrator> { throw 42; });
  registry.add_integrator("null", "", {}, [](const hnn::Options&) { return nullptr; });
  registry.commit_source();
  CHECK_THROWS_WITH_AS(registry.create_integrator("throws", {}),
                       "integrator 'throws' (/plugins/liba.so) failed to construct: step must be "
                       "positive",
                       hnn::PluginError);
  CHECK_THROWS_WITH_AS(registry.create_integrator("throws_int", {}),
                       "integrator 'throws_int' (/plugins/liba.so) failed to construct with an "
                       "unknown exception",
                       hnn::PluginError);
  CHECK_THROWS_WITH_AS(registry.create_integrator("null", {}),
                       "integrator 'null' (/plugins/liba.so) returned no object", hnn::PluginError);
  CHECK_THROWS_WITH_AS(registry.create_integrator("rk4", {}),
                       "no integrator named 'rk4' is registered (registered: null, throws, "
                       "throws_int)",
                       hnn::PluginError);
  CHECK_THROWS_WITH_AS(registry.create_model("throws", {}),
                       "no model named 'throws' is registered (registered: none)",
                       hnn::PluginError);
}

TEST_CASE("the factory's own exception is nested in the PluginError, with its type") {
  hnn::Registry registry;
  registry.add_integrator("refuses", "", {},
                          [](const hnn::Options&) -> std::unique_ptr<hnn::Integrator> {
                            throw hnn::NotImplementedError("no adaptive steps");
                          });
  bool reached = false;
  try {
    registry.create_integrator("refuses", {});
  } catch (const hnn::PluginError& error) {
    CHECK(std::string(error.what()) ==
          "integrator 'refuses' (<built-in>) failed to construct: no adaptive steps");
    try {
      std::rethrow_if_nested(error);
    } catch (const hnn::NotImplementedError& cause) {
      reached = std::string(cause.what()) == "no adaptive steps";
    }
  }
  CHECK(reached);
}

TEST_CASE("create_* errors of a real library name the plugin and the library file") {
  hnn::Registry registry;
  hnn::PluginLoader loader(registry);
  loader.load_library(HNN_FIXTURE_GOOD);
  // Options out of the plugin's range (which the host's validation would have refused):
  // the plugin throws.
  hnn::Options options;
  options.set("frequency", -1.0);
  CHECK_THROWS_WITH_AS(
      registry.create_system("fixture_oscillator", options),
      doctest::Contains("system 'fixture_oscillator' (" HNN_FIXTURE_GOOD
                        ") failed to construct: fixture_oscillator: frequency = -1.0 must be > 0"),
      hnn::PluginError);
}

TEST_CASE("an object keeps its library alive after the registry is gone") {
  const auto library = library_token();
  std::shared_ptr<hnn::Integrator> integrator;
  {
    hnn::Registry registry;
    registry.begin_source("/plugins/liba.so", library);
    registry.add_integrator("euler", "", {}, stub_factory(3));
    registry.commit_source();
    integrator = registry.create_integrator("euler", {});
    CHECK(library.use_count() == 3);  // the entry and the object
  }
  CHECK(library.use_count() == 2);  // the object alone
  CHECK(integrator->order() == 3);
  CHECK(StubIntegrator::living == 1);
  integrator.reset();
  CHECK(StubIntegrator::living == 0);
  CHECK(library.use_count() == 1);
}

TEST_CASE("a model from a real library keeps it loaded until the model is gone") {
  std::shared_ptr<hnn::Model> model;
  {
    hnn::Registry registry;
    hnn::PluginLoader loader(registry);
    loader.load_library(HNN_FIXTURE_GOOD);
    const auto* info = registry.find(hnn::PluginKind::kModel, "fixture_quadratic");
    REQUIRE(info != nullptr);
    hnn::Options options = hnn::Options::defaults(info->schema);
    options.set("inputs", std::int64_t{2});
    options.set("outputs", std::int64_t{1});
    model = registry.create_model("fixture_quadratic", options);
  }
  REQUIRE(is_loaded(HNN_FIXTURE_GOOD));
  CHECK(model->name() == "fixture_quadratic");  // code from the library runs
  CHECK(model->parameter_count() == 2);
  model.reset();
  CHECK_FALSE(is_loaded(HNN_FIXTURE_GOOD));
}
