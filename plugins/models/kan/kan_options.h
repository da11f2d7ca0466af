// The options of the `kan` model plugin: the plain options struct whose binding declares
// every key once (hnn/option_binding.h).
#ifndef HNN_PLUGINS_KAN_KAN_OPTIONS_H_
#define HNN_PLUGINS_KAN_KAN_OPTIONS_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "hnn/option_binding.h"

namespace hnn::kan {

enum class BaseFunction { kSilu, kNone };

// The largest spline order k the options accept.
constexpr int kMaxOrder = 10;

struct KolmogorovArnoldNetworkOptions {
  std::vector<int> width = {2, 1, 2};  // >= 2 entries, each >= 1
  int grid = 3;                        // G >= 1
  int k = 3;                           // spline order, 1 .. kMaxOrder
  // The initial grid [min, max]: finite, min < max.
  std::array<double, 2> grid_range = {-1.0, 1.0};
  BaseFunction base_function = BaseFunction::kSilu;
  bool train_scale_base = true;
  bool train_scale_spline = true;
  bool train_bias = true;
  double noise_scale = 0.1;        // >= 0, finite
  double noise_scale_base = 0.1;   // >= 0, finite
  double grid_eps = 1.0;           // in [0, 1]: 1 uniform, 0 percentile grid (as coded, 4.1)
  std::int64_t seed = 0;           // >= 0: seed of the initialisation (std::mt19937_64)
  std::string initial_parameters;  // "" or a file (parameter_file.h)
  // Regulariser (kan.md 5.1), all >= 0 and finite; reg_lambda = 0 turns it off.
  double reg_lambda = 0.0;
  double reg_l1 = 1.0;
  double reg_entropy = 2.0;
  double reg_coef = 0.0;
  double reg_coefdiff = 0.0;

  // The keys, ranges and meanings of the `kan` plugin's options; its defaults are the
  // defaults above. binding().is_valid(options, &error) checks a struct built in C++.
  static const OptionBinding<KolmogorovArnoldNetworkOptions>& binding();
};

}  // namespace hnn::kan

#endif  // HNN_PLUGINS_KAN_KAN_OPTIONS_H_
