// The `simulation` data source: trajectories of the pipeline's system, generated exactly
// as hnn::generate_trajectory_dataset does (spec/hnn.md section 3: initial states from the
// system's sampler, integrated with the data section's integrator, exact derivatives,
// Gaussian noise on the states only), with the data section's random stream.
//
// It is the default source: a pipeline without `data.source` simulates, and its options
// are the data section's keys trajectories, time_span, points, noise_std and
// draw_zero_noise (or, equivalently, keys of `data.source: {plugin: simulation, ...}`);
// `exact_derivatives: false` (a key of the source block only) makes it a stand-in for a
// measurement: states only, the derivatives estimated as `data.derivatives` says.
#ifndef HNN_PLUGINS_DATA_SOURCES_SIMULATION_SIMULATION_SOURCE_H_
#define HNN_PLUGINS_DATA_SOURCES_SIMULATION_SIMULATION_SOURCE_H_

#include <array>
#include <cstdint>

#include "hnn/data_source.h"
#include "hnn/option_binding.h"

namespace hnn::data_sources {

struct SimulationSettings {
  std::int64_t trajectories = 50;
  std::array<double, 2> time_span = {0.0, 3.0};
  std::int64_t points = 30;
  double noise_std = 0.0;
  bool draw_zero_noise = true;
  bool exact_derivatives = true;

  static const OptionBinding<SimulationSettings>& binding();
};

class SimulationSource final : public DataSource {
 public:
  using Settings = SimulationSettings;
  explicit SimulationSource(const Settings& settings);

  // The trajectories in the order they are generated, each with its noisy states and (with
  // exact_derivatives, the default) the noise-free derivatives at the integrated states;
  // without them the host estimates the derivatives from the noisy states, as for a
  // measurement. Needs context.system; throws
  // hnn::Error when it is null and passes on the integrator's errors.
  TrajectorySet load(const DataSourceContext& context) const override;
  bool needs_system() const override { return true; }

 private:
  Settings settings_;
};

}  // namespace hnn::data_sources

#endif  // HNN_PLUGINS_DATA_SOURCES_SIMULATION_SIMULATION_SOURCE_H_
