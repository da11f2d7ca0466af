// The `pykan_head_functions` plugin: the seven functions pykan HEAD (v0.2.x, kan/utils.py
// SYMBOLIC_LIB) added to 0.0.5's library of symbolic regression (kan.md §8), with HEAD's
// complexities:
//
//   cos      cos x       2        x^5      x^5      3        x^0.5    sqrt x      2
//   arccos   acos x      4        1/x^5    1/x^5    5        x^1.5    (sqrt x)^3  4
//                                                            1/x^0.5  1/sqrt x    2
//
// `cos` gives a pendulum's H its natural form b (1 - cos theta) (0.0.5's library reaches it
// only as a shifted sine). The others complete HEAD's library; x^0.5 and 1/x^0.5 are the
// same functions as 0.0.5's sqrt and 1/sqrt(x) under HEAD's second names, so a fit scores
// them equally and a tie goes to the built-in one (it comes first in the library).
//
// Each evaluator is NaN outside its real domain, as the built-in ones (kan.md §6.1): HEAD's
// singularity-protected variants are training aids of its symbolic mode, which hnn does not
// have. pykan HEAD's removals (sigmoid, cosh) are not reproduced: the built-in library stays
// 0.0.5's.
#include <cmath>

#include "hnn/plugin.h"
#include "hnn/registry.h"
#include "hnn/symbolic_function.h"

namespace {

void register_pykan_head_functions(hnn::Registry& registry) {
  registry.add_symbolic_function({.name = "cos",
                                  .evaluate = [](double x) { return std::cos(x); },
                                  .formula = "cos(x)",
                                  .complexity = 2});
  registry.add_symbolic_function({.name = "arccos",
                                  .evaluate = [](double x) { return std::acos(x); },
                                  .formula = "acos(x)",
                                  .complexity = 4});
  registry.add_symbolic_function({.name = "x^5",
                                  .evaluate = [](double x) { return x * x * x * x * x; },
                                  .formula = "x^5",
                                  .complexity = 3});
  registry.add_symbolic_function({.name = "1/x^5",
                                  .evaluate = [](double x) { return 1.0 / (x * x * x * x * x); },
                                  .formula = "x^(-5)",
                                  .complexity = 5});
  registry.add_symbolic_function({.name = "x^0.5",
                                  .evaluate = [](double x) { return std::sqrt(x); },
                                  .formula = "sqrt(x)",
                                  .complexity = 2});
  registry.add_symbolic_function({.name = "x^1.5",
                                  .evaluate = [](double x) { return std::pow(std::sqrt(x), 3); },
                                  .formula = "sqrt(x)^3",
                                  .complexity = 4});
  registry.add_symbolic_function({.name = "1/x^0.5",
                                  .evaluate = [](double x) { return 1.0 / std::sqrt(x); },
                                  .formula = "1/sqrt(x)",
                                  .complexity = 2});
}

}  // namespace

HNN_PLUGIN("pykan_head_functions", "1.0.0", register_pykan_head_functions)
