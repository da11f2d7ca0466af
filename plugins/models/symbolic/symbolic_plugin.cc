// The `symbolic` plugin library: a symbolic network written by the pipeline's symbolic stage
// (symbolic.yaml, hnn/symbolic/network_file.h) loaded as the model `symbolic`, so that a
// recovered Hamiltonian can be trained further, rolled out and evaluated like any model:
//
//   models:
//     recovered: {plugin: symbolic, file: runs/spring_study/symbolic/kan.yaml}
//
// digits = -1 keeps the network with its affine parameters (a, b, c, d per edge, node
// biases) as trainable parameters; digits >= 0 evaluates the expanded formula rounded to
// that many decimals, as printed, with no parameters.
#include <memory>

#include "hnn/plugin.h"
#include "hnn/symbolic/ginac.h"
#include "hnn/symbolic/network_file.h"
#include "hnn/symbolic/network_model.h"

namespace {

hnn::OptionSchema symbolic_schema() {
  return hnn::OptionSchema{
      hnn::Option::required("file", hnn::OptionType::kString,
                            "symbolic network file (symbolic.yaml) written by a symbolic stage")
          .file_path(),
      hnn::Option::integer("digits", -1,
                           "-1: the network with trainable affine parameters; 0..15: the "
                           "expanded formula rounded to this many decimals (no parameters)")
          .at_least(-1)
          .at_most(15),
  };
}

void register_symbolic(hnn::Registry& registry) {
  registry.add_model("symbolic",
                     "a symbolic network c*f(a*x + b) + d per edge, loaded from symbolic.yaml "
                     "(kan.md 6)",
                     symbolic_schema(), [](const hnn::Options& options) {
                       const auto file =
                           hnn::symbolic::load_symbolic_network(options.string("file"));
                       const int digits = int(options.integer("digits"));
                       return std::make_unique<hnn::symbolic::SymbolicNetworkModel>(
                           file.layers, file.input_names, file.library,
                           digits < 0 ? hnn::symbolic::SymbolicFormula::kFull : digits);
                     });
}

}  // namespace

HNN_PLUGIN("symbolic", "1.0.0", register_symbolic)
