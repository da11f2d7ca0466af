// The duffing plugin library: registers the system `duffing`.
#include "duffing.h"
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"

namespace {

void register_duffing(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::systems::Duffing>(
      registry, "duffing",
      "driven damped Duffing oscillator, H = p^2/2 + alpha q^2/2 + beta q^4/4, "
      "dp/dt = -dH/dq - delta p + A cos(omega t), 1 degree of freedom");
}

}  // namespace

HNN_PLUGIN("duffing", "0.1.0", register_duffing)
