#include <cmath>

#include "hnn/random.h"

namespace hnn {

double Mt19937Random::uniform() {
  // 53 random bits, as generate_canonical<double, 53> specifies, written out so that the
  // result does not depend on the standard library's implementation of it.
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

double Mt19937Random::normal() {
  if (has_cached_normal_) {
    has_cached_normal_ = false;
    return cached_normal_;
  }
  double u1, u2, r2;
  do {
    u1 = 2.0 * uniform() - 1.0;
    u2 = 2.0 * uniform() - 1.0;
    r2 = u1 * u1 + u2 * u2;
  } while (r2 >= 1.0 || r2 == 0.0);
  const double factor = std::sqrt(-2.0 * std::log(r2) / r2);
  cached_normal_ = factor * u1;
  has_cached_normal_ = true;
  return factor * u2;
}

}  // namespace hnn
