// symbolic.yaml: a symbolic network written to and read back from a file, so a recovered
// Hamiltonian can be loaded as a model (the `symbolic` model plugin) by any later pipeline.
//
// Layout (every real is written with the shortest text that reads back to the same double,
// so save then load reproduces the network exactly):
//
//   # hnn symbolic network ...
//   format: 1
//   model: "kan"                     # the network it was recovered from
//   width: [2, 1, 2]
//   input_names: ["q", "p"]
//   output_names: ["F1", "F2"]
//   functions: {"x": "x", "x^2": "x^2"}   # every function used: f(x) as GiNaC text in x
//   layers:
//     - biases: [0.51]
//       edges:                       # every edge, output-major (j * n_l + i)
//         - {input: 0, output: 0, function: "x^2", a: .., b: .., c: .., d: ..,
//            choice: "manual", r2: 0.99999, scale: 0.52}
//         - {input: 1, output: 0, function: "", choice: "pruned", scale: 1e-05}
//   formulas:                        # for people; not read back
//     - {output: "F2", text: "1.00*q^2 + 1.00*p^2 + 1.08", text_full: "...", latex: "..."}
//
// Because the functions' formulas travel in the file, a network that uses functions a
// plugin registered loads without that plugin. choice, r2 and scale are reports (optional
// when reading).
//
// Example:
//
//   hnn::symbolic::SymbolicNetworkFile file = hnn::symbolic::load_symbolic_network(path);
//   hnn::symbolic::SymbolicNetworkModel model(file.layers, file.input_names, file.library);
#ifndef HNN_SYMBOLIC_NETWORK_FILE_H_
#define HNN_SYMBOLIC_NETWORK_FILE_H_

#include <filesystem>
#include <string>
#include <vector>

#include "hnn/symbolic/function_library.h"
#include "hnn/symbolic/network_fit.h"
#include "hnn/symbolic/symbolic_network.h"

namespace hnn::symbolic {

struct SymbolicNetworkFile {
  std::string model;
  std::vector<std::string> input_names;   // one per network input (the formula's variables)
  std::vector<std::string> output_names;  // one per network output
  std::vector<SymbolicLayer> layers;
  // Holds every function the edges use (save) / exactly those of the file (load). Loaded
  // entries evaluate by a compiled tape of their formula (pure, thread-safe, not fast).
  SymbolicFunctionLibrary library;
  // Per edge, in the layers' edge order: how it was chosen, its r2 and strength. Optional:
  // empty, or one entry per edge of every layer.
  std::vector<EdgeFitReport> reports;
};

// Writes the file atomically, with the formulas of every output rounded to `digits`
// (0..15) and in full. Throws hnn::Error when the network does not compose (formula.h) or
// `reports` has the wrong size, or the file cannot be written.
void save_symbolic_network(const std::filesystem::path& file, const SymbolicNetworkFile& network,
                           int digits = 2);

// Reads a file written by save_symbolic_network (or by hand). Throws hnn::ConfigError naming
// the file, line, column and key for a missing or malformed entry, and for a function
// formula GiNaC cannot read.
SymbolicNetworkFile load_symbolic_network(const std::filesystem::path& file);

}  // namespace hnn::symbolic

#endif  // HNN_SYMBOLIC_NETWORK_FILE_H_
