// The `mlp` plugin library: registers MultilayerPerceptron as the model `mlp`.
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"
#include "mlp.h"

namespace {

void register_mlp(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::mlp::MultilayerPerceptron>(
      registry, "mlp",
      "fully connected network: hidden layers of one activation, linear output layer "
      "(hnn.md 2.1/2.2)");
}

}  // namespace

// For tests (tests/mlp/mlp_product_kernel_test.cc): the name of the dense product kernel
// (dense_product_kernel_name(): "avx512+fma", "avx2+fma" or "sse2") that `model` uses when it is an
// mlp made by this library, else nullptr. Not part of the plugin contract; found with dlsym.
extern "C" __attribute__((visibility("default"))) const char* hnn_mlp_dense_product_kernel(
    const hnn::Model* model) {
  const auto* mlp = dynamic_cast<const hnn::mlp::MultilayerPerceptron*>(model);
  return mlp == nullptr ? nullptr : hnn::mlp::dense_product_kernel_name(mlp->product_kernel());
}

HNN_PLUGIN("mlp", "1.0.0", register_mlp)
