// Per-edge sample loops of the kan model (internal to plugins/models/kan): the forward Horner pass
// over the piece polynomials of an edge's spline and the reverse pass that accumulates the
// gradient with respect to those polynomials.
//
// Every kernel takes the samples' pieces and local coordinates t in [0, 1) (bspline.h,
// BSplineBasis::locate_all), the edge's polynomials (pieces x (k + 1) Taylor coefficients
// in t, piece-major) and 1 / width per piece, and runs over n samples. Arrays are per
// sample and contiguous; none may alias another, except where stated.
//
// K = 0 means "k at run time"; K = 3 (cubic, pykan's default) has SSE2 versions that handle
// two samples per instruction, the two coefficient rows gathered with unpack instructions.
// They do the same operations in the same order as the scalar code, lane by lane, so the
// results do not depend on the path (only the sums over samples are grouped differently).
#ifndef HNN_PLUGINS_KAN_EDGE_KERNELS_H_
#define HNN_PLUGINS_KAN_EDGE_KERNELS_H_

#include <Eigen/Core>
#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hnn::kan::internal {

using Eigen::Index;

// S, S' and S'' of one sample by Horner (d/dt; the caller scales by the inverse width).
template <int K, bool kFirst, bool kSecond>
inline void horner(int k, const double* a, double t, double* value, double* d1, double* d2) {
  const int order = K > 0 ? K : k;
  double v = a[order], first = 0.0, second = 0.0;
  for (int q = order - 1; q >= 0; --q) {
    if (kSecond) second = second * t + first;
    if (kFirst || kSecond) first = first * t + v;
    v = v * t + a[q];
  }
  *value = v;
  *d1 = first;
  *d2 = second;
}

// Forward pass of one edge, samples [begin, n): adds sb b + sp S to out (kValue) and writes
// phi' = sb b' + sp S' (kFirst) and phi'' = sb b'' + sp S'' (kSecond). Pointers a flag
// leaves unused may be null.
template <int K, bool kValue, bool kFirst, bool kSecond>
void edge_forward_scalar(int k, Index begin, Index n, const int* piece, const double* local,
                         const double* inverse_width, const double* polynomial, const double* b0,
                         const double* b1, const double* b2, double sb, double sp, double* out,
                         double* phi1, double* phi2) {
  const int width = (K > 0 ? K : k) + 1;
  for (Index s = begin; s < n; ++s) {
    const int p = piece[s];
    double value, d1, d2;
    horner<K, kFirst, kSecond>(k, polynomial + p * width, local[s], &value, &d1, &d2);
    const double w = inverse_width[p];
    if (kValue) out[s] += sb * b0[s] + sp * value;
    if (kFirst) phi1[s] = sb * b1[s] + sp * (d1 * w);
    if (kSecond) phi2[s] = sb * b2[s] + sp * (d2 * (2.0 * w * w));
  }
}

template <int K, bool kValue, bool kFirst, bool kSecond>
void edge_forward(int k, Index n, const int* piece, const double* local,
                  const double* inverse_width, const double* polynomial, const double* b0,
                  const double* b1, const double* b2, double sb, double sp, double* out,
                  double* phi1, double* phi2) {
  Index begin = 0;
#if defined(__SSE2__)
  if constexpr (K == 3) {
    const __m128d vsb = _mm_set1_pd(sb), vsp = _mm_set1_pd(sp), two = _mm_set1_pd(2.0);
    for (; begin + 2 <= n; begin += 2) {
      const Index s = begin;
      const double* a = polynomial + 4 * piece[s];
      const double* b = polynomial + 4 * piece[s + 1];
      const __m128d a01 = _mm_loadu_pd(a), a23 = _mm_loadu_pd(a + 2);
      const __m128d b01 = _mm_loadu_pd(b), b23 = _mm_loadu_pd(b + 2);
      const __m128d c0 = _mm_unpacklo_pd(a01, b01), c1 = _mm_unpackhi_pd(a01, b01);
      const __m128d c2 = _mm_unpacklo_pd(a23, b23), c3 = _mm_unpackhi_pd(a23, b23);
      const __m128d t = _mm_loadu_pd(local + s);
      // horner<3, ...> lane by lane.
      __m128d value = c3, first = _mm_setzero_pd(), second = _mm_setzero_pd();
      const __m128d coefficient[3] = {c0, c1, c2};
      for (int q = 2; q >= 0; --q) {
        if (kSecond) second = _mm_add_pd(_mm_mul_pd(second, t), first);
        if (kFirst || kSecond) first = _mm_add_pd(_mm_mul_pd(first, t), value);
        value = _mm_add_pd(_mm_mul_pd(value, t), coefficient[q]);
      }
      const __m128d w = _mm_set_pd(inverse_width[piece[s + 1]], inverse_width[piece[s]]);
      if (kValue) {
        const __m128d edge =
            _mm_add_pd(_mm_mul_pd(vsb, _mm_loadu_pd(b0 + s)), _mm_mul_pd(vsp, value));
        _mm_storeu_pd(out + s, _mm_add_pd(_mm_loadu_pd(out + s), edge));
      }
      if (kFirst) {
        _mm_storeu_pd(phi1 + s, _mm_add_pd(_mm_mul_pd(vsb, _mm_loadu_pd(b1 + s)),
                                           _mm_mul_pd(vsp, _mm_mul_pd(first, w))));
      }
      if (kSecond) {
        const __m128d scale = _mm_mul_pd(_mm_mul_pd(two, w), w);
        _mm_storeu_pd(phi2 + s, _mm_add_pd(_mm_mul_pd(vsb, _mm_loadu_pd(b2 + s)),
                                           _mm_mul_pd(vsp, _mm_mul_pd(second, scale))));
      }
    }
  }
#endif
  edge_forward_scalar<K, kValue, kFirst, kSecond>(k, begin, n, piece, local, inverse_width,
                                                  polynomial, b0, b1, b2, sb, sp, out, phi1, phi2);
}

// The edge output sb b + sp S at every sample, into out (for the regulariser).
template <int K>
void edge_output(int k, Index n, const int* piece, const double* local, const double* polynomial,
                 const double* b0, double sb, double sp, double* out) {
  const int width = (K > 0 ? K : k) + 1;
  for (Index s = 0; s < n; ++s) {
    double value, d1, d2;
    horner<K, false, false>(k, polynomial + piece[s] * width, local[s], &value, &d1, &d2);
    out[s] = sb * b0[s] + sp * value;
  }
}

// Where the reverse pass takes phi'' from when it propagates an adjoint: the array phi2
// (polynomial null), or, formed sample by sample as edge_forward forms it (the same
// operations, so the same values), sb b'' + sp S'' from the edge's polynomials, b'' (b2)
// and the scales: saves a pass over the samples that would only store phi''.
struct SecondDerivative {
  const double* phi2 = nullptr;
  const double* polynomial = nullptr;
  const double* b2 = nullptr;
  double sb = 0.0;
  double sp = 0.0;
};

// phi'' of sample s from `second` (inline: kInline).
template <int K, bool kInline>
inline double second_derivative(int k, SecondDerivative second, int piece, double t,
                                double inverse_width, Index s) {
  if constexpr (kInline) {
    const int width = (K > 0 ? K : k) + 1;
    double value, d1, d2;
    horner<K, true, true>(k, second.polynomial + piece * width, t, &value, &d1, &d2);
    return second.sb * second.b2[s] + second.sp * (d2 * (2.0 * inverse_width * inverse_width));
  } else {
    return second.phi2[s];
  }
}

// Reverse pass of one edge, samples [begin, n). r: adjoint of the edge output (kPrimal);
// upstream * tangent: the coefficient of phi' in the tangent pass (kTangent). Adds
// r t^q + a w q t^(q-1) to the gradient of the sample's piece polynomial, in one of two
// banks `bank` doubles apart (even samples in the first, odd in the second, so that
// consecutive samples on one piece do not wait for each other's stores); adds
// sum(r b + a b') to *scale_base_sum and, with kPropagate, r phi' + a phi'' to adjoint
// (phi'' from `second`, formed inline with kInlineSecond).
template <int K, bool kPrimal, bool kTangent, bool kPropagate, bool kInlineSecond = false>
void edge_reverse_scalar(int k, Index begin, Index n, const int* piece, const double* local,
                         const double* inverse_width, const double* r, const double* upstream,
                         const double* tangent, const double* b0, const double* b1,
                         const double* phi1, SecondDerivative second, double* polynomial_gradient,
                         std::size_t bank, double* adjoint, double* scale_base_sum) {
  const int order = K > 0 ? K : k;
  double sb_sum = 0.0;
  for (Index s = begin; s < n; ++s) {
    const double rr = kPrimal ? r[s] : 0.0;
    const double aa = kTangent ? upstream[s] * tangent[s] : 0.0;
    sb_sum += rr * b0[s] + aa * b1[s];
    const int p = piece[s];
    double* g = polynomial_gradient + (s & 1) * bank + p * (order + 1);
    const double t = local[s];
    const double as = aa * inverse_width[p];
    g[0] += rr;
    double power = t, previous = 1.0;  // t^q and t^(q-1)
    for (int q = 1; q <= order; ++q) {
      g[q] += rr * power + as * q * previous;
      previous = power;
      power *= t;
    }
    if (kPropagate) {
      const double phi2 = second_derivative<K, kInlineSecond>(k, second, p, t, inverse_width[p], s);
      adjoint[s] += rr * phi1[s] + aa * phi2;
    }
  }
  *scale_base_sum += sb_sum;
}

template <int K, bool kPrimal, bool kTangent, bool kPropagate, bool kInlineSecond = false>
void edge_reverse(int k, Index n, const int* piece, const double* local,
                  const double* inverse_width, const double* r, const double* upstream,
                  const double* tangent, const double* b0, const double* b1, const double* phi1,
                  SecondDerivative second, double* polynomial_gradient, std::size_t bank,
                  double* adjoint, double* scale_base_sum) {
  Index begin = 0;
#if defined(__SSE2__)
  if constexpr (K == 3) {
    __m128d sb_sum = _mm_setzero_pd();
    const __m128d two = _mm_set1_pd(2.0), three = _mm_set1_pd(3.0);
    double* odd_bank = polynomial_gradient + bank;
    const double* const polynomial = second.polynomial;
    const double* const b2 = second.b2;
    const double* const phi2_array = second.phi2;
    const __m128d vsb = _mm_set1_pd(second.sb), vsp = _mm_set1_pd(second.sp);
    for (; begin + 2 <= n; begin += 2) {
      const Index s = begin;
      const __m128d rr = kPrimal ? _mm_loadu_pd(r + s) : _mm_setzero_pd();
      const __m128d aa = kTangent
                             ? _mm_mul_pd(_mm_loadu_pd(upstream + s), _mm_loadu_pd(tangent + s))
                             : _mm_setzero_pd();
      sb_sum = _mm_add_pd(sb_sum, _mm_add_pd(_mm_mul_pd(rr, _mm_loadu_pd(b0 + s)),
                                             _mm_mul_pd(aa, _mm_loadu_pd(b1 + s))));
      const int p0 = piece[s], p1 = piece[s + 1];
      const __m128d t = _mm_loadu_pd(local + s);
      const __m128d as = _mm_mul_pd(aa, _mm_set_pd(inverse_width[p1], inverse_width[p0]));
      // edge_reverse_scalar<3> lane by lane.
      const __m128d t2 = _mm_mul_pd(t, t);
      const __m128d t3 = _mm_mul_pd(t2, t);
      const __m128d g0 = rr;
      const __m128d g1 = _mm_add_pd(_mm_mul_pd(rr, t), as);
      const __m128d g2 = _mm_add_pd(_mm_mul_pd(rr, t2), _mm_mul_pd(_mm_mul_pd(as, two), t));
      const __m128d g3 = _mm_add_pd(_mm_mul_pd(rr, t3), _mm_mul_pd(_mm_mul_pd(as, three), t2));
      double* even = polynomial_gradient + 4 * p0;
      double* odd = odd_bank + 4 * p1;
      _mm_storeu_pd(even, _mm_add_pd(_mm_loadu_pd(even), _mm_unpacklo_pd(g0, g1)));
      _mm_storeu_pd(even + 2, _mm_add_pd(_mm_loadu_pd(even + 2), _mm_unpacklo_pd(g2, g3)));
      _mm_storeu_pd(odd, _mm_add_pd(_mm_loadu_pd(odd), _mm_unpackhi_pd(g0, g1)));
      _mm_storeu_pd(odd + 2, _mm_add_pd(_mm_loadu_pd(odd + 2), _mm_unpackhi_pd(g2, g3)));
      if (kPropagate) {
        __m128d phi2;
        if constexpr (kInlineSecond) {
          // horner<3, true, true>'s d2 lane by lane, without the chains that do not reach
          // it: for t finite and >= 0 (always: local coordinates are in [0, 1)) its steps
          // reduce exactly to f = (0 t + c3), d2 = f t + (f t + (c3 t + c2)).
          const __m128d a23 = _mm_loadu_pd(polynomial + 4 * p0 + 2);
          const __m128d b23 = _mm_loadu_pd(polynomial + 4 * p1 + 2);
          const __m128d c2 = _mm_unpacklo_pd(a23, b23), c3 = _mm_unpackhi_pd(a23, b23);
          const __m128d f = _mm_add_pd(_mm_mul_pd(_mm_setzero_pd(), t), c3);
          const __m128d ft = _mm_mul_pd(f, t);
          const __m128d second_t =
              _mm_add_pd(ft, _mm_add_pd(ft, _mm_add_pd(_mm_mul_pd(c3, t), c2)));
          const __m128d w = _mm_set_pd(inverse_width[p1], inverse_width[p0]);
          const __m128d scale = _mm_mul_pd(_mm_mul_pd(two, w), w);
          phi2 = _mm_add_pd(_mm_mul_pd(vsb, _mm_loadu_pd(b2 + s)),
                            _mm_mul_pd(vsp, _mm_mul_pd(second_t, scale)));
        } else {
          phi2 = _mm_loadu_pd(phi2_array + s);
        }
        const __m128d change =
            _mm_add_pd(_mm_mul_pd(rr, _mm_loadu_pd(phi1 + s)), _mm_mul_pd(aa, phi2));
        _mm_storeu_pd(adjoint + s, _mm_add_pd(_mm_loadu_pd(adjoint + s), change));
      }
    }
    double lanes[2];
    _mm_storeu_pd(lanes, sb_sum);
    *scale_base_sum += lanes[0] + lanes[1];
  }
#endif
  edge_reverse_scalar<K, kPrimal, kTangent, kPropagate, kInlineSecond>(
      k, begin, n, piece, local, inverse_width, r, upstream, tangent, b0, b1, phi1, second,
      polynomial_gradient, bank, adjoint, scale_base_sum);
}

}  // namespace hnn::kan::internal

#endif  // HNN_PLUGINS_KAN_EDGE_KERNELS_H_
