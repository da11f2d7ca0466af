// A new Hamiltonian as an hnn plugin: the quartic (anharmonic) oscillator
// H = p^2 / (2 m) + lambda q^4 / 4. H is written once, as a template on the scalar type; the
// SDK derives its gradient exactly with Ceres' Jets.
#include <array>

#include "hnn/hamiltonian_system.h"
#include "hnn/initial_state_sampler.h"
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"

namespace {

class QuarticOscillator final : public hnn::HamiltonianSystem<QuarticOscillator, 1> {
 public:
  struct Settings {  // the options, each written once: key, default, range, meaning
    double m = 1.0, lambda = 1.0;
    std::array<double, 2> radius = {0.2, 1.0};
    static const hnn::OptionBinding<Settings>& binding() {
      static const auto binding = [] {
        hnn::OptionBinding<Settings> b("quartic_oscillator");
        b.bind("m", &Settings::m, "mass").greater_than(0.0);
        b.bind("lambda", &Settings::lambda, "quartic stiffness").greater_than(0.0);
        b.bind("radius", &Settings::radius, "[min, max] radius of initial states").at_least(0.0);
        return b;
      }();
      return binding;
    }
  };
  explicit QuarticOscillator(const Settings& settings) : s_(settings) {}

  template <typename T>
  T energy(const T* q, const T* p) const {
    return p[0] * p[0] / (2.0 * s_.m) + s_.lambda * q[0] * q[0] * q[0] * q[0] / 4.0;
  }

  std::vector<std::string> coordinate_names() const override { return {"q", "p"}; }

  void sample_initial_state(hnn::RandomSource& r, Eigen::Ref<Eigen::VectorXd> x) const override {
    hnn::sample_state_at_radius(r, s_.radius[0], s_.radius[1], x);  // the spring's sampler
  }

  std::string exact_hamiltonian() const override {
    return "p^2/" + std::to_string(2.0 * s_.m) + " + " + std::to_string(s_.lambda / 4.0) + "*q^4";
  }

 private:
  Settings s_;
};

void register_quartic(hnn::Registry& registry) {
  hnn::add_plugin_class<QuarticOscillator>(registry, "quartic_oscillator",
                                           "H = p^2/(2m) + lambda q^4/4 (example plugin)");
}

}  // namespace

HNN_PLUGIN("quartic_oscillator", "1.0.0", register_quartic)
