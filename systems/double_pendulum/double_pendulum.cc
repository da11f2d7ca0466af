#include "double_pendulum.h"

#include <cmath>
#include <initializer_list>
#include <utility>

#include "hnn/error.h"
#include "hnn/number_format.h"

namespace hnn::systems {
namespace {

// "" when every value is finite, else what require() reports for the first that is not.
}  // namespace

const OptionBinding<DoublePendulumOptions>& DoublePendulumOptions::binding() {
  static const OptionBinding<DoublePendulumOptions> binding = [] {
    using Self = DoublePendulumOptions;
    OptionBinding<Self> b("double_pendulum");
    b.bind("m1", &Self::mass1, "mass of the upper bob").greater_than(0.0);
    b.bind("m2", &Self::mass2, "mass of the lower bob").greater_than(0.0);
    b.bind("l1", &Self::length1, "length of the upper rod").greater_than(0.0);
    b.bind("l2", &Self::length2, "length of the lower rod").greater_than(0.0);
    b.bind("g", &Self::gravity, "gravitational acceleration").at_least(0.0);
    b.bind("angle", &Self::maximum_angle, "sampled initial angles are uniform in [-angle, angle)")
        .at_least(0.0);
    b.bind("momentum", &Self::maximum_momentum,
           "sampled initial momenta are uniform in [-momentum, momentum)")
        .at_least(0.0);
    b.require_finite({"m1", "m2", "l1", "l2", "g", "angle", "momentum"});
    return b;
  }();
  return binding;
}

DoublePendulum::DoublePendulum(const DoublePendulumOptions& options) : options_(options) {
  DoublePendulumOptions::binding().check(options_);
}

void DoublePendulum::sample_initial_state(RandomSource& random,
                                          Eigen::Ref<Eigen::VectorXd> x) const {
  if (x.size() != kStateDimension) {
    throw Error("double_pendulum: sample_initial_state needs a state of size 4, got " +
                std::to_string(x.size()));
  }
  // The order of the draws is the contract documented in the header.
  const double q1 = (2.0 * random.uniform() - 1.0) * options_.maximum_angle;
  const double q2 = (2.0 * random.uniform() - 1.0) * options_.maximum_angle;
  const double p1 = (2.0 * random.uniform() - 1.0) * options_.maximum_momentum;
  const double p2 = (2.0 * random.uniform() - 1.0) * options_.maximum_momentum;
  x << q1, q2, p1, p2;
}

std::string DoublePendulum::exact_hamiltonian() const {
  const DoublePendulumOptions& c = options_;
  const auto number = [](double value) {
    std::string text = "(";
    text += shortest_decimal(value);
    text += ")";
    return text;
  };
  const std::string m1 = number(c.mass1), m2 = number(c.mass2), l1 = number(c.length1),
                    l2 = number(c.length2), g = number(c.gravity);
  return "(" + m2 + "*" + l2 + "^2*p1^2 + (" + m1 + " + " + m2 + ")*" + l1 + "^2*p2^2 - 2*" + m2 +
         "*" + l1 + "*" + l2 + "*p1*p2*cos(q1 - q2)) / (2*" + m2 + "*" + l1 + "^2*" + l2 + "^2*(" +
         m1 + " + " + m2 + "*sin(q1 - q2)^2)) + (" + m1 + " + " + m2 + ")*" + g + "*" + l1 +
         "*(1 - cos(q1)) + " + m2 + "*" + g + "*" + l2 + "*(1 - cos(q2))";
}

}  // namespace hnn::systems
