// The three_body plugin library: registers the system `three_body`.
#include <memory>

#include "hnn/plugin.h"
#include "three_body.h"

namespace {

void register_three_body(hnn::Registry& registry) {
  registry.add_system("three_body",
                      "three unit masses under gravity (G = 1) in the plane, 6 degrees of "
                      "freedom, state [qx1, qx2, qx3, qy1, qy2, qy3, px1, px2, px3, py1, py2, py3]",
                      hnn::systems::ThreeBody::schema(), [](const hnn::Options& options) {
                        return std::make_unique<hnn::systems::ThreeBody>(options);
                      });
}

}  // namespace

HNN_PLUGIN("three_body", "0.1.0", register_three_body)
