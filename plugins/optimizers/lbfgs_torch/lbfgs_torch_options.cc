#include "lbfgs_torch_options.h"

#include <cmath>
#include <limits>

namespace hnn::optimizers {

const OptionBinding<LbfgsTorchOptions>& LbfgsTorchOptions::binding() {
  static const OptionBinding<LbfgsTorchOptions> binding = [] {
    using Self = LbfgsTorchOptions;
    OptionBinding<Self> b("lbfgs_torch");
    b.bind("epochs", &Self::epochs, "step() calls, one per epoch (each up to max_iter iterations)")
        .at_least(1);
    b.bind("lr", &Self::lr,
           "fixed step length t (first iteration: min(1, 1/|g|_1) * lr); "
           "pykan's class default is 1, the KAN-HNN author's 1e-3")
        .greater_than(0.0);
    b.bind("max_iter", &Self::max_iter, "L-BFGS iterations per step() call").at_least(1);
    b.bind("max_eval", &Self::max_eval,
           "objective evaluations per step() call; 0: max_iter * 5 / 4")
        .at_least(0);
    b.bind("tolerance_grad", &Self::tolerance_grad, "a call ends when max |gradient entry| <= this")
        .at_least(0.0);
    b.bind("tolerance_change", &Self::tolerance_change,
           "a call ends when g.d > -this (before the update: freezes the optimizer), "
           "max |t d| <= this or |loss change| < this")
        .at_least(0.0);
    b.bind("tolerance_ys", &Self::tolerance_ys,
           "curvature threshold: a pair (y, s) is stored when y.s > this "
           "(pykan's parameter; torch hard-codes 1e-10)")
        .at_least(0.0);
    // One below int's largest value: the ring buffer of pairs holds history_size + 1.
    b.bind("history_size", &Self::history_size, "(y, s) pairs kept in the L-BFGS memory")
        .at_least(1)
        .at_most(std::numeric_limits<int>::max() - 1);
    b.require_finite({"lr"});
    // A ring of history_size + 1 pairs (s, y) of parameter-sized vectors, and a few more.
    b.estimate_resources([](const Self& options, const ResourceContext& context) {
      const double vectors = 2.0 * (double(options.history_size) + 1.0) + 6.0;
      return ResourceEstimate{8.0 * vectors * double(context.parameters), -1,
                              "history_size " + std::to_string(options.history_size)};
    });
    return b;
  }();
  return binding;
}

}  // namespace hnn::optimizers
