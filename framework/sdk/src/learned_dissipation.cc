#include "hnn/learned_dissipation.h"

#include <cmath>
#include <sstream>
#include <utility>

#include "hnn/error.h"

namespace hnn {

std::string to_string(DampingForm form) {
  switch (form) {
    case DampingForm::kNone:
      return "none";
    case DampingForm::kConstant:
      return "constant";
    case DampingForm::kStateDependent:
      return "state";
  }
  return "unknown";
}

bool DissipationOptions::is_valid(std::string* error) const {
  std::ostringstream message;
  if (!std::isfinite(initial_rate) || initial_rate <= 0.0) {
    message << "initial_rate = " << initial_rate << ", must be finite and > 0";
  } else if (damping_output < 0) {
    message << "damping_output = " << damping_output << ", must be >= 0";
  } else {
    for (std::size_t k = 0; k < forcing_frequencies.size(); ++k) {
      const double w = forcing_frequencies[k];
      if (!std::isfinite(w) || w <= 0.0) {
        message << "forcing_frequencies[" << k << "] = " << w
                << ", must be finite and > 0 (a constant force is a linear term of H)";
        break;
      }
    }
    if (message.str().empty()) return true;
  }
  if (error != nullptr) *error = message.str();
  return false;
}

LearnedDissipation::LearnedDissipation(DissipationOptions options, int degrees_of_freedom)
    : options_(std::move(options)), n_(degrees_of_freedom) {
  std::string error;
  if (!options_.is_valid(&error)) throw Error("dissipation: " + error);
  if (n_ < 1) {
    throw Error("dissipation: expected at least one degree of freedom, found " +
                std::to_string(n_));
  }
}

int LearnedDissipation::parameter_count() const {
  return forcing_offset() + 2 * n_ * frequency_count();
}

int LearnedDissipation::forcing_offset() const {
  return options_.damping == DampingForm::kConstant ? triangle_size() : 0;
}

int LearnedDissipation::outputs_needed() const {
  return options_.damping == DampingForm::kStateDependent
             ? options_.damping_output + triangle_size()
             : 0;
}

Eigen::VectorXd LearnedDissipation::initial_parameters() const {
  Eigen::VectorXd parameters = Eigen::VectorXd::Zero(parameter_count());
  if (options_.damping == DampingForm::kConstant) {
    const double diagonal = std::sqrt(options_.initial_rate);
    // Row i of the triangle starts at i(i+1)/2; its diagonal entry is the last of the row.
    for (int i = 0; i < n_; ++i) parameters[i * (i + 1) / 2 + i] = diagonal;
  }
  return parameters;
}

void LearnedDissipation::lower_factor(const double* entries,
                                      Eigen::Ref<Eigen::MatrixXd> lower) const {
  lower.setZero();
  int k = 0;
  for (int i = 0; i < n_; ++i)
    for (int j = 0; j <= i; ++j) lower(i, j) = entries[k++];
}

Eigen::MatrixXd LearnedDissipation::damping_matrix(const double* parameters,
                                                   const double* outputs) const {
  Eigen::MatrixXd lower = Eigen::MatrixXd::Zero(n_, n_);
  if (options_.damping == DampingForm::kConstant) {
    lower_factor(parameters, lower);
  } else if (options_.damping == DampingForm::kStateDependent) {
    lower_factor(outputs + options_.damping_output, lower);
  }
  return lower * lower.transpose();
}

Eigen::VectorXd LearnedDissipation::forcing(const double* parameters, double t) const {
  Eigen::VectorXd force = Eigen::VectorXd::Zero(n_);
  const int frequencies = frequency_count();
  const double* a = parameters + forcing_offset();
  const double* b = a + n_ * frequencies;
  for (int k = 0; k < frequencies; ++k) {
    const double w = options_.forcing_frequencies[std::size_t(k)];
    const double c = std::cos(w * t), s = std::sin(w * t);
    for (int i = 0; i < n_; ++i) force[i] += a[k * n_ + i] * c + b[k * n_ + i] * s;
  }
  return force;
}

void LearnedDissipation::add_to_field(const double* parameters, const double* outputs, double t,
                                      const double* hamiltonian_gradient, double* field) const {
  const Eigen::Map<const Eigen::VectorXd> momentum_gradient(hamiltonian_gradient + n_, n_);
  Eigen::Map<Eigen::VectorXd> momentum_field(field + n_, n_);
  if (options_.damping != DampingForm::kNone) {
    momentum_field -= damping_matrix(parameters, outputs) * momentum_gradient;
  }
  if (frequency_count() > 0) momentum_field += forcing(parameters, t);
}

}  // namespace hnn
