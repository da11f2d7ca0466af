// The fused first layer of the mlp (inputs <= kMaxFusedInputs): its products, written for
// the input count known at compile time, fused with the activation and derivative passes
// in one loop over the samples (see MultilayerPerceptron in mlp.h).
#ifndef HNN_PLUGINS_MLP_FIRST_LAYER_KERNELS_H_
#define HNN_PLUGINS_MLP_FIRST_LAYER_KERNELS_H_

#include <Eigen/Core>
#include <algorithm>
#include <type_traits>

namespace hnn::mlp::internal {

using Eigen::Index;

// The fused first layer (inputs <= kMaxFusedInputs) and output layer (one hidden layer,
// outputs <= kMaxFusedOutputs). With so few inputs the products W_1 x, W_1 Omega and
// W_1^T v are a few multiply-adds per entry of the hidden layer: done as GEMMs they are
// bound by memory traffic, in one loop over the samples with the activation and the
// derivative passes they cost little more than the activation itself.
constexpr int kMaxFusedInputs = 4;
constexpr int kMaxFusedOutputs = 4;

// z = W x for one sample: W rows x kInputs column-major, x kInputs values.
template <int kInputs>
void first_layer_product(const double* __restrict w, const double* __restrict x,
                         double* __restrict z, Index rows) {
  double input[kInputs];
  for (int c = 0; c < kInputs; ++c) input[c] = x[c];
  for (Index i = 0; i < rows; ++i) {
    double sum = w[i] * input[0];
    for (int c = 1; c < kInputs; ++c) sum += w[c * rows + i] * input[c];
    z[i] = sum;
  }
}

// Operands of the fused first-layer passes, all column-major with `rows` = width_1.
struct FirstLayer {
  Index rows = 0;
  const double* weights = nullptr;  // W_1, rows x d
  const double* inputs = nullptr;   // x, d x N, column stride d
  const double* tangent = nullptr;  // Omega, d x N, column stride tangent_stride
  Index tangent_stride = 0;
  const double* first = nullptr;     // sigma'(z_1), rows x N
  const double* second = nullptr;    // sigma''(z_1), rows x N
  const double* upstream = nullptr;  // u_1 = dF_o/da_1, column stride upstream_stride (0: one
  Index upstream_stride = 0;         // column for all samples)
  const double* above = nullptr;     // W_2^T adjoint(z_2), rows x N, or null
  double* adjoint = nullptr;         // adjoint(z_1) out, rows x N (first_layer_reverse with
                                     // kStoresAdjoint), for the input Hessian-vector product
};

// T_1 = sigma'(z_1) . W_1 Omega for the samples [begin, begin + count).
template <int kInputs>
void first_layer_tangent(const FirstLayer& layer, double* __restrict tangent_out, Index begin,
                         Index count) {
  const Index rows = layer.rows;
  for (Index j = begin; j < begin + count; ++j) {
    double* __restrict t = tangent_out + j * rows;
    first_layer_product<kInputs>(layer.weights, layer.tangent + j * layer.tangent_stride, t, rows);
    const double* __restrict first = layer.first + j * rows;
    for (Index i = 0; i < rows; ++i) t[i] *= first[i];
  }
}

// Sums over the samples [begin, begin + count) of the first layer's reverse pass, with
// p = W_1 Omega_j, v = sigma' . u and adjoint(z_1) = sigma'' . u . p (+ sigma' . above):
// sums (rows x (d + 2), column-major) = [v Omega^T + adjoint x^T, adjoint, sigma' . p].
// Written for kInputs known at compile time, so that the compiler vectorises over rows.
// With kStoresAdjoint, adjoint(z_1) is also written to layer.adjoint.
template <int kInputs, bool kHasAbove, bool kStoresAdjoint = false>
void first_layer_reverse(const FirstLayer& layer, double* __restrict sums, Index begin,
                         Index count) {
  const Index rows = layer.rows;
  double* __restrict weight_sums = sums;
  double* __restrict bias_sums = sums + kInputs * rows;
  double* __restrict tangent_sums = sums + (kInputs + 1) * rows;
  std::fill(sums, sums + (kInputs + 2) * rows, 0.0);
  const double* __restrict w = layer.weights;
  for (Index j = begin; j < begin + count; ++j) {
    double x[kInputs], omega[kInputs];
    for (int c = 0; c < kInputs; ++c) {
      x[c] = layer.inputs[j * kInputs + c];
      omega[c] = layer.tangent[j * layer.tangent_stride + c];
    }
    const double* __restrict first = layer.first + j * rows;
    const double* __restrict second = layer.second + j * rows;
    const double* __restrict u = layer.upstream + j * layer.upstream_stride;
    const double* __restrict above = kHasAbove ? layer.above + j * rows : nullptr;
    double* __restrict adjoint_out = kStoresAdjoint ? layer.adjoint + j * rows : nullptr;
    for (Index i = 0; i < rows; ++i) {
      double p = w[i] * omega[0];
      for (int c = 1; c < kInputs; ++c) p += w[c * rows + i] * omega[c];
      const double v = first[i] * u[i];
      double adjoint = second[i] * u[i] * p;
      if constexpr (kHasAbove) adjoint += first[i] * above[i];
      if constexpr (kStoresAdjoint) adjoint_out[i] = adjoint;
      for (int c = 0; c < kInputs; ++c) weight_sums[c * rows + i] += v * omega[c] + adjoint * x[c];
      bias_sums[i] += adjoint;
      tangent_sums[i] += first[i] * p;
    }
  }
}

// Calls f with std::integral_constant<int, inputs> for 1 <= inputs <= kMaxFusedInputs.
template <class F>
void with_fused_inputs(int inputs, const F& f) {
  switch (inputs) {
    case 1:
      return f(std::integral_constant<int, 1>());
    case 2:
      return f(std::integral_constant<int, 2>());
    case 3:
      return f(std::integral_constant<int, 3>());
    default:
      return f(std::integral_constant<int, 4>());
  }
}
static_assert(kMaxFusedInputs == 4, "with_fused_inputs covers 1 .. 4 inputs");

}  // namespace hnn::mlp::internal

#endif  // HNN_PLUGINS_MLP_FIRST_LAYER_KERNELS_H_
