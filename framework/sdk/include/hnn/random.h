// Sources of random numbers for samplers and initialisers.
//
// NumpyLegacyRandom replays NumPy's legacy global generator (np.random.seed / rand /
// randn) bit for bit, so that a seed gives the same initial states as the original Python
// code (spec/hnn.md section 3).
#ifndef HNN_RANDOM_H_
#define HNN_RANDOM_H_

#include <cstdint>
#include <random>

namespace hnn {

// A stream of uniform and standard normal numbers. Not thread-safe.
class RandomSource {
 public:
  virtual ~RandomSource();
  // Uniform on [0, 1).
  virtual double uniform() = 0;
  // Standard normal.
  virtual double normal() = 0;
};

// NumPy's legacy RandomState: MT19937 seeded with init_genrand(seed); uniform() is
// rand() (a 53-bit double from two 32-bit words); normal() is randn() (polar Box-Muller
// with the second value cached across calls).
class NumpyLegacyRandom final : public RandomSource {
 public:
  explicit NumpyLegacyRandom(std::uint32_t seed);
  double uniform() override;
  double normal() override;
  // The next raw 32-bit word (NumPy's randint(0, 2**32, dtype=uint32)).
  std::uint32_t next_word() { return static_cast<std::uint32_t>(engine_()); }

 private:
  std::mt19937 engine_;
  bool has_cached_normal_ = false;
  double cached_normal_ = 0.0;
};

// The C++ 64-bit Mersenne Twister: uniform() = the top 53 bits of one word, in [0, 1);
// normal() = the same polar Box-Muller as NumpyLegacyRandom, on this engine's uniforms.
// Results are identical on every platform (std::normal_distribution is not used because
// its algorithm differs between standard libraries).
class Mt19937Random final : public RandomSource {
 public:
  explicit Mt19937Random(std::uint64_t seed) : engine_(seed) {}
  double uniform() override;
  double normal() override;

 private:
  std::mt19937_64 engine_;
  bool has_cached_normal_ = false;
  double cached_normal_ = 0.0;
};

}  // namespace hnn

#endif  // HNN_RANDOM_H_
