#include "initialization.h"

#include <Eigen/QR>
#include <algorithm>

namespace hnn::mlp::internal {

Eigen::MatrixXd orthogonal_matrix(int rows, int columns, InitializationStream& stream) {
  const int tall = std::max(rows, columns);
  const int narrow = std::min(rows, columns);
  Eigen::MatrixXd gaussian(tall, narrow);
  for (int i = 0; i < tall; ++i)
    for (int j = 0; j < narrow; ++j) gaussian(i, j) = stream.normal();
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(gaussian);
  Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(tall, narrow);
  const Eigen::MatrixXd& r = qr.matrixQR();
  for (int j = 0; j < narrow; ++j) {
    if (r(j, j) < 0.0) q.col(j) *= -1.0;
  }
  if (rows < columns) return q.transpose();
  return q;
}

}  // namespace hnn::mlp::internal
