// Plugin loading the real way: shared libraries built as MODULE targets, loaded through
// PluginLoader into a Registry.
#include <dlfcn.h>
#include <doctest/doctest.h>

#include "hnn/error.h"
#include "hnn/host/plugin_loader.h"
#include "hnn/registry.h"
#include "hnn/version.h"

namespace {

// Whether the dynamic linker still has the library loaded (RTLD_NOLOAD does not load it;
// when it is loaded the handle bumps its count, so close it again).
bool is_loaded(const char* path) {
  void* handle = ::dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return false;
  ::dlclose(handle);
  return true;
}

}  // namespace

TEST_CASE("a good plugin registers one name of every kind with its file and schema") {
  hnn::Registry registry;
  hnn::PluginLoader loader(registry);
  loader.load_library(HNN_FIXTURE_GOOD);
  const auto* system = registry.find(hnn::PluginKind::kSystem, "fixture_oscillator");
  REQUIRE(system != nullptr);
  CHECK(system->source == HNN_FIXTURE_GOOD);
  CHECK(system->description == "fixture: H = w (q^2 + p^2) / 2");
  REQUIRE(system->schema.find("frequency") != nullptr);
  CHECK(system->schema.find("frequency")->describe_range() == "> 0");
  CHECK(registry.find(hnn::PluginKind::kModel, "fixture_quadratic") != nullptr);
  CHECK(registry.find(hnn::PluginKind::kOptimizer, "fixture_gradient_descent") != nullptr);
  CHECK(registry.find(hnn::PluginKind::kIntegrator, "fixture_euler") != nullptr);
  CHECK(registry.find(hnn::PluginKind::kDataSource, "fixture_samples") != nullptr);
  CHECK(loader.loaded_files() == std::vector<std::string>{HNN_FIXTURE_GOOD});

  hnn::Options options = hnn::Options::defaults(system->schema);
  options.set("frequency", 2.0);
  const auto oscillator = registry.create_system("fixture_oscillator", options);
  Eigen::VectorXd x(2), gradient(2);
  x << 0.5, -1.5;
  oscillator->gradient(x, gradient);
  CHECK(gradient[0] == doctest::Approx(1.0));
  CHECK(gradient[1] == doctest::Approx(-3.0));

  // A model without the optional input Hessian-vector product gets the SDK's default.
  const auto* quadratic = registry.find(hnn::PluginKind::kModel, "fixture_quadratic");
  hnn::Options model_options = hnn::Options::defaults(quadratic->schema);
  model_options.set("inputs", std::int64_t{2});
  model_options.set("outputs", std::int64_t{1});
  const auto model = registry.create_model("fixture_quadratic", model_options);
  CHECK_FALSE(model->has_input_hessian_vector_product());
  Eigen::MatrixXd states = Eigen::MatrixXd::Ones(2, 3), products(2, 3);
  model->forward(states);
  model->input_gradient(0, products);
  CHECK_THROWS_WITH_AS(model->input_hessian_vector_product(0, states, products),
                       "model 'fixture_quadratic' has no input Hessian-vector product "
                       "(has_input_hessian_vector_product() is false)",
                       hnn::NotImplementedError);
  // Nor the fused second derivatives and the pass slots (ABI 7).
  CHECK_FALSE(model->has_parameter_gradient_and_input_hessian_vector_product());
  Eigen::VectorXd parameter_gradient = Eigen::VectorXd::Zero(model->parameter_count());
  CHECK_THROWS_WITH_AS(model->add_parameter_gradient_and_input_hessian_vector_product(
                           0, states, products, parameter_gradient),
                       "model 'fixture_quadratic' has no fused parameter gradient and input "
                       "Hessian-vector product "
                       "(has_parameter_gradient_and_input_hessian_vector_product() is false)",
                       hnn::NotImplementedError);
  CHECK_FALSE(model->has_pass_slots());
  CHECK_THROWS_WITH_AS(model->save_pass(0),
                       "model 'fixture_quadratic' cannot keep several forward passes "
                       "(has_pass_slots() is false)",
                       hnn::NotImplementedError);
  CHECK_THROWS_AS(model->reserve_pass_slots(1), hnn::NotImplementedError);
  CHECK_THROWS_AS(model->restore_pass(0), hnn::NotImplementedError);
  // Nor an export as C++ source (ABI 8).
  CHECK_FALSE(model->has_cpp_export());
  CHECK_THROWS_WITH_AS(model->cpp_export({}),
                       "model 'fixture_quadratic' cannot be exported as C++ source "
                       "(has_cpp_export() is false)",
                       hnn::NotImplementedError);
}

TEST_CASE("a plugin built for another ABI version is refused before it is registered") {
  hnn::Registry registry;
  hnn::PluginLoader loader(registry);
  const std::string wrong_version = "was built for plugin ABI version " +
                                    std::to_string(hnn::kPluginAbiVersion + 41) + ", this hnn-host";
  CHECK_THROWS_WITH_AS(loader.load_library(HNN_FIXTURE_WRONG_ABI),
                       doctest::Contains(wrong_version.c_str()), hnn::PluginError);
  CHECK_THROWS_WITH_AS(loader.load_library(HNN_FIXTURE_WRONG_ABI),
                       doctest::Contains(HNN_FIXTURE_WRONG_ABI), hnn::PluginError);
  CHECK(registry.list(hnn::PluginKind::kSystem).empty());
  CHECK_FALSE(is_loaded(HNN_FIXTURE_WRONG_ABI));
}

TEST_CASE("a plugin with a mismatched build tag is refused, naming both tags") {
  hnn::Registry registry;
  hnn::PluginLoader loader(registry);
  CHECK_THROWS_WITH_AS(loader.load_library(HNN_FIXTURE_WRONG_TAG),
                       doctest::Contains(("align64;avx512' but this hnn-host with '" +
                                          hnn::PluginLoader::host_build_tag() + "'")
                                             .c_str()),
                       hnn::PluginError);
  CHECK_FALSE(is_loaded(HNN_FIXTURE_WRONG_TAG));
}

TEST_CASE("a shared library that is not a plugin is refused by name without loading it") {
  hnn::Registry registry;
  hnn::PluginLoader loader(registry);
  CHECK_THROWS_WITH_AS(
      loader.load_library(HNN_FIXTURE_NOT_A_PLUGIN),
      doctest::Contains(HNN_FIXTURE_NOT_A_PLUGIN
                        " is not an hnn plugin: it does not export the entry 'hnn_plugin'"),
      hnn::PluginError);
  CHECK_FALSE(is_loaded(HNN_FIXTURE_NOT_A_PLUGIN));
  CHECK_THROWS_WITH_AS(loader.load_library(HNN_CONFIG_FIXTURES "/valid.yaml"),
                       doctest::Contains("is not an hnn plugin: it is not a shared library"),
                       hnn::PluginError);
  CHECK_THROWS_WITH_AS(loader.load_library("/nonexistent/plugin.so"),
                       doctest::Contains("/nonexistent/plugin.so: no such file"), hnn::PluginError);
}

TEST_CASE("a plugin whose entry is null is refused word for word, naming the file") {
  hnn::Registry registry;
  hnn::PluginLoader loader(registry);
  CHECK_THROWS_WITH_AS(loader.load_library(HNN_FIXTURE_NULL_ENTRY),
                       "plugin " HNN_FIXTURE_NULL_ENTRY ": its entry 'hnn_plugin' is null",
                       hnn::PluginLoadError);
  const auto problems = loader.load_path(HNN_FIXTURE_NULL_ENTRY);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].kind == hnn::PluginProblemKind::kNoRegistration);
  CHECK(problems[0].file == HNN_FIXTURE_NULL_ENTRY);
  CHECK(loader.loaded_files().empty());
  CHECK_FALSE(is_loaded(HNN_FIXTURE_NULL_ENTRY));
}

TEST_CASE("a plugin without a registration function is refused word for word, by name and file") {
  hnn::Registry registry;
  hnn::PluginLoader loader(registry);
  CHECK_THROWS_WITH_AS(loader.load_library(HNN_FIXTURE_NO_REGISTRATION),
                       "plugin 'fixture_no_registration' (" HNN_FIXTURE_NO_REGISTRATION
                       ") has no registration function",
                       hnn::PluginLoadError);
  const auto problems = loader.load_path(HNN_FIXTURE_NO_REGISTRATION);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].kind == hnn::PluginProblemKind::kNoRegistration);
  CHECK(problems[0].file == HNN_FIXTURE_NO_REGISTRATION);
  CHECK(hnn::to_string(problems[0].kind) == "no registration function");
  CHECK(loader.loaded_files().empty());
  CHECK_FALSE(is_loaded(HNN_FIXTURE_NO_REGISTRATION));
}

TEST_CASE("a plugin that throws while registering is reported by name; the host stays usable") {
  hnn::Registry registry;
  hnn::PluginLoader loader(registry);
  CHECK_THROWS_WITH_AS(loader.load_library(HNN_FIXTURE_THROWING),
                       doctest::Contains("plugin 'fixture_throwing' (" HNN_FIXTURE_THROWING
                                         ") failed while registering: deliberate failure"),
                       hnn::PluginError);
  // Nothing of the failed library was kept, and it was unloaded.
  CHECK(registry.find(hnn::PluginKind::kIntegrator, "fixture_half_registered") == nullptr);
  CHECK_FALSE(is_loaded(HNN_FIXTURE_THROWING));
  // The same registry and loader go on working.
  loader.load_library(HNN_FIXTURE_GOOD);
  CHECK(registry.find(hnn::PluginKind::kSystem, "fixture_oscillator") != nullptr);
}

TEST_CASE("a duplicate name is an error naming both files, and the second library is dropped") {
  hnn::Registry registry;
  hnn::PluginLoader loader(registry);
  loader.load_library(HNN_FIXTURE_GOOD);
  CHECK_THROWS_WITH_AS(
      loader.load_library(HNN_FIXTURE_DUPLICATE),
      doctest::Contains("system 'fixture_oscillator' is registered twice: by " HNN_FIXTURE_GOOD
                        " and by " HNN_FIXTURE_DUPLICATE),
      hnn::PluginLoadError);
  CHECK(registry.find(hnn::PluginKind::kIntegrator, "fixture_unique_name") == nullptr);
  CHECK(registry.find(hnn::PluginKind::kSystem, "fixture_oscillator")->source == HNN_FIXTURE_GOOD);
  CHECK_FALSE(is_loaded(HNN_FIXTURE_DUPLICATE));
}

TEST_CASE("load_directory loads what it can and reports every failure") {
  hnn::Registry registry;
  hnn::PluginLoader loader(registry);
  const auto problems = loader.load_directory(HNN_FIXTURE_DIR);
  CHECK(problems.empty());
  CHECK(registry.find(hnn::PluginKind::kModel, "fixture_quadratic") != nullptr);
  const auto missing = loader.load_directory("/nonexistent/folder");
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].kind == hnn::PluginProblemKind::kNoSuchFolder);
  CHECK(missing[0].file == "/nonexistent/folder");
  CHECK(missing[0].message == "plugin folder /nonexistent/folder: no such folder");
}

TEST_CASE("every problem has a kind, the file, and the message of the PluginLoadError") {
  const auto problem_of = [](const std::string& path, bool after_good = false) {
    hnn::Registry registry;
    hnn::PluginLoader loader(registry);
    if (after_good) loader.load_library(HNN_FIXTURE_GOOD);
    const auto problems = loader.load_path(path);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].file == path);
    try {
      loader.load_library(path);
      FAIL("load_library did not throw");
    } catch (const hnn::PluginLoadError& error) {
      CHECK(error.problem().kind == problems[0].kind);
      CHECK(error.what() == problems[0].message);
    }
    return problems[0];
  };
  using Kind = hnn::PluginProblemKind;
  CHECK(problem_of("/nonexistent/plugin.so").kind == Kind::kNoSuchFile);
  CHECK(problem_of(HNN_FIXTURE_NOT_A_PLUGIN).kind == Kind::kNotAPlugin);
  CHECK(problem_of(HNN_CONFIG_FIXTURES "/valid.yaml").kind == Kind::kNotAPlugin);
  CHECK(problem_of(HNN_FIXTURE_WRONG_ABI).kind == Kind::kAbiMismatch);
  CHECK(problem_of(HNN_FIXTURE_WRONG_TAG).kind == Kind::kBuildTagMismatch);
  CHECK(problem_of(HNN_FIXTURE_THROWING).kind == Kind::kRegistrationFailed);
  const auto duplicate = problem_of(HNN_FIXTURE_DUPLICATE, /*after_good=*/true);
  CHECK(duplicate.kind == Kind::kDuplicateName);
  CHECK(duplicate.message.find("system 'fixture_oscillator' is registered twice") !=
        std::string::npos);
  CHECK(hnn::to_string(Kind::kDuplicateName) == "duplicate name");
  CHECK(hnn::to_string(Kind::kAbiMismatch) == "ABI mismatch");
}

TEST_CASE("lifetime: a library is unloaded only after the last object from it is gone") {
  std::shared_ptr<hnn::System> oscillator;
  {
    hnn::Registry registry;
    hnn::PluginLoader loader(registry);
    loader.load_library(HNN_FIXTURE_GOOD);
    const auto* info = registry.find(hnn::PluginKind::kSystem, "fixture_oscillator");
    oscillator = registry.create_system("fixture_oscillator", hnn::Options::defaults(info->schema));
    CHECK(is_loaded(HNN_FIXTURE_GOOD));
  }
  // The registry and loader are gone; the object still holds its library.
  REQUIRE(is_loaded(HNN_FIXTURE_GOOD));
  Eigen::VectorXd x(2);
  x << 3.0, 4.0;
  CHECK(oscillator->hamiltonian(x) == doctest::Approx(12.5));  // code from the library runs
  CHECK(oscillator->coordinate_names() == std::vector<std::string>{"q", "p"});
  oscillator.reset();
  CHECK_FALSE(is_loaded(HNN_FIXTURE_GOOD));
}

TEST_CASE("the registry refuses bad names and reserved option keys") {
  hnn::Registry registry;
  auto factory = [](const hnn::Options&) { return std::unique_ptr<hnn::Integrator>(); };
  CHECK_THROWS_WITH_AS(registry.add_integrator("Bad-Name", "", {}, factory),
                       doctest::Contains("a name must be lower-case letters, digits and '_'"),
                       hnn::PluginError);
  CHECK_THROWS_WITH_AS(
      registry.add_integrator("ok", "", hnn::OptionSchema{hnn::Option::string("plugin", "", "")},
                              factory),
      doctest::Contains("the option key 'plugin' is reserved for the host"), hnn::PluginError);
  registry.add_integrator("null_maker", "returns nothing", {}, factory);
  CHECK_THROWS_WITH_AS(registry.create_integrator("null_maker", hnn::Options{}),
                       doctest::Contains("integrator 'null_maker' (<built-in>) returned no object"),
                       hnn::PluginError);
  CHECK_THROWS_WITH_AS(registry.create_integrator("nothing", hnn::Options{}),
                       doctest::Contains("no integrator named 'nothing' is registered (registered: "
                                         "null_maker)"),
                       hnn::PluginError);
}
