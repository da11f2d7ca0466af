#include "henon_heiles.h"

#include <cmath>
#include <numbers>

#include "hnn/error.h"
#include "hnn/number_format.h"

namespace hnn::systems {
namespace {

constexpr long kMaximumAttempts = 1000000;

// 1 / (6 lambda^2).
double escape_energy_of(double coupling) { return 1.0 / (6.0 * coupling * coupling); }

}  // namespace

const OptionBinding<HenonHeilesOptions>& HenonHeilesOptions::binding() {
  static const OptionBinding<HenonHeilesOptions> binding = [] {
    using Self = HenonHeilesOptions;
    OptionBinding<Self> b("henon_heiles");
    b.bind("lambda", &Self::coupling,
           "coupling lambda in H = (px^2 + py^2)/2 + (x^2 + y^2)/2 + lambda (x^2 y - "
           "y^3/3); the escape energy is 1/(6 lambda^2)")
        .greater_than(0.0);
    b.bind("energy", &Self::energy,
           "[min, max] of the energy of sampled initial states (uniform); must be "
           "below the escape energy 1/(6 lambda^2)")
        .greater_than(0.0);
    b.require_finite({"lambda"});
    b.require([](const Self& options) {
      const auto [minimum, maximum] = options.energy;
      const double escape_energy = escape_energy_of(options.coupling);
      if (maximum >= minimum && maximum < escape_energy) return std::string();
      return "energy = [" + shortest_decimal(minimum) + ", " + shortest_decimal(maximum) +
             "] must satisfy 0 < min <= max < 1/(6 lambda^2) = " + shortest_decimal(escape_energy) +
             " (the escape energy)";
    });
    return b;
  }();
  return binding;
}

HenonHeiles::HenonHeiles(const HenonHeilesOptions& options) : options_(options) {
  HenonHeilesOptions::binding().check(options_);
}

double HenonHeiles::escape_energy() const { return escape_energy_of(options_.coupling); }

void HenonHeiles::sample_initial_state(RandomSource& random,
                                       Eigen::Ref<Eigen::VectorXd> state) const {
  if (state.size() != kStateDimension) {
    throw Error("henon_heiles: sample_initial_state needs a state of size 4, got " +
                std::to_string(state.size()));
  }
  // The order of the draws is the contract documented in the header.
  const double lambda = options_.coupling;
  const double energy =
      random.uniform() * (options_.energy[1] - options_.energy[0]) + options_.energy[0];
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
      options_.coupling == 1.0 ? std::string() : shortest_decimal(options_.coupling) + "*";
  return "(px^2 + py^2)/2 + (x^2 + y^2)/2 + " + coupling + "(x^2*y - y^3/3)";
}

}  // namespace hnn::systems
