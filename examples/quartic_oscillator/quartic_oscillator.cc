// A new Hamiltonian as an hnn plugin: the quartic (anharmonic) oscillator
// H = p^2 / (2 m) + lambda q^4 / 4. H is written once, as a template on the scalar type; the
// SDK derives its gradient exactly with Ceres' Jets.
#include <cmath>

#include "hnn/hamiltonian_system.h"
#include "hnn/initial_state_sampler.h"
#include "hnn/plugin.h"

namespace {

class QuarticOscillator final : public hnn::HamiltonianSystem<QuarticOscillator, 1> {
 public:
  explicit QuarticOscillator(const hnn::Options& options)
      : mass_(options.real("m")),
        stiffness_(options.real("lambda")),
        radius_(options.reals("radius")) {}

  template <typename T>
  T energy(const T* q, const T* p) const {
    return p[0] * p[0] / (2.0 * mass_) + stiffness_ * q[0] * q[0] * q[0] * q[0] / 4.0;
  }

  std::vector<std::string> coordinate_names() const override { return {"q", "p"}; }

  // Draws: a direction (two uniforms, as the spring sampler), then a radius (one uniform).
  void sample_initial_state(hnn::RandomSource& random,
                            Eigen::Ref<Eigen::VectorXd> x) const override {
    hnn::sample_state_at_radius(random, radius_[0], radius_[1], x);
  }

  std::string exact_hamiltonian() const override {
    return std::to_string(1.0 / (2.0 * mass_)) + "*p^2 + " + std::to_string(stiffness_ / 4.0) +
           "*q^4";
  }

 private:
  double mass_, stiffness_;
  std::vector<double> radius_;
};

void register_quartic(hnn::Registry& registry) {
  registry.add_system(
      "quartic_oscillator", "anharmonic oscillator H = p^2/(2m) + lambda q^4/4 (example plugin)",
      hnn::OptionSchema{
          hnn::Option::real("m", 1.0, "mass").greater_than(0.0),
          hnn::Option::real("lambda", 1.0, "quartic stiffness").greater_than(0.0),
          hnn::Option::real_list("radius", {0.2, 1.0}, "[min, max] radius of initial states")
              .length(2)
              .at_least(0.0),
      },
      [](const hnn::Options& options) { return std::make_unique<QuarticOscillator>(options); });
}

}  // namespace

HNN_PLUGIN("quartic_oscillator", "1.0.0", register_quartic)
