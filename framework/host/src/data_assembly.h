// The data of a run, from its source to the training and test samples, in one place for
// every source (hnn/data_source.h): load the source, check what it yielded, estimate the
// derivatives it does not give (hnn/derivative_estimation.h), split
// (hnn/dataset_split.h). Validation runs the same steps on a file source, so that
// `hnn-host --check` refuses what the run would. Internal to the host library.
#ifndef HNN_HOST_SRC_DATA_ASSEMBLY_H_
#define HNN_HOST_SRC_DATA_ASSEMBLY_H_

#include <memory>
#include <string>

#include "hnn/data_source.h"
#include "hnn/dataset_split.h"
#include "hnn/host/pipeline_config.h"
#include "hnn/random.h"
#include "hnn/registry.h"
#include "hnn/trajectory_dataset.h"

namespace hnn::internal {

// The data section's random stream: NumPy's legacy stream or std::mt19937_64, seeded.
std::unique_ptr<RandomSource> make_random_source(const DataSettings& data);

// The split the data section asks for.
SplitSettings split_settings(const DataSettings& data);

// Creates the configured source and loads it, with the data section's integrator and
// `random` (null `system`: the pipeline has none). Passes on the source's errors
// (hnn::ConfigError with located problems for a bad file).
TrajectorySet load_data_source(const PipelineConfig& config, const Registry& registry,
                               const System* system, RandomSource& random);

// What is wrong with a source's trajectories, in words ("" when nothing): no trajectory,
// coordinate names that do not match the states, a trajectory whose times are not finite
// and strictly increasing, states or derivatives of the wrong shape or not finite, a state
// dimension other than the system's (when `system` is not null), or a trajectory without
// derivatives shorter than the estimator needs.
std::string trajectory_set_problem(const TrajectorySet& set, const System* system,
                                   const DerivativeSettings& derivatives);

// The training and test samples: the derivatives a trajectory lacks estimated, then split
// as the data section says (the random split draws from `random`). Throws hnn::Error from
// the estimation or the split.
TrajectoryDataset assemble_dataset(const TrajectorySet& set, const PipelineConfig& config,
                                   RandomSource& random);

}  // namespace hnn::internal

#endif  // HNN_HOST_SRC_DATA_ASSEMBLY_H_
