// The options of the `mlp` model plugin: the activation, the initialisation and the plain
// options struct whose binding declares every key once (hnn/option_binding.h).
#ifndef HNN_PLUGINS_MLP_MLP_OPTIONS_H_
#define HNN_PLUGINS_MLP_MLP_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "hnn/option_binding.h"

namespace hnn::mlp {

enum class Activation { kTanh, kRelu, kSigmoid, kSoftplus, kSilu, kElu, kSin };

// "tanh", "relu", "sigmoid", "softplus", "silu", "elu", "sin" (the option also accepts
// "swish", decoded as kSilu).
std::string to_string(Activation activation);

enum class Initialization {
  // Every weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (PyTorch's nn.Linear default).
  kTorchDefault,
  // Weights orthogonal with gain 1 (QR of a standard normal matrix, columns sign-corrected
  // by sign(diag R); semi-orthogonal for non-square layers, orthonormal rows when
  // out < in, orthonormal columns otherwise); biases as kTorchDefault. The original HNN.
  kOrthogonal,
};

// "torch_default", "orthogonal".
std::string to_string(Initialization initialization);

struct MultilayerPerceptronOptions {
  // Input dimension d and output dimension k. 0 means "filled in by the host" (the system's
  // state dimension; 2 for an HNN, the state dimension for a baseline): a model built in
  // C++ sets both, the constructor refuses 0.
  int inputs = 0;
  int outputs = 0;
  std::vector<int> hidden = {200, 200};  // hidden widths, at least one, each >= 1
  Activation activation = Activation::kTanh;
  Initialization initialization = Initialization::kTorchDefault;
  bool output_bias = true;  // whether the output layer has a bias b_L
  // Seed of the initialisation. The stream is std::mt19937_64: uniforms are
  // (word >> 11) * 2^-53, normals Box-Muller pairs from two uniforms. It is reproducible
  // across platforms but does NOT replay PyTorch's generator: the same seed gives other
  // initial weights than torch.manual_seed(seed). >= 0 (a signed member, so that the binding
  // keeps the option's range ">= 0").
  std::int64_t seed = 0;

  // The keys, ranges and meanings of the `mlp` plugin's options; its defaults are the
  // defaults above. binding().is_valid(options, &error) checks a struct built in C++.
  static const OptionBinding<MultilayerPerceptronOptions>& binding();
};

}  // namespace hnn::mlp

#endif  // HNN_PLUGINS_MLP_MLP_OPTIONS_H_
