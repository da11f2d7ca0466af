#include "hnn/internal/objective_terms.h"

#include <cmath>
#include <sstream>

#include "hnn/error.h"

namespace hnn::internal {

double add_l1_penalty(double l1, const Eigen::Ref<const Eigen::VectorXd>& parameters,
                      double* gradient, double smoothing) {
  if (l1 == 0.0) return 0.0;
  if (smoothing > 0.0) {
    const Eigen::ArrayXd root = (parameters.array().square() + smoothing * smoothing).sqrt();
    if (gradient != nullptr) {
      Eigen::Map<Eigen::VectorXd> g(gradient, parameters.size());
      g.array() += l1 * parameters.array() / root;
    }
    return l1 * (root - smoothing).sum();
  }
  if (gradient != nullptr) {
    Eigen::Map<Eigen::VectorXd> g(gradient, parameters.size());
    g.array() += l1 * parameters.array().sign();
  }
  return l1 * parameters.lpNorm<1>();
}

void check_batch_shapes(const std::string& owner, const Eigen::MatrixXd& inputs,
                        const Eigen::MatrixXd& targets, int input_dimension) {
  std::ostringstream message;
  if (inputs.rows() != input_dimension || inputs.cols() < 1) {
    message << owner << ": the states are " << inputs.rows() << " x " << inputs.cols()
            << ", expected " << input_dimension << " x N (the model's input dimension, one "
            << "sample per column) with N >= 1";
    throw Error(message.str());
  }
  if (targets.rows() != inputs.rows() || targets.cols() != inputs.cols()) {
    message << owner << ": the time derivatives are " << targets.rows() << " x " << targets.cols()
            << ", expected " << inputs.rows() << " x " << inputs.cols() << " like the states";
    throw Error(message.str());
  }
}

void check_l1(const std::string& owner, double l1) {
  if (!std::isfinite(l1) || l1 < 0.0) {
    std::ostringstream message;
    message << owner << ": l1 = " << l1 << ", must be finite and >= 0";
    throw Error(message.str());
  }
}

void check_model_output(const std::string& owner, const char* key, int output, int model_outputs,
                        const std::string& field_type) {
  if (output < model_outputs) return;
  throw Error(owner + ": " + key + " = " + std::to_string(output) +
              " needs a model with at least " + std::to_string(output + 1) +
              " outputs (counted from 0); the model has " + std::to_string(model_outputs) +
              " (field type " + field_type + ")");
}

}  // namespace hnn::internal
