// The activations of the mlp's hidden layers as batched kernels: sigma, sigma' and sigma''
// of a block of pre-activations in one pass. tanh and sigmoid use an exp of plain
// arithmetic that the compiler vectorises (built for SSE2 and, chosen at run time, AVX2 and
// AVX-512, all without FMA, so that results do not depend on the processor); the others call the
// standard library per entry.
#ifndef HNN_PLUGINS_MLP_ACTIVATION_KERNELS_H_
#define HNN_PLUGINS_MLP_ACTIVATION_KERNELS_H_

#include <Eigen/Core>

#include "mlp_options.h"

namespace hnn::mlp::internal {

// Adds the bias (rows values) to every column of z (rows x columns, column-major, in
// place), applies sigma and stores sigma'(z + bias) and sigma''(z + bias) in `first` and
// `second` (laid out like z). Runs on the calling thread; allocates nothing.
using ActivationFunction = void (*)(double* z, const double* bias, double* first, double* second,
                                    Eigen::Index rows, Eigen::Index columns);

// The kernel of `activation`: for tanh and sigmoid the widest build this processor runs.
ActivationFunction activation_function(Activation activation);

// The instruction-set builds of the tanh and sigmoid loops. All round every operation
// alike (no FMA), so each gives the kSse2 build's results bit for bit
// (tests/mlp/mlp_activation_builds_test.cc).
enum class ActivationBuild { kSse2, kAvx2, kAvx512 };

// Whether this processor runs `build` (kSse2: always).
bool activation_build_available(ActivationBuild build);

// The kernel of `activation` in `build` (only where activation_build_available(build);
// activations without SIMD builds ignore it).
ActivationFunction activation_function(Activation activation, ActivationBuild build);

}  // namespace hnn::mlp::internal

#endif  // HNN_PLUGINS_MLP_ACTIVATION_KERNELS_H_
