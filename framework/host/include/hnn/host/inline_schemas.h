// The pipeline's options that belong to no host section: the top level's `name` and
// `description`, and each item of `training.stages` (`update_grid`, beside its optimizer).
// Validation checks them against these schemas; --describe lists no section for them, and
// tests/options/option_coverage_test.cc enumerates them with the sections' options.
#ifndef HNN_HOST_INLINE_SCHEMAS_H_
#define HNN_HOST_INLINE_SCHEMAS_H_

#include "hnn/options.h"

namespace hnn {

// The top level's `name` (the run's name: the default run folder runs/<name>, the summary's
// `pipeline`; empty = the pipeline file's name) and `description` (free text, kept in the
// resolved pipeline.yaml).
const OptionSchema& pipeline_names_schema();

// An item of `training.stages` besides its `optimizer`: `update_grid` (update the model's
// grid from the training inputs before the stage).
const OptionSchema& training_stage_schema();

}  // namespace hnn

#endif  // HNN_HOST_INLINE_SCHEMAS_H_
