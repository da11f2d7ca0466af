// LearnedDissipation: the damping and forcing an HNN objective can learn beside H, in the
// port-Hamiltonian form
//
//   dx/dt = (J - R(x)) dH/dx + [0; F(t)],     R = [[0, 0], [0, D]],  D = L L^T  (n x n)
//
// on a state x = [q; p] of 2n coordinates: the damping acts on the momenta only, and D is
// positive semi-definite by construction, whatever the learned L (so the learned flow
// never gains energy from it: dH/dt = -(dH/dp)^T D dH/dp + (dH/dp)^T F(t)).
//
// Damping forms (DampingForm):
//   none       D = 0
//   constant   L a learned lower-triangular n x n matrix: n(n+1)/2 parameters of the
//              objective. It starts at L = sqrt(initial_rate) I, i.e. D = initial_rate I:
//              a small, nearly conservative start. L = 0 would be a stationary point of
//              every loss (dD/dL = 0 there: D = L L^T is quadratic in L), so the start
//              must not be 0.
//   state      L(x) read from the model's outputs damping_output .. damping_output +
//              n(n+1)/2 - 1 (the same network as H): no objective parameters, the model
//              needs those outputs (outputs_needed()).
// Forcing: with forcing_frequencies = [w_1 .. w_K] (fixed, not learned: the amplitudes
// enter linearly, learned frequencies would make the loss multi-modal in w),
//
//   F_i(t) = sum_k a_ik cos(w_k t) + b_ik sin(w_k t),   i = 1 .. n,
//
// with the 2 n K amplitudes learned (starting at 0, where their gradient is not 0). A
// constant force (w = 0) is refused: it is indistinguishable from a linear term of H.
//
// Parameters, in the order they follow the model's in the objective's vector:
//   constant damping: L's lower triangle row by row, L(0,0), L(1,0), L(1,1), L(2,0), ...
//   forcing:          a(i, k) at k n + i, then b(i, k) at n K + k n + i
// The model's outputs for the state form use the same row-by-row order.
//
// Example (the field of a trained model at one state, as the host's rollouts compute it):
//
//   hnn::LearnedDissipation dissipation(options, n);
//   // g = dH/dx at x (2n), field = J g, outputs = the model's outputs at x (state form)
//   dissipation.add_to_field(parameters.data(), outputs.data(), t, g.data(), field.data());
#ifndef HNN_LEARNED_DISSIPATION_H_
#define HNN_LEARNED_DISSIPATION_H_

#include <Eigen/Core>
#include <string>
#include <vector>

namespace hnn {

enum class DampingForm { kNone, kConstant, kStateDependent };

// "none", "constant", "state".
std::string to_string(DampingForm form);

struct DissipationOptions {
  DampingForm damping = DampingForm::kNone;
  // constant: D starts at initial_rate * I; > 0 and finite.
  double initial_rate = 0.01;
  // state: index of the first model output holding L(x)'s entries; >= 0.
  int damping_output = 2;
  // Angular frequencies of the learned forcing, each > 0 and finite; empty: no forcing.
  std::vector<double> forcing_frequencies;

  // True when there is damping or forcing to learn.
  bool active() const { return damping != DampingForm::kNone || !forcing_frequencies.empty(); }
  // True when the values are in range; otherwise false and *error (may be null) names the
  // field, its value and the range.
  bool is_valid(std::string* error) const;
};

class LearnedDissipation {
 public:
  // degrees_of_freedom: n >= 1 (the state has 2n coordinates). Throws hnn::Error for
  // invalid options.
  LearnedDissipation(DissipationOptions options, int degrees_of_freedom);

  const DissipationOptions& options() const { return options_; }
  int degrees_of_freedom() const { return n_; }
  // n(n+1)/2: the entries of a lower-triangular L.
  int triangle_size() const { return n_ * (n_ + 1) / 2; }
  int frequency_count() const { return int(options_.forcing_frequencies.size()); }
  // The parameters this adds to an objective (layout in the header comment).
  int parameter_count() const;
  // Where the forcing amplitudes start among them (after the constant damping's L).
  int forcing_offset() const;
  // The model outputs needed: damping_output + n(n+1)/2 for the state form, else 0.
  int outputs_needed() const;
  // The starting parameters: L = sqrt(initial_rate) I, amplitudes 0.
  Eigen::VectorXd initial_parameters() const;

  // L (n x n, upper part set to 0) from n(n+1)/2 entries in row-by-row order.
  void lower_factor(const double* entries, Eigen::Ref<Eigen::MatrixXd> lower) const;
  // D at one state: from `parameters` (constant form) or from `outputs`, the model's
  // outputs at that state (state form; may be null otherwise). Zero without damping.
  Eigen::MatrixXd damping_matrix(const double* parameters, const double* outputs) const;
  // F(t), n entries.
  Eigen::VectorXd forcing(const double* parameters, double t) const;
  // Adds -D dH/dp + F(t) to the momentum half of `field` (2n entries) at one state:
  // `hamiltonian_gradient` is dH/dx there (2n entries), `outputs` as for damping_matrix.
  // Allocates; for rollouts, not for training (HamiltonianObjective has its own loop).
  void add_to_field(const double* parameters, const double* outputs, double t,
                    const double* hamiltonian_gradient, double* field) const;

 private:
  DissipationOptions options_;
  int n_;
};

}  // namespace hnn

#endif  // HNN_LEARNED_DISSIPATION_H_
