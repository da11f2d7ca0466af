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

  // Non-trainable state a checkpoint must keep to reproduce the model exactly.
  virtual std::vector<double> auxiliary_state() const { return {}; }
  // Precondition: state came from auxiliary_state() of a model with the same options.
  virtual void set_auxiliary_state(const std::vector<double>& state);
};

}  // namespace hnn

#endif  // HNN_MODEL_H_
