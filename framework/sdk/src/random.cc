// NumPy's legacy RandomState replayed in C++ (spec/hnn.md section 3).
#include "hnn/random.h"

#include <cmath>

namespace hnn {

// np.random.seed(s) for an integer s is MT19937's init_genrand(s), which is exactly how
// std::mt19937 seeds itself from one 32-bit value.
NumpyLegacyRandom::NumpyLegacyRandom(std::uint32_t seed) : engine_(seed) {}

// NumPy's random_double: 27 high bits of one word and 26 of the next form a 53-bit
// integer, divided by 2^53. Both words are drawn in this order (a first).
double NumpyLegacyRandom::uniform() {
  const std::uint32_t a = next_word() >> 5;
  const std::uint32_t b = next_word() >> 6;
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

// NumPy's legacy_gauss: polar Box-Muller. Each accepted pair yields two normals; the
// second is cached for the next call (the cache lives across calls, as in NumPy).
double NumpyLegacyRandom::normal() {
  if (has_cached_normal_) {
    has_cached_normal_ = false;
    return cached_normal_;
  }
  double u1 = 0.0;
  double u2 = 0.0;
  double r2 = 0.0;
  do {
    u1 = 2.0 * uniform() - 1.0;
    u2 = 2.0 * uniform() - 1.0;
    r2 = u1 * u1 + u2 * u2;
  } while (r2 >= 1.0 || r2 == 0.0);
  const double f = std::sqrt(-2.0 * std::log(r2) / r2);
  cached_normal_ = f * u1;
  has_cached_normal_ = true;
  return f * u2;
}

}  // namespace hnn
