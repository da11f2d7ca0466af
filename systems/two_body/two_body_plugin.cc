// The two_body plugin library: registers the system `two_body`.
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"
#include "two_body.h"

namespace {

void register_two_body(hnn::Registry& registry) {
  hnn::add_plugin_class<hnn::systems::TwoBody>(
      registry, "two_body",
      "two unit masses under gravity (G = 1) in the plane, 4 degrees of freedom, "
      "state [qx1, qx2, qy1, qy2, px1, px2, py1, py2]");
}

}  // namespace

HNN_PLUGIN("two_body", "0.1.0", register_two_body)
