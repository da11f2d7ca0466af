// NumpyLegacyRandom against NumPy's legacy RandomState (tests/golden/numpy_legacy_rng.yaml).
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <vector>

#include "hnn/random.h"

namespace {

YAML::Node golden() {
  return YAML::LoadFile(std::string(HNN_GOLDEN_DIR) + "/numpy_legacy_rng.yaml");
}

}  // namespace

TEST_CASE("NumpyLegacyRandom replays rand() and randn() bit for bit for every golden seed") {
  const YAML::Node seeds = golden()["seeds"];
  REQUIRE(seeds.size() == 3);
  for (const auto& entry : seeds) {
    const auto seed = entry.first.as<std::uint32_t>();
    CAPTURE(seed);
    const auto rand_values = entry.second["rand_first10"].as<std::vector<double>>();
    const auto randn_values = entry.second["randn_first10_fresh_seed"].as<std::vector<double>>();
    REQUIRE(rand_values.size() == 10);
    REQUIRE(randn_values.size() == 10);

    hnn::NumpyLegacyRandom uniform_stream(seed);
    for (std::size_t i = 0; i < rand_values.size(); ++i) {
      CAPTURE(i);
      CHECK(uniform_stream.uniform() == rand_values[i]);  // exact: same 53-bit construction
    }
    hnn::NumpyLegacyRandom normal_stream(seed);
    for (std::size_t i = 0; i < randn_values.size(); ++i) {
      CAPTURE(i);
      // randn uses log and sqrt: glibc's are correctly rounded for these, so exact too.
      CHECK(normal_stream.normal() == randn_values[i]);
    }
  }
}

TEST_CASE("NumpyLegacyRandom raw words are MT19937 init_genrand") {
  const auto words =
      golden()["mt19937_raw_uint32_seed_1390_first5"].as<std::vector<std::uint64_t>>();
  hnn::NumpyLegacyRandom random(1390);
  REQUIRE(words.size() == 5);
  for (std::size_t i = 0; i < words.size(); ++i) CHECK(random.next_word() == words[i]);
}

TEST_CASE("NumpyLegacyRandom matches the spec's check values and caches the second normal") {
  hnn::NumpyLegacyRandom random(1390);
  CHECK(random.uniform() == 0.16657854258785798);
  CHECK(random.uniform() == 0.8046077881199618);
  CHECK(random.uniform() == 0.9895700219699164);

  // The first two normals come from one Box-Muller pair (the second one cached).
  hnn::NumpyLegacyRandom normals(1390);
  CHECK(normals.normal() == 0.43035991966018627);
  CHECK(normals.normal() == -0.47106882102555236);
  CHECK(normals.normal() == 1.9020765489930251);
}
