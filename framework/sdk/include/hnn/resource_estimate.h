// What a plugin's options will cost in memory, asked before the plugin is built, so that
// `hnn-host --check` refuses a pipeline that would exhaust the machine (hidden [1e4, 1e4],
// an L-BFGS memory of 1e9) instead of a run that ends in std::bad_alloc minutes later.
//
// A plugin declares its estimate with OptionBinding::estimate_resources (or
// OptionSchema::set_resource_estimator); it is optional. Without one the host builds the
// model once (as validation does anyway) and estimates from parameter_count(), and an
// optimizer from the model's parameter count (a few vectors of that size).
//
// Example (a model whose parameters are a dense n x n matrix):
//
//   b.estimate_resources([](const Settings& s, const hnn::ResourceContext& context) {
//     const double parameters = double(s.n) * double(s.n);
//     return hnn::ResourceEstimate{8 * parameters * 4, parameters,
//                                  "n " + std::to_string(s.n)};
//   });
#ifndef HNN_RESOURCE_ESTIMATE_H_
#define HNN_RESOURCE_ESTIMATE_H_

#include <cstdint>
#include <string>

namespace hnn {

// What the host knows when it asks for an estimate.
struct ResourceContext {
  int state_dimension = 0;      // of the pipeline's system
  std::int64_t samples = 0;     // samples one objective evaluation processes (training set
                                // or minibatch)
  std::int64_t parameters = 0;  // optimizers: the parameter count of the model they train;
                                // models: 0
  int threads = 1;              // threads a run uses (objective evaluations run in parallel)
};

// An estimate of the peak memory the plugin's object needs in a run. Reals, not integers,
// so that an absurd setting (1e9 x 1e9) cannot overflow.
struct ResourceEstimate {
  double bytes = 0;        // peak memory of the object and its work, in bytes
  double parameters = -1;  // models: their parameter count; -1 when not given
  std::string drivers;     // the settings that drive it, in words: "hidden [10000, 10000]"
};

}  // namespace hnn

#endif  // HNN_RESOURCE_ESTIMATE_H_
