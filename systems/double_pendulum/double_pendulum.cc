#include "double_pendulum.h"

#include <cmath>
#include <numbers>

#include "hnn/error.h"
#include "hnn/number_format.h"

namespace hnn::systems {
namespace {

void require(bool condition, const char* name, double value, const char* constraint) {
  if (!condition || !std::isfinite(value)) {
    throw Error(std::string("double_pendulum: ") + name + " = " + shortest_decimal(value) +
                " must be finite and " + constraint);
  }
}

DoublePendulum::Parameters parameters_from(const Options& options) {
  DoublePendulum::Parameters parameters;
  parameters.mass1 = options.real("m1");
  parameters.mass2 = options.real("m2");
  parameters.length1 = options.real("l1");
  parameters.length2 = options.real("l2");
  parameters.gravity = options.real("g");
  parameters.maximum_angle = options.real("angle");
  parameters.maximum_momentum = options.real("momentum");
  return parameters;
}

}  // namespace

DoublePendulum::DoublePendulum(const Parameters& parameters) : parameters_(parameters) {
  require(parameters.mass1 > 0.0, "m1", parameters.mass1, "> 0");
  require(parameters.mass2 > 0.0, "m2", parameters.mass2, "> 0");
  require(parameters.length1 > 0.0, "l1", parameters.length1, "> 0");
  require(parameters.length2 > 0.0, "l2", parameters.length2, "> 0");
  require(parameters.gravity >= 0.0, "g", parameters.gravity, ">= 0");
  require(parameters.maximum_angle >= 0.0, "angle", parameters.maximum_angle, ">= 0");
  require(parameters.maximum_momentum >= 0.0, "momentum", parameters.maximum_momentum, ">= 0");
}

DoublePendulum::DoublePendulum(const Options& options) : DoublePendulum(parameters_from(options)) {}

OptionSchema DoublePendulum::schema() {
  return OptionSchema{
      Option::real("m1", 1.0, "mass of the upper bob").greater_than(0.0),
      Option::real("m2", 1.0, "mass of the lower bob").greater_than(0.0),
      Option::real("l1", 1.0, "length of the upper rod").greater_than(0.0),
      Option::real("l2", 1.0, "length of the lower rod").greater_than(0.0),
      Option::real("g", 1.0, "gravitational acceleration").at_least(0.0),
      Option::real("angle", std::numbers::pi / 2.0,
                   "sampled initial angles are uniform in [-angle, angle)")
          .at_least(0.0),
      Option::real("momentum", 1.0, "sampled initial momenta are uniform in [-momentum, momentum)")
          .at_least(0.0),
  };
}

void DoublePendulum::sample_initial_state(RandomSource& random,
                                          Eigen::Ref<Eigen::VectorXd> x) const {
  if (x.size() != kStateDimension) {
    throw Error("double_pendulum: sample_initial_state needs a state of size 4, got " +
                std::to_string(x.size()));
  }
  // The order of the draws is the contract documented in the header.
  const double q1 = (2.0 * random.uniform() - 1.0) * parameters_.maximum_angle;
  const double q2 = (2.0 * random.uniform() - 1.0) * parameters_.maximum_angle;
  const double p1 = (2.0 * random.uniform() - 1.0) * parameters_.maximum_momentum;
  const double p2 = (2.0 * random.uniform() - 1.0) * parameters_.maximum_momentum;
  x << q1, q2, p1, p2;
}

std::string DoublePendulum::exact_hamiltonian() const {
  const Parameters& c = parameters_;
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
