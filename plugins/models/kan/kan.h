// KolmogorovArnoldNetwork: the `kan` model plugin, pykan 0.0.5's KAN (spec kan.md 1-5).
//
// Layer l maps n_l = width[l] nodes to n_{l+1} nodes through one activation per edge
// e = j * n_l + i (input node i, output node j; pykan's output-major flattening):
//
//   phi_e(x)   = mask_e * (sb_e * b(x) + sp_e * S_e(x)),   b = SiLU (or 0 with base "none"),
//   S_e(x)     = sum_{m < G + k} c_{e,m} B_m(x; t_e)       (order-k B-spline, extended knots),
//   x^(l+1)_j  = sum_i phi_{j*n_l+i}(x^(l)_i) + beta^(l)_j,  F = x^(L).
//
// Bases follow pykan exactly, also outside the grid (kan.md 2.3: they decay to 0 on the
// k extra knot intervals and are 0 beyond). The symbolic branch of pykan is not modelled
// (its masks are 0 in every configuration this plugin can load).
//
// Parameters (only trainable tensors, in pykan's model.parameters() order restricted to
// them): beta^(0), ..., beta^(L-1) (when train_bias); then for l = 0 .. L-1: coef^(l)
// (edges x (G + k), edge-major), scale_base^(l) (edges; when train_scale_base),
// scale_sp^(l) (edges; when train_scale_spline). For width [2, 1, 2], G = 3, k = 3: 35.
//
// Auxiliary state (checkpoints): for l = 0 .. L-1 the grids (edges x (G + 1)), then for
// each layer the masks (edges), then the values of the non-trainable tensors among bias,
// scale_base, scale_sp (in the parameter order above).
//
// Initialisation (kan.md 3) from `seed` on std::mt19937_64 (hnn::Mt19937Random; it does
// not replay torch's generator): per layer in order, sb_e = 1/sqrt(n_l) +
// (2 z - 1) * noise_scale_base with z ~ N(0, 1) (edges normals), then spline noise
// (U[0,1) - 1/2) * noise_scale / G at the G + 1 grid points of every edge (edge-major) and
// the minimum-norm least-squares coefficients fitting it; sp = 1, mask = 1, beta = 0.
// With `initial_parameters` the values come from a file instead (parameter_file.h).
//
// Derivatives are exact and batched. Per layer, bases are evaluated once per input node
// (edges sharing a grid share them) in a piecewise-polynomial form (bspline.h): S, S' and
// S'' of an edge cost one Horner pass over k + 1 coefficients per sample (edge_kernels.h;
// two samples per SSE2 instruction for k = 3); the SiLU base function and its derivatives
// in one pass per node (silu_bases.h: four samples per AVX2 instruction where the processor
// has AVX2, bit for bit the SSE2 build's values). The hot path of training is cut down:
//   - layer 0's b, b' and pieces depend on the inputs only; they are kept while forward()
//     sees bit-identical inputs (compared with memcmp) and the grids do not change;
//   - phi'' is only formed where it propagates an adjoint (layers l >= 1), and the last
//     layer's phi', phi'' only for the outputs a derivative is asked for;
//   - reverse sweeps accumulate the gradient of each edge's piece polynomials (not of the
//     coefficients), mapped to coef and scale_sp once per sweep.
//
//   input_gradient(o)   backward pass u^(l)_i = sum_j u^(l+1)_j phi'_e(x_i), u^(L) = e_o;
//   add_parameter_gradient_of_input_gradient(o, W)
//                       tangent of the network in direction W (xdot^(l+1)_j = sum_i
//                       phi'_e xdot_i), then reverse mode over the forward and the tangent
//                       (needs phi'' = mask (sb b'' + sp S''));
//   add_parameter_gradient_of_outputs(V)   ordinary backpropagation;
//   input_hessian_vector_product(o, V)
//                       the same tangent pass in direction V, then the tangent of the
//                       backward pass: udot^(l)_i = sum_j (udot^(l+1)_j phi'_e(x_i) +
//                       u^(l+1)_j phi''_e(x_i) xdot_i), udot^(L) = 0, the product udot^(0);
//                       phi'' of layer 0 (b'' and S'') is formed on its first call after a
//                       forward() (in a buffer sized on the first call at a batch size);
//                       the fused add_parameter_gradient_and_input_hessian_vector_product
//                       forms b'' only and layer 0's S'' inside its reverse kernel;
//   add_penalty(g)      pykan's activation regulariser (kan.md 5.1) times reg_lambda, with
//                       its exact gradient (it flows through earlier layers, as in torch).
//
// Memory: per layer O((n_l + slots + 2 edges) N) doubles of forward state; buffers grow on
// the first forward() at a batch size and are reused: no heap allocation after that. Single
// threaded (small models; no Eigen parallel products). Not thread-safe.
//
// Files: kan_options.h (the options), kan.cc (layout, parameters, auxiliary state),
// kan_bases.cc (initialisation, bases, piece polynomials), kan_forward.cc,
// kan_gradients.cc (derivatives), kan_hessian_vector.cc (the input Hessian-vector product),
// kan_penalty.cc (regulariser), kan_grid_update.cc,
// kan_edge_activations.cc, kan_cpp_export.cc (the export as C++); kan_layer.h (the state they
// share); the kernels apart from the model: bspline.h, edge_kernels.h, silu_bases.h,
// spline_fit.h, transpose.h (d x N <-> N x d); parameter_file.h (initial_parameters).
//
// Example:
//
//   hnn::kan::KolmogorovArnoldNetworkOptions options;   // width [2, 1, 2], G = 3, k = 3
//   hnn::kan::KolmogorovArnoldNetwork model(options);
//   model.forward(x);                  // x: 2 x N
//   model.input_gradient(1, gradient); // dF_2/dx, 2 x N
#ifndef HNN_PLUGINS_KAN_KAN_H_
#define HNN_PLUGINS_KAN_KAN_H_

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "bspline.h"
#include "hnn/model.h"
#include "kan_options.h"

namespace hnn::kan {

class KolmogorovArnoldNetwork final : public Model {
 public:
  using Settings = KolmogorovArnoldNetworkOptions;

  // Throws hnn::Error when !KolmogorovArnoldNetworkOptions::binding().is_valid(options) or
  // the initial_parameters file does not fit.
  explicit KolmogorovArnoldNetwork(const KolmogorovArnoldNetworkOptions& options);
  ~KolmogorovArnoldNetwork() override;

  const KolmogorovArnoldNetworkOptions& options() const { return options_; }
  int layer_count() const { return static_cast<int>(options_.width.size()) - 1; }

  std::string name() const override;
  int input_dimension() const override { return options_.width.front(); }
  int output_dimension() const override { return options_.width.back(); }
  int parameter_count() const override { return parameter_count_; }

  void get_parameters(Eigen::Ref<Eigen::VectorXd> parameters) const override;
  void set_parameters(const Eigen::Ref<const Eigen::VectorXd>& parameters) override;

  void forward(const Eigen::Ref<const Eigen::MatrixXd>& inputs) override;
  void outputs(Eigen::Ref<Eigen::MatrixXd> outputs) const override;
  void input_gradient(int output, Eigen::Ref<Eigen::MatrixXd> gradient) override;
  // When input_gradient() was last called for another output, the backward pass for
  // `output` is recomputed first.
  void add_parameter_gradient_of_input_gradient(int output,
                                                const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                                Eigen::Ref<Eigen::VectorXd> gradient) override;
  void add_parameter_gradient_of_outputs(const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                         Eigen::Ref<Eigen::VectorXd> gradient) override;

  bool has_input_hessian_vector_product() const override { return true; }
  // When input_gradient() was last called for another output, the backward pass for
  // `output` is recomputed first.
  void input_hessian_vector_product(int output, const Eigen::Ref<const Eigen::MatrixXd>& directions,
                                    Eigen::Ref<Eigen::MatrixXd> products) override;

  bool has_parameter_gradient_and_input_hessian_vector_product() const override { return true; }
  // The mixed gradient's reverse sweep carried down to the inputs: its adjoint of x^(0) is the
  // input Hessian-vector product in the direction of the weights.
  void add_parameter_gradient_and_input_hessian_vector_product(
      int output, const Eigen::Ref<const Eigen::MatrixXd>& weights,
      Eigen::Ref<Eigen::MatrixXd> products, Eigen::Ref<Eigen::VectorXd> gradient) override;
  // Pass slots (kan_pass_slots.cc): a slot holds a forward pass's workspace (every layer's
  // values, bases, derivatives, backward pass), moved by swapping, never copied.
  bool has_pass_slots() const override { return true; }
  void reserve_pass_slots(int count) override;
  void save_pass(int slot) override;
  void restore_pass(int slot) override;

  bool has_penalty() const override { return options_.reg_lambda > 0.0; }
  // reg_lambda * reg of kan.md 5.1 on the last forward pass; adds its gradient.
  double add_penalty(Eigen::Ref<Eigen::VectorXd> gradient) override;

  bool has_grid_update() const override { return true; }
  // KAN.update_grid_from_samples (kan.md 4.1): for l = 0 .. L-1 a forward pass on `inputs`,
  // then every edge of layer l gets the grid grid_eps * uniform + (1 - grid_eps) * percentile
  // of its input samples and its coefficients refitted by least squares (minimum norm when
  // under-determined) to the old spline at those samples. Invalidates the forward state.
  void update_grid(const Eigen::Ref<const Eigen::MatrixXd>& inputs) override;

  bool has_edge_activations() const override { return true; }
  // forward(inputs), then per layer the node values x^(l), every edge's output phi_e (0 for
  // a masked edge), pykan's acts_scale (mean |phi_e| / (grid width + 1e-4), kan.md §1.4)
  // and the biases.
  EdgeActivations edge_activations(const Eigen::Ref<const Eigen::MatrixXd>& inputs) override;

  // The network as a C++ header (kan_cpp_export.cc): every active edge's piece polynomials,
  // knots and weights embedded; H = F_output and its gradient by the model's formulas.
  bool has_cpp_export() const override { return true; }
  std::string cpp_export(const CppExportRequest& request) const override;

  std::vector<double> auxiliary_state() const override;
  // Throws hnn::Error naming the model when the size differs from auxiliary_state()'s or a
  // grid is not strictly increasing.
  void set_auxiliary_state(const std::vector<double>& state) override;

  // The stored (non-extended) grid of edge e of layer l, G + 1 points.
  std::vector<double> grid(int layer, int edge) const;

 private:
  struct Layer;
  struct Workspace;

  void initialize_from_seed();
  void load_parameter_file();
  void rebuild_bases(int layer);     // slots and bases of a layer after its grids changed
  void update_spline_polynomials();  // per-edge Taylor coefficients from coef
  void resize_workspace(Eigen::Index samples);
  // Sizes the scratch of the reverse passes (see kan_layer.h) for `samples` samples.
  void resize_scratch(Eigen::Index samples);
  void require_forward(const char* method) const;
  void check_output_index(int output, const char* method) const;
  void check_batch(const char* method, const char* what, Eigen::Index rows, Eigen::Index columns,
                   Eigen::Index expected_rows) const;
  void check_gradient_size(const char* method, Eigen::Index size) const;
  // phi' (and phi'' when it is needed) of the last layer's edges into `output` (every output
  // when -1), unless computed since the last forward().
  void ensure_last_layer_derivatives(int output);
  void backward_from_output(int output);
  // Reverse sweep over the forward pass. `top` = adjoint of x^(L) (n_L x N) or null (0);
  // with_tangent adds the terms of the tangent pass of the last backward pass (mixed
  // gradient); with_penalty adds the regulariser's adjoints of the edge outputs. With
  // to_inputs the adjoint also reaches x^(0) (work_[0].adjoint; needs layer 0's phi'').
  void reverse_sweep(const Eigen::Ref<const Eigen::MatrixXd>* top, bool with_tangent,
                     bool with_penalty, int output, double* gradient, bool to_inputs = false);
  // The body of both parameter gradients of the input gradient (arguments checked): the
  // tangent pass in the direction of the weights, then reverse_sweep(..., to_inputs).
  void parameter_gradient_of_input_gradient(int output,
                                            const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                            Eigen::Ref<Eigen::VectorXd> gradient, bool to_inputs);
  void map_polynomial_gradient(double* gradient);
  // b'' at the inputs and phi'' of layer 0's edges (those into `output` when layer 0 is the
  // last layer), unless already formed (kan_hessian_vector.cc).
  void ensure_first_layer_second_derivatives(int output);
  // b'' at the inputs (layer 0's base2), unless already formed.
  void ensure_first_layer_base2();

  KolmogorovArnoldNetworkOptions options_;
  std::vector<Layer> layers_;
  int parameter_count_ = 0;
  bool polynomials_current_ = false;
  // Forward state.
  std::vector<Workspace> work_;
  Eigen::Index samples_ = 0;
  bool has_forward_ = false;
  // Layer 0's bases b, b' and pieces depend on the inputs only: they are kept while
  // forward() gets bit-identical inputs (a training batch) and the grids do not change.
  bool input_state_current_ = false;
  Eigen::MatrixXd input_copy_;           // the inputs of the last forward(), input_dimension x N
  std::vector<char> derivatives_ready_;  // per edge of the last layer
  // Whether layer 0's base2 holds b'' (the input Hessian-vector product turns the sigma
  // that forward() leaves there into b'', kept while forward() keeps layer 0's state) and,
  // per edge of layer 0, whether its phi2 holds phi'' (reset by every forward()).
  bool first_layer_base2_ready_ = false;
  std::vector<char> first_layer_second_ready_;
  Eigen::VectorXd ones_;  // N ones: the unit upstream of the last layer
  int backward_output_ = -1;

  // Pass slots: the per-pass members of a saved pass (swapped with the current ones; the
  // scratch of the reverse passes stays with the model, so that a rollout's reverse sweep
  // works in cache-resident scratch and its kept passes are smaller), the
  // parameters' version they were computed with (parameter_version_ counts set_parameters()
  // and grid changes) and the grids' (layout_version_ counts grid changes: a workspace of
  // other grids is resized before it serves the next forward()).
  struct Pass {
    std::vector<Workspace> work;
    Eigen::MatrixXd input_copy;
    std::vector<char> derivatives_ready, first_layer_second_ready;
    Eigen::Index samples = 0;
    bool has_forward = false, input_state_current = false, first_layer_base2_ready = false;
    int backward_output = -1;
    std::uint64_t parameter_version = 0, layout_version = 0;
  };
  void swap_pass(Pass& pass);
  std::vector<Pass> slots_;
  std::uint64_t parameter_version_ = 0;
  std::uint64_t layout_version_ = 0;
};

}  // namespace hnn::kan

#endif  // HNN_PLUGINS_KAN_KAN_H_
