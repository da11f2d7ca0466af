// Two tiny models with hand-written derivatives, for checks of the trajectory objective
// against hand-computed integrator steps:
//   QuadraticHamiltonian  one output H = a q^2 + b p^2 on a 2-dimensional state, parameters
//                         (a, b): the spring H = q^2 + p^2 at a = b = 1
//   LinearField           2 outputs F(x) = A x, parameters A column by column: the spring's
//                         field (2p, -2q) at A = [[0, 2], [-2, 0]]
#ifndef HNN_TESTS_TRAJECTORY_HAND_MODELS_H_
#define HNN_TESTS_TRAJECTORY_HAND_MODELS_H_

#include <Eigen/Core>
#include <string>

#include "hnn/model.h"

namespace hnn::testing {

class QuadraticHamiltonian final : public Model {
 public:
  QuadraticHamiltonian(double a, double b) : a_(a), b_(b) {}
  std::string name() const override { return "quadratic H = a q^2 + b p^2"; }
  int input_dimension() const override { return 2; }
  int output_dimension() const override { return 1; }
  int parameter_count() const override { return 2; }
  void get_parameters(Eigen::Ref<Eigen::VectorXd> parameters) const override {
    parameters << a_, b_;
  }
  void set_parameters(const Eigen::Ref<const Eigen::VectorXd>& parameters) override {
    a_ = parameters[0];
    b_ = parameters[1];
  }
  void forward(const Eigen::Ref<const Eigen::MatrixXd>& inputs) override { x_ = inputs; }
  void outputs(Eigen::Ref<Eigen::MatrixXd> outputs) const override {
    outputs = a_ * x_.row(0).array().square() + b_ * x_.row(1).array().square();
  }
  void input_gradient(int, Eigen::Ref<Eigen::MatrixXd> gradient) override {
    gradient.row(0) = 2.0 * a_ * x_.row(0);
    gradient.row(1) = 2.0 * b_ * x_.row(1);
  }
  void add_parameter_gradient_of_input_gradient(int, const Eigen::Ref<const Eigen::MatrixXd>& w,
                                                Eigen::Ref<Eigen::VectorXd> gradient) override {
    gradient[0] += 2.0 * x_.row(0).dot(w.row(0));
    gradient[1] += 2.0 * x_.row(1).dot(w.row(1));
  }
  void add_parameter_gradient_of_outputs(const Eigen::Ref<const Eigen::MatrixXd>& v,
                                         Eigen::Ref<Eigen::VectorXd> gradient) override {
    gradient[0] += (v.row(0).array() * x_.row(0).array().square()).sum();
    gradient[1] += (v.row(0).array() * x_.row(1).array().square()).sum();
  }
  bool has_input_hessian_vector_product() const override { return true; }
  void input_hessian_vector_product(int, const Eigen::Ref<const Eigen::MatrixXd>& directions,
                                    Eigen::Ref<Eigen::MatrixXd> products) override {
    products.row(0) = 2.0 * a_ * directions.row(0);
    products.row(1) = 2.0 * b_ * directions.row(1);
  }

 private:
  double a_, b_;
  Eigen::MatrixXd x_;
};

class LinearField final : public Model {
 public:
  explicit LinearField(const Eigen::Matrix2d& a) : a_(a) {}
  std::string name() const override { return "linear field F(x) = A x"; }
  int input_dimension() const override { return 2; }
  int output_dimension() const override { return 2; }
  int parameter_count() const override { return 4; }
  void get_parameters(Eigen::Ref<Eigen::VectorXd> parameters) const override {
    parameters = a_.reshaped();
  }
  void set_parameters(const Eigen::Ref<const Eigen::VectorXd>& parameters) override {
    a_ = parameters.reshaped(2, 2);
  }
  void forward(const Eigen::Ref<const Eigen::MatrixXd>& inputs) override { x_ = inputs; }
  void outputs(Eigen::Ref<Eigen::MatrixXd> outputs) const override { outputs = a_ * x_; }
  void input_gradient(int output, Eigen::Ref<Eigen::MatrixXd> gradient) override {
    gradient = a_.row(output).transpose().replicate(1, x_.cols());
  }
  void add_parameter_gradient_of_input_gradient(int output,
                                                const Eigen::Ref<const Eigen::MatrixXd>& w,
                                                Eigen::Ref<Eigen::VectorXd> gradient) override {
    for (int i = 0; i < 2; ++i) gradient[output + 2 * i] += w.row(i).sum();
  }
  void add_parameter_gradient_of_outputs(const Eigen::Ref<const Eigen::MatrixXd>& v,
                                         Eigen::Ref<Eigen::VectorXd> gradient) override {
    const Eigen::Matrix2d g = v * x_.transpose();
    gradient += g.reshaped();
  }

 private:
  Eigen::Matrix2d a_;
  Eigen::MatrixXd x_;
};

}  // namespace hnn::testing

#endif  // HNN_TESTS_TRAJECTORY_HAND_MODELS_H_
