#include "henon_heiles.h"

#include <cmath>
#include <numbers>

#include "hnn/error.h"
#include "hnn/number_format.h"

namespace hnn::systems {
namespace {

HenonHeiles::Parameters parameters_from(const Options& options) {
  const std::vector<double>& energy = options.reals("energy");
  if (energy.size() != 2) {
    throw Error("henon_heiles: option 'energy' must have 2 elements [min, max], got " +
                std::to_string(energy.size()));
  }
  HenonHeiles::Parameters parameters;
  parameters.coupling = options.real("lambda");
  parameters.minimum_energy = energy[0];
  parameters.maximum_energy = energy[1];
  return parameters;
}

constexpr long kMaximumAttempts = 1000000;

}  // namespace

HenonHeiles::HenonHeiles(const Parameters& parameters) : parameters_(parameters) {
  if (!(parameters.coupling > 0.0) || !std::isfinite(parameters.coupling)) {
    throw Error("henon_heiles: lambda = " + shortest_decimal(parameters.coupling) +
                " must be finite and > 0");
  }
  if (!(parameters.minimum_energy > 0.0) ||
      !(parameters.maximum_energy >= parameters.minimum_energy) ||
      !(parameters.maximum_energy < escape_energy())) {
    throw Error("henon_heiles: energy = [" + shortest_decimal(parameters.minimum_energy) + ", " +
                shortest_decimal(parameters.maximum_energy) +
                "] must satisfy 0 < min <= max < 1/(6 lambda^2) = " +
                shortest_decimal(escape_energy()) + " (the escape energy)");
  }
}

HenonHeiles::HenonHeiles(const Options& options) : HenonHeiles(parameters_from(options)) {}

double HenonHeiles::escape_energy() const {
  return 1.0 / (6.0 * parameters_.coupling * parameters_.coupling);
}

OptionSchema HenonHeiles::schema() {
  return OptionSchema{
      Option::real("lambda", 1.0,
                   "coupling lambda in H = (px^2 + py^2)/2 + (x^2 + y^2)/2 + lambda (x^2 y - "
                   "y^3/3); the escape energy is 1/(6 lambda^2)")
          .greater_than(0.0),
      Option::real_list("energy", {1.0 / 12.0, 1.0 / 8.0},
                        "[min, max] of the energy of sampled initial states (uniform); must be "
                        "below the escape energy 1/(6 lambda^2)")
          .length(2)
          .greater_than(0.0),
  };
}

void HenonHeiles::sample_initial_state(RandomSource& random,
                                       Eigen::Ref<Eigen::VectorXd> state) const {
  if (state.size() != kStateDimension) {
    throw Error("henon_heiles: sample_initial_state needs a state of size 4, got " +
                std::to_string(state.size()));
  }
  // The order of the draws is the contract documented in the header.
  const double lambda = parameters_.coupling;
  const double energy =
      random.uniform() * (parameters_.maximum_energy - parameters_.minimum_energy) +
      parameters_.minimum_energy;
  const double half_width = std::numbers::sqrt3 / (2.0 * lambda);
  for (long attempt = 0; attempt < kMaximumAttempts; ++attempt) {
    const double x = (2.0 * random.uniform() - 1.0) * half_width;
    const double y = (random.uniform() * 1.5 - 0.5) / lambda;
    // Inside the triangle: above the base y = -1/(2 lambda) and below the two slanted sides
    // y = 1/lambda -+ sqrt(3) x.
    const bool inside = y > -0.5 / lambda && y < 1.0 / lambda - std::numbers::sqrt3 * std::abs(x);
    if (!inside) continue;
    const double v = potential(x, y);
    if (!(v < energy)) continue;
    const double angle = 2.0 * std::numbers::pi * random.uniform();
    const double momentum = std::sqrt(2.0 * (energy - v));
    state << x, y, momentum * std::cos(angle), momentum * std::sin(angle);
    return;
  }
  throw Error("henon_heiles: no position with V < E = " + shortest_decimal(energy) + " in " +
              std::to_string(kMaximumAttempts) + " attempts");
}

std::string HenonHeiles::exact_hamiltonian() const {
  const std::string coupling =
      parameters_.coupling == 1.0 ? std::string() : shortest_decimal(parameters_.coupling) + "*";
  return "(px^2 + py^2)/2 + (x^2 + y^2)/2 + " + coupling + "(x^2*y - y^3/3)";
}

}  // namespace hnn::systems
