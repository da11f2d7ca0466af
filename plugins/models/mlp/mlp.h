// MultilayerPerceptron: the `mlp` model plugin, a fully connected network
//
//   a_0 = x,   a_l = sigma(W_l a_{l-1} + b_l)  (l = 1 .. L-1),   F = W_L a_{L-1} + b_L
//
// with L - 1 hidden layers of the same activation sigma and a linear output layer, as the
// original HNN MLP (spec hnn.md section 2.1, orthogonal initialisation, no output bias) and
// the KAN-HNN author's MLP (section 2.2, PyTorch default initialisation, output bias).
//
// Derivatives are exact and batched (one sample per column, dense products by Eigen's GEMM
// with AVX2+FMA where the processor has it, see dense_product.h). forward(), input_gradient()
// and the parameter gradient of the input gradient split the batch into slices (128 samples,
// at most 16 slices); one OpenMP thread runs every layer of a slice, and each sum over samples
// is formed per slice and added in slice order. A first layer with at most 4 inputs (an HNN of a
// system with one or two degrees of freedom) is not run as GEMMs of inner dimension d: its
// products, activation and derivative passes are fused into one loop over the samples, and
// so is the output layer of a network with one hidden layer and at most 4 outputs. Sums
// over samples are formed in chunks of a fixed size and added in chunk order, so the
// results do not depend on the number of threads.
//
//   input_gradient(o)       a backward pass seeded with row o of W_L;
//   add_parameter_gradient_of_input_gradient(o, Omega)
//                           the forward-mode tangent of x in direction Omega pushed through
//                           the network, then a reverse pass over the forward and the
//                           backward pass of input_gradient (the mixed second derivative);
//   add_parameter_gradient_of_outputs(V)
//                           ordinary backpropagation, each product over the whole batch split
//                           over the threads at register-block boundaries (batch_loops.h),
//                           so that it too does not depend on the number of threads;
//   input_hessian_vector_product(o, V)
//                           the same tangent pass in direction V and the tangent of the
//                           backward pass (forward-over-reverse, the R-operator): with
//                           P_l = W_l T_{l-1} and u_l = dF_o/da_l, adjoint(z_l) =
//                           sigma''(z_l) . u_l . P_l + sigma'(z_l) . W_{l+1}^T adjoint(z_{l+1})
//                           and the product W_1^T adjoint(z_1). Needs sigma'' only; it uses the
//                           workspace of the parameter gradient (no memory of its own).
//   add_parameter_gradient_and_input_hessian_vector_product(o, Omega)
//                           the parameter gradient's reverse pass forms the same adjoint(z_l)
//                           for V = Omega: the product W_1^T adjoint(z_1) costs one more
//                           d x width_1 product on top of it.
//   save_pass(s)/restore_pass(s)
//                           swap the per-pass buffers with slot s's (one set of the memory
//                           below per slot that has held a pass).
//
// Parameters, in this order for l = 1 .. L: W_l row-major (shape out x in, the
// torch.nn.Linear convention), then b_l; the last b_L is absent when output_bias is false.
// This is the order of PyTorch's model.parameters() for a stack of nn.Linear layers.
//
// Example (direct use; the host creates it through the registry as `model: {plugin: mlp}`):
//
//   hnn::mlp::MultilayerPerceptronOptions options;
//   options.inputs = 2;
//   options.outputs = 2;
//   options.hidden = {200, 200};
//   hnn::mlp::MultilayerPerceptron model(options);   // initialised from options.seed
//   model.forward(x);                           // x: 2 x N
//   model.input_gradient(1, gradient);          // dF_1/dx, 2 x N
//
// Memory: the forward pass keeps, per hidden layer, the activations and the first and
// second derivatives of sigma (3 x width x N doubles, plus 3 x width x N of scratch for the
// derivative passes; the fused first layer of a network with one hidden layer needs no
// scratch beyond per-chunk sums), and one parameter-sized vector of sums per slice. Buffers
// grow on the first forward() at a batch size and are reused afterwards: no heap allocation
// after that, also inside Eigen (each thread's GEMM packs into up to ~1 MB of its own stack;
// see plugins/models/mlp/CMakeLists.txt). Not thread-safe (one objective at a time).
//
// Files: mlp_options.h (the options), mlp.cc (layout, initialisation, forward pass),
// mlp_gradients.cc (the derivatives), mlp_hessian_vector.cc (the input Hessian-vector
// product), mlp_first_layer.cc (the fused first layer), mlp_pass_slots.cc (pass slots),
// mlp_cpp_export.cc (the export as C++); the kernels apart from the model: activation_kernels.h,
// first_layer_kernels.h, batch_loops.h (threads, slices, chunks), dense_product.h (GEMM),
// initialization.h.
#ifndef HNN_PLUGINS_MLP_MLP_H_
#define HNN_PLUGINS_MLP_MLP_H_

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "dense_product.h"
#include "hnn/model.h"
#include "mlp_options.h"

namespace hnn::mlp {

class MultilayerPerceptron final : public Model {
 public:
  using Settings = MultilayerPerceptronOptions;

  // Throws hnn::Error when !MultilayerPerceptronOptions::binding().is_valid(options), when
  // options.inputs or options.outputs is still 0 ("filled in by the host"), or when
  // HNN_PRODUCT_KERNEL has a value dense_product_kernel_from_environment() refuses.
  // Initialises the parameters from the seed.
  explicit MultilayerPerceptron(const MultilayerPerceptronOptions& options);

  const MultilayerPerceptronOptions& options() const { return options_; }
  // Number of Linear layers, L = hidden.size() + 1.
  int layer_count() const { return static_cast<int>(widths_.size()) - 1; }

  // The build of the dense products this model uses, chosen when it was built from
  // HNN_PRODUCT_KERNEL (dense_product_kernel_from_environment()).
  DenseProductKernel product_kernel() const { return product_kernel_; }

  // Draws new initial parameters as the options say (deterministic in options().seed).
  void initialize();

  std::string name() const override;
  int input_dimension() const override { return widths_.front(); }
  int output_dimension() const override { return widths_.back(); }
  int parameter_count() const override { return static_cast<int>(parameters_.size()); }

  void get_parameters(Eigen::Ref<Eigen::VectorXd> parameters) const override;
  void set_parameters(const Eigen::Ref<const Eigen::VectorXd>& parameters) override;

  void forward(const Eigen::Ref<const Eigen::MatrixXd>& inputs) override;
  void outputs(Eigen::Ref<Eigen::MatrixXd> outputs) const override;
  void input_gradient(int output, Eigen::Ref<Eigen::MatrixXd> gradient) override;
  // When input_gradient() was last called for another output, the backward pass for
  // `output` is recomputed first (so a caller may interleave two outputs).
  void add_parameter_gradient_of_input_gradient(int output,
                                                const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                                Eigen::Ref<Eigen::VectorXd> gradient) override;
  void add_parameter_gradient_of_outputs(const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                         Eigen::Ref<Eigen::VectorXd> gradient) override;
  bool has_input_hessian_vector_product() const override { return true; }
  // When input_gradient() was last called for another output, the backward pass for
  // `output` is recomputed first (as for the parameter gradient).
  void input_hessian_vector_product(int output, const Eigen::Ref<const Eigen::MatrixXd>& directions,
                                    Eigen::Ref<Eigen::MatrixXd> products) override;
  bool has_parameter_gradient_and_input_hessian_vector_product() const override { return true; }
  // The reverse pass of the parameter gradient, which forms adjoint(z_1) for the product too.
  void add_parameter_gradient_and_input_hessian_vector_product(
      int output, const Eigen::Ref<const Eigen::MatrixXd>& weights,
      Eigen::Ref<Eigen::MatrixXd> products, Eigen::Ref<Eigen::VectorXd> gradient) override;
  // Pass slots (mlp_pass_slots.cc): a slot holds the per-pass buffers (activations, sigma',
  // sigma'', the backward pass and the outputs, with the scratch halves that share their
  // matrices), moved by swapping, never copied.
  bool has_pass_slots() const override { return true; }
  void reserve_pass_slots(int count) override;
  void save_pass(int slot) override;
  void restore_pass(int slot) override;
  // The network as a C++ header (mlp_cpp_export.cc): the hidden layers and row `output` of the
  // output layer embedded, one forward and one backward pass per point.
  bool has_cpp_export() const override { return true; }
  std::string cpp_export(const CppExportRequest& request) const override;

 private:
  using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using WeightMap = Eigen::Map<const RowMajorMatrix>;
  using MutableWeightMap = Eigen::Map<RowMajorMatrix>;

  // Offsets of W_l and b_l (l = 1 .. L, index l - 1) in the flat parameter vector; the
  // bias offset of the output layer is -1 without an output bias.
  struct LayerLayout {
    Eigen::Index weight_offset = 0;
    Eigen::Index bias_offset = -1;
    int rows = 0;     // fan_out
    int columns = 0;  // fan_in
  };

  WeightMap weight(int layer) const;  // layer = 1 .. L
  Eigen::Map<const Eigen::VectorXd> bias(int layer) const;
  // Views of the entries of W_l and b_l in a gradient vector laid out like the parameters.
  MutableWeightMap weight_gradient(int layer, double* gradient) const;
  Eigen::Map<Eigen::VectorXd> bias_gradient(int layer, double* gradient) const;

  // The per-pass buffers for batch size `samples` (when samples_ differs) and the scratch.
  void resize_workspace(Eigen::Index samples);
  // The buffers shared by all passes (product_, sums, ones_) for batch size `samples`.
  void resize_scratch(Eigen::Index samples);
  void require_forward(const char* method) const;
  void check_output_index(int output, const char* method) const;
  void check_batch(const char* method, const char* what, Eigen::Index rows, Eigen::Index columns,
                   Eigen::Index expected_rows) const;
  void check_gradient_size(const char* method, Eigen::Index size) const;
  // W_l and W_l^T as operands of multiply_dense().
  DenseOperand weight_operand(int layer) const;
  DenseOperand transposed_weight_operand(int layer) const;

  // The passes over one slice of the batch, samples [begin, begin + count), on the calling
  // thread (see kSlice in batch_loops.h).
  // a_l, sigma'(z_l), sigma''(z_l) of every hidden layer and the outputs.
  void forward_slice(Eigen::Index begin, Eigen::Index count);
  // The backward pass of input_gradient(output): v_l = sigma'(z_l) . u_l in the left half of
  // backward_[l] and u_l in upstream_[l].
  void backward_slice(int output, Eigen::Index begin, Eigen::Index count);
  // The parameter gradient of the input gradient: this slice's sums over samples go to
  // column `slice` of slice_gradients_ and, in the fused first layer, to chunk_sums_.
  // With `products` (not null) also the input Hessian-vector product in the direction of the
  // weights, W_1^T adjoint(z_1).
  void reverse_slice(int output, const Eigen::Ref<const Eigen::MatrixXd>& weights,
                     Eigen::Ref<Eigen::MatrixXd>* products, Eigen::Index slice, Eigen::Index begin,
                     Eigen::Index count);
  // The checked-argument body of both parameter gradients of the input gradient.
  void parameter_gradient_of_input_gradient(int output,
                                            const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                            Eigen::Ref<Eigen::MatrixXd>* products,
                                            Eigen::Ref<Eigen::VectorXd> gradient);
  // Swaps the current pass's buffers and flags with those of `pass`.
  struct Pass;
  void swap_pass(Pass& pass);

  // The fused first layer (fuses_first_layer_, see the file comment). Its forward pass:
  // a_1, sigma', sigma'' and, with one hidden layer and few outputs, the outputs.
  void forward_first_layer(Eigen::Index begin, Eigen::Index count);
  // dF_o/dx = W_1^T (sigma'(z_1) . u_1), u_1 from the stored backward pass.
  void input_gradient_first_layer(int output, Eigen::Ref<Eigen::MatrixXd> gradient,
                                  Eigen::Index begin, Eigen::Index count) const;
  // T_1 = sigma'(z_1) . W_1 Omega into the left half of state_[1] (networks with more than one
  // hidden layer).
  void tangent_first_layer(const Eigen::Ref<const Eigen::MatrixXd>& weights, Eigen::Index begin,
                           Eigen::Index count);
  // The reverse pass of the first layer, per chunk into chunk_sums_: v_1 Omega^T +
  // adjoint(z_1) x^T (dW_1), the row sums of adjoint(z_1) (db_1) and, with one hidden layer,
  // of T_1 (row `output` of dW_2); otherwise the adjoint from above, W_2^T adjoint(z_2), is
  // taken from product_[1].
  // With `products`, also adjoint(z_1) into the right half of backward_[1] and the input
  // Hessian-vector product W_1^T adjoint(z_1).
  void reverse_first_layer(int output, const Eigen::Ref<const Eigen::MatrixXd>& weights,
                           Eigen::Ref<Eigen::MatrixXd>* products, Eigen::Index begin,
                           Eigen::Index count);
  // Adds the chunk sums of reverse_first_layer(), in chunk order, to the gradient.
  void add_first_layer_sums(int output, double* gradient);

  // The input Hessian-vector product of one slice (mlp_hessian_vector.cc): the tangent pass
  // in direction V, the tangent of the backward pass down to adjoint(z_1) (in the right half
  // of backward_[1], unless the first layer is fused) and products = W_1^T adjoint(z_1).
  void hessian_vector_slice(int output, const Eigen::Ref<const Eigen::MatrixXd>& directions,
                            Eigen::Ref<Eigen::MatrixXd> products, Eigen::Index begin,
                            Eigen::Index count);
  // The fused first layer's part: P_1 = W_1 V, adjoint(z_1) = sigma''(z_1) . u_1 . P_1 (+
  // sigma'(z_1) . product_[1] with more than one hidden layer) per sample, into the right
  // half of backward_[1], and products = W_1^T adjoint(z_1).
  void hessian_vector_first_layer(int output, const Eigen::Ref<const Eigen::MatrixXd>& directions,
                                  Eigen::Ref<Eigen::MatrixXd> products, Eigen::Index begin,
                                  Eigen::Index count);

  MultilayerPerceptronOptions options_;
  // The dense product kernel and its build, called for every matrix product of a pass.
  DenseProductKernel product_kernel_;
  DenseProductFunction multiply_dense_;
  std::vector<int> widths_;  // d, hidden..., k
  std::vector<LayerLayout> layout_;
  Eigen::VectorXd parameters_;

  // Workspace, sized by resize_workspace() for batch size samples_.
  Eigen::Index samples_ = 0;          // batch size of the per-pass buffers
  Eigen::Index scratch_samples_ = 0;  // batch size of the scratch buffers
  bool has_forward_ = false;
  int backward_output_ = -1;  // output of the stored backward pass, -1: none
  // state_[l] (width_l x 2N), l = 0 .. L-1: left half the tangent of a_l in the direction
  // of the weights (parameter gradient of the input gradient), right half a_l itself.
  std::vector<Eigen::MatrixXd> state_;
  // backward_[l] (width_l x 2N), l = 1 .. L-1: left half v_l = dF_o/dz_l of the stored
  // backward pass, right half the adjoint of z_l (scratch of the parameter gradients).
  std::vector<Eigen::MatrixXd> backward_;
  std::vector<Eigen::MatrixXd> first_derivative_;   // sigma'(z_l), l = 1 .. L-1
  std::vector<Eigen::MatrixXd> second_derivative_;  // sigma''(z_l), l = 1 .. L-1
  std::vector<Eigen::MatrixXd> upstream_;  // u_l = dF_o/da_l, l = 1 .. L-2 (u_{L-1} = W_L(o,:))
  std::vector<Eigen::MatrixXd> product_;   // scratch width_l x N, l = 1 .. L-1
  Eigen::MatrixXd outputs_;                // k x N
  Eigen::VectorXd ones_;                   // N ones, row sums as GEMV
  // Sums over the samples of each slice (one column per slice) of the parameter gradient
  // entries from the first layer run as products on (see resize_workspace()).
  Eigen::MatrixXd slice_gradients_;
  Eigen::Index slice_work_ = 0;  // entries of the widest layer: whether slices run in parallel

  // The fused first layer: whether it is used, W_1 copied column-major (width_1 x d, set by
  // forward()), and one column of sums over the samples of each chunk (dW_1, db_1 and the
  // row sums of T_1), reduced in chunk order.
  bool fuses_first_layer_ = false;
  bool fuses_output_layer_ = false;  // one hidden layer and few outputs: outputs in the loop
  Eigen::MatrixXd first_weights_;
  Eigen::MatrixXd chunk_sums_;

  // Pass slots: the per-pass members of a saved pass (swapped with the current ones) and the
  // parameters' version they were computed with (parameter_version_ counts set_parameters()).
  struct Pass {
    std::vector<Eigen::MatrixXd> state, backward, first_derivative, second_derivative, upstream;
    Eigen::MatrixXd outputs;
    Eigen::Index samples = 0;
    bool has_forward = false;
    int backward_output = -1;
    std::uint64_t parameter_version = 0;
  };
  std::vector<Pass> slots_;
  std::uint64_t parameter_version_ = 0;
};

}  // namespace hnn::mlp

#endif  // HNN_PLUGINS_MLP_MLP_H_
