#include "hnn/host/inline_schemas.h"

namespace hnn {

const OptionSchema& pipeline_names_schema() {
  static const OptionSchema schema{Option::string("name", "", "run name"),
                                   Option::string("description", "", "what the pipeline is for")};
  return schema;
}

const OptionSchema& training_stage_schema() {
  static const OptionSchema schema{Option::boolean(
      "update_grid", false, "update the model's grid from the training inputs first")};
  return schema;
}

}  // namespace hnn
