// Model: a differentiable map R^d -> R^k with a flat parameter vector, batched over samples.
//
// HNN training fits the *input gradient* of a model output to data, so besides its outputs
// a model provides (required methods):
//
//   input_dimension(), output_dimension(), parameter_count()
//   get_parameters(), set_parameters()
//   forward(inputs)              runs the forward pass on a batch and keeps what the
//                                derivative calls need (activations, their derivatives)
//   outputs()                    F(x) of the last forward pass
//   input_gradient(o, G)         G(:, n) = dF_o/dx at sample n of the last forward pass
//   add_parameter_gradient_of_input_gradient(o, W, g)
//                                g += d/dtheta sum_n W(:, n) . dF_o/dx(x_n)   (mixed second
//                                derivative; needs input_gradient(o) first)
//   add_parameter_gradient_of_outputs(V, g)
//                                g += d/dtheta sum_n V(:, n) . F(x_n)   (ordinary backprop, for
//                                the baseline objective)
//
// Optional (has_x() says whether it is there; the default implementation of the method
// throws NotImplementedError naming the model):
//
//   has_penalty()/add_penalty(g)   a model-specific regulariser (e.g. pykan's activation
//                                  regulariser), evaluated on the last forward pass
//   auxiliary_state()              state that is not a trainable parameter but must be saved
//                                  in a checkpoint (e.g. KAN grids); default: empty
//   has_grid_update()/update_grid(inputs)
//                                  adapts internal grids to a batch of inputs (KAN grid update
//                                  from samples), keeping the function as close as it can
//   has_edge_activations()/edge_activations(inputs)
//                                  for edge networks (KANs): a forward pass that returns every
//                                  edge's input and output samples, strengths and the node
//                                  biases (hnn/edge_activations.h), for symbolic regression
//   has_input_hessian_vector_product()/input_hessian_vector_product(o, V, P)
//                                  P(:, n) = d^2F_o/dx^2 (x_n) V(:, n) on the last forward pass
//                                  (needs input_gradient(o) first): the input Hessian times a
//                                  direction, which reverse mode through an integrator step of
//                                  the field J grad H needs for the adjoint of the state; the
//                                  bundled mlp, kan and symbolic models have it, exact
//   has_parameter_gradient_and_input_hessian_vector_product()/
//   add_parameter_gradient_and_input_hessian_vector_product(o, W, P, g)
//                                  both of the above from one reverse pass (they differentiate
//                                  the same W . dF_o/dx): what an integrator's reverse sweep
//                                  needs at every stage, for the price of the parameter gradient
//   has_pass_slots()/reserve_pass_slots(n)/save_pass(s)/restore_pass(s)
//                                  keeps several forward passes: save_pass moves the last one
//                                  (with its input_gradient backward pass) into slot s,
//                                  restore_pass makes it current again, so an integrator's
//                                  reverse sweep need not run forward() again at every stage
//   has_cpp_export()/cpp_export(request)
//                                  the trained model as a self-contained C++17 header that
//                                  evaluates H = F_o and its input gradient (hnn/cpp_export.h)
//
// Shapes: a batch is a column-major matrix with one sample per *column*: inputs are
// input_dimension x N, outputs output_dimension x N, input gradients input_dimension x N.
// Parameters are a flat vector of parameter_count() doubles in the model's documented order.
//
// One objective evaluation calls forward() once, then any of the derivative methods, which
// reuse the forward state and never recompute it. After the first evaluation at a given
// batch size a model must not allocate heap memory in these calls (training is the hot
// path). A model is not thread-safe: one object serves one objective at a time.
//
// Typical use by an objective:
//
//   model.set_parameters(theta);
//   model.forward(x);                               // d x N
//   model.input_gradient(1, gradient);              // dH/dx, d x N
//   weights = dLoss/dGradient;                      // d x N
//   parameter_gradient.setZero();
//   model.add_parameter_gradient_of_input_gradient(1, weights, parameter_gradient);
#ifndef HNN_MODEL_H_
#define HNN_MODEL_H_

#include <Eigen/Core>
#include <string>
#include <vector>

#include "hnn/cpp_export.h"
#include "hnn/edge_activations.h"

namespace hnn {

class Model {
 public:
  virtual ~Model();

  // A short name for messages, e.g. "mlp 2-200-200-2 tanh".
  virtual std::string name() const = 0;

  virtual int input_dimension() const = 0;
  virtual int output_dimension() const = 0;
  virtual int parameter_count() const = 0;

  // parameters.size() == parameter_count(), else hnn::Error naming the model and both sizes.
  virtual void get_parameters(Eigen::Ref<Eigen::VectorXd> parameters) const = 0;
  virtual void set_parameters(const Eigen::Ref<const Eigen::VectorXd>& parameters) = 0;

  // inputs: input_dimension x N, N >= 1.
  virtual void forward(const Eigen::Ref<const Eigen::MatrixXd>& inputs) = 0;
  // outputs: output_dimension x N of the last forward().
  virtual void outputs(Eigen::Ref<Eigen::MatrixXd> outputs) const = 0;
  // gradient: input_dimension x N. 0 <= output < output_dimension().
  virtual void input_gradient(int output, Eigen::Ref<Eigen::MatrixXd> gradient) = 0;
  // weights: input_dimension x N; gradient: parameter_count(), accumulated into.
  // Precondition: input_gradient(output, ...) was called after the last forward().
  virtual void add_parameter_gradient_of_input_gradient(
      int output, const Eigen::Ref<const Eigen::MatrixXd>& weights,
      Eigen::Ref<Eigen::VectorXd> gradient) = 0;
  // weights: output_dimension x N; gradient: parameter_count(), accumulated into.
  virtual void add_parameter_gradient_of_outputs(const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                                 Eigen::Ref<Eigen::VectorXd> gradient) = 0;

  // Optional regulariser on the last forward pass: returns its value and adds its
  // parameter gradient to `gradient` (size parameter_count()).
  virtual bool has_penalty() const { return false; }
  virtual double add_penalty(Eigen::Ref<Eigen::VectorXd> gradient);

  // Optional grid update from samples: inputs is input_dimension x N. After it,
  // parameter_count() is unchanged but the parameters (and auxiliary state) may change;
  // callers re-read them with get_parameters().
  virtual bool has_grid_update() const { return false; }
  virtual void update_grid(const Eigen::Ref<const Eigen::MatrixXd>& inputs);

  // Optional for edge networks: runs forward(inputs) (inputs: input_dimension x N, N >= 1)
  // and returns what every edge computed (hnn/edge_activations.h). The forward state is that
  // of forward(inputs) afterwards.
  virtual bool has_edge_activations() const { return false; }
  virtual EdgeActivations edge_activations(const Eigen::Ref<const Eigen::MatrixXd>& inputs);

  // Optional second input derivative: products(:, n) = d^2F_output/dx^2 (x_n) directions(:, n)
  // at every sample n of the last forward() (the Hessian of F_output with respect to the
  // inputs, symmetric, times a direction). directions and products: input_dimension x N.
  // Precondition: input_gradient(output, ...) was called after the last forward() (a model
  // may reuse its backward pass). Exact, and like the other derivative methods allocation-free
  // after the first call at a batch size. The parameter gradient that goes with it, d/dtheta
  // of w . dF_output/dx, is add_parameter_gradient_of_input_gradient().
  virtual bool has_input_hessian_vector_product() const { return false; }
  virtual void input_hessian_vector_product(int output,
                                            const Eigen::Ref<const Eigen::MatrixXd>& directions,
                                            Eigen::Ref<Eigen::MatrixXd> products);

  // Optional fused second derivatives: on the last forward(), with the precondition of both,
  //   gradient += d/dtheta sum_n weights(:, n) . dF_output/dx (x_n)
  //               (add_parameter_gradient_of_input_gradient), and
  //   products(:, n) = d^2F_output/dx^2 (x_n) weights(:, n)   (input_hessian_vector_product),
  // equal to the two separate calls up to rounding, for about the price of the first (the
  // input Hessian-vector product is a by-product of its reverse pass). weights, products:
  // input_dimension x N; gradient: parameter_count(), accumulated into. Allocation-free after
  // the first call at a batch size.
  virtual bool has_parameter_gradient_and_input_hessian_vector_product() const { return false; }
  virtual void add_parameter_gradient_and_input_hessian_vector_product(
      int output, const Eigen::Ref<const Eigen::MatrixXd>& weights,
      Eigen::Ref<Eigen::MatrixXd> products, Eigen::Ref<Eigen::VectorXd> gradient);

  // Optional pass slots: several forward passes kept at once, e.g. every stage of an
  // integrator's forward sweep, for the derivative calls of its reverse sweep.
  //   reserve_pass_slots(count)  makes slots 0 .. count - 1 available (count >= 0; may
  //                              allocate; slots already holding a pass keep it)
  //   save_pass(slot)            moves the current pass (that of the last forward(), with the
  //                              backward pass of the last input_gradient() if any) into the
  //                              slot, replacing what it held: afterwards the model has no
  //                              current pass (derivative calls need forward() or
  //                              restore_pass() first)
  //   restore_pass(slot)         makes the pass saved in the slot current again, exactly as it
  //                              was saved (derivative calls behave as right after that
  //                              forward() and input_gradient(), up to rounding where a sum's
  //                              order depends on a buffer's alignment); the slot is empty
  //                              afterwards
  // Moving is cheap (no copy of the activations, no allocation once every slot has held a
  // pass at the batch size). Throws hnn::Error naming the model for a slot outside the
  // reserved ones, for save_pass without a current pass, for restore_pass of an empty slot or
  // of a pass saved before the last set_parameters().
  virtual bool has_pass_slots() const { return false; }
  virtual void reserve_pass_slots(int count);
  virtual void save_pass(int slot);
  virtual void restore_pass(int slot);

  // Optional export as source code: the model with its current parameters (and auxiliary
  // state) as one self-contained C++17 header that needs only <cmath> and evaluates
  // H = F_{request.output} and its input gradient by the model's own formulas, so that it
  // agrees with forward()/input_gradient() to round-off; the header's shape is cpp_header()'s
  // (hnn/cpp_export.h). Throws hnn::Error naming the model for an output outside
  // 0 .. output_dimension() - 1 or a parameter that is not finite.
  virtual bool has_cpp_export() const { return false; }
  virtual std::string cpp_export(const CppExportRequest& request) const;

  // Non-trainable state a checkpoint must keep to reproduce the model exactly.
  virtual std::vector<double> auxiliary_state() const { return {}; }
  // Precondition: state came from auxiliary_state() of a model with the same options.
  virtual void set_auxiliary_state(const std::vector<double>& state);
};

}  // namespace hnn

#endif  // HNN_MODEL_H_
