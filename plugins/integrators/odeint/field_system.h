// Glue between hnn::VectorField and Boost.Odeint, shared by the integrators of this plugin.
//
// Odeint calls a system as sys(x, dxdt, t); hnn fields are called as field(t, x, dxdt).
// FieldSystem adapts one to the other and counts evaluations. States are Eigen::VectorXd,
// handled by odeint's vector_space_algebra through its Eigen support headers.
#ifndef HNN_PLUGINS_INTEGRATORS_FIELD_SYSTEM_H_
#define HNN_PLUGINS_INTEGRATORS_FIELD_SYSTEM_H_

#include <Eigen/Core>
// Odeint's Eigen support needs the dispatcher and enable_if declared first.
#include <boost/numeric/odeint/algebra/algebra_dispatcher.hpp>
#include <boost/utility/enable_if.hpp>
// clang-format off
#include <boost/numeric/odeint/external/eigen/eigen.hpp>
// clang-format on
#include <string>
#include <vector>

#include "hnn/integrator.h"

namespace hnn::integrators {

using State = Eigen::VectorXd;

// An odeint system wrapping a field. Holds a reference to the field and to the counter:
// both must outlive it. Copyable (odeint passes systems by value).
class FieldSystem {
 public:
  FieldSystem(const VectorField& field, long& evaluations)
      : field_(&field), evaluations_(&evaluations) {}

  void operator()(const State& x, State& dxdt, double t) const {
    dxdt.resize(x.size());
    (*field_)(t, x, dxdt);
    ++*evaluations_;
  }

 private:
  const VectorField* field_;
  long* evaluations_;
};

// Checks the arguments of Integrator::integrate: a non-empty finite x0, finite
// non-decreasing times. Throws hnn::Error starting with `integrator_name`.
void check_integration_arguments(const std::string& integrator_name, const State& x0,
                                 const std::vector<double>& times);

// Throws hnn::Error when x has a non-finite entry, naming the integrator and the time.
void check_finite_state(const std::string& integrator_name, const State& x, double t);

// The number of equal steps of at most `maximum_step` that cover `interval` (>= 0):
// ceil(interval / maximum_step) with a relative slack of 1e-12, so that an interval that
// is a multiple of the step up to round-off is not split into one extra sliver step;
// 0 for an empty interval.
long count_fixed_steps(double interval, double maximum_step);

}  // namespace hnn::integrators

#endif  // HNN_PLUGINS_INTEGRATORS_FIELD_SYSTEM_H_
