// The SiLU base function's loops of the kan (plugins/models/kan/silu_bases.h) in each
// instruction-set build this processor runs: every build gives, bit for bit, the values of
// the Eigen expressions the kan evaluated before these builds (compiled here for SSE2, the
// tests' instruction set), whatever the buffers' alignment and length (none may fuse a
// multiply and an add, and each must take libm's exp and Eigen's packet exp on the same
// entries as those expressions), on inputs across the whole range (both ends of Eigen's exp
// clamp, zeros, subnormals), so that KAN results depend neither on the processor nor on
// where malloc put a buffer (docs/determinism.md); and they are the function, within a few
// ulps of the formulas on std::exp. Builds the processor lacks are reported and skipped.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "silu_bases.h"

namespace {

using hnn::kan::internal::silu_build_available;
using hnn::kan::internal::silu_kernels;
using hnn::kan::internal::SiluBuild;

// b, b', and sigma or b'' of one build.
struct Bases {
  Eigen::ArrayXd base, base1, scratch;
};

// 7 511 inputs (odd: every build's vector loop has a remainder), log-uniform in magnitude
// from 1e-310 to 1e3 with both signs, and a few exact values.
Eigen::ArrayXd draw() {
  std::mt19937_64 engine(7);
  std::uniform_real_distribution<double> exponent(-310.0, 3.0), sign(-1.0, 1.0);
  Eigen::ArrayXd x(7511);
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    x[i] = std::copysign(std::pow(10.0, exponent(engine)), sign(engine));
  }
  const double exact[] = {0.0, -0.0, 1.0, -1.0, 709.0, -709.0, 710.0, -710.0, 800.0, -800.0};
  for (int i = 0; i < 10; ++i) x[i] = exact[i];
  // Most samples where a KAN's inputs are: |x| of order 1.
  std::uniform_real_distribution<double> unit(-3.0, 3.0);
  for (Eigen::Index i = 10; i < x.size(); i += 2) x[i] = unit(engine);
  return x;
}

// The columns x, b, b' and sigma (or b'') of n doubles, each in its own buffer and starting
// `offset` doubles past a 32-byte boundary: the kan's columns start wherever N and malloc put
// them. x holds `values`.
class Columns {
 public:
  Columns(const Eigen::ArrayXd& values, int offset) : n_(values.size()), offset_(offset) {
    for (Eigen::ArrayXd& buffer : storage_) buffer.resize(n_ + 8);
    x() = values;
  }
  Eigen::Map<Eigen::ArrayXd> x() { return column(0); }
  Eigen::Map<Eigen::ArrayXd> base() { return column(1); }
  Eigen::Map<Eigen::ArrayXd> base1() { return column(2); }
  Eigen::Map<Eigen::ArrayXd> sigma() { return column(3); }
  Bases bases() { return {base(), base1(), sigma()}; }

 private:
  Eigen::Map<Eigen::ArrayXd> column(int k) {
    double* p = storage_[k].data();
    p += (4 - reinterpret_cast<std::uintptr_t>(p) % 32 / sizeof(double)) % 4 + offset_;
    return {p, n_};
  }
  Eigen::Index n_;
  int offset_;
  Eigen::ArrayXd storage_[4];
};

// b, b' and sigma or b'' of `build` on x, every array at `offset`.
Bases run(SiluBuild build, const Eigen::ArrayXd& x, bool second, int offset = 0) {
  Columns c(x, offset);
  silu_kernels(build).bases(c.x().data(), x.size(), c.base().data(), c.base1().data(),
                            c.sigma().data(), second);
  return c.bases();
}

// What the kan computed before these builds (kan_forward.cc), on the same layout.
Bases reference(const Eigen::ArrayXd& x_values, bool second, int offset = 0) {
  Columns c(x_values, offset);
  const auto x = c.x();
  auto sigma = c.sigma();
  sigma = 1.0 / (1.0 + (-x).exp());
  c.base() = x * sigma;
  c.base1() = sigma * (1.0 + x * (1.0 - sigma));
  if (second) sigma = sigma * (1.0 - sigma) * (2.0 + x * (1.0 - 2.0 * sigma));
  return c.bases();
}

bool same_bits(const Eigen::ArrayXd& a, const Eigen::ArrayXd& b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), sizeof(double) * std::size_t(a.size())) == 0;
}

const char* name_of(SiluBuild build) { return build == SiluBuild::kAvx2 ? "avx2" : "sse2"; }

}  // namespace

TEST_CASE("the SSE2 build of the SiLU loops is b = x sigma(x) and its derivatives") {
  const Eigen::ArrayXd x = draw();
  const Bases sigma = run(SiluBuild::kSse2, x, false);
  const Bases second = run(SiluBuild::kSse2, x, true);
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    INFO("x = " << x[i]);
    const double s = 1.0 / (1.0 + std::exp(-x[i]));
    const double b2 = s * (1.0 - s) * (2.0 + x[i] * (1.0 - 2.0 * s));
    // Relative to the scale of each term: the formulas cancel where sigma -> 1.
    CHECK(std::abs(sigma.scratch[i] - s) <= 1e-15 * s);
    CHECK(std::abs(sigma.base[i] - x[i] * s) <= 1e-15 * std::abs(x[i]) * s);
    CHECK(std::abs(sigma.base1[i] - s * (1.0 + x[i] * (1.0 - s))) <=
          1e-15 * (s + std::abs(x[i]) * s * (1.0 - s)));
    CHECK(std::abs(second.scratch[i] - b2) <= 1e-15 * s * (1.0 - s) * (2.0 + std::abs(x[i])));
    CHECK(same_bits(second.base, sigma.base));
  }
  // b'' from sigma in place is the same as b'' formed in the pass.
  Eigen::ArrayXd from_sigma = sigma.scratch;
  silu_kernels(SiluBuild::kSse2).second_from_sigma(x.data(), x.size(), from_sigma.data());
  CHECK(same_bits(from_sigma, second.scratch));
}

TEST_CASE("every build of the SiLU loops gives the kan's earlier values bit for bit") {
  const Eigen::ArrayXd all = draw();
  // The inputs whose sigma by libm's exp differs from Eigen's packet exp (on aligned pairs,
  // as the reference computes the inside of a column), first: a build that takes the wrong
  // exp for an entry at either end of a column changes that entry's bits.
  const Eigen::ArrayXd packet_sigma = reference(all, false).scratch;
  std::vector<double> telling, others;
  for (Eigen::Index i = 1; i + 1 < all.size(); ++i) {
    const bool differs = 1.0 / (1.0 + std::exp(-all[i])) != packet_sigma[i];
    (differs ? telling : others).push_back(all[i]);
  }
  REQUIRE(telling.size() >= 200);
  telling.insert(telling.end(), others.begin(), others.end());
  const Eigen::ArrayXd ordered =
      Eigen::Map<const Eigen::ArrayXd>(telling.data(), Eigen::Index(telling.size()));
  CHECK(silu_build_available(SiluBuild::kSse2));
  if (!silu_build_available(SiluBuild::kAvx2)) {
    MESSAGE("this processor has no AVX2: only the SSE2 build is checked");
  }
  int compared = 0;
  for (const SiluBuild build : {SiluBuild::kSse2, SiluBuild::kAvx2}) {
    if (!silu_build_available(build)) continue;
    // Every alignment of a column to 32 bytes, lengths of every remainder modulo 4.
    for (const int offset : {0, 1, 2, 3}) {
      for (const Eigen::Index n : {Eigen::Index{1}, Eigen::Index{2}, Eigen::Index{5},
                                   Eigen::Index{6}, Eigen::Index{151}, Eigen::Index{198}}) {
        // Telling inputs at both ends of every column (and inside).
        Eigen::ArrayXd x = ordered.head(n);
        x.tail(std::min<Eigen::Index>(n, 3)) = ordered.segment(n, std::min<Eigen::Index>(n, 3));
        for (const bool second : {false, true}) {
          INFO(name_of(build) << ", offset " << offset << ", n = " << n << ", second = " << second);
          const Bases expected = reference(x, second, offset);
          const Bases got = run(build, x, second, offset);
          CHECK(same_bits(got.base, expected.base));
          CHECK(same_bits(got.base1, expected.base1));
          CHECK(same_bits(got.scratch, expected.scratch));
          ++compared;
        }
      }
    }
  }
  // And the whole range, in the order drawn.
  for (const SiluBuild build : {SiluBuild::kSse2, SiluBuild::kAvx2}) {
    if (!silu_build_available(build)) continue;
    INFO(name_of(build) << ", every input");
    const Bases expected = reference(all, true, 1);
    const Bases got = run(build, all, true, 1);
    CHECK(same_bits(got.base, expected.base));
    CHECK(same_bits(got.base1, expected.base1));
    CHECK(same_bits(got.scratch, expected.scratch));
  }
  CHECK(compared >= 48);
  if (silu_build_available(SiluBuild::kAvx2)) {
    // b'' from sigma in place, and the build the plugin uses: the widest.
    Eigen::ArrayXd sse2 = run(SiluBuild::kSse2, all, false).scratch, avx2 = sse2;
    silu_kernels(SiluBuild::kSse2).second_from_sigma(all.data(), all.size(), sse2.data());
    silu_kernels(SiluBuild::kAvx2).second_from_sigma(all.data(), all.size(), avx2.data());
    CHECK(same_bits(avx2, sse2));
    const bool widest_is_avx2 = silu_kernels().bases == silu_kernels(SiluBuild::kAvx2).bases;
    CHECK(widest_is_avx2);
  }
}
