// Refusals of a pipeline whose sections have the wrong shape (a list where a map is expected,
// an empty models section, a malformed --set): each reported with the message, the location
// (file:line:column, or the --set assignment and column) and the key path, all together.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "config_fixtures.h"

namespace {

// Validates tests/config/fixtures/<fixture> with the overrides; every error message, "" if none.
std::string errors_with(const std::vector<std::string>& overrides,
                        const std::string& fixture = "valid.yaml") {
  return hnn::testing::fixture_errors(fixture, overrides);
}

}  // namespace

TEST_CASE("the models section: missing, not a map, empty, a model's training not a map") {
  CHECK(errors_with({"models=[a, b]"}) ==
        "--set 'models=[a, b]':1:8: error: models: expected a map of named models, found a list");
  CHECK(errors_with({"models={}"}) ==
        "--set 'models={}':1:8: error: models: expected at least one model, found none");
  CHECK(errors_with({"models=~"}) ==
        "--set 'models=~':1:8: error: models: missing required section; expected a map of named "
        "models, e.g. models: {mlp: {plugin: mlp}} (registered models: fixture_quadratic, kan, "
        "mlp, symbolic)");
  CHECK(errors_with({"models.quadratic.training=[1]"}) ==
        "--set 'models.quadratic.training=[1]':1:27: error: models.quadratic.training: expected "
        "a map of training options, found a list");
}

TEST_CASE("a run name with '/' and a training stage that is not a map are refused, located") {
  CHECK(errors_with({"name=a/b"}) ==
        "--set 'name=a/b':1:6: error: name: expected a run name without '/', found 'a/b'");
  CHECK(errors_with({"training.stages=[3]"}, "stages.yaml") ==
        "--set 'training.stages=[3]':1:18: error: training.stages[0]: expected a map {optimizer: "
        "{...}, update_grid: false}, found '3'");
}

TEST_CASE("a symbolic section of the wrong shape: the section, its edges, an edge, refine") {
  const std::string kan = "models.k={plugin: kan, symbolic: ";
  CHECK(errors_with({kan + "[1]}"}) == "--set '" + kan + "[1]}':1:34: error: models.k.symbolic: " +
                                           "expected a map of symbolic options, found a list");
  CHECK(errors_with({kan + "{edges: 3}}"}) ==
        "--set '" + kan + "{edges: 3}}':1:42: error: models.k.symbolic.edges: expected a list " +
            "of {layer, input, output, function}, found '3'");
  CHECK(errors_with({kan + "{edges: [x]}}"}) ==
        "--set '" + kan + "{edges: [x]}}':1:43: error: models.k.symbolic.edges[0]: expected " +
            "{layer: 0, input: 0, output: 0, function: \"x^2\"}, found 'x'");
  CHECK(errors_with({kan + "{edges: [{layer: 0, input: 0, output: 0, function: [x]}]}}"}) ==
        "--set '" + kan + "{edges: [{layer: 0, input: 0, output: 0, function: [x]}]}}':1:85: " +
            "error: models.k.symbolic.edges[0].function: expected the name of a symbolic " +
            "function, found a list");
  CHECK(errors_with({kan + "{refine: 5}}"}) ==
        "--set '" + kan + "{refine: 5}}':1:43: error: models.k.symbolic.refine: expected " +
            "{optimizer: {plugin: lbfgs, ...}}, found '5'");
}

TEST_CASE("a --set with an empty key or a value that is not YAML is refused, naming it") {
  CHECK(errors_with({"data..points=3"}) ==
        "--set 'data..points=3': error: 'data..points' has an empty key");
  CHECK(errors_with({"data.points=[1"}) ==
        "--set 'data.points=[1': error: data.points: the value is not valid YAML");
}
