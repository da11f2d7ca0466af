#include "dormand_prince_integrator.h"

#include <algorithm>
#include <array>
#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>
#include <cmath>
#include <limits>
#include <sstream>
#include <utility>

#include "field_system.h"
#include "hnn/error.h"

namespace hnn::integrators {
namespace {

namespace odeint = boost::numeric::odeint;

const std::string kName = "rk45";

// SciPy's step-size controller constants (scipy/integrate/_ivp/rk.py).
constexpr double kSafety = 0.9;
constexpr double kMinimumFactor = 0.2;
constexpr double kMaximumFactor = 10.0;
constexpr double kErrorExponent = -1.0 / 5.0;  // -1 / (error estimator order + 1)

// SciPy's RK45.P: dense output y(t_old + theta h) = y_old + h sum_i K_i sum_k P[i][k]
// theta^(k+1), i over the 7 stages (K_7 = f(t_new, y_new)). Row 2 (stage 2) is zero.
constexpr double kDenseOutput[7][4] = {
    {1.0, -8048581381.0 / 2820520608.0, 8663915743.0 / 2820520608.0,
     -12715105075.0 / 11282082432.0},
    {0.0, 0.0, 0.0, 0.0},
    {0.0, 131558114200.0 / 32700410799.0, -68118460800.0 / 10900136933.0,
     87487479700.0 / 32700410799.0},
    {0.0, -1754552775.0 / 470086768.0, 14199869525.0 / 1410260304.0, -10690763975.0 / 1880347072.0},
    {0.0, 127303824393.0 / 49829197408.0, -318862633887.0 / 49829197408.0,
     701980252875.0 / 199316789632.0},
    {0.0, -282668133.0 / 205662961.0, 2019193451.0 / 616988883.0, -1453857185.0 / 822651844.0},
    {0.0, 40617522.0 / 29380423.0, -110615467.0 / 29380423.0, 69997945.0 / 29380423.0},
};

using Stepper =
    odeint::runge_kutta_dopri5<State, double, State, double, odeint::vector_space_algebra>;

// SciPy's norm: the root mean square of the components (summed in index order).
double rms_norm(const Eigen::VectorXd& v) {
  double sum = 0.0;
  for (Eigen::Index j = 0; j < v.size(); ++j) sum += v[j] * v[j];
  return std::sqrt(sum) / std::sqrt(static_cast<double>(v.size()));
}

// An odeint system that also keeps a copy of the stage derivatives of one do_step() call.
// runge_kutta_dopri5::do_step evaluates, in this order, K2, K3, K4, K5, K6 and K7 =
// f(t + h, y_new); SciPy's dense output needs K3..K6, which odeint keeps private.
class StageRecordingSystem {
 public:
  StageRecordingSystem(FieldSystem system, std::array<State, 6>& stages, int& calls)
      : system_(system), stages_(&stages), calls_(&calls) {}

  void operator()(const State& x, State& dxdt, double t) const {
    system_(x, dxdt, t);
    if (*calls_ < 6) (*stages_)[*calls_] = dxdt;
    ++*calls_;
  }

 private:
  FieldSystem system_;
  std::array<State, 6>* stages_;
  int* calls_;
};

// SciPy's select_initial_step for order 4 (Hairer, Norsett, Wanner, section II.4).
double initial_step(const FieldSystem& system, double t0, const State& y0, const State& f0,
                    double relative_tolerance, double absolute_tolerance) {
  const Eigen::VectorXd scale = absolute_tolerance + y0.array().abs() * relative_tolerance;
  const double d0 = rms_norm(y0.cwiseQuotient(scale));
  const double d1 = rms_norm(f0.cwiseQuotient(scale));
  const double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
  const State y1 = y0 + h0 * f0;
  State f1(y0.size());
  system(y1, f1, t0 + h0);
  const double d2 = rms_norm((f1 - f0).cwiseQuotient(scale)) / h0;
  const double h1 = (d1 <= 1e-15 && d2 <= 1e-15) ? std::max(1e-6, h0 * 1e-3)
                                                 : std::pow(0.01 / std::max(d1, d2), 1.0 / 5.0);
  return std::min(100.0 * h0, h1);
}

std::string format_number(double value) {
  std::ostringstream text;
  text.precision(17);
  text << value;
  return text.str();
}

}  // namespace

const OptionBinding<DormandPrinceOptions>& DormandPrinceOptions::binding() {
  static const OptionBinding<DormandPrinceOptions> binding = [] {
    using Self = DormandPrinceOptions;
    OptionBinding<Self> b(kName);
    b.bind("rtol", &Self::relative_tolerance,
           "relative tolerance (the data generators' 1e-10; SciPy's default is 1e-3)")
        .at_least(100.0 * std::numeric_limits<double>::epsilon());
    b.bind("atol", &Self::absolute_tolerance, "absolute tolerance (SciPy's default)")
        .greater_than(0.0);
    b.bind("max_steps", &Self::maximum_steps,
           "most steps (accepted and rejected) of one integration before it fails")
        .at_least(1);
    b.require_finite({"rtol", "atol"});
    return b;
  }();
  return binding;
}

DormandPrinceIntegrator::DormandPrinceIntegrator(const DormandPrinceOptions& settings)
    : settings_(settings) {
  DormandPrinceOptions::binding().check(settings_);
}

Eigen::MatrixXd DormandPrinceIntegrator::integrate(const VectorField& field,
                                                   const Eigen::VectorXd& x0,
                                                   const std::vector<double>& times,
                                                   IntegrationStatistics* statistics) const {
  check_integration_arguments(kName, x0, times);
  const Eigen::Index dimension = x0.size();
  const std::size_t output_count = times.size();
  Eigen::MatrixXd states(dimension, static_cast<Eigen::Index>(output_count));
  const double rtol = settings_.relative_tolerance;
  const double atol = settings_.absolute_tolerance;

  long evaluations = 0;
  long accepted = 0;
  long rejected = 0;
  const auto report = [&] {
    if (statistics == nullptr) return;
    statistics->field_evaluations = evaluations;
    statistics->accepted_steps = accepted;
    statistics->rejected_steps = rejected;
  };

  double t = times.front();
  const double t_bound = times.back();
  if (t == t_bound) {  // SciPy: no integration, every output is x0.
    states.colwise() = x0;
    report();
    return states;
  }

  const FieldSystem system(field, evaluations);
  State y = x0;
  State f(dimension);
  system(y, f, t);
  check_finite_state(kName, f, t);
  double step_size = initial_step(system, t, y, f, rtol, atol);

  std::array<State, 6> stages;
  int stage_calls = 0;
  const StageRecordingSystem recording_system(system, stages, stage_calls);
  Stepper stepper;
  State y_new(dimension), f_new(dimension), error(dimension);
  Eigen::MatrixXd dense_coefficients(dimension, 4);  // SciPy's Q = K^T P
  std::size_t next_output = 0;
  bool saw_non_finite = false;

  while (t < t_bound) {
    const double minimum_step =
        10.0 * std::abs(std::nextafter(t, std::numeric_limits<double>::infinity()) - t);
    if (step_size < minimum_step) step_size = minimum_step;
    bool step_rejected = false;
    double t_new = t;
    double h = 0.0;
    for (;;) {
      if (step_size < minimum_step) {
        report();
        throw Error(kName + ": step size underflow at t = " + format_number(t) +
                    (saw_non_finite ? " (the field or the state became non-finite)"
                                    : " (the problem is too stiff or the field too rough)"));
      }
      if (accepted + rejected >= settings_.maximum_steps) {
        report();
        throw Error(kName + ": more than max_steps = " + std::to_string(settings_.maximum_steps) +
                    " steps before reaching t = " + format_number(t_bound) +
                    " (stopped at t = " + format_number(t) + ")");
      }
      t_new = t + step_size;
      if (t_new > t_bound) t_new = t_bound;
      h = t_new - t;
      step_size = std::abs(h);
      stage_calls = 0;
      stepper.do_step(recording_system, y, f, t, y_new, f_new, h, error);
      if (stage_calls != 6) {
        throw Error(kName +
                    ": internal error: expected 6 field evaluations per Odeint "
                    "dopri5 step, got " +
                    std::to_string(stage_calls));
      }
      double error_norm = 0.0;
      {
        Eigen::VectorXd scaled(dimension);
        for (Eigen::Index j = 0; j < dimension; ++j) {
          const double scale = atol + std::max(std::abs(y[j]), std::abs(y_new[j])) * rtol;
          scaled[j] = error[j] / scale;
        }
        error_norm = rms_norm(scaled);
      }
      if (error_norm < 1.0) {
        double factor =
            error_norm == 0.0
                ? kMaximumFactor
                : std::min(kMaximumFactor, kSafety * std::pow(error_norm, kErrorExponent));
        if (step_rejected) factor = std::min(1.0, factor);
        step_size *= factor;
        ++accepted;
        break;
      }
      // A NaN norm (non-finite stage) compares false above and shrinks the step by the
      // minimum factor, as in SciPy (Python's max(0.2, nan) is 0.2).
      if (!std::isfinite(error_norm)) saw_non_finite = true;
      const double shrink = kSafety * std::pow(error_norm, kErrorExponent);
      step_size *= std::isnan(shrink) ? kMinimumFactor : std::max(kMinimumFactor, shrink);
      step_rejected = true;
      ++rejected;
    }
    check_finite_state(kName, y_new, t_new);

    if (next_output < output_count && times[next_output] <= t_new) {
      // Q = K^T P, summed over the stages in order; stage 2 has zero weights.
      const State* stage_derivative[7] = {&f,         &stages[0], &stages[1], &stages[2],
                                          &stages[3], &stages[4], &f_new};
      for (int k = 0; k < 4; ++k) {
        for (Eigen::Index j = 0; j < dimension; ++j) {
          double sum = 0.0;
          for (int i = 0; i < 7; ++i) sum += (*stage_derivative[i])[j] * kDenseOutput[i][k];
          dense_coefficients(j, k) = sum;
        }
      }
      const double dense_step = t_new - t;
      while (next_output < output_count && times[next_output] <= t_new) {
        const double theta = (times[next_output] - t) / dense_step;
        const double powers[4] = {theta, theta * theta, theta * theta * theta,
                                  theta * theta * theta * theta};
        for (Eigen::Index j = 0; j < dimension; ++j) {
          double sum = 0.0;
          for (int k = 0; k < 4; ++k) sum += dense_coefficients(j, k) * powers[k];
          states(j, static_cast<Eigen::Index>(next_output)) = dense_step * sum + y[j];
        }
        ++next_output;
      }
    }
    t = t_new;
    y.swap(y_new);
    f.swap(f_new);
  }
  report();
  return states;
}

}  // namespace hnn::integrators
