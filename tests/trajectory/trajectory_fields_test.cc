// The trajectory objective (hnn/trajectory_objective.h) with the HNN's other field types and
// the state-dependent damping: the D-HNN's J dF_H/dx + dF_C/dx (field type both), dF_C/dx
// alone (conservative), and D = L(x) L(x)^T read from the model's outputs. One RK4 step
// against a hand step of the field as the host's rollouts compute it (the model's input
// gradients and hnn::LearnedDissipation::add_to_field), exact gradients against finite
// differences for k = 1, 2, 8 with the mlp and the kan, the fast path (pass slots, fused
// products) against the fallback path, no allocation, the refusals.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "allocation_counter.h"
#include "hnn/error.h"
#include "hnn/gradient_check.h"
#include "hnn/trajectory_objective.h"
#include "plain_model.h"
#include "trajectory_fixtures.h"
#include "uniform_matrix.h"

namespace {

// Small models with 3 outputs: F_C (0), H (1) and L(x) (2, one degree of freedom).
std::shared_ptr<hnn::Model> three_output_model(const std::string& name) {
  return hnn::testing::small_model(name, 3);
}

hnn::TrajectoryWindows wavy_windows(int steps) { return hnn::testing::windows_of(steps); }

using hnn::DampingForm;
using hnn::FieldType;
using hnn::TrajectoryField;
using hnn::TrajectoryMethod;

// A field of the HNN: its type, and optionally the state damping and a forcing.
struct FieldCase {
  FieldType type;
  bool state_damping;
  bool forcing;
};

std::string describe(const FieldCase& c) {
  return hnn::to_string(c.type) + (c.state_damping ? " + state damping" : "") +
         (c.forcing ? " + forcing" : "");
}

hnn::TrajectoryObjectiveOptions options_for(const FieldCase& c) {
  hnn::TrajectoryObjectiveOptions options;
  options.field_type = c.type;
  options.hamiltonian_output = 1;
  options.conservative_output = 0;
  if (c.state_damping) options.dissipation.damping = DampingForm::kStateDependent;
  if (c.forcing) options.dissipation.forcing_frequencies = {1.3};
  return options;
}

const std::vector<FieldCase>& field_cases() {
  static const std::vector<FieldCase> cases = {{FieldType::kBoth, false, false},
                                               {FieldType::kConservative, false, false},
                                               {FieldType::kSolenoidal, true, false},
                                               {FieldType::kBoth, true, true}};
  return cases;
}

// The field at x and time t as the host's rollouts compute it: the model's input gradients
// and LearnedDissipation::add_to_field, one state at a time.
Eigen::Vector2d rollout_field(hnn::Model& model, const hnn::TrajectoryObjectiveOptions& options,
                              const Eigen::VectorXd& dissipation_parameters,
                              const Eigen::Vector2d& x, double t) {
  model.forward(x);
  Eigen::MatrixXd outputs(model.output_dimension(), 1);
  model.outputs(outputs);
  Eigen::Vector2d field = Eigen::Vector2d::Zero();
  Eigen::Vector2d g = Eigen::Vector2d::Zero();
  if (options.field_type != FieldType::kConservative) {
    model.input_gradient(options.hamiltonian_output, g);
    field << g[1], -g[0];
  }
  if (options.field_type != FieldType::kSolenoidal) {
    Eigen::Vector2d c;
    model.input_gradient(options.conservative_output, c);
    field += c;
  }
  if (options.dissipation.active()) {
    hnn::LearnedDissipation dissipation(options.dissipation, 1);
    dissipation.add_to_field(dissipation_parameters.data(), outputs.data(), t, g.data(),
                             field.data());
  }
  return field;
}

}  // namespace

TEST_CASE("one RK4 step is the hand step of the field the rollouts integrate") {
  for (const std::string name : {"mlp", "kan"}) {
    const auto model = three_output_model(name);
    for (const FieldCase& c : field_cases()) {
      CAPTURE(name);
      CAPTURE(describe(c));
      const auto options = options_for(c);
      hnn::TrajectoryWindows windows;
      windows.steps = 1;
      windows.initial_states = Eigen::Vector2d(0.3, -0.7);
      windows.targets = Eigen::Vector2d::Zero();
      windows.time_steps = Eigen::MatrixXd::Constant(1, 1, 0.25);
      windows.trajectory = {0};
      windows.first_sample = {0};
      windows.start_times = Eigen::RowVectorXd::Constant(1, 0.7);
      hnn::TrajectoryObjective objective(*model, windows, options);
      Eigen::VectorXd theta = objective.initial_parameters();
      const Eigen::Index p = model->parameter_count();
      Eigen::VectorXd dissipation = theta.tail(theta.size() - p);
      if (c.forcing) dissipation << 0.2, -0.1;  // F(t) = 0.2 cos(1.3 t) - 0.1 sin(1.3 t)
      theta.tail(dissipation.size()) = dissipation;
      double loss = 0.0;
      REQUIRE(objective.evaluate(theta.data(), &loss, nullptr));
      const Eigen::Vector2d predicted = objective.last_predictions().col(0);

      const auto f = [&](const Eigen::Vector2d& y, double t) {
        return rollout_field(*model, options, dissipation, y, t);
      };
      const Eigen::Vector2d x = windows.initial_states.col(0);
      const double h = 0.25, t = 0.7;
      const Eigen::Vector2d k1 = f(x, t);
      const Eigen::Vector2d k2 = f(x + 0.5 * h * k1, t + 0.5 * h);
      const Eigen::Vector2d k3 = f(x + 0.5 * h * k2, t + 0.5 * h);
      const Eigen::Vector2d k4 = f(x + h * k3, t + h);
      const Eigen::Vector2d expected = x + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
      CHECK((predicted - expected).cwiseAbs().maxCoeff() <= 1e-13);
      CHECK(loss == doctest::Approx(expected.squaredNorm() / 2.0).epsilon(1e-12));
      // The parts are really there: the field differs from J dH/dx alone.
      const Eigen::Vector2d solenoidal_only = rollout_field(
          *model, options_for({FieldType::kSolenoidal, false, false}), Eigen::VectorXd(), x, t);
      CHECK((k1 - solenoidal_only).norm() > 1e-5);
    }
  }
}

TEST_CASE("the D-HNN field and the state damping: the gradient is exact for k = 1, 2, 8") {
  for (const std::string name : {"mlp", "kan"}) {
    const auto model = three_output_model(name);
    for (const FieldCase& c : field_cases()) {
      for (const int steps : {1, 2, 8}) {
        CAPTURE(name);
        CAPTURE(describe(c));
        CAPTURE(steps);
        const auto options = options_for(c);
        hnn::TrajectoryObjective objective(*model, wavy_windows(steps), options);
        Eigen::VectorXd theta = objective.initial_parameters();
        if (c.forcing) theta.tail(2) << 0.15, -0.2;
        // The kan's rollouts at k = 8 curve strongly in its first parameters: the default
        // step 1e-3 misses by 3e-2 there, 1e-4 by 8e-6, 1e-5 agrees (the mlp's at 1e-3).
        hnn::GradientCheckOptions check;
        if (name == "kan") check.step = 1e-5;
        const auto result = hnn::check_objective_gradient(objective, theta, check);
        CHECK_MESSAGE(result.passed(1e-6), result.report());
      }
    }
  }
}

TEST_CASE("learned initial states with the D-HNN field and the state damping: exact gradient") {
  // The state adjoint of the windows' first stages, L(x)'s input gradients included.
  const auto model = three_output_model("mlp");
  for (const FieldCase& c : field_cases()) {
    CAPTURE(describe(c));
    auto options = options_for(c);
    options.learn_initial_states = true;
    hnn::TrajectoryObjective objective(*model, wavy_windows(2), options);
    Eigen::VectorXd theta = objective.initial_parameters();
    const Eigen::Index states = theta.size() - objective.initial_state_offset();
    theta.tail(states) += 0.05 * hnn::testing::uniform_matrix(states, 1, 7).reshaped();
    const auto result = hnn::check_objective_gradient(objective, theta);
    CHECK_MESSAGE(result.passed(1e-6), result.report());
  }
}

TEST_CASE("the fast path equals the fallback path; neither allocates") {
  for (const std::string name : {"mlp", "kan"}) {
    const auto model = three_output_model(name);
    REQUIRE(model->has_pass_slots());
    hnn::testing::PlainModel plain(*model);
    for (const FieldCase& c : field_cases()) {
      for (const int steps : {1, 3}) {
        CAPTURE(name);
        CAPTURE(describe(c));
        CAPTURE(steps);
        const auto options = options_for(c);
        hnn::TrajectoryObjective fast(*model, wavy_windows(steps), options);
        hnn::TrajectoryObjective fallback(plain, wavy_windows(steps), options);
        Eigen::VectorXd theta = fast.initial_parameters();
        if (c.forcing) theta.tail(2) << 0.15, -0.2;
        hnn::testing::check_fast_equals_fallback(fast, fallback, theta);
      }
    }
  }
}

TEST_CASE("the refusals: leapfrog with the D-HNN parts, dissipation without dH/dx, outputs") {
  const auto model = three_output_model("mlp");
  auto options = options_for({FieldType::kBoth, false, false});
  options.method = TrajectoryMethod::kLeapfrog;
  CHECK_THROWS_WITH_AS(hnn::TrajectoryObjective(*model, wavy_windows(1), options),
                       doctest::Contains("field type both needs method rk4"), hnn::Error);
  options = options_for({FieldType::kConservative, true, false});
  CHECK_THROWS_WITH_AS(
      hnn::TrajectoryObjective(*model, wavy_windows(1), options),
      doctest::Contains("needs method rk4 and field solenoidal with field type solenoidal or "
                        "both, found rk4, solenoidal and conservative"),
      hnn::Error);
  options = options_for({FieldType::kBoth, false, false});
  options.conservative_output = 3;
  CHECK_THROWS_WITH_AS(hnn::TrajectoryObjective(*model, wavy_windows(1), options),
                       doctest::Contains("conservative_output = 3 needs a model with at least 4 "
                                         "outputs (counted from 0); the model has 3 "
                                         "(field type both)"),
                       hnn::Error);
  options = options_for({FieldType::kSolenoidal, true, false});
  options.dissipation.damping_output = 3;
  CHECK_THROWS_WITH_AS(hnn::TrajectoryObjective(*model, wavy_windows(1), options),
                       doctest::Contains("the model needs at least 4 outputs, it has 3"),
                       hnn::Error);
}
