// How quickly hnn refuses hostile YAML within its input limits (hnn/input_limits.h): an alias
// bomb (tests/hostile/fixtures/alias_bomb.yaml) and an endless file (/dev/zero). The tests in
// tests/hostile/yaml_limits_test.cc assert the refusals; the time is measured here.
#include <benchmark/benchmark.h>

#include <string>

#include "hnn/config_tree.h"
#include "hnn/error.h"

namespace {

void refuse(benchmark::State& state, const std::string& file) {
  for (auto _ : state) {
    try {
      hnn::load_config_file(file);
      state.SkipWithError("the file was not refused");
      return;
    } catch (const hnn::ConfigError&) {
    }
  }
}

void BM_AliasBombRefused(benchmark::State& state) {
  refuse(state, HNN_SOURCE_DIR "/tests/hostile/fixtures/alias_bomb.yaml");
}
BENCHMARK(BM_AliasBombRefused)->Unit(benchmark::kMillisecond);

void BM_EndlessFileRefused(benchmark::State& state) { refuse(state, "/dev/zero"); }
BENCHMARK(BM_EndlessFileRefused)->Unit(benchmark::kMillisecond);

}  // namespace
