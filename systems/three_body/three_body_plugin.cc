// The three_body plugin library: registers the system `three_body`.
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"
#include "three_body.h"

namespace {

void register_three_body(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::systems::ThreeBody>(
      registry, "three_body",
      "three unit masses under gravity (G = 1) in the plane, 6 degrees of "
      "freedom, state [qx1, qx2, qx3, qy1, qy2, qy3, px1, px2, px3, py1, py2, py3]");
}

}  // namespace

HNN_PLUGIN("three_body", "0.1.0", register_three_body)
