// Fuzz target `checkpoint`: the bytes as the checkpoint file of a model, read the way a run
// reads one: validate_pipeline of a fixed small pipeline whose model names the file
// (load_checkpoint and the comparison with the model), then, when accepted, the model is
// built and given the checkpoint's auxiliary state and parameters, and evaluated once
// (model_training.cc, build_model). Two pipelines, one per bundled model kind with
// auxiliary state or not: an MLP and a KAN. Seeds: fuzz/seeds/checkpoint/ (checkpoints
// of these two models).
#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "hnn/config_tree.h"
#include "hnn/host/checkpoint.h"
#include "hnn/host/diagnostics.h"
#include "hnn/host/pipeline_validation.h"
#include "hnn/model.h"

namespace {

const char* const kPipelineHead = R"(name: checkpoint_fuzz
system: {plugin: spring_mass}
data: {trajectories: 2, points: 5, time_span: [0, 1]}
training: {optimizer: {plugin: adam, epochs: 1}}
evaluation: {initial_state: [1.0, 0.0], time_span: [0, 1], points: 5}
models:
)";

const char* const kModels[] = {
    "  mlp: {plugin: mlp, hidden: [3], checkpoint: checkpoint.yaml}\n",
    "  kan: {plugin: kan, width: [2, 1, 2], grid: 3, k: 3, checkpoint: checkpoint.yaml}\n",
};

void load_and_evaluate(const std::string& model_section) {
  const hnn::Registry& registry = hnn::fuzz::bundled_registry();
  const auto pipeline = hnn::fuzz::write_text("pipeline.yaml", kPipelineHead + model_section);
  hnn::fuzz::refuse_only_with_hnn_errors([&] {
    const hnn::ConfigNode root = hnn::load_config_file(pipeline);
    hnn::Diagnostics diagnostics;
    const hnn::PipelineConfig config =
        hnn::validate_pipeline(root, pipeline, registry, diagnostics);
    diagnostics.throw_if_any();
    const hnn::ModelConfig& model_config = config.models.at(0);
    const hnn::Checkpoint* checkpoint = model_config.loaded_checkpoint.get();
    if (checkpoint == nullptr) __builtin_trap();  // validation read it
    auto model = registry.create_model(model_config.model.plugin, model_config.resolved_options);
    model->set_auxiliary_state(checkpoint->auxiliary_state);
    model->set_parameters(checkpoint->parameters);
    Eigen::MatrixXd inputs = Eigen::MatrixXd::Constant(model->input_dimension(), 2, 0.25);
    Eigen::MatrixXd outputs(model->output_dimension(), 2);
    model->forward(inputs);
    model->outputs(outputs);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  hnn::fuzz::write_input("checkpoint.yaml", data, size);
  for (const char* model : kModels) load_and_evaluate(model);
  return 0;
}
