#include "hnn/hamiltonian_objective.h"

#include <cmath>
#include <sstream>
#include <utility>

#include "hnn/error.h"
#include "hnn/internal/objective_terms.h"

namespace hnn {
namespace {

bool uses_solenoidal(FieldType type) { return type != FieldType::kConservative; }
bool uses_conservative(FieldType type) { return type != FieldType::kSolenoidal; }

}  // namespace

std::string to_string(FieldType field_type) {
  switch (field_type) {
    case FieldType::kSolenoidal:
      return "solenoidal";
    case FieldType::kConservative:
      return "conservative";
    case FieldType::kBoth:
      return "both";
  }
  return "unknown";
}

FieldType field_type_from_string(const std::string& name) {
  if (name == "solenoidal") return FieldType::kSolenoidal;
  if (name == "conservative") return FieldType::kConservative;
  if (name == "both") return FieldType::kBoth;
  throw Error("unknown field type '" + name + "'; expected one of: solenoidal, conservative, both");
}

bool HamiltonianObjectiveOptions::is_valid(std::string* error) const {
  std::ostringstream message;
  if (hamiltonian_output < 0) {
    message << "hamiltonian_output = " << hamiltonian_output << ", must be >= 0";
  } else if (conservative_output < 0) {
    message << "conservative_output = " << conservative_output << ", must be >= 0";
  } else if (!std::isfinite(l1) || l1 < 0.0) {
    message << "l1 = " << l1 << ", must be finite and >= 0";
  } else if (!std::isfinite(l1_smoothing) || l1_smoothing < 0.0) {
    message << "l1_smoothing = " << l1_smoothing << ", must be finite and >= 0";
  } else {
    return true;
  }
  if (error != nullptr) *error = message.str();
  return false;
}

HamiltonianObjective::HamiltonianObjective(Model& model, Eigen::MatrixXd inputs,
                                           Eigen::MatrixXd targets,
                                           HamiltonianObjectiveOptions options)
    : model_(model), inputs_(std::move(inputs)), targets_(std::move(targets)), options_(options) {
  const std::string owner = "HamiltonianObjective(" + model_.name() + ")";
  std::string error;
  if (!options_.is_valid(&error)) throw Error(owner + ": " + error);
  internal::check_batch_shapes(owner, inputs_, targets_, model_.input_dimension());
  auto check_output = [&](const char* key, int output) {
    if (output >= model_.output_dimension()) {
      throw Error(owner + ": " + key + " = " + std::to_string(output) + " but the model has " +
                  std::to_string(model_.output_dimension()) + " outputs (field type " +
                  to_string(options_.field_type) + ")");
    }
  };
  if (uses_solenoidal(options_.field_type)) {
    check_output("hamiltonian_output", options_.hamiltonian_output);
    if (inputs_.rows() % 2 != 0) {
      throw Error(owner + ": a solenoidal field needs an even state dimension 2n = [q..., p...], " +
                  "the states have " + std::to_string(inputs_.rows()) + " rows");
    }
  }
  if (uses_conservative(options_.field_type)) {
    check_output("conservative_output", options_.conservative_output);
  }
  const Eigen::Index d = inputs_.rows();
  const Eigen::Index n = inputs_.cols();
  field_.resize(d, n);
  input_gradient_.resize(d, n);
  residual_.resize(d, n);
  weights_.resize(d, n);
  if (model_.has_penalty()) penalty_scratch_.resize(model_.parameter_count());
}

HamiltonianObjective::~HamiltonianObjective() = default;

bool HamiltonianObjective::evaluate(const double* parameters, double* value, double* gradient) {
  const Eigen::Index p = model_.parameter_count();
  const Eigen::Index d = inputs_.rows();
  const Eigen::Index half = d / 2;
  const Eigen::Map<const Eigen::VectorXd> theta(parameters, p);
  model_.set_parameters(theta);
  model_.forward(inputs_);

  // The conservative part first, so that the model's last backward pass is H's, whose
  // parameter gradient is taken first below.
  const bool solenoidal = uses_solenoidal(options_.field_type);
  const bool conservative = uses_conservative(options_.field_type);
  if (conservative) model_.input_gradient(options_.conservative_output, field_);
  const double entries = static_cast<double>(residual_.size());
  const double scale = 2.0 / entries;
  if (solenoidal) {
    model_.input_gradient(options_.hamiltonian_output, input_gradient_);
    // One pass per sample: the field f = J g (+ the conservative part), the residual, the
    // loss and, scaled by 2 / (d N), dL/df and dL/dg = J^T dL/df = (-r_p, r_q).
    // Two partial sums (even and odd samples) halve the chain of dependent additions.
    double sum[2] = {0.0, 0.0};
    for (Eigen::Index s = 0; s < inputs_.cols(); ++s) {
      const double* g = input_gradient_.col(s).data();
      const double* y = targets_.col(s).data();
      double* f = field_.col(s).data();
      double* r = residual_.col(s).data();
      double* w = weights_.col(s).data();
      for (Eigen::Index i = 0; i < half; ++i) {
        const double fq = conservative ? f[i] + g[i + half] : g[i + half];
        const double fp = conservative ? f[i + half] - g[i] : -g[i];
        f[i] = fq;
        f[i + half] = fp;
        const double rq = fq - y[i];
        const double rp = fp - y[i + half];
        sum[s & 1] += rq * rq + rp * rp;
        r[i] = rq * scale;
        r[i + half] = rp * scale;
        w[i] = -r[i + half];
        w[i + half] = r[i];
      }
    }
    last_parts_.data_loss = (sum[0] + sum[1]) / entries;
  } else {
    residual_ = field_ - targets_;
    last_parts_.data_loss = residual_.squaredNorm() / entries;
    residual_ *= scale;
  }

  if (gradient != nullptr) Eigen::Map<Eigen::VectorXd>(gradient, p).setZero();
  last_parts_.penalty =
      internal::add_l1_penalty(options_.l1, theta, gradient, options_.l1_smoothing);
  if (model_.has_penalty()) {
    if (gradient != nullptr) {
      last_parts_.penalty += model_.add_penalty(Eigen::Map<Eigen::VectorXd>(gradient, p));
    } else {
      last_parts_.penalty += model_.add_penalty(penalty_scratch_);
    }
  }

  if (gradient != nullptr) {
    Eigen::Map<Eigen::VectorXd> g(gradient, p);
    if (solenoidal) {
      model_.add_parameter_gradient_of_input_gradient(options_.hamiltonian_output, weights_, g);
    }
    if (conservative) {
      model_.add_parameter_gradient_of_input_gradient(options_.conservative_output, residual_, g);
    }
    if (!g.allFinite()) return false;
  }
  *value = last_parts_.data_loss + last_parts_.penalty;
  return std::isfinite(*value);
}

void HamiltonianObjective::set_samples(const Eigen::Ref<const Eigen::MatrixXd>& inputs,
                                       const Eigen::Ref<const Eigen::MatrixXd>& targets) {
  if (inputs.rows() != inputs_.rows() || inputs.cols() != inputs_.cols() ||
      targets.rows() != targets_.rows() || targets.cols() != targets_.cols()) {
    throw Error("HamiltonianObjective::set_samples: expected inputs and targets of " +
                std::to_string(inputs_.rows()) + "x" + std::to_string(inputs_.cols()) + ", got " +
                std::to_string(inputs.rows()) + "x" + std::to_string(inputs.cols()) + " and " +
                std::to_string(targets.rows()) + "x" + std::to_string(targets.cols()));
  }
  inputs_ = inputs;
  targets_ = targets;
}

}  // namespace hnn
