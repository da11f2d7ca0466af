// TrajectoryObjective: training through an integrator. From the observed first state of
// every window of measured trajectories (hnn/trajectory_windows.h), the model's field is
// integrated over the window's measured time steps with a differentiable one-step method,
// and the predicted states are fitted to the observed ones:
//
//   L(theta) = mean over windows w, steps j = 1..k and the d state entries of
//              (xhat_j(w) - x_j(w))^2                                       (data_loss)
//            + l1 * sum_i |theta_i| + the model's own penalty, if it has one   (penalty)
//
// with xhat_0(w) = x_0(w) (the observed first state) and xhat_j = Phi_{dt_j}(xhat_{j-1});
// with learned initial states xhat_0(w) is a parameter and the mean runs over j = 0..k.
// No time derivatives are needed (docs/trajectory_training.md).
//
// Fields (TrajectoryField):
//   solenoidal  the HNN's field (hnn/hamiltonian_objective.h), by options.field_type:
//                 solenoidal    f(x) = J dF_H/dx = (dH/dp, -dH/dq), H = F_H the model's
//                               output hamiltonian_output (the HNN)
//                 conservative  f(x) = dF_C/dx, F_C the output conservative_output
//                 both          their sum (the D-HNN's Helmholtz split)
//               needs the model's input Hessian-vector product for the gradient
//   direct      f(x) = F(x), the model's d outputs (the baseline)
// Methods (TrajectoryMethod):
//   rk4         the classical Runge-Kutta method, any field: 4 field evaluations a step
//   leapfrog    Stormer-Verlet, kick-drift-kick, solenoidal field only:
//                 p' = p - dt/2 dH/dq(q, p);  q1 = q + dt dH/dp(q, p');
//                 p1 = p' - dt/2 dH/dq(q1, p')
//               3 evaluations of dH/dx a step, each at the current partial state. For a
//               separable H = T(p) + V(q) (the assumption under which it is the symplectic,
//               time-reversible, second-order Stormer-Verlet method) dH/dq(q, p) = V'(q) and
//               dH/dp = T'(p), so this is exactly Stormer-Verlet. The model's H is not made
//               separable: for a non-separable H this is the same explicit kick-drift-kick
//               map, consistent but not symplectic in general.
//   implicit_midpoint
//               x1 = x0 + dt J dH/dx((x0 + x1) / 2), the solenoidal field (field type
//               solenoidal) only: symplectic and time-reversible for any H, second order.
//               Solved by Newton's method from x1 = x0, with the Jacobian
//               I - dt/2 J d^2H/dx^2 built from d input Hessian-vector products, until the
//               residual is below 1e-12 (1 + |x1|) in every entry (else, after
//               kNewtonIterations iterations or at a residual that is not finite,
//               evaluate() returns false). The gradient is
//               exact through the converged solution (the implicit function theorem): with
//               lambda = dL/dx1 the step's adjoint nu solves (I - dt/2 d^2H/dx^2 J^T) nu =
//               lambda; with w = dt J^T nu, dL/dtheta += add_parameter_gradient_of_input_
//               gradient(w) at the midpoint and dL/dx0 = nu + 1/2 d^2H/dx^2 w (the Hessian
//               kept from the solve).
//
// The gradient is exact: reverse mode through the steps (the discrete adjoint). Every
// field evaluation of the forward sweep is one forward() over all W windows at once (the
// stage's states as the W columns); the backward sweep runs the stages in reverse. A model
// with pass slots (Model::has_pass_slots) keeps every stage's forward pass of the forward
// sweep and the backward sweep restores it; otherwise it runs forward() again at every stage
// (the last stage's pass is reused). For a stage with adjoint mu = dL/df:
//   solenoidal  w = J^T mu:  dL/dx += d^2H/dx^2 w  (input_hessian_vector_product) and
//               dL/dtheta += add_parameter_gradient_of_input_gradient(w), both from one
//               reverse pass when the model fuses them
//               (add_parameter_gradient_and_input_hessian_vector_product); the conservative
//               part the same with w = mu and F_C
//   direct      dL/dx += sum_o mu_o dF_o/dx  (input_gradient of every output) and
//               dL/dtheta += add_parameter_gradient_of_outputs(mu)
// A model penalty is evaluated on the forward pass of the windows' first states.
//
// Learned initial states (options.learn_initial_states, SRNN): each window's rollout starts
// from a learned state, fitted to the observed one as well.
//
// Learned dissipation (options.dissipation, hnn/learned_dissipation.h; rk4 and a field with
// a solenoidal part only): the field becomes (J - R) dH/dx [+ dF_C/dx] + [0; F(t)] with the
// damping D = L L^T and a forcing F(t) evaluated at each stage's time (window start time +
// the elapsed steps + the stage's fraction of its step); their parameters follow the
// model's, as in HamiltonianObjective, and their gradient comes from the same reverse sweep
// (the model's weights become (J - R)^T mu). The state-dependent damping reads L(x) from the
// model's outputs at every stage: its reverse pass adds the model's parameter gradient of
// those outputs (add_parameter_gradient_of_outputs) and their input gradients times their
// adjoints to the state adjoint.
//
// Example:
//
//   hnn::TrajectoryWindowOptions window_options;
//   window_options.steps = 4;
//   hnn::TrajectoryObjective objective(
//       model, hnn::cut_trajectory_windows(set.trajectories, window_options));
//   Eigen::VectorXd theta = objective.initial_parameters(), gradient(theta.size());
//   double loss;
//   if (!objective.evaluate(theta.data(), &loss, gradient.data())) { /* not finite */ }
//   optimizer.minimize(objective, theta, on_epoch);   // any hnn::Optimizer
//
// Ownership and threads: the model is referenced (it must outlive the objective) and its
// parameters are set on every evaluate(); not thread-safe. All workspaces are allocated
// at construction; evaluate() allocates nothing itself (the model may on its first call
// at the batch size W). Memory: a model with pass slots keeps up to k x stages_per_step()
// forward passes of W samples (the mlp 2-200-200-2: about 16 MB per pass at W = 750).
#ifndef HNN_TRAJECTORY_OBJECTIVE_H_
#define HNN_TRAJECTORY_OBJECTIVE_H_

#include <Eigen/Core>
#include <Eigen/LU>
#include <memory>
#include <string>

#include "hnn/hamiltonian_objective.h"
#include "hnn/learned_dissipation.h"
#include "hnn/model.h"
#include "hnn/objective.h"
#include "hnn/trajectory_windows.h"

namespace hnn {

namespace internal {
class TrajectoryDissipation;
}

enum class TrajectoryMethod { kRungeKutta4, kLeapfrog, kImplicitMidpoint };
enum class TrajectoryField { kSolenoidal, kDirect };

// "rk4", "leapfrog", "implicit_midpoint"; "solenoidal", "direct".
std::string to_string(TrajectoryMethod method);
std::string to_string(TrajectoryField field);

struct TrajectoryObjectiveOptions {
  TrajectoryMethod method = TrajectoryMethod::kRungeKutta4;
  TrajectoryField field = TrajectoryField::kSolenoidal;
  // The HNN field of field solenoidal: J dF_H/dx, dF_C/dx or their sum (as
  // HamiltonianObjectiveOptions; conservative and both need method rk4).
  FieldType field_type = FieldType::kSolenoidal;
  // The output that is H = F_H: default 1, as HamiltonianObjectiveOptions.
  int hamiltonian_output = 1;
  // The output F_C of the conservative part (field_type conservative or both): default 0.
  int conservative_output = 0;
  // Coefficient of the L1 penalty on all parameters, >= 0 and finite; with l1_smoothing
  // s > 0 the smooth sqrt(theta^2 + s^2) - s (as HamiltonianObjectiveOptions).
  double l1 = 0.0;
  double l1_smoothing = 0.0;
  // Learned damping and forcing (inactive by default); needs method rk4 and a field with a
  // solenoidal part (field solenoidal, field_type solenoidal or both), forcing also the
  // windows' start_times, the state form the model's outputs for L(x).
  DissipationOptions dissipation;
  // Learned initial states of the windows (SRNN's initial-state optimisation, for noisy
  // data): the rollouts start from d x W extra parameters xhat_0 (after the model's and the
  // dissipation's, window by window), and the loss also fits them to the observed first
  // states: the mean then runs over j = 0..k. The L1 penalty leaves them out.
  bool learn_initial_states = false;

  // True when the values are in range (the model-dependent checks happen in the
  // objective's constructor); otherwise false and *error (may be null) names the field.
  bool is_valid(std::string* error) const;
};

class TrajectoryObjective final : public Objective {
 public:
  // Throws hnn::Error naming the model when the options are invalid, the windows are empty,
  // their state dimension d != model.input_dimension(); for the solenoidal field when d is
  // odd, an output its field_type uses (hamiltonian_output, conservative_output) is not
  // below model.output_dimension() or the model has no input Hessian-vector product; for the
  // direct field when model.output_dimension() != d; for leapfrog with another field than J
  // dH/dx; for dissipation with another method or a field without a solenoidal part, forcing
  // without the windows' start times, or the state form when the model has fewer outputs
  // than damping_output + n(n+1)/2.
  TrajectoryObjective(Model& model, TrajectoryWindows windows,
                      TrajectoryObjectiveOptions options = {});
  ~TrajectoryObjective() override;

  // The model's parameters, then the dissipation's, then with learn_initial_states the
  // windows' first states (d x W, column-major).
  int parameter_count() const override;
  // The model's current parameters, the dissipation's initial_parameters() and the observed
  // first states: where training starts.
  Eigen::VectorXd initial_parameters() const;
  // Where the learned initial states start among the parameters.
  int initial_state_offset() const;
  // The learned damping and forcing (parameter_count() 0 when options.dissipation is
  // inactive); initial_parameters() gives their start.
  const LearnedDissipation& dissipation() const;
  // parameters: parameter_count() values; value: not null; gradient: null (the forward
  // sweep only) or parameter_count() entries, overwritten. Returns false when the value or
  // the gradient is not finite.
  bool evaluate(const double* parameters, double* value, double* gradient) override;
  LossParts last_parts() const override { return last_parts_; }

  // The predicted states of the last evaluate(): d x (k W), laid out as windows().targets.
  const Eigen::MatrixXd& last_predictions() const { return predictions_; }
  const TrajectoryWindows& windows() const { return windows_; }
  // Replaces the windows' states, targets, steps (and start times) by those of others of
  // the same shape (the same count W, steps k and dimension d), e.g. the next minibatch of
  // windows, without allocating; trajectory and first_sample stay those of the first
  // windows. With learned initial states the states among evaluate()'s parameters are then
  // those of the new windows (the caller chooses them, e.g. a minibatch's among all
  // windows' states), fitted to the new windows' observed first states. Throws hnn::Error
  // naming both shapes when they differ.
  void set_windows(const TrajectoryWindows& windows);
  const TrajectoryObjectiveOptions& options() const { return options_; }
  // Field evaluations (forward passes of the forward sweep) per step: 4 or 3, for the
  // implicit midpoint rule 1 (the converged midpoint; its Newton iterations evaluate more).
  int stages_per_step() const;
  // Implicit midpoint: the most Newton iterations a step of the last evaluate() took.
  int last_newton_iterations() const { return last_newton_iterations_; }
  // Implicit midpoint: the Newton iterations after which a step counts as not converged.
  static constexpr int kNewtonIterations = 50;

 private:
  // The field, or dH/dx, at `states` (forward sweep).
  // step (0-based) and fraction (of the step's dt) give the stage's time for a forcing.
  void evaluate_field(const Eigen::Ref<const Eigen::MatrixXd>& states, Eigen::MatrixXd& field,
                      int step, double fraction);
  void evaluate_hamiltonian_gradient(const Eigen::Ref<const Eigen::MatrixXd>& states,
                                     Eigen::Ref<Eigen::MatrixXd> gradient);
  // Reverse mode through one evaluation at `states`: adds to `parameter_gradient` and
  // writes the state adjoint to `state_adjoint` (null: not needed, not computed). field_adjoint is
  // dL/df (field_backward) or dL/d(dH/dx) (gradient_backward). `slot` is the stage's
  // pass_slot(): with kCurrentPass the model's
  // forward pass is that of `states` already (the last stage of the forward sweep).
  void field_backward(const Eigen::Ref<const Eigen::MatrixXd>& states,
                      const Eigen::MatrixXd& field_adjoint, int step, double fraction, int slot,
                      double* gradient, Eigen::MatrixXd* state_adjoint);
  // stage_times_ of a stage, when there is a forcing.
  void set_stage_times(int step, double fraction);
  // step_times_ from the windows' start times and steps (forcing only).
  void tabulate_step_times();
  // Leapfrog's reverse pass through one evaluation of dH/dx at `states`.
  void gradient_backward(const Eigen::Ref<const Eigen::MatrixXd>& states,
                         const Eigen::MatrixXd& gradient_adjoint, int slot,
                         Eigen::Ref<Eigen::VectorXd> parameter_gradient,
                         Eigen::MatrixXd* state_adjoint);
  // The HNN field's reverse pass (field solenoidal) at a stage whose pass is current:
  // `current_output` the output whose input gradient the model's pass holds (-1: none).
  void hamiltonian_field_backward(const Eigen::MatrixXd& field_adjoint, int step, double fraction,
                                  int slot, int current_output, double* gradient,
                                  Eigen::MatrixXd* state_adjoint);
  // The mixed parameter gradient of weights . dF_output/dx into parameter_gradient and, when
  // products is not null, the input Hessian-vector product into *products (overwritten);
  // the model's current input gradient must be that of `output`.
  void add_second_derivatives(int output, const Eigen::MatrixXd& weights,
                              Eigen::Ref<Eigen::VectorXd> parameter_gradient,
                              Eigen::MatrixXd* products);
  // The field's parts (field solenoidal).
  bool has_solenoidal_part() const { return options_.field_type != FieldType::kConservative; }
  bool has_conservative_part() const { return options_.field_type != FieldType::kSolenoidal; }
  // The output whose input gradient a stage's forward pass computes last (its pass keeps it).
  int last_forward_output() const {
    return has_conservative_part() ? options_.conservative_output : options_.hamiltonian_output;
  }
  // The model's pass slot of stage `stage` of step j (0-based), or kCurrentPass for the last
  // stage of the forward sweep, whose pass is still the model's current one.
  static constexpr int kCurrentPass = -1;
  int pass_slot(int j, int stage) const;
  // After a stage's forward pass: saves it in its slot when the model keeps passes and the
  // gradient (the reverse sweep) is wanted.
  void keep_pass(int j, int stage, const double* gradient);
  // Makes the model's current pass that of the stage with this slot: true when it is (the
  // last stage, or restored), false when the caller must run forward() again.
  bool recall_pass(int slot);
  // The forward sweeps: predictions_ from the windows' first states; the model penalty of
  // the first forward pass into model_penalty_ (its gradient added to `gradient`, or to a
  // scratch vector when gradient is null).
  void runge_kutta_forward(double* gradient);
  void leapfrog_forward(double* gradient);
  void add_model_penalty(double* gradient);
  // The backward sweeps: the adjoint of the predictions from predictions_, added to
  // parameter_gradient through every stage.
  void runge_kutta_backward(double* gradient);
  void leapfrog_backward(Eigen::Ref<Eigen::VectorXd> parameter_gradient);
  // Implicit midpoint (trajectory_implicit_midpoint.cc): false when a step's Newton
  // iteration does not converge (or leaves the finite numbers).
  bool implicit_midpoint_forward(double* gradient);
  void implicit_midpoint_backward(Eigen::Ref<Eigen::VectorXd> parameter_gradient);
  // d^2H/dx^2 at the model's current pass (whose input gradient of H is current) into
  // hessians (d x d W, window w's matrix in columns w d .. w d + d - 1).
  void hamiltonian_hessians(Eigen::Ref<Eigen::MatrixXd> hessians);
  // The Hessians kept for step j, d x d W.
  auto step_hessians(int j) {
    const Eigen::Index d = windows_.state_dimension(), w = windows_.count();
    return hessians_.middleCols(Eigen::Index(j) * d * w, d * w);
  }
  // Adds 2 (xhat_j - x_j) / (d W k), the adjoint of the predictions of step j (1..k), to
  // adjoint_.
  void add_prediction_adjoint(int j);
  // d W k, or d W (k + 1) with learned initial states: the entries the loss averages.
  double loss_entries() const;
  // The stage inputs of stage `stage` of step j (0-based), d x W.
  auto stage_states(int j, int stage) {
    const Eigen::Index w = windows_.count();
    return stage_states_.middleCols((Eigen::Index(j) * stages_per_step() + stage) * w, w);
  }

  Model& model_;
  bool keeps_passes_ = false;              // model_.has_pass_slots()
  bool fuses_second_derivatives_ = false;  // the fused parameter gradient and Hessian product
  TrajectoryWindows windows_;
  TrajectoryObjectiveOptions options_;
  std::unique_ptr<internal::TrajectoryDissipation> dissipation_;
  LossParts last_parts_;
  // Workspace (W = windows_.count()).
  // d x (k stages W): every stage's input, kept by runge_kutta_forward only when the model
  // keeps no passes (the reverse sweep then runs the stages' forward passes again).
  Eigen::MatrixXd stage_states_;
  Eigen::MatrixXd stage_input_;            // d x W: a stage's input when none is kept (rk4)
  Eigen::MatrixXd predictions_;            // d x (k W)
  Eigen::MatrixXd state_;                  // d x W: the current state of the sweep
  Eigen::MatrixXd stage_values_[4];        // d x W: the field (rk4) or dH/dx at each stage
  Eigen::MatrixXd adjoint_;                // d x W: dL/d(current state)
  Eigen::MatrixXd stage_adjoint_;          // d x W: dL/d(field) of one stage
  Eigen::MatrixXd weights_;                // d x W: the model's weights (J^T mu)
  Eigen::MatrixXd stage_state_adjoint_;    // d x W: dL/d(stage input)
  Eigen::MatrixXd total_adjoint_;          // d x W: dL/d(state at a step's start)
  Eigen::MatrixXd model_gradient_;         // d x W: the model's input gradient (dH/dx)
  Eigen::MatrixXd conservative_gradient_;  // d x W: dF_C/dx (field_type conservative, both)
  Eigen::MatrixXd products_;               // d x W: the second Hessian-vector product (both)
  Eigen::MatrixXd outputs_;                // outputs x W: L(x)'s outputs (state damping)
  Eigen::MatrixXd output_adjoint_;         // outputs x W: their adjoint (state damping)
  Eigen::MatrixXd output_gradient_;        // d x W: one output's input gradient (state damping)
  double model_penalty_ = 0.0;
  Eigen::MatrixXd step_times_;       // k x W: the start time of every step (forcing only)
  Eigen::RowVectorXd stage_times_;   // W: the current stage's times (forcing only)
  Eigen::VectorXd penalty_scratch_;  // gradient sink for a value-only model penalty
  // Implicit midpoint workspace: every step's Hessians (d x d k W), the Newton matrix and its
  // factorisation (d x d), the Hessian products' directions and results (d x W), a d-vector.
  Eigen::MatrixXd hessians_, newton_matrix_, directions_, products_of_directions_;
  Eigen::PartialPivLU<Eigen::MatrixXd> newton_solver_;
  Eigen::VectorXd newton_vector_;
  int last_newton_iterations_ = 0;
};

}  // namespace hnn

#endif  // HNN_TRAJECTORY_OBJECTIVE_H_
