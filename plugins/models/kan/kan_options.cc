#include "kan_options.h"

#include <cmath>

namespace hnn::kan {

const OptionBinding<KolmogorovArnoldNetworkOptions>& KolmogorovArnoldNetworkOptions::binding() {
  using Settings = KolmogorovArnoldNetworkOptions;
  static const OptionBinding<Settings> binding = [] {
    OptionBinding<Settings> b("kan");
    b.bind("width", &Settings::width, "node counts per layer: width[0] inputs, ..., last = outputs")
        .at_least(1)
        .min_length(2);
    b.bind("grid", &Settings::grid, "G, number of grid intervals").at_least(1);
    b.bind("k", &Settings::k, "spline order").at_least(1).at_most(kMaxOrder);
    b.bind("grid_range", &Settings::grid_range, "initial grid [min, max]");
    b.bind_choice("base_function", &Settings::base_function,
                  {{"silu", BaseFunction::kSilu}, {"none", BaseFunction::kNone}},
                  "base function b(x) of every edge");
    b.bind("train_scale_base", &Settings::train_scale_base, "whether scale_base is trained");
    b.bind("train_scale_spline", &Settings::train_scale_spline, "whether scale_sp is trained");
    b.bind("train_bias", &Settings::train_bias, "whether the node biases are trained");
    b.bind("noise_scale", &Settings::noise_scale, "spline noise of the initialisation")
        .at_least(0.0);
    b.bind("noise_scale_base", &Settings::noise_scale_base,
           "scale_base noise of the initialisation")
        .at_least(0.0);
    b.bind("grid_eps", &Settings::grid_eps, "grid update: 1 = uniform grid, 0 = percentile grid")
        .at_least(0.0)
        .at_most(1.0);
    b.bind("seed", &Settings::seed,
           "seed of the initialisation (std::mt19937_64; does not replay PyTorch)")
        .at_least(0);
    b.bind("initial_parameters", &Settings::initial_parameters,
           "file with parameters, grids and masks in the layout of "
           "kan_2_1_2_seed0_init.yaml (plugins/models/kan/parameter_file.h); \"\" = seed; "
           "relative to the pipeline file")
        .file_path();
    b.bind("reg_lambda", &Settings::reg_lambda, "pykan regulariser weight lamb (0 = off)")
        .at_least(0.0);
    b.bind("reg_l1", &Settings::reg_l1, "lamb_l1 of the regulariser").at_least(0.0);
    b.bind("reg_entropy", &Settings::reg_entropy, "lamb_entropy of the regulariser").at_least(0.0);
    b.bind("reg_coef", &Settings::reg_coef, "lamb_coef of the regulariser").at_least(0.0);
    b.bind("reg_coefdiff", &Settings::reg_coefdiff, "lamb_coefdiff of the regulariser")
        .at_least(0.0);
    b.require([](const Settings& options) -> std::string {
      const auto [low, high] = options.grid_range;
      if (std::isfinite(low) && std::isfinite(high) && low < high) return "";
      return "grid_range = [" + format_option_value(low) + ", " + format_option_value(high) +
             "], must be finite and increasing";
    });
    // The ranges above admit +inf; the initialisation and the regulariser need finite values.
    b.require_finite({"noise_scale", "noise_scale_base", "reg_lambda", "reg_l1", "reg_entropy",
                      "reg_coef", "reg_coefdiff"});
    // Per edge G + k coefficients and three scales; the initialisation fits each edge's
    // spline with a dense (G + 1) x (G + k) collocation matrix; per sample and edge the
    // G + k basis values and their two derivatives.
    b.estimate_resources([](const Settings& options, const ResourceContext& context) {
      double edges = 0, nodes = 0;
      std::string width;
      for (std::size_t l = 0; l < options.width.size(); ++l) {
        if (l + 1 < options.width.size()) edges += double(options.width[l]) * options.width[l + 1];
        nodes += options.width[l];
        width += (width.empty() ? "" : ", ") + std::to_string(options.width[l]);
      }
      const double basis = double(options.grid) + options.k;
      const double parameters = edges * (basis + 3.0) + nodes;
      const double collocation = 3.0 * (double(options.grid) + 1.0) * basis;
      const double bytes = 8.0 * (parameters * (4.0 + context.threads) + collocation +
                                  3.0 * edges * basis * double(context.samples));
      return ResourceEstimate{bytes, parameters,
                              "width [" + width + "], grid " + std::to_string(options.grid) +
                                  ", k " + std::to_string(options.k)};
    });
    return b;
  }();
  return binding;
}

}  // namespace hnn::kan
