#include "simulation_source.h"

#include <string>

#include "hnn/error.h"
#include "hnn/trajectory_dataset.h"

namespace hnn::data_sources {

const OptionBinding<SimulationSettings>& SimulationSettings::binding() {
  static const auto binding = [] {
    using S = SimulationSettings;
    OptionBinding<S> b("simulation");
    b.bind("trajectories", &S::trajectories, "number of trajectories").at_least(1);
    b.bind("time_span", &S::time_span, "start and end time of every trajectory");
    b.bind("points", &S::points, "samples per trajectory, equally spaced, ends included")
        .at_least(2);
    b.bind("noise_std", &S::noise_std,
           "standard deviation of Gaussian noise added to q and p (not to the targets); "
           "drawn even when 0, as the original code")
        .at_least(0.0);
    b.bind("draw_zero_noise", &S::draw_zero_noise,
           "draw the noise even when noise_std is 0, advancing the random stream as "
           "the original spring and pendulum code; false as the orbit generators");
    b.bind("exact_derivatives", &S::exact_derivatives,
           "give the exact derivatives with the states; false: states only, as a "
           "measurement, so the host estimates dx/dt by data.derivatives");
    return b;
  }();
  return binding;
}

SimulationSource::SimulationSource(const Settings& settings) : settings_(settings) {}

TrajectorySet SimulationSource::load(const DataSourceContext& context) const {
  if (context.system == nullptr) {
    throw Error("the simulation source needs the pipeline's system (the `system:` section)");
  }
  if (context.integrator == nullptr || context.random == nullptr) {
    throw Error("the simulation source needs the data section's integrator and random stream");
  }
  TrajectoryDatasetOptions options;
  options.trajectories = int(settings_.trajectories);
  options.time_span = settings_.time_span;
  options.points = int(settings_.points);
  options.noise_std = settings_.noise_std;
  options.train_fraction = 1.0;  // every sample, in generation order: the host splits
  options.draw_zero_noise = settings_.draw_zero_noise;
  const TrajectoryDataset all =
      generate_trajectory_dataset(*context.system, *context.integrator, *context.random, options);

  TrajectorySet set;
  set.coordinate_names = all.coordinate_names;
  const Eigen::Index points = options.points;
  for (int k = 0; k < options.trajectories; ++k) {
    const Eigen::Index first = Eigen::Index(k) * points;
    Trajectory trajectory;
    trajectory.label = "simulated trajectory " + std::to_string(k);
    trajectory.times.assign(all.train.time.begin() + first,
                            all.train.time.begin() + first + points);
    trajectory.states = all.train.inputs.middleCols(first, points);
    if (settings_.exact_derivatives) {
      trajectory.derivatives = all.train.targets.middleCols(first, points);
    }
    set.trajectories.push_back(std::move(trajectory));
  }
  return set;
}

}  // namespace hnn::data_sources
