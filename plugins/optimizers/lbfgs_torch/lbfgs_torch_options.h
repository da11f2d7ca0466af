// LbfgsTorchOptions: the settings of the `lbfgs_torch` optimizer, PyTorch's
// torch.optim.LBFGS as copied by pykan 0.0.5 (kan.LBFGS, spec kan.md §7), without line search.
//
// The names are PyTorch's. The defaults are pykan's class defaults except two: lr is 1e-3
// (the KAN-HNN author's setting; the class default is 1) and epochs, the number of step()
// calls, is the author's 20 000.
//
// Example:
//
//   hnn::optimizers::LbfgsTorchOptions options;
//   options.epochs = 300;
//   std::string error;
//   if (!hnn::optimizers::LbfgsTorchOptions::binding().is_valid(options, &error)) {
//     /* error names the field, value and range */
//   }
#ifndef HNN_PLUGINS_LBFGS_TORCH_LBFGS_TORCH_OPTIONS_H_
#define HNN_PLUGINS_LBFGS_TORCH_LBFGS_TORCH_OPTIONS_H_

#include <string>

#include "hnn/option_binding.h"

namespace hnn::optimizers {

struct LbfgsTorchOptions {
  int epochs = 20000;  // >= 1: step() calls, one per epoch
  double lr = 1e-3;    // > 0, finite: the fixed step length t (first iteration: see stepper)
  int max_iter = 20;   // >= 1: L-BFGS iterations per step() call
  // >= 0: objective evaluations per step() call after which the call ends; 0 means PyTorch's
  // default max_iter * 5 / 4 (integer division). See effective_max_eval(). The check comes
  // after each update, so with max_iter <= 3 the default (1, 2, 3) ends a call after
  // max_iter - 1 iterations (at least one), as in PyTorch.
  int max_eval = 0;
  double tolerance_grad = 1e-7;    // >= 0: a call ends when max |gradient entry| <= this
  double tolerance_change = 1e-9;  // >= 0: g·d, max |t d| and |Δloss| thresholds
  double tolerance_ys = 1e-32;     // >= 0: a pair (y, s) enters the memory when y·s > this
  int history_size = 100;          // >= 1: (y, s) pairs kept (the oldest is dropped first)

  // max_eval, or max_iter * 5 / 4 when max_eval is 0 (PyTorch's `max_eval=None`).
  int effective_max_eval() const { return max_eval > 0 ? max_eval : max_iter * 5 / 4; }

  // The keys, ranges and meanings of the `lbfgs_torch` plugin's options; its defaults are
  // the defaults above. binding().is_valid(options, &error) checks a struct built in C++
  // (lr must also be finite).
  static const OptionBinding<LbfgsTorchOptions>& binding();
};

}  // namespace hnn::optimizers

#endif  // HNN_PLUGINS_LBFGS_TORCH_LBFGS_TORCH_OPTIONS_H_
