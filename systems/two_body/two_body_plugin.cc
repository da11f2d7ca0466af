// The two_body plugin library: registers the system `two_body`.
#include <memory>

#include "hnn/plugin.h"
#include "two_body.h"

namespace {

void register_two_body(hnn::Registry& registry) {
  registry.add_system("two_body",
                      "two unit masses under gravity (G = 1) in the plane, 4 degrees of freedom, "
                      "state [qx1, qx2, qy1, qy2, px1, px2, py1, py2]",
                      hnn::systems::TwoBody::schema(), [](const hnn::Options& options) {
                        return std::make_unique<hnn::systems::TwoBody>(options);
                      });
}

}  // namespace

HNN_PLUGIN("two_body", "0.1.0", register_two_body)
