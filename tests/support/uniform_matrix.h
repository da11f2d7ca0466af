// Deterministic test matrices: rows x columns entries uniform in [low, high) from
// std::mt19937_64 seeded with `seed` (53-bit mantissas, column by column). Test support only.
#ifndef HNN_TESTS_SUPPORT_UNIFORM_MATRIX_H_
#define HNN_TESTS_SUPPORT_UNIFORM_MATRIX_H_

#include <Eigen/Core>
#include <random>

namespace hnn::testing {

inline Eigen::MatrixXd uniform_matrix(Eigen::Index rows, Eigen::Index columns, unsigned seed,
                                      double low = -1.0, double high = 1.0) {
  std::mt19937_64 engine(seed);
  Eigen::MatrixXd result(rows, columns);
  for (Eigen::Index j = 0; j < columns; ++j)
    for (Eigen::Index i = 0; i < rows; ++i)
      result(i, j) = low + (high - low) * static_cast<double>(engine() >> 11) * 0x1.0p-53;
  return result;
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_SUPPORT_UNIFORM_MATRIX_H_
