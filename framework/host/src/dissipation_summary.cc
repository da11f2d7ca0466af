// The summary's `dissipation:` block of a model trained with a learned damping or forcing.
#include "hnn/learned_dissipation.h"
#include "pipeline_model.h"

namespace hnn::internal {

std::optional<DissipationSummary> summarize_dissipation(const ModelResult& result,
                                                        const Eigen::MatrixXd& inputs) {
  const TrainingSettings& settings = result.config->training.settings;
  if (model_field_kind(settings) != ObjectiveKind::kHnn || !settings.dissipation.active()) {
    return std::nullopt;
  }
  Model& model = *result.model;
  const int n = model.input_dimension() / 2;
  const LearnedDissipation dissipation(settings.dissipation.options(), n);
  const double* parameters = result.dissipation.data();
  Eigen::MatrixXd damping = Eigen::MatrixXd::Zero(n, n);
  if (settings.dissipation.damping == DampingForm::kConstant) {
    damping = dissipation.damping_matrix(parameters, nullptr);
  } else if (settings.dissipation.damping == DampingForm::kStateDependent) {
    // The mean of D(x) over the inputs.
    Eigen::MatrixXd outputs(model.output_dimension(), inputs.cols());
    model.set_parameters(result.parameters);
    model.forward(inputs);
    model.outputs(outputs);
    for (Eigen::Index s = 0; s < inputs.cols(); ++s) {
      damping += dissipation.damping_matrix(parameters, outputs.col(s).data());
    }
    damping /= double(inputs.cols());
  }
  DissipationSummary summary;
  summary.damping = to_string(settings.dissipation.damping);
  summary.degrees_of_freedom = n;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) summary.damping_matrix.push_back(damping(i, j));
  summary.damping_rate = damping.trace() / double(n);
  summary.forcing_frequencies = settings.dissipation.forcing_frequencies;
  const int amplitudes = n * dissipation.frequency_count();
  const double* a = parameters + dissipation.forcing_offset();
  summary.forcing_cosine.assign(a, a + amplitudes);
  summary.forcing_sine.assign(a + amplitudes, a + 2 * amplitudes);
  return summary;
}

}  // namespace hnn::internal
