// SymbolicNetworkModel: a symbolic KAN as a Model, so a recovered Hamiltonian can be
// trained further (refinement of its affine parameters), rolled out, checkpointed and
// evaluated like any trained network.
//
// The network is a list of SymbolicLayer (symbolic_network.h): every edge is pruned or
// c f(a x + b) + d with f from a function library, and node j of layer l + 1 is
//
//   x_j^(l+1) = sum_i [c_lij f_lij(a_lij x_i^(l) + b_lij) + d_lij] + beta_j^(l).
//
// Two modes:
//
//   * network (digits = SymbolicFormula::kFull): the parameters are, layer by layer, the
//     (a, b, c, d) of every edge that is not pruned (output-major edge order j * n_l + i),
//     then the layer's biases beta^(l). Training them with any optimizer is kan.md §6's
//     "train the affine parameters after fixing" with the numeric edges switched off.
//   * rounded (digits >= 0): the outputs are the expanded formula with every number rounded
//     to `digits` decimals (what SymbolicFormula::text prints). No parameters.
//
// Derivatives are exact: every output F_o is composed once as a GiNaC expression in the
// inputs and (network mode) one symbol per parameter; F_o and dF_o/dx_i are differentiated
// symbolically and compiled (compiled_expression.h), and their forward-mode gradients give
// the parameter gradients of the outputs and of the input gradient, and the input parts of
// those of dF_o/dx_i the rows of the input Hessian. Cost per sample:
// one tape pass per output (outputs) or per input (input gradient), each with
// input_dimension + parameter_count derivative lanes. No heap allocation per evaluation after
// the first at a batch size. Single threaded; not thread-safe.
//
// Example:
//
//   auto library = hnn::symbolic::SymbolicFunctionLibrary::pykan();
//   hnn::symbolic::SymbolicNetworkModel model(layers, {"q", "p"}, library);
//   model.forward(x);                    // 2 x N
//   model.input_gradient(1, gradient);   // dF_2/dx
//   std::vector<hnn::symbolic::SymbolicLayer> refined = model.layers();   // current values
#ifndef HNN_SYMBOLIC_NETWORK_MODEL_H_
#define HNN_SYMBOLIC_NETWORK_MODEL_H_

#include <Eigen/Core>
#include <string>
#include <vector>

#include "hnn/model.h"
#include "hnn/symbolic/compiled_expression.h"
#include "hnn/symbolic/formula.h"
#include "hnn/symbolic/function_library.h"
#include "hnn/symbolic/symbolic_network.h"

namespace hnn::symbolic {

class SymbolicNetworkModel final : public Model {
 public:
  // `layers` and `variable_names` as for SymbolicFormula (which checks them; the same
  // errors). digits: SymbolicFormula::kFull (network mode) or 0..15 (rounded mode).
  // Throws NotImplementedError when a function cannot be compiled (compiled_expression.h).
  SymbolicNetworkModel(std::vector<SymbolicLayer> layers, std::vector<std::string> variable_names,
                       const SymbolicFunctionLibrary& library, int digits = SymbolicFormula::kFull);
  ~SymbolicNetworkModel() override;

  std::string name() const override;
  int input_dimension() const override { return static_cast<int>(names_.size()); }
  int output_dimension() const override { return static_cast<int>(outputs_.size()); }
  int parameter_count() const override { return static_cast<int>(parameters_.size()); }

  void get_parameters(Eigen::Ref<Eigen::VectorXd> parameters) const override;
  void set_parameters(const Eigen::Ref<const Eigen::VectorXd>& parameters) override;

  void forward(const Eigen::Ref<const Eigen::MatrixXd>& inputs) override;
  void outputs(Eigen::Ref<Eigen::MatrixXd> outputs) const override;
  void input_gradient(int output, Eigen::Ref<Eigen::MatrixXd> gradient) override;
  void add_parameter_gradient_of_input_gradient(int output,
                                                const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                                Eigen::Ref<Eigen::VectorXd> gradient) override;
  void add_parameter_gradient_of_outputs(const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                         Eigen::Ref<Eigen::VectorXd> gradient) override;
  bool has_input_hessian_vector_product() const override { return true; }
  // Row i of the Hessian from the forward-mode gradient of dF_o/dx_i: d tape passes per sample.
  void input_hessian_vector_product(int output, const Eigen::Ref<const Eigen::MatrixXd>& directions,
                                    Eigen::Ref<Eigen::MatrixXd> products) override;

  // The network with the current parameter values (network mode) or as constructed.
  std::vector<SymbolicLayer> layers() const;
  const std::vector<std::string>& variable_names() const { return names_; }
  int digits() const { return digits_; }
  // The closed form of the current network (exact composition, see formula.h).
  SymbolicFormula formula() const;

 private:
  struct Output {
    CompiledExpression value;                  // F_o over [x, theta]
    std::vector<CompiledExpression> gradient;  // dF_o/dx_i over [x, theta]
  };
  void require_forward(const char* method) const;
  void check_output(int output, const char* method) const;
  void load_state(Eigen::Index sample);

  std::vector<SymbolicLayer> layers_;
  std::vector<std::string> names_;
  SymbolicFunctionLibrary library_;
  int digits_;
  std::vector<double> parameters_;
  std::vector<Output> outputs_;
  // Forward state.
  Eigen::MatrixXd inputs_;     // d x N
  Eigen::MatrixXd values_;     // outputs x N
  std::vector<double> state_;  // [x_n, theta]
  std::vector<double> lanes_;  // d + P derivative lanes
  bool has_forward_ = false;
};

}  // namespace hnn::symbolic

#endif  // HNN_SYMBOLIC_NETWORK_MODEL_H_
