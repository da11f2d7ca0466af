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
  explicit QuarticOscillator(const hnn::Options& o)
      : m_(o.real("m")), lambda_(o.real("lambda")), radius_(o.reals("radius")) {}

  template <typename T>
  T energy(const T* q, const T* p) const {
    return p[0] * p[0] / (2.0 * m_) + lambda_ * q[0] * q[0] * q[0] * q[0] / 4.0;
  }

  std::vector<std::string> coordinate_names() const override { return {"q", "p"}; }

  void sample_initial_state(hnn::RandomSource& r, Eigen::Ref<Eigen::VectorXd> x) const override {
    hnn::sample_state_at_radius(r, radius_[0], radius_[1], x);  // the spring's sampler
  }

  std::string exact_hamiltonian() const override {
    return "p^2/" + std::to_string(2.0 * m_) + " + " + std::to_string(lambda_ / 4.0) + "*q^4";
  }

 private:
  double m_, lambda_;
  std::vector<double> radius_;
};

void register_quartic(hnn::Registry& registry) {
  const hnn::OptionSchema schema{
      hnn::Option::real("m", 1.0, "mass").greater_than(0.0),
      hnn::Option::real("lambda", 1.0, "quartic stiffness").greater_than(0.0),
      hnn::Option::real_list("radius", {0.2, 1.0}, "[min, max] radius of initial states").length(2),
  };
  registry.add_system("quartic_oscillator", "H = p^2/(2m) + lambda q^4/4 (example plugin)", schema,
                      [](const hnn::Options& o) { return std::make_unique<QuarticOscillator>(o); });
}

}  // namespace

HNN_PLUGIN("quartic_oscillator", "1.0.0", register_quartic)
