#include "fma_peak.h"

#include <omp.h>

#include <chrono>

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define HNN_BENCH_X86_FMA 1
#endif

namespace hnn::bench {
namespace {

// Multiply-adds per call of a chain function: 12 independent chains (enough to cover the
// FMA latency times the number of FMA units of current x86 cores) of `rounds` steps.
constexpr int kChains = 12;

#ifdef HNN_BENCH_X86_FMA
// a = a * m + c in 12 vector registers, `rounds` times; the sum of the lanes, so that the
// work cannot be dropped. The 12 accumulators are named, not an array, so that they stay in
// registers at any optimisation level the benchmarks are built with. The same loop twice,
// once per vector width (a template over the vector type would pass AVX vectors through a
// function compiled without AVX).
#define HNN_BENCH_FMA_CHAINS(VECTOR, SET, FMA, ADD)                                         \
  const VECTOR m = SET(0.999999), c = SET(1e-7);                                            \
  VECTOR a0 = SET(0), a1 = SET(1), a2 = SET(2), a3 = SET(3), a4 = SET(4), a5 = SET(5);      \
  VECTOR a6 = SET(6), a7 = SET(7), a8 = SET(8), a9 = SET(9), a10 = SET(10), a11 = SET(11);  \
  for (long r = 0; r < rounds; ++r) {                                                       \
    a0 = FMA(a0, m, c), a1 = FMA(a1, m, c), a2 = FMA(a2, m, c), a3 = FMA(a3, m, c);         \
    a4 = FMA(a4, m, c), a5 = FMA(a5, m, c), a6 = FMA(a6, m, c), a7 = FMA(a7, m, c);         \
    a8 = FMA(a8, m, c), a9 = FMA(a9, m, c), a10 = FMA(a10, m, c), a11 = FMA(a11, m, c);     \
  }                                                                                         \
  const VECTOR sum = ADD(ADD(ADD(ADD(a0, a1), ADD(a2, a3)), ADD(ADD(a4, a5), ADD(a6, a7))), \
                         ADD(ADD(a8, a9), ADD(a10, a11)))

__attribute__((target("avx2,fma"))) double avx2_chains(long rounds) {
  HNN_BENCH_FMA_CHAINS(__m256d, _mm256_set1_pd, _mm256_fmadd_pd, _mm256_add_pd);
  double lanes[4];
  _mm256_storeu_pd(lanes, sum);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

__attribute__((target("avx512f"))) double avx512_chains(long rounds) {
  HNN_BENCH_FMA_CHAINS(__m512d, _mm512_set1_pd, _mm512_fmadd_pd, _mm512_add_pd);
  double lanes[8];  // not _mm512_reduce_add_pd, which GCC 12 warns about in its own header
  _mm512_storeu_pd(lanes, sum);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6] + lanes[7];
}

#undef HNN_BENCH_FMA_CHAINS

bool has_avx2_and_fma() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0;
}

bool has_avx512_and_fma() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("fma") != 0;
}
#endif

// GFLOP/s of `chain` (multiply-adds of `width` doubles) on `threads` threads at once, best
// of the rounds that fill `seconds`.
double rate(double (*chain)(long), int width, int threads, double seconds) {
  constexpr long kRounds = 1'000'000;
  double best = 0.0, sink = 0.0;
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  do {
    const auto round_start = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads) reduction(+ : sink)
    sink += chain(kRounds);
    const double round =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - round_start).count();
    const double flops = 2.0 * kChains * width * double(kRounds) * threads;
    if (flops / round > best) best = flops / round;
  } while (elapsed() < seconds);
  // The sum is finite and printed nowhere; comparing it keeps the chains' work observable.
  if (sink != sink) return 0.0;
  return best / 1e9;
}

}  // namespace

FmaPeak measure_fma_peak(int threads, double seconds) {
  FmaPeak peak;
#ifdef HNN_BENCH_X86_FMA
  if (has_avx2_and_fma()) peak.avx2_gflops = rate(avx2_chains, 4, threads, seconds);
  if (has_avx512_and_fma()) peak.avx512_gflops = rate(avx512_chains, 8, threads, seconds);
#else
  (void)threads;
  (void)seconds;
#endif
  return peak;
}

}  // namespace hnn::bench
