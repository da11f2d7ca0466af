// The `initial_parameters` file of the kan model: the parameters, grids and masks of a
// whole network, in the layout of tests/golden/kan_2_1_2_seed0_init.yaml (which loads as
// it is). Only these keys are read; every other key (extended_knots, noise_float32,
// tensors, counts, ...) is ignored:
//
//   model:                       optional; when present its entries must match the options
//     width: [2, 1, 2]           of the model that loads the file
//     grid: 3                    (G, grid intervals)
//     k: 3                       (spline order)
//     base_fun: "SiLU"           ("SiLU"/"silu" or "none"/"zero")
//   layers:                      one entry per layer l = 0 .. L-1, in order
//     - n_in: 2                  optional, checked against width
//       n_out: 1                 optional, checked against width
//       bias: [0.0]              n_out node biases beta^(l)
//       edges:                   n_in * n_out entries, edge e = j * n_in + i (output-major)
//         - e: 0                 optional, checked against the position
//           grid: [-1.0, -0.33333333333333337, 0.33333333333333337, 1.0]   G + 1 points
//           coef: [...]          G + k spline coefficients
//           scale_base: 0.915    sb_e
//           scale_sp: 1.0        sp_e
//           mask: 1.0            optional, default 1
//           symbolic_mask: 0.0   optional; must be 0 (symbolic edges are not supported)
//
// Reals are read as written (shortest round-trip text gives the same double).
#ifndef HNN_PLUGINS_KAN_PARAMETER_FILE_H_
#define HNN_PLUGINS_KAN_PARAMETER_FILE_H_

#include <string>
#include <vector>

namespace hnn::kan {

struct LayerValues {
  std::vector<double> bias;          // n_out
  std::vector<double> grid;          // edges x (G + 1), row-major
  std::vector<double> coef;          // edges x (G + k), row-major
  std::vector<double> scale_base;    // edges
  std::vector<double> scale_spline;  // edges
  std::vector<double> mask;          // edges
};

// Reads `path` for a network of these widths, G and k. `base_function` is the model's
// ("silu" or "none"). Throws hnn::Error naming the file, the key and both sizes or values
// when the file cannot be read or does not fit.
std::vector<LayerValues> read_parameter_file(const std::string& path, const std::vector<int>& width,
                                             int grid, int k, const std::string& base_function);

}  // namespace hnn::kan

#endif  // HNN_PLUGINS_KAN_PARAMETER_FILE_H_
