// The machine's double-precision fused multiply-add peak, measured (issue 16, item 3: the
// MLP's products as a fraction of it): independent FMA chains in vector registers, no
// memory traffic, on every OpenMP thread at once, with each instruction set the processor
// has (AVX2 with 4 doubles a vector, AVX-512 with 8; on some processors both give the same
// FLOPs per cycle, on others AVX-512 twice as many).
#ifndef HNN_BENCH_FMA_PEAK_H_
#define HNN_BENCH_FMA_PEAK_H_

namespace hnn::bench {

// GFLOP/s (2 per multiply-add) of the FMA chains with `threads` OpenMP threads, per
// instruction set; 0 where the processor (or its operating system) lacks it.
struct FmaPeak {
  double avx2_gflops = 0.0;
  double avx512_gflops = 0.0;
  // The higher of the two: the machine's peak.
  double best() const { return avx512_gflops > avx2_gflops ? avx512_gflops : avx2_gflops; }
};

// Runs the chains for about `seconds` per instruction set (wall clock, all threads at once)
// and returns their rates.
FmaPeak measure_fma_peak(int threads, double seconds);

}  // namespace hnn::bench

#endif  // HNN_BENCH_FMA_PEAK_H_
