// The initial weights of the mlp: a reproducible random stream and orthogonal matrices
// (torch.nn.init.orthogonal_), see Initialization in mlp_options.h.
#ifndef HNN_PLUGINS_MLP_INITIALIZATION_H_
#define HNN_PLUGINS_MLP_INITIALIZATION_H_

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace hnn::mlp::internal {

// Reproducible initialisation stream on std::mt19937_64 (see MultilayerPerceptronOptions).
class InitializationStream {
 public:
  explicit InitializationStream(std::uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  double normal() {
    if (has_cached_) {
      has_cached_ = false;
      return cached_;
    }
    double u1 = uniform();
    while (u1 == 0.0) u1 = uniform();
    const double u2 = uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    cached_ = radius * std::sin(2.0 * std::numbers::pi * u2);
    has_cached_ = true;
    return radius * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  std::mt19937_64 engine_;
  bool has_cached_ = false;
  double cached_ = 0.0;
};

// A rows x columns matrix with orthonormal columns (rows >= columns) or rows (rows <
Eigen::MatrixXd orthogonal_matrix(int rows, int columns, InitializationStream& stream);

}  // namespace hnn::mlp::internal

#endif  // HNN_PLUGINS_MLP_INITIALIZATION_H_
