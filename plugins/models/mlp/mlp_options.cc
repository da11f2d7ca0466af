#include "mlp_options.h"

namespace hnn::mlp {

std::string to_string(Activation activation) {
  switch (activation) {
    case Activation::kTanh:
      return "tanh";
    case Activation::kRelu:
      return "relu";
    case Activation::kSigmoid:
      return "sigmoid";
    case Activation::kSoftplus:
      return "softplus";
    case Activation::kSilu:
      return "silu";
    case Activation::kElu:
      return "elu";
    case Activation::kSin:
      return "sin";
  }
  return "unknown";
}

std::string to_string(Initialization initialization) {
  return initialization == Initialization::kOrthogonal ? "orthogonal" : "torch_default";
}

const OptionBinding<MultilayerPerceptronOptions>& MultilayerPerceptronOptions::binding() {
  using Settings = MultilayerPerceptronOptions;
  static const OptionBinding<Settings> binding = [] {
    OptionBinding<Settings> b("mlp");
    b.bind("inputs", &Settings::inputs,
           "input dimension; 0 = the system's state dimension (filled in by the host)")
        .at_least(0);
    b.bind("outputs", &Settings::outputs,
           "output dimension; 0 = filled in by the host (2 for an HNN, the state "
           "dimension for a baseline)")
        .at_least(0);
    b.bind("hidden", &Settings::hidden, "widths of the hidden layers").at_least(1).min_length(1);
    b.bind_choice("activation", &Settings::activation,
                  {{"tanh", Activation::kTanh},
                   {"relu", Activation::kRelu},
                   {"sigmoid", Activation::kSigmoid},
                   {"softplus", Activation::kSoftplus},
                   {"silu", Activation::kSilu},
                   {"swish", Activation::kSilu},
                   {"elu", Activation::kElu},
                   {"sin", Activation::kSin}},
                  "activation of the hidden layers (swish = silu)");
    b.bind_choice("initialization", &Settings::initialization,
                  {{"torch_default", Initialization::kTorchDefault},
                   {"orthogonal", Initialization::kOrthogonal}},
                  "torch_default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for all weights and "
                  "biases; orthogonal: orthogonal weights (gain 1), biases torch_default");
    b.bind("output_bias", &Settings::output_bias, "whether the output layer has a bias");
    b.bind("seed", &Settings::seed,
           "seed of the initialisation (std::mt19937_64; does not replay PyTorch)")
        .at_least(0);
    // Parameters, and per sample the activations and their derivatives of every layer.
    b.estimate_resources([](const Settings& options, const ResourceContext& context) {
      double parameters = 0, units = 0, previous = options.inputs;
      std::string hidden;
      for (const int width : options.hidden) {
        parameters += (previous + 1.0) * width;
        units += width;
        previous = width;
        hidden += (hidden.empty() ? "" : ", ") + std::to_string(width);
      }
      parameters += previous * options.outputs + options.outputs;
      const double bytes =
          8.0 * (parameters * (4.0 + context.threads) + 8.0 * units * double(context.samples));
      return ResourceEstimate{bytes, parameters, "hidden [" + hidden + "]"};
    });
    return b;
  }();
  return binding;
}

}  // namespace hnn::mlp
