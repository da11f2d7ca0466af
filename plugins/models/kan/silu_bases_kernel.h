// The loops of silu_bases.h as a macro that defines one build of them: included by
// silu_bases.cc (SSE2) and silu_bases_avx2.cc (AVX2, with Eigen's namespace renamed there),
// so that both builds are the same source.
//
// Which entries get which exp. Eigen 3.4's SSE2 assignment sigma = 1 / (1 + exp(-x)) of a
// column, as the kan computed it before these builds, uses the packet exp (pexp) on pairs
// and std::exp (libm) on the entries outside them: the first one when sigma is not 16-byte
// aligned (Eigen computes it alone to align its packet stores) and the last one when the
// rest has odd length. The two exps may differ in the last bit. Every build here computes the
// same entries with std::exp and the rest with pexp (whose SSE2 and AVX2 packets give the same
// bits), so results do not depend on the build nor on the 32-byte alignment of the buffers
// (Eigen's own AVX2 assignment would peel up to 3 entries, by where malloc put the column).
#ifndef HNN_PLUGINS_KAN_SILU_BASES_KERNEL_H_
#define HNN_PLUGINS_KAN_SILU_BASES_KERNEL_H_

#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace hnn::kan::internal {
namespace {

// sigma = 1 / (1 + exp(-x)) for the n samples x, entries as described above.
template <class Packet>
inline void logistic_column(const double* x, std::ptrdiff_t n, double* sigma) {
  namespace packet = Eigen::internal;
  auto by_libm = [&](std::ptrdiff_t i) { sigma[i] = 1.0 / (1.0 + std::exp(-x[i])); };
  std::ptrdiff_t begin = 0, end = n;
  if (n > 0 && reinterpret_cast<std::uintptr_t>(sigma) % 16 != 0) by_libm(begin++);
  if ((end - begin) % 2 != 0) by_libm(--end);
  auto by_packets = [&]<class P>(std::ptrdiff_t i, P) {
    const P one = packet::pset1<P>(1.0);
    const P e = packet::pexp(packet::pnegate(packet::ploadu<P>(x + i)));
    packet::pstoreu(sigma + i, packet::pdiv(one, packet::padd(one, e)));
  };
  constexpr std::ptrdiff_t kWidth = packet::unpacket_traits<Packet>::size;
  std::ptrdiff_t i = begin;
  for (; i + kWidth <= end; i += kWidth) by_packets(i, Packet{});
  for (; i < end; i += 2) by_packets(i, packet::Packet2d{});  // what is left in pairs
}

}  // namespace
}  // namespace hnn::kan::internal

// Defines hnn::kan::internal::BASES and SECOND with the signatures of SiluBasesFunction and
// SiluSecondFunction (silu_bases.h), compiled for the including file's instruction set, with
// PACKET its widest packet of doubles.
#define HNN_DEFINE_SILU_BUILD(BASES, SECOND, PACKET)                                               \
  namespace hnn::kan::internal {                                                                   \
  void SECOND(const double* x_data, std::ptrdiff_t n, double* sigma_data) {                        \
    const Eigen::Map<const Eigen::ArrayXd> x(x_data, n);                                           \
    Eigen::Map<Eigen::ArrayXd> sigma(sigma_data, n);                                               \
    sigma = sigma * (1.0 - sigma) * (2.0 + x * (1.0 - 2.0 * sigma));                               \
  }                                                                                                \
  void BASES(const double* x_data, std::ptrdiff_t n, double* base, double* base1, double* scratch, \
             bool second) {                                                                        \
    logistic_column<Eigen::internal::PACKET>(x_data, n, scratch);                                  \
    const Eigen::Map<const Eigen::ArrayXd> x(x_data, n);                                           \
    const Eigen::Map<Eigen::ArrayXd> sigma(scratch, n);                                            \
    Eigen::Map<Eigen::ArrayXd>(base, n) = x * sigma;                                               \
    Eigen::Map<Eigen::ArrayXd>(base1, n) = sigma * (1.0 + x * (1.0 - sigma));                      \
    if (second) SECOND(x_data, n, scratch);                                                        \
  }                                                                                                \
  }

#endif  // HNN_PLUGINS_KAN_SILU_BASES_KERNEL_H_
