// Terms shared by the framework's objectives. Internal: not part of the SDK's contract.
#ifndef HNN_INTERNAL_OBJECTIVE_TERMS_H_
#define HNN_INTERNAL_OBJECTIVE_TERMS_H_

#include <Eigen/Core>
#include <string>

namespace hnn::internal {

// Returns l1 * sum |parameters_i| and, when gradient is not null, adds l1 * sign(parameters_i)
// (0 at 0) to it. parameters and gradient have the same size. With smoothing s > 0, |t| is
// replaced by sqrt(t^2 + s^2) - s (smooth, so that line-search methods such as Ceres'
// L-BFGS do not stall at the kinks; within s of |t|).
double add_l1_penalty(double l1, const Eigen::Ref<const Eigen::VectorXd>& parameters,
                      double* gradient, double smoothing = 0.0);

// Throws hnn::Error "<owner>: <what> is R x C, expected ..." unless the states and targets
// are d x N with d == input_dimension and N >= 1.
void check_batch_shapes(const std::string& owner, const Eigen::MatrixXd& inputs,
                        const Eigen::MatrixXd& targets, int input_dimension);

// Throws hnn::Error unless l1 is finite and >= 0.
void check_l1(const std::string& owner, double l1);

// Throws hnn::Error "<owner>: <key> = <output> needs a model with at least <output + 1>
// outputs ..." unless output < model_outputs; field_type names the field that reads it.
void check_model_output(const std::string& owner, const char* key, int output, int model_outputs,
                        const std::string& field_type);

}  // namespace hnn::internal

#endif  // HNN_INTERNAL_OBJECTIVE_TERMS_H_
