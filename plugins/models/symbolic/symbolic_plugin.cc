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
#include <string>

#include "hnn/option_binding.h"
#include "hnn/plugin.h"
#include "hnn/symbolic/ginac.h"
#include "hnn/symbolic/network_file.h"
#include "hnn/symbolic/network_model.h"

namespace {

struct SymbolicModelOptions {
  std::string file;  // required: the symbolic network file, resolved by the host
  int digits = -1;   // -1: network mode; 0..15: the formula rounded to this many decimals

  static const hnn::OptionBinding<SymbolicModelOptions>& binding() {
    static const hnn::OptionBinding<SymbolicModelOptions> binding = [] {
      hnn::OptionBinding<SymbolicModelOptions> b("symbolic");
      b.bind_required("file", &SymbolicModelOptions::file,
                      "symbolic network file (symbolic.yaml) written by a symbolic stage")
          .file_path();
      b.bind("digits", &SymbolicModelOptions::digits,
             "-1: the network with trainable affine parameters; 0..15: the "
             "expanded formula rounded to this many decimals (no parameters)")
          .at_least(-1)
          .at_most(15);
      return b;
    }();
    return binding;
  }
};

// The model of the file. Not hnn::add_plugin_class: the model is built from the file's
// contents, not from the options (SymbolicNetworkModel is a final class of the symbolic
// library).
std::unique_ptr<hnn::Model> make_symbolic_model(const SymbolicModelOptions& options) {
  const auto file = hnn::symbolic::load_symbolic_network(options.file);
  return std::make_unique<hnn::symbolic::SymbolicNetworkModel>(
      file.layers, file.input_names, file.library,
      options.digits < 0 ? hnn::symbolic::SymbolicFormula::kFull : options.digits);
}

void register_symbolic(hnn::Registry& registry) {
  const auto& binding = SymbolicModelOptions::binding();
  registry.add_model("symbolic",
                     "a symbolic network c*f(a*x + b) + d per edge, loaded from symbolic.yaml "
                     "(kan.md 6)",
                     binding.schema(), [&binding](const hnn::Options& options) {
                       return make_symbolic_model(binding.decode(options));
                     });
}

}  // namespace

HNN_PLUGIN("symbolic", "1.0.0", register_symbolic)
