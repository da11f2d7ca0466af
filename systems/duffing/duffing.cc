#include "duffing.h"

#include <cmath>

#include "hnn/error.h"
#include "hnn/initial_state_sampler.h"
#include "hnn/number_format.h"

namespace hnn::systems {
namespace {

// Appends coefficient*power to a sum: nothing for 0, " + c*power" or " - |c|*power" after
// the first term, the coefficient left out when it is 1.
void append_term(std::string& sum, double coefficient, const std::string& power) {
  if (coefficient == 0.0) return;
  const double magnitude = std::abs(coefficient);
  const std::string term = magnitude == 1.0 ? power : shortest_decimal(magnitude) + "*" + power;
  if (sum.empty()) {
    sum = (coefficient < 0.0 ? "-" : "") + term;
  } else {
    sum += (coefficient < 0.0 ? " - " : " + ") + term;
  }
}

}  // namespace

const OptionBinding<DuffingOptions>& DuffingOptions::binding() {
  static const OptionBinding<DuffingOptions> binding = [] {
    using Self = DuffingOptions;
    OptionBinding<Self> b("duffing");
    b.bind("alpha", &Self::alpha,
           "linear stiffness in H = p^2/2 + alpha q^2/2 + beta q^4/4 (negative: a double well)");
    b.bind("beta", &Self::beta, "cubic stiffness in H = p^2/2 + alpha q^2/2 + beta q^4/4")
        .at_least(0.0);
    b.bind("delta", &Self::delta, "damping: dp/dt = -alpha q - beta q^3 - delta p + A cos(omega t)")
        .at_least(0.0);
    b.bind("amplitude", &Self::amplitude, "amplitude of the force A cos(omega t) on p")
        .at_least(0.0);
    b.bind("omega", &Self::omega, "angular frequency of the force A cos(omega t) on p")
        .at_least(0.0);
    b.bind("radius", &Self::radius,
           "[min, max] of the phase-space radius |(q, p)| of sampled initial states "
           "(drawn uniformly)")
        .at_least(0.0);
    b.require_finite({"alpha", "beta", "delta", "amplitude", "omega"});
    b.require([](const Self& options) {
      if (options.alpha > 0.0 || options.beta > 0.0) return std::string();
      return "alpha = " + shortest_decimal(options.alpha) +
             " with beta = " + shortest_decimal(options.beta) +
             ": H has no minimum and trajectories escape; needs alpha > 0 or beta > 0";
    });
    b.require([](const Self& options) {
      return radius_range_problem(options.radius[0], options.radius[1]);
    });
    return b;
  }();
  return binding;
}

Duffing::Duffing(const DuffingOptions& options) : options_(options) {
  DuffingOptions::binding().check(options_);
}

void Duffing::sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const {
  if (x.size() != kStateDimension) {
    throw Error("duffing: sample_initial_state needs a state of size 2, got " +
                std::to_string(x.size()));
  }
  // The order of the draws is the contract documented in the header.
  sample_state_at_radius(random, options_.radius[0], options_.radius[1], x);
}

std::string Duffing::exact_hamiltonian() const {
  std::string sum;
  append_term(sum, 0.5, "p^2");
  append_term(sum, 0.5 * options_.alpha, "q^2");
  append_term(sum, 0.25 * options_.beta, "q^4");
  return sum;
}

void Duffing::damping(const Eigen::Ref<const Eigen::VectorXd>& /*x*/,
                      Eigen::Ref<Eigen::MatrixXd> damping) const {
  set_momentum_damping(options_.delta, damping);
}

void Duffing::forcing(double t, Eigen::Ref<Eigen::VectorXd> force) const {
  force[0] = 0.0;
  force[1] = options_.amplitude * std::cos(options_.omega * t);
}

}  // namespace hnn::systems
