// ExpressionSystem: a system whose Hamiltonian is a formula given in the pipeline,
//
//   system: {plugin: expression, hamiltonian: "p^2/2 + g*(1 - cos(q))",
//            coordinates: [q, p], parameters: ["g=9.81"], radius: [0.1, 1.0]}
//
// The formula is read once (hnn/symbolic/formula_parser.h: + - * / ^ or **, parentheses,
// numbers, pi, the functions sqrt exp log sin cos tan asin acos atan sinh cosh tanh abs), the
// parameters are substituted, GiNaC differentiates H with respect to every coordinate, and H
// with its gradient is compiled into one straight-line program over doubles
// (hnn/symbolic/compiled_expression.h, in its kAsStored evaluation order). Evaluation never
// touches GiNaC.
//
// Options (ExpressionSystemOptions):
//   hamiltonian  (string, required) H in the coordinate and parameter names.
//   coordinates  (list of strings, [q, p]) 2n distinct names; the first n are positions, the
//                last n their momenta (state order). Names are [A-Za-z_][A-Za-z0-9_]*, not pi
//                and not a function name.
//   parameters   (list of strings, []) "name=value": a constant used in the formula; value is
//                itself a formula of numbers (e.g. "g=9.81", "w=2*pi/3").
//   radius       (list of 2 reals, [0.1, 1.0], >= 0, min <= max < inf) [min, max] of the
//                phase-space radius of sampled initial states.
//   damping      (list of strings, []) the friction on the momenta, R = [[0, 0], [0, D(x)]]
//                with D = diag(d_1(x), ..., d_n(x)): no formula (no damping), one (d_i = d for
//                every momentum) or n (one per momentum), each in the coordinate and parameter
//                names. dp_i/dt gains -d_i(x) dH/dp_i. A coefficient must be >= 0 (R positive
//                semidefinite), which is enforced where it can be: a formula that is a number
//                is refused when negative; every formula is evaluated at 100 states drawn by
//                the sampler below from seed 0 (not the pipeline's stream) and refused when
//                negative at one of them (so --check refuses "-0.1*p^2" or "q"); and
//                damping() throws hnn::Error, naming the formula and the state, where a
//                coefficient is negative along a trajectory (the run stops, exit status 1).
//   forcing      (list of strings, []) the external force on the momenta, F(t) = (0, f(t)):
//                no formula (no forcing), one (the same force on every momentum) or n (one per
//                momentum), each in the time t and the parameter names (no coordinates; a
//                parameter named t is refused). dp_i/dt gains f_i(t).
// The damping and forcing formulas are compiled as H is (CompiledExpression, in its kCanonical
// order: the same values in every process). Their errors are located like H's, e.g.
//   damping[0]: cannot parse "0.1*q^2 + ": at character 10: ...
//   forcing[0]: cannot parse "cos(w*q)": at character 7: unknown name 'q' (constants: pi;
//   time: t; parameters: w)
//   damping[0]: the coefficient -1/10*q is negative (-0.05) at q = 0.5, p = 0.2, a state
//   drawn by the sampler; a damping coefficient must be >= 0 everywhere
//
// Initial states, in this order (2n + 1 uniforms per call):
//   1. 2n uniforms u_i in state order:  y_i = 2 u_i - 1
//   2. one uniform u_r:                 r = u_r (r_max - r_min) + r_min
//   3. x = y / |y|_2 * r
// For n = 1 these are exactly the draws of spring_mass (and of pendulum), so the same seed
// gives the same initial states.
//
// Construction throws hnn::Error with a message that names the option, e.g.
//   hamiltonian: cannot parse "p^2/2 + cos(q": at character 14: expected ')' to close the '('
//   at character 12, found the end of the formula
//   coordinates: 3 names given; expected an even number (positions, then momenta)
//   parameters[0]: expected "name=value", found "g"
// (characters are counted from 1 within the option's string).
#ifndef HNN_SYSTEMS_EXPRESSION_EXPRESSION_SYSTEM_H_
#define HNN_SYSTEMS_EXPRESSION_EXPRESSION_SYSTEM_H_

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "hnn/option_binding.h"
#include "hnn/symbolic/compiled_expression.h"
#include "hnn/system.h"

namespace hnn::systems {

struct ExpressionSystemOptions {
  std::string hamiltonian;                         // required
  std::vector<std::string> coordinates{"q", "p"};  // 2n distinct names
  std::vector<std::string> parameters;             // "name=value"
  std::array<double, 2> radius{0.1, 1.0};          // 0 <= min <= max < inf
  std::vector<std::string> damping;                // none, 1 or n formulas of x, each >= 0
  std::vector<std::string> forcing;                // none, 1 or n formulas of t

  // The keys, ranges and meanings of the `expression` plugin's options (the header comment);
  // binding().is_valid(options, &error) checks a struct built in C++.
  static const OptionBinding<ExpressionSystemOptions>& binding();
};

class ExpressionSystem final : public System {
 public:
  using Settings = ExpressionSystemOptions;

  // Throws hnn::Error as described in the header comment.
  explicit ExpressionSystem(const ExpressionSystemOptions& options);

  int degrees_of_freedom() const override { return degrees_of_freedom_; }
  std::vector<std::string> coordinate_names() const override { return coordinates_; }
  double hamiltonian(const Eigen::Ref<const Eigen::VectorXd>& x) const override;
  void gradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                Eigen::Ref<Eigen::VectorXd> gradient) const override;
  void sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const override;
  // H after substituting the parameters, as GiNaC prints it (e.g. "1+1/2*p^2-cos(q)"):
  // readable by GiNaC's parser and by this plugin's.
  std::string exact_hamiltonian() const override { return exact_hamiltonian_; }

  // Whether the damping option has formulas. damping(x, R) writes R = [[0, 0], [0, D(x)]]
  // and throws hnn::Error where a coefficient is negative (see the header comment).
  bool has_damping() const override { return damping_program_.has_value(); }
  void damping(const Eigen::Ref<const Eigen::VectorXd>& x,
               Eigen::Ref<Eigen::MatrixXd> damping) const override;
  // Whether the forcing option has formulas. forcing(t, F) writes F(t) = (0, f(t)).
  bool has_forcing() const override { return forcing_program_.has_value(); }
  void forcing(double t, Eigen::Ref<Eigen::VectorXd> force) const override;

  // The symbolic derivatives dH/dx_i as printed by GiNaC, in state order (for diagnostics).
  const std::vector<std::string>& gradient_formulas() const { return gradient_formulas_; }
  // The damping and forcing formulas after substituting the parameters, as GiNaC prints them,
  // one per formula of the options (empty without damping or forcing).
  const std::vector<std::string>& damping_formulas() const { return damping_formulas_; }
  const std::vector<std::string>& forcing_formulas() const { return forcing_formulas_; }

 private:
  struct SymbolicForm;  // H and its gradient as GiNaC expressions (expression_system.cc)
  // Checks `options` (binding().is_valid, the names, the formula) and builds the form.
  static SymbolicForm symbolic_form(const ExpressionSystemOptions& options);
  ExpressionSystem(const ExpressionSystemOptions& options, const SymbolicForm& form);

  void check_size(const char* method, Eigen::Index size) const;
  // The damping coefficients at x (one per damping formula) in `values`.
  void damping_coefficients(const double* x, double* values) const;
  // Refuses a damping formula that is negative at one of 100 states the sampler draws from
  // seed 0 (a ConfigError at damping[i]).
  void check_damping_at_samples() const;

  int degrees_of_freedom_ = 0;
  std::vector<std::string> coordinates_;
  double minimum_radius_ = 0.0;
  double maximum_radius_ = 0.0;
  std::string exact_hamiltonian_;
  std::vector<std::string> gradient_formulas_;
  symbolic::CompiledExpression program_;  // outputs: H, dH/dx_0, ..., dH/dx_{2n-1}
  std::vector<std::string> damping_formulas_;
  std::vector<std::string> forcing_formulas_;
  std::optional<symbolic::CompiledExpression> damping_program_;  // of x: d_1 (, ..., d_n)
  std::optional<symbolic::CompiledExpression> forcing_program_;  // of t: f_1 (, ..., f_n)
};

}  // namespace hnn::systems

#endif  // HNN_SYSTEMS_EXPRESSION_EXPRESSION_SYSTEM_H_
