#include "hnn/hamiltonian_objective.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <utility>

#include "hnn/error.h"
#include "hnn/internal/objective_terms.h"

namespace hnn {
namespace {

bool uses_solenoidal(FieldType type) { return type != FieldType::kConservative; }
bool uses_conservative(FieldType type) { return type != FieldType::kSolenoidal; }

// The options checked (with the objective's name in the message) before the dissipation is
// built from them.
LearnedDissipation checked_dissipation(const Model& model,
                                       const HamiltonianObjectiveOptions& options,
                                       Eigen::Index state_dimension) {
  std::string error;
  if (!options.is_valid(&error)) {
    throw Error("HamiltonianObjective(" + model.name() + "): " + error);
  }
  return LearnedDissipation(options.dissipation, std::max(1, int(state_dimension / 2)));
}

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
  } else if (std::string problem; !dissipation.is_valid(&problem)) {
    message << "dissipation: " << problem;
  } else {
    return true;
  }
  if (error != nullptr) *error = message.str();
  return false;
}

HamiltonianObjective::HamiltonianObjective(Model& model, Eigen::MatrixXd inputs,
                                           Eigen::MatrixXd targets,
                                           HamiltonianObjectiveOptions options)
    : HamiltonianObjective(model, std::move(inputs), std::move(targets), Eigen::VectorXd(),
                           std::move(options)) {}

HamiltonianObjective::HamiltonianObjective(Model& model, Eigen::MatrixXd inputs,
                                           Eigen::MatrixXd targets, Eigen::VectorXd times,
                                           HamiltonianObjectiveOptions options)
    : model_(model),
      inputs_(std::move(inputs)),
      targets_(std::move(targets)),
      times_(std::move(times)),
      options_(std::move(options)),
      dissipation_(checked_dissipation(model_, options_, inputs_.rows())) {
  check_and_allocate();
}

void HamiltonianObjective::check_and_allocate() {
  const std::string owner = "HamiltonianObjective(" + model_.name() + ")";
  std::string error;
  if (!options_.is_valid(&error)) throw Error(owner + ": " + error);
  internal::check_batch_shapes(owner, inputs_, targets_, model_.input_dimension());
  auto check_output = [&](const char* key, int output) {
    internal::check_model_output(owner, key, output, model_.output_dimension(),
                                 to_string(options_.field_type));
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
  if (times_.size() != 0 && times_.size() != n) {
    throw Error(owner + ": " + std::to_string(times_.size()) + " times for " + std::to_string(n) +
                " samples");
  }
  field_.resize(d, n);
  input_gradient_.resize(d, n);
  residual_.resize(d, n);
  weights_.resize(d, n);
  if (model_.has_penalty()) penalty_scratch_.resize(model_.parameter_count());
  const DissipationOptions& dissipation = options_.dissipation;
  if (!dissipation.active()) return;
  if (!uses_solenoidal(options_.field_type)) {
    throw Error(owner + ": dissipation (damping " + to_string(dissipation.damping) +
                ", forcing) acts on dH/dx and needs field solenoidal or both, found " +
                to_string(options_.field_type));
  }
  const int needed = dissipation_.outputs_needed();
  if (needed > model_.output_dimension()) {
    throw Error(owner + ": dissipation damping 'state' reads L(x)'s " +
                std::to_string(dissipation_.triangle_size()) + " entries from outputs " +
                std::to_string(dissipation.damping_output) + " to " + std::to_string(needed - 1) +
                " (damping_output = " + std::to_string(dissipation.damping_output) +
                "): the model needs at least " + std::to_string(needed) + " outputs, it has " +
                std::to_string(model_.output_dimension()));
  }
  if (dissipation_.frequency_count() > 0 && times_.size() == 0) {
    throw Error(owner + ": a learned forcing F(t) needs the time of every sample");
  }
  const int dof = dissipation_.degrees_of_freedom();
  lower_ = Eigen::MatrixXd::Zero(dof, dof);
  lower_gradient_.resize(dof);
  lower_residual_.resize(dof);
  cosines_.resize(dissipation_.frequency_count(), n);
  sines_.resize(dissipation_.frequency_count(), n);
  tabulate_forcing();
  if (dissipation.damping == DampingForm::kStateDependent) {
    outputs_.resize(model_.output_dimension(), n);
    output_weights_ = Eigen::MatrixXd::Zero(model_.output_dimension(), n);
  }
}

void HamiltonianObjective::tabulate_forcing() {
  const auto& frequencies = options_.dissipation.forcing_frequencies;
  for (Eigen::Index s = 0; s < cosines_.cols(); ++s) {
    for (Eigen::Index k = 0; k < cosines_.rows(); ++k) {
      const double angle = frequencies[std::size_t(k)] * times_[s];
      cosines_(k, s) = std::cos(angle);
      sines_(k, s) = std::sin(angle);
    }
  }
}

HamiltonianObjective::~HamiltonianObjective() = default;

bool HamiltonianObjective::evaluate(const double* parameters, double* value, double* gradient) {
  const Eigen::Index p = model_.parameter_count();
  const Eigen::Index d = inputs_.rows();
  const Eigen::Index half = d / 2;
  const Eigen::Map<const Eigen::VectorXd> theta(parameters, p);
  model_.set_parameters(theta);
  model_.forward(inputs_);
  if (gradient != nullptr) Eigen::Map<Eigen::VectorXd>(gradient, parameter_count()).setZero();

  // The conservative part first, so that the model's last backward pass is H's, whose
  // parameter gradient is taken first below.
  const bool solenoidal = uses_solenoidal(options_.field_type);
  const bool conservative = uses_conservative(options_.field_type);
  const bool dissipative = options_.dissipation.active();
  const bool state_damping = options_.dissipation.damping == DampingForm::kStateDependent;
  if (state_damping) model_.outputs(outputs_);
  if (conservative) model_.input_gradient(options_.conservative_output, field_);
  const double entries = static_cast<double>(residual_.size());
  const double scale = 2.0 / entries;
  if (solenoidal && dissipative) {
    model_.input_gradient(options_.hamiltonian_output, input_gradient_);
    last_parts_.data_loss =
        dissipative_pass(parameters + p, gradient != nullptr ? gradient + p : nullptr) / entries;
  } else if (solenoidal) {
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

  // The L1 term over all parameters, the dissipation's included.
  const Eigen::Map<const Eigen::VectorXd> all(parameters, parameter_count());
  last_parts_.penalty = internal::add_l1_penalty(options_.l1, all, gradient, options_.l1_smoothing);
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
    // Last: an ordinary backward pass may reuse the workspaces of the mixed ones.
    if (state_damping) model_.add_parameter_gradient_of_outputs(output_weights_, g);
    if (!Eigen::Map<Eigen::VectorXd>(gradient, parameter_count()).allFinite()) return false;
  }
  *value = last_parts_.data_loss + last_parts_.penalty;
  return std::isfinite(*value);
}

double HamiltonianObjective::dissipative_pass(const double* dissipation_parameters,
                                              double* gradient) {
  const DissipationOptions& options = options_.dissipation;
  const Eigen::Index half = inputs_.rows() / 2;
  const bool conservative = uses_conservative(options_.field_type);
  const bool constant = options.damping == DampingForm::kConstant;
  const bool state = options.damping == DampingForm::kStateDependent;
  const bool damped = constant || state;
  const Eigen::Index frequencies = dissipation_.frequency_count();
  const double* a = dissipation_parameters + dissipation_.forcing_offset();
  const double* b = a + half * frequencies;
  double* gradient_a = gradient != nullptr ? gradient + dissipation_.forcing_offset() : nullptr;
  double* gradient_b = gradient_a != nullptr ? gradient_a + half * frequencies : nullptr;
  if (constant) dissipation_.lower_factor(dissipation_parameters, lower_);
  const double scale = 2.0 / static_cast<double>(residual_.size());
  double* v = lower_gradient_.data();  // L^T dH/dp
  double* z = lower_residual_.data();  // L^T r_p
  double sum = 0.0;
  for (Eigen::Index s = 0; s < inputs_.cols(); ++s) {
    const double* g = input_gradient_.col(s).data();
    const double* y = targets_.col(s).data();
    double* f = field_.col(s).data();
    double* r = residual_.col(s).data();
    double* w = weights_.col(s).data();
    if (state) dissipation_.lower_factor(outputs_.col(s).data() + options.damping_output, lower_);
    if (damped) {
      for (Eigen::Index j = 0; j < half; ++j) {
        double vj = 0.0;
        for (Eigen::Index i = j; i < half; ++i) vj += lower_(i, j) * g[half + i];
        v[j] = vj;
      }
    }
    for (Eigen::Index i = 0; i < half; ++i) {
      double fq = g[i + half];
      double fp = -g[i];
      if (conservative) {
        fq += f[i];
        fp += f[i + half];
      }
      if (damped) {
        for (Eigen::Index j = 0; j <= i; ++j) fp -= lower_(i, j) * v[j];
      }
      for (Eigen::Index k = 0; k < frequencies; ++k) {
        fp += a[k * half + i] * cosines_(k, s) + b[k * half + i] * sines_(k, s);
      }
      f[i] = fq;
      f[i + half] = fp;
      const double rq = fq - y[i];
      const double rp = fp - y[i + half];
      sum += rq * rq + rp * rp;
      r[i] = rq * scale;
      r[i + half] = rp * scale;
    }
    // dL/dg = (J - R)^T dL/df = (-r_p, r_q - D r_p), D r_p = L (L^T r_p).
    if (damped) {
      for (Eigen::Index j = 0; j < half; ++j) {
        double zj = 0.0;
        for (Eigen::Index i = j; i < half; ++i) zj += lower_(i, j) * r[half + i];
        z[j] = zj;
      }
    }
    for (Eigen::Index i = 0; i < half; ++i) {
      double damped_residual = 0.0;
      if (damped) {
        for (Eigen::Index j = 0; j <= i; ++j) damped_residual += lower_(i, j) * z[j];
      }
      w[i] = -r[i + half];
      w[i + half] = r[i] - damped_residual;
    }
    if (gradient == nullptr) continue;
    // d/dL_ij of -r_p^T L L^T g_p = -(r_p,i v_j + g_p,i z_j), lower triangle row by row.
    if (damped) {
      double* sink = constant ? gradient : output_weights_.col(s).data() + options.damping_output;
      Eigen::Index k = 0;
      for (Eigen::Index i = 0; i < half; ++i) {
        for (Eigen::Index j = 0; j <= i; ++j, ++k) {
          const double derivative = -(r[half + i] * v[j] + g[half + i] * z[j]);
          if (constant) {
            sink[k] += derivative;
          } else {
            sink[k] = derivative;
          }
        }
      }
    }
    for (Eigen::Index k = 0; k < frequencies; ++k) {
      for (Eigen::Index i = 0; i < half; ++i) {
        gradient_a[k * half + i] += r[half + i] * cosines_(k, s);
        gradient_b[k * half + i] += r[half + i] * sines_(k, s);
      }
    }
  }
  return sum;
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

void HamiltonianObjective::set_samples(const Eigen::Ref<const Eigen::MatrixXd>& inputs,
                                       const Eigen::Ref<const Eigen::MatrixXd>& targets,
                                       const Eigen::Ref<const Eigen::VectorXd>& times) {
  if (times.size() != times_.size()) {
    throw Error("HamiltonianObjective::set_samples: expected " + std::to_string(times_.size()) +
                " times, got " + std::to_string(times.size()));
  }
  set_samples(inputs, targets);
  times_ = times;
  tabulate_forcing();
}

}  // namespace hnn
