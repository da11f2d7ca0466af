// Out-of-line destructors (the key functions of the interfaces: one vtable and typeinfo in
// libhnn for the host and every plugin) and the default optional methods.
#include "hnn/data_source.h"
#include "hnn/error.h"
#include "hnn/integrator.h"
#include "hnn/model.h"
#include "hnn/objective.h"
#include "hnn/optimizer.h"
#include "hnn/random.h"
#include "hnn/system.h"

namespace hnn {

Error::~Error() = default;
ConfigError::~ConfigError() = default;
PluginError::~PluginError() = default;
DuplicateNameError::~DuplicateNameError() = default;
RunError::~RunError() = default;
NotImplementedError::~NotImplementedError() = default;

Model::~Model() = default;
System::~System() = default;
Integrator::~Integrator() = default;
DataSource::~DataSource() = default;
Objective::~Objective() = default;
Optimizer::~Optimizer() = default;
RandomSource::~RandomSource() = default;

double Model::add_penalty(Eigen::Ref<Eigen::VectorXd> /*gradient*/) {
  throw NotImplementedError("model '" + name() + "' has no penalty (has_penalty() is false)");
}

void Model::update_grid(const Eigen::Ref<const Eigen::MatrixXd>& /*inputs*/) {
  throw NotImplementedError("model '" + name() +
                            "' has no grid to update (has_grid_update() is false)");
}

EdgeActivations Model::edge_activations(const Eigen::Ref<const Eigen::MatrixXd>& /*inputs*/) {
  throw NotImplementedError("model '" + name() +
                            "' is not an edge network: it has no edge activations to fit "
                            "formulas to (has_edge_activations() is false)");
}

void Model::input_hessian_vector_product(int /*output*/,
                                         const Eigen::Ref<const Eigen::MatrixXd>& /*directions*/,
                                         Eigen::Ref<Eigen::MatrixXd> /*products*/) {
  throw NotImplementedError("model '" + name() +
                            "' has no input Hessian-vector product "
                            "(has_input_hessian_vector_product() is false)");
}

void Model::add_parameter_gradient_and_input_hessian_vector_product(
    int /*output*/, const Eigen::Ref<const Eigen::MatrixXd>& /*weights*/,
    Eigen::Ref<Eigen::MatrixXd> /*products*/, Eigen::Ref<Eigen::VectorXd> /*gradient*/) {
  throw NotImplementedError("model '" + name() +
                            "' has no fused parameter gradient and input Hessian-vector product "
                            "(has_parameter_gradient_and_input_hessian_vector_product() is false)");
}

namespace {
[[noreturn]] void throw_no_pass_slots(const Model& model) {
  throw NotImplementedError("model '" + model.name() +
                            "' cannot keep several forward passes (has_pass_slots() is false)");
}
}  // namespace

void Model::reserve_pass_slots(int /*count*/) { throw_no_pass_slots(*this); }
void Model::save_pass(int /*slot*/) { throw_no_pass_slots(*this); }
void Model::restore_pass(int /*slot*/) { throw_no_pass_slots(*this); }

std::string Model::cpp_export(const CppExportRequest& /*request*/) const {
  throw NotImplementedError("model '" + name() +
                            "' cannot be exported as C++ source (has_cpp_export() is false)");
}

void Model::set_auxiliary_state(const std::vector<double>& state) {
  if (!state.empty()) {
    throw NotImplementedError("model '" + name() + "' has no auxiliary state, but " +
                              std::to_string(state.size()) + " values were given");
  }
}

OptimizerState Optimizer::saved_state() const {
  throw NotImplementedError("this optimizer cannot save its state (has_state() is false)");
}

void Optimizer::restore_state(const OptimizerState& /*state*/) {
  throw NotImplementedError("this optimizer cannot restore a state (has_state() is false)");
}

bool Optimizer::handles_l1() const { return false; }

void Optimizer::set_l1(double l1) {
  throw NotImplementedError("this optimizer cannot minimise an exact L1 penalty itself (l1 = " +
                            std::to_string(l1) + "; handles_l1() is false)");
}

std::string to_string(Termination termination) {
  switch (termination) {
    case Termination::kEpochs:
      return "epochs";
    case Termination::kConverged:
      return "converged";
    case Termination::kStopped:
      return "stopped";
    case Termination::kFailed:
      return "failed";
    case Termination::kStalled:
      return "stalled";
    case Termination::kDiverged:
      return "diverged";
  }
  return "unknown";
}

}  // namespace hnn
