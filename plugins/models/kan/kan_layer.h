// The state behind KolmogorovArnoldNetwork (kan.h), shared by the files that implement it:
// a layer's tensors, bases and parameter offsets, and its forward-pass workspace. Not part
// of the plugin's interface.
#ifndef HNN_PLUGINS_KAN_KAN_LAYER_H_
#define HNN_PLUGINS_KAN_KAN_LAYER_H_

#include <Eigen/Core>
#include <vector>

#include "bspline.h"
#include "kan.h"

namespace hnn::kan {

struct KolmogorovArnoldNetwork::Layer {
  int inputs = 0;
  int outputs = 0;
  int edges = 0;
  std::vector<double> bias;          // outputs
  std::vector<double> coef;          // edges x (G + k)
  std::vector<double> scale_base;    // edges
  std::vector<double> scale_spline;  // edges
  std::vector<double> mask;          // edges
  std::vector<double> grid;          // edges x (G + 1)
  // Bases: one per input node when all its edges share the grid, else one per edge.
  std::vector<BSplineBasis> bases;
  std::vector<int> slot_of_edge;
  std::vector<int> input_of_slot;
  std::vector<int> active_edges;  // mask != 0
  // Per edge, pieces x (k + 1): the spline's Taylor coefficients on each piece, and the
  // gradient of a reverse sweep with respect to them (of S_e, i.e. without the factor
  // mask * scale_sp, which map_polynomial_gradient applies).
  std::vector<double> polynomial;
  std::vector<double> polynomial_gradient;
  std::vector<double> penalty_scale;  // per edge, d(penalty)/d|phi_e(x_n)|
  // Offsets in the parameter vector; -1 when the tensor is not trainable.
  int bias_offset = -1;
  int coef_offset = -1;
  int scale_base_offset = -1;
  int scale_spline_offset = -1;
};

// Forward state of layer l (x, adjoint also for l = L: the outputs). Column = node/edge,
// row = sample, so that every per-node or per-edge loop runs over contiguous memory.
// Scratch: adjoint (with adjoint_nonzero), tangent and r, and layer 0's backward, are
// written before they are read by every call that uses them; they belong to the model, not
// to a pass, and stay in place when a pass moves to or from a pass slot (swap_pass).
struct KolmogorovArnoldNetwork::Workspace {
  Eigen::MatrixXd x;        // N x n_l, layer input x^(l)
  Eigen::MatrixXd adjoint;  // N x n_l, reverse-mode adjoint of x^(l) (or udot^(l), see kan.h)
  bool adjoint_nonzero = false;
  // N x n_l: b, b', b'' at x^(l) (for l = 0 b'' only after first_layer_base2_ready_)
  Eigen::MatrixXd base, base1, base2;
  Eigen::MatrixXi piece;  // N x slots
  Eigen::MatrixXd local;  // N x slots
  // N x edges: phi_e', phi_e'' (no phi'' for l = 0, N x 0, unless an input Hessian-vector
  // product asked for it: only needed to propagate adjoints to x^(l)). For the last layer
  // they are computed on demand (derivatives_ready_).
  Eigen::MatrixXd phi1, phi2;
  Eigen::MatrixXd backward;  // N x n_l: u^(l) of the last backward pass (l = 0: scratch)
  Eigen::MatrixXd tangent;   // N x n_l: xdot^(l)
  Eigen::VectorXd r;         // N: scratch of the reverse sweep
};

namespace internal {

// The piece polynomials of the spline sum_j c_j B_j on `basis` (coefficients = G + k values
// c): alpha[piece * (k + 1) + q] is the coefficient of f^q on each inner piece (bspline.h);
// the outer pieces' entries are left as they are (the caller keeps them 0).
void spline_polynomials(const BSplineBasis& basis, const double* c, int coefficients,
                        double* alpha);

}  // namespace internal

}  // namespace hnn::kan

#endif  // HNN_PLUGINS_KAN_KAN_LAYER_H_
