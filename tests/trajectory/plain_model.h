// PlainModel: a model seen through a wrapper that hides its optional capabilities for the
// trajectory objective's reverse sweep (pass slots, the fused parameter gradient and input
// Hessian-vector product), so that tests can run the objective's fallback path (forward()
// again at every stage, two reverse passes) on the same model and compare.
#ifndef HNN_TESTS_TRAJECTORY_PLAIN_MODEL_H_
#define HNN_TESTS_TRAJECTORY_PLAIN_MODEL_H_

#include <Eigen/Core>
#include <string>
#include <vector>

#include "hnn/model.h"

namespace hnn::testing {

// Forwards every call to `inner` (which must outlive it) except the two capabilities, which
// it reports absent (has_pass_slots() and
// has_parameter_gradient_and_input_hessian_vector_product() are false).
class PlainModel final : public Model {
 public:
  explicit PlainModel(Model& inner) : inner_(inner) {}
  std::string name() const override { return "plain " + inner_.name(); }
  int input_dimension() const override { return inner_.input_dimension(); }
  int output_dimension() const override { return inner_.output_dimension(); }
  int parameter_count() const override { return inner_.parameter_count(); }
  void get_parameters(Eigen::Ref<Eigen::VectorXd> parameters) const override {
    inner_.get_parameters(parameters);
  }
  void set_parameters(const Eigen::Ref<const Eigen::VectorXd>& parameters) override {
    inner_.set_parameters(parameters);
  }
  void forward(const Eigen::Ref<const Eigen::MatrixXd>& inputs) override { inner_.forward(inputs); }
  void outputs(Eigen::Ref<Eigen::MatrixXd> outputs) const override { inner_.outputs(outputs); }
  void input_gradient(int output, Eigen::Ref<Eigen::MatrixXd> gradient) override {
    inner_.input_gradient(output, gradient);
  }
  void add_parameter_gradient_of_input_gradient(int output,
                                                const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                                Eigen::Ref<Eigen::VectorXd> gradient) override {
    inner_.add_parameter_gradient_of_input_gradient(output, weights, gradient);
  }
  void add_parameter_gradient_of_outputs(const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                         Eigen::Ref<Eigen::VectorXd> gradient) override {
    inner_.add_parameter_gradient_of_outputs(weights, gradient);
  }
  bool has_penalty() const override { return inner_.has_penalty(); }
  double add_penalty(Eigen::Ref<Eigen::VectorXd> gradient) override {
    return inner_.add_penalty(gradient);
  }
  bool has_input_hessian_vector_product() const override {
    return inner_.has_input_hessian_vector_product();
  }
  void input_hessian_vector_product(int output, const Eigen::Ref<const Eigen::MatrixXd>& directions,
                                    Eigen::Ref<Eigen::MatrixXd> products) override {
    inner_.input_hessian_vector_product(output, directions, products);
  }
  std::vector<double> auxiliary_state() const override { return inner_.auxiliary_state(); }
  void set_auxiliary_state(const std::vector<double>& state) override {
    inner_.set_auxiliary_state(state);
  }

 private:
  Model& inner_;
};

}  // namespace hnn::testing

#endif  // HNN_TESTS_TRAJECTORY_PLAIN_MODEL_H_
